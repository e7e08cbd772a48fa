package window

import (
	"slices"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCover(t *testing.T) {
	cases := []struct {
		name, since, until string
		want               []string
	}{
		{"24 hours across midnight", "2025-03-10T12:00:00Z", "2025-03-11T12:00:00Z", []string{"2025-03-10", "2025-03-11"}},
		{"one whole day", "2025-03-10T00:00:00Z", "2025-03-11T00:00:00Z", []string{"2025-03-10"}},
		{"one second", "2025-03-10T23:59:59Z", "2025-03-11T00:00:00Z", []string{"2025-03-10"}},
		{"a whole month", "2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z", []string{"2025-02"}},
		{"month boundary, partial both sides", "2025-01-30T06:00:00Z", "2025-02-02T06:00:00Z",
			[]string{"2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02"}},
		{"a month inside, days around it", "2025-01-31T18:00:00Z", "2025-03-01T01:00:00Z",
			[]string{"2025-01-31", "2025-02", "2025-03-01"}},
		{"leap February", "2024-02-28T00:00:00Z", "2024-03-01T00:00:00Z", []string{"2024-02-28", "2024-02-29"}},
		{"a whole year and a month", "2024-01-01T00:00:00Z", "2025-02-01T00:00:00Z", []string{"2024", "2025-01"}},
		{"offset times are read in UTC", "2025-03-10T01:00:00+02:00", "2025-03-10T03:00:00+02:00", []string{"2025-03-09", "2025-03-10"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := New(at(c.since), at(c.until))
			if err != nil {
				t.Fatal(err)
			}
			if got := w.Cover(); !slices.Equal(got, c.want) {
				t.Errorf("Cover() = %v, want %v", got, c.want)
			}
			// Whatever the cover, its periods are disjoint, in order, and
			// together hold the window.
			var prev time.Time
			for i, p := range w.Cover() {
				pw, err := Period(p)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 && pw.Since.After(w.Since) {
					t.Errorf("the first period %s starts after the window %s", p, w)
				}
				if i > 0 && !pw.Since.Equal(prev) {
					t.Errorf("period %s does not start where the one before ended (%s)", p, prev)
				}
				prev = pw.Until
			}
			if prev.Before(w.Until) {
				t.Errorf("the cover ends at %s, before the window %s", prev, w)
			}
		})
	}
}

func TestDays(t *testing.T) {
	w, _ := New(at("2025-02-27T22:00:00Z"), at("2025-03-01T00:00:01Z"))
	want := []string{"2025-02-27", "2025-02-28", "2025-03-01"}
	if got := w.Days(); !slices.Equal(got, want) {
		t.Errorf("Days() = %v, want %v", got, want)
	}
}

func TestContainsIsHalfOpen(t *testing.T) {
	w, _ := New(at("2025-03-10T12:00:00Z"), at("2025-03-11T12:00:00Z"))
	for s, want := range map[string]bool{
		"2025-03-10T11:59:59Z": false,
		"2025-03-10T12:00:00Z": true,
		"2025-03-11T11:59:59Z": true,
		"2025-03-11T12:00:00Z": false,
	} {
		if got := w.Contains(at(s)); got != want {
			t.Errorf("Contains(%s) = %t, want %t", s, got, want)
		}
	}
}

func TestNewRefusesAnEmptyWindow(t *testing.T) {
	for _, c := range [][2]string{
		{"2025-03-10T12:00:00Z", "2025-03-10T12:00:00Z"},
		{"2025-03-11T00:00:00Z", "2025-03-10T00:00:00Z"},
	} {
		if _, err := New(at(c[0]), at(c[1])); err == nil {
			t.Errorf("New(%s, %s) accepted an empty window", c[0], c[1])
		}
	}
}

func TestPeriod(t *testing.T) {
	for p, want := range map[string][2]string{
		"2024":       {"2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"},
		"2024-02":    {"2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"},
		"2024-12-31": {"2024-12-31T00:00:00Z", "2025-01-01T00:00:00Z"},
	} {
		w, err := Period(p)
		if err != nil || !w.Since.Equal(at(want[0])) || !w.Until.Equal(at(want[1])) {
			t.Errorf("Period(%q) = %s, %v; want [%s, %s)", p, w, err, want[0], want[1])
		}
	}
	for _, bad := range []string{"", "24", "2024-2", "2024-13", "2024-02-30", "2024-02-01T00"} {
		if _, err := Period(bad); err == nil {
			t.Errorf("Period(%q) accepted", bad)
		}
	}
}
