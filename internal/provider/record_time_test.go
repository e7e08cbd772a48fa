package provider

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func TestRecordTime(t *testing.T) {
	cases := []struct {
		in, want, day string // want "" when not ok
	}{
		{"2025-03-01 07:45:00", "2025-03-01T07:45:00Z", "2025-03-01"},
		{"2024-02-29 23:59:59", "2024-02-29T23:59:59Z", "2024-02-29"},
		{"0000-01-01 00:00:00", "0000-01-01T00:00:00Z", "0000-01-01"},
		{"9999-12-31 23:59:59", "9999-12-31T23:59:59Z", "9999-12-31"},
		// RFC 3339 with a zone: the instant, and its UTC date.
		{"2025-03-01T01:30:00+02:00", "2025-02-28T23:30:00Z", "2025-02-28"},
		{"2025-03-01T07:45:00.5Z", "2025-03-01T07:45:00.5Z", "2025-03-01"},
		{"2025-02-29 00:00:00", "", ""},
		{"2025-13-01 00:00:00", "", ""},
		{"2025-03-01 24:00:00", "", ""},
		{"2025-03-01 12:00:60", "", ""},
		{"2025-03-01T07:45:00", "", ""}, // no zone
		{"2025-03-01 7:45:00", "", ""},
		{"2025-03-01 +7:45:00", "", ""},
		{"", "", ""},
		{"onok_key.secret", "", ""},
	}
	for _, c := range cases {
		got, day, ok := recordTime(c.in)
		if ok != (c.want != "") || (ok && (got.Format(time.RFC3339Nano) != c.want || day != c.day)) {
			t.Errorf("recordTime(%q) = %s, %q, %t; want %q, %q", c.in, got.Format(time.RFC3339Nano), day, ok, c.want, c.day)
		}
	}
}

// The hand-written reader of the API's form agrees with time.Parse on
// every field value, valid or not, also when it reuses the date of the
// record before (every other record here repeats the previous date).
func TestRecordClockAgreesWithTimeParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	field := func(n, below int) string { return fmt.Sprintf("%0*d", n, rng.IntN(below)) }
	var c recordClock
	date := "2025-01-01"
	for i := range 200_000 {
		if i%2 == 0 {
			date = field(4, 10000) + "-" + field(2, 14) + "-" + field(2, 33)
		}
		s := date + " " + field(2, 26) + ":" + field(2, 62) + ":" + field(2, 62)
		want, err := time.Parse("2006-01-02 15:04:05", s)
		got, day, ok := c.read(s)
		if ok != (err == nil) || (ok && (!got.Equal(want) || day != date)) {
			t.Fatalf("read(%q) = %s, %q, %t; time.Parse: %s, %v", s, got, day, ok, want, err)
		}
	}
}
