// Package window turns time spans into the periods the Onomondo API's
// `time` filter takes (a year `YYYY`, a month `YYYY-MM` or a day
// `YYYY-MM-DD`, all UTC), and periods back into spans.
//
// The API filters by whole periods only. An exact window such as "the last
// 24 hours" is therefore read as the fewest periods that cover it (Cover),
// and the records outside the window are dropped by their start time
// (Contains). It is plain Go: the client and the provider both use it.
package window

import (
	"fmt"
	"time"
)

// Window is the half-open span [Since, Until), in UTC.
type Window struct {
	Since, Until time.Time
}

// New returns the window [since, until) in UTC; since must come before
// until.
func New(since, until time.Time) (Window, error) {
	since, until = since.UTC(), until.UTC()
	if !since.Before(until) {
		return Window{}, fmt.Errorf("the window starts at %s, which is not before its end %s",
			since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	return Window{Since: since, Until: until}, nil
}

// Contains reports whether t lies in the window: Since <= t < Until.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Since) && t.Before(w.Until)
}

// String is the window in RFC 3339, as "[since, until)".
func (w Window) String() string {
	return "[" + w.Since.Format(time.RFC3339) + ", " + w.Until.Format(time.RFC3339) + ")"
}

// Cover returns the fewest periods whose union covers the window and lies
// as close to it as whole days allow: every year that lies wholly inside it
// as `YYYY`, every other month wholly inside it as `YYYY-MM`, and every
// other day that overlaps it as `YYYY-MM-DD`, in time order. Each is one
// value of the API's time filter, so one paged read.
func (w Window) Cover() []string {
	var out []string
	t := startOfDay(w.Since)
	for t.Before(w.Until) {
		switch {
		case t.YearDay() == 1 && w.holds(t, t.AddDate(1, 0, 0)):
			out = append(out, t.Format("2006"))
			t = t.AddDate(1, 0, 0)
		case t.Day() == 1 && w.holds(t, t.AddDate(0, 1, 0)):
			out = append(out, t.Format("2006-01"))
			t = t.AddDate(0, 1, 0)
		default:
			out = append(out, t.Format("2006-01-02"))
			t = t.AddDate(0, 0, 1)
		}
	}
	return out
}

// Days returns every UTC day that overlaps the window, as `YYYY-MM-DD`, in
// time order: the cover of an endpoint that filters by day only.
func (w Window) Days() []string {
	var out []string
	for t := startOfDay(w.Since); t.Before(w.Until); t = t.AddDate(0, 0, 1) {
		out = append(out, t.Format("2006-01-02"))
	}
	return out
}

// holds reports whether [from, to) lies wholly inside the window.
func (w Window) holds(from, to time.Time) bool {
	return !from.Before(w.Since) && !to.After(w.Until)
}

// Period returns the window of one period value of the API's time filter:
// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, in UTC.
func Period(p string) (Window, error) {
	for _, f := range []struct {
		layout string
		years  int
		months int
		days   int
	}{{"2006", 1, 0, 0}, {"2006-01", 0, 1, 0}, {"2006-01-02", 0, 0, 1}} {
		if len(p) != len(f.layout) {
			continue
		}
		t, err := time.Parse(f.layout, p)
		if err != nil {
			break
		}
		return Window{Since: t, Until: t.AddDate(f.years, f.months, f.days)}, nil
	}
	return Window{}, fmt.Errorf("%q is not a period: use YYYY, YYYY-MM or YYYY-MM-DD", p)
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
