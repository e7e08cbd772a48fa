package projection

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestProject(t *testing.T) {
	cases := []struct {
		name   string
		bytes  int64
		period string
		at     string
		want   int64
		err    string // non-empty: the error must contain it
	}{
		// A 30-day month, 10 days in: three times the usage so far.
		{name: "month a third through", bytes: 1000, period: "2025-04", at: "2025-04-11T00:00:00Z", want: 3000},
		// A 31-day month, halfway: 15.5 days.
		{name: "month halfway", bytes: 1000, period: "2025-03", at: "2025-03-16T12:00:00Z", want: 2000},
		// February of a leap year has 29 days: 29/14 of the usage at day 14.
		{name: "leap February", bytes: 1400, period: "2024-02", at: "2024-02-15T00:00:00Z", want: 2900},
		{name: "common February", bytes: 1400, period: "2025-02", at: "2025-02-15T00:00:00Z", want: 2800},
		// A leap year has 366 days: on 2024-03-01, 60 of them have passed.
		{name: "leap year", bytes: 600, period: "2024", at: "2024-03-01T00:00:00Z", want: 3660},
		{name: "common year", bytes: 590, period: "2025", at: "2025-03-01T00:00:00Z", want: 3650},
		{name: "leap day itself", bytes: 1000, period: "2024-02-29", at: "2024-02-29T06:00:00Z", want: 4000},
		// Rounding: to the nearest byte, halves up.
		{name: "rounds down", bytes: 1, period: "2025-04", at: "2025-04-08T00:00:00Z", want: 4}, // 30/7 = 4.29
		{name: "rounds up", bytes: 2, period: "2025-04", at: "2025-04-08T00:00:00Z", want: 9},   // 60/7 = 8.57
		{name: "half rounds up", bytes: 1, period: "2025-04-01", at: "2025-04-01T16:00:00Z", want: 2},
		{name: "zero stays zero", bytes: 0, period: "2025-04", at: "2025-04-01T00:00:01Z", want: 0},
		// Offsets are read in UTC: 01:00+02:00 is 23:00 the day before.
		{name: "offset time", bytes: 23, period: "2025-03-31", at: "2025-04-01T01:00:00+02:00", want: 24},
		// Sub-second instants count.
		{name: "fraction of a second", bytes: 1, period: "2025-04-01", at: "2025-04-01T00:00:00.5Z", want: 172800},
		// The end of the period and later: the usage unchanged.
		{name: "at the end", bytes: 1234, period: "2025-03", at: "2025-04-01T00:00:00Z", want: 1234},
		{name: "after the end", bytes: 1234, period: "2025-03", at: "2026-12-06T22:50:10Z", want: 1234},
		{name: "last nanosecond", bytes: 1000, period: "2025-03-01", at: "2025-03-01T23:59:59.999999999Z", want: 1000},
		// Big byte counts stay exact: no float in between.
		{name: "exact big", bytes: 3000000000000000001, period: "2025-04", at: "2025-04-16T00:00:00Z", want: 6000000000000000002},
		{name: "max int64 at the end", bytes: math.MaxInt64, period: "2025", at: "2026-01-01T00:00:00Z", want: math.MaxInt64},

		// Refusals.
		{name: "not begun", period: "2025-04", at: "2025-03-31T23:59:59Z",
			err: "the period 2025-04 has not begun at 2025-03-31T23:59:59Z (it begins at 2025-04-01T00:00:00Z): there is no usage of it to project yet"},
		{name: "future year", bytes: 5, period: "2099", at: "2026-12-06T00:00:00Z", err: "the period 2099 has not begun at 2026-12-06T00:00:00Z"},
		{name: "at the start", period: "2025-04", at: "2025-04-01T00:00:00Z",
			err: "the period 2025-04 begins at 2025-04-01T00:00:00Z, the instant given: none of it has passed"},
		{name: "negative", bytes: -1, period: "2025-04", at: "2025-04-02T00:00:00Z", err: "cannot project -1 bytes: usage is never negative"},
		{name: "bad period", bytes: 1, period: "2025-4", at: "2025-04-02T00:00:00Z", err: `"2025-4" is not a period: use YYYY, YYYY-MM or YYYY-MM-DD`},
		{name: "no such day", bytes: 1, period: "2025-02-29", at: "2025-03-02T00:00:00Z", err: `"2025-02-29" is not a period`},
		{name: "overflow", bytes: math.MaxInt64 / 2, period: "2025-04", at: "2025-04-11T00:00:00Z",
			err: "the projection of 4611686018427387903 bytes, used in the first 240h0m0s of 2025-04, is 13835058055282163709 bytes: beyond the largest 64-bit integer (9223372036854775807)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			instant, err := time.Parse(time.RFC3339Nano, c.at)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Project(c.bytes, c.period, instant)
			switch {
			case c.err == "" && (err != nil || got != c.want):
				t.Errorf("Project(%d, %q, %s) = %d, %v; want %d", c.bytes, c.period, c.at, got, err, c.want)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("Project(%d, %q, %s) = %d, %v; want an error containing %q", c.bytes, c.period, c.at, got, err, c.err)
			}
		})
	}
}
