package projection

import (
	"math"
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestProject(t *testing.T) {
	cases := []struct {
		name   string
		bytes  int64
		period string
		at     string
		want   int64
	}{
		// A 30-day month, 10 days in: three times the usage so far.
		{"month a third through", 1000, "2025-04", "2025-04-11T00:00:00Z", 3000},
		// A 31-day month, halfway: 15.5 days.
		{"month halfway", 1000, "2025-03", "2025-03-16T12:00:00Z", 2000},
		// February of a leap year has 29 days: 29/14 of the usage at day 14.
		{"leap February", 1400, "2024-02", "2024-02-15T00:00:00Z", 2900},
		{"common February", 1400, "2025-02", "2025-02-15T00:00:00Z", 2800},
		// A leap year has 366 days: on 2024-03-01, 60 of them have passed.
		{"leap year", 600, "2024", "2024-03-01T00:00:00Z", 3660},
		{"common year", 590, "2025", "2025-03-01T00:00:00Z", 3650},
		{"leap day itself", 1000, "2024-02-29", "2024-02-29T06:00:00Z", 4000},
		// Rounding: to the nearest byte, halves up.
		{"rounds down", 1, "2025-04", "2025-04-08T00:00:00Z", 4},       // 30/7 = 4.29
		{"rounds up", 2, "2025-04", "2025-04-08T00:00:00Z", 9},         // 60/7 = 8.57
		{"half rounds up", 1, "2025-04-01", "2025-04-01T16:00:00Z", 2}, // 24/16 = 1.5
		{"zero stays zero", 0, "2025-04", "2025-04-01T00:00:01Z", 0},
		// Offsets are read in UTC: 01:00+02:00 is 23:00 the day before.
		{"offset time", 23, "2025-03-31", "2025-04-01T01:00:00+02:00", 24},
		// Sub-second instants count.
		{"fraction of a second", 1, "2025-04-01", "2025-04-01T00:00:00.5Z", 172800},
		// The end of the period and later: the usage unchanged.
		{"at the end", 1234, "2025-03", "2025-04-01T00:00:00Z", 1234},
		{"after the end", 1234, "2025-03", "2026-12-06T22:50:10Z", 1234},
		{"last nanosecond", 1000, "2025-03-01", "2025-03-01T23:59:59.999999999Z", 1000},
		// Big byte counts stay exact: no float in between.
		{"exact big", 3000000000000000001, "2025-04", "2025-04-16T00:00:00Z", 6000000000000000002},
		{"max int64 at the end", math.MaxInt64, "2025", "2026-01-01T00:00:00Z", math.MaxInt64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Project(c.bytes, c.period, at(c.at))
			if err != nil || got != c.want {
				t.Errorf("Project(%d, %q, %s) = %d, %v; want %d", c.bytes, c.period, c.at, got, err, c.want)
			}
		})
	}
}

func TestProjectRefuses(t *testing.T) {
	cases := []struct {
		name   string
		bytes  int64
		period string
		at     string
		want   string
	}{
		{"not begun", 0, "2025-04", "2025-03-31T23:59:59Z",
			"the period 2025-04 has not begun at 2025-03-31T23:59:59Z (it begins at 2025-04-01T00:00:00Z): there is no usage of it to project yet"},
		{"future year", 5, "2099", "2026-12-06T00:00:00Z", "the period 2099 has not begun at 2026-12-06T00:00:00Z"},
		{"at the start", 0, "2025-04", "2025-04-01T00:00:00Z",
			"the period 2025-04 begins at 2025-04-01T00:00:00Z, the instant given: none of it has passed"},
		{"negative", -1, "2025-04", "2025-04-02T00:00:00Z", "cannot project -1 bytes: usage is never negative"},
		{"bad period", 1, "2025-4", "2025-04-02T00:00:00Z", `"2025-4" is not a period: use YYYY, YYYY-MM or YYYY-MM-DD`},
		{"no such day", 1, "2025-02-29", "2025-03-02T00:00:00Z", `"2025-02-29" is not a period`},
		{"overflow", math.MaxInt64 / 2, "2025-04", "2025-04-11T00:00:00Z",
			"the projection of 4611686018427387903 bytes, used in the first 240h0m0s of 2025-04, is 13835058055282163709 bytes: beyond the largest 64-bit integer (9223372036854775807)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Project(c.bytes, c.period, at(c.at))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Project(%d, %q, %s) = %d, %v; want an error containing %q", c.bytes, c.period, c.at, got, err, c.want)
			}
		})
	}
}
