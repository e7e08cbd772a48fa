package onomondo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// recordCheck checks every record of a usage read against what the read
// asked for: the period of each time filter, each country_code and sim_id
// filter, and the SIM in the path (by id or ICCID). An API that ignored or
// misread a filter would otherwise inflate every total without a word.
//
// A record that lacks the field a check needs (a group=hours record may
// lack several) is not a mismatch: only what a record says is checked.
//
// The API does not say in which time zone it applies a time filter (its
// records are UTC), so a record up to nearPeriod outside the period is
// counted and reported as a warning; one further outside, or of another
// country or SIM, is an error that names the record and the page.
type recordCheck struct {
	periods   []period
	countries []string // lower case
	simIDs    []string // sim_id filters
	pathSIM   string   // the SIM of GET /usage/{sim}: a 9-digit id or an ICCID

	near nearMisses
}

// period is one time filter: its value, its window in UTC, and the window's
// ends in the API's time layout, which compare as strings do.
type period struct {
	name         string
	w            window.Window
	since, until string
}

// nearPeriod is how far outside a period a record may lie and be read as
// the API applying the time filter in another time zone: UTC+14 is the
// furthest a zone lies from UTC.
const nearPeriod = 14 * time.Hour

// newRecordCheck builds the checks of q. A time filter that is not a
// period (the provider refuses those at plan time) is not checked.
func newRecordCheck(q UsageQuery) *recordCheck {
	c := &recordCheck{pathSIM: q.SIM}
	for _, f := range q.Filters {
		switch f.Key {
		case "time":
			if w, err := window.Period(f.Value); err == nil {
				c.periods = append(c.periods, period{name: f.Value, w: w, since: w.Since.Format(apiTimeLayout), until: w.Until.Format(apiTimeLayout)})
			}
		case "country_code":
			c.countries = append(c.countries, strings.ToLower(f.Value))
		case "sim_id":
			c.simIDs = append(c.simIDs, f.Value)
		}
	}
	return c
}

// page checks the records of page n; recs are those it counts. The first
// mismatch is an error; records near a period are remembered for warnings.
func (c *recordCheck) page(n int, recs []Record) error {
	for i := range recs {
		r := &recs[i]
		if why := c.mismatch(r, n, i+1); why != "" {
			return &Error{Kind: KindMismatch, Page: n, Err: fmt.Errorf("%s %s", describeRecord(r, i+1, n), why)}
		}
	}
	return nil
}

// mismatch says why r (record i of page n) is not what was asked for, or
// "" when it is, or may be.
func (c *recordCheck) mismatch(r *Record, n, i int) string {
	for _, cc := range c.countries {
		if r.CountryCode != "" && r.CountryCode != cc {
			return fmt.Sprintf("is of country %q, but the filter country_code:%s was sent", r.CountryCode, cc)
		}
	}
	for _, id := range c.simIDs {
		if r.SimID != "" && r.SimID != id {
			return fmt.Sprintf("is of SIM %q, but the filter sim_id:%s was sent", r.SimID, id)
		}
	}
	if s := c.pathSIM; s != "" {
		switch {
		case len(s) == 9 && r.SimID != "" && r.SimID != s:
			return fmt.Sprintf("is of SIM %q, but the usage of SIM %q was asked for", r.SimID, s)
		case len(s) != 9 && r.ICCID != "" && !sameICCID(r.ICCID, s):
			return fmt.Sprintf("is of the SIM with ICCID %q, but the usage of ICCID %q was asked for", r.ICCID, s)
		}
	}
	if len(c.periods) == 0 || r.Time == "" || c.inEvery(r.Time) {
		return ""
	}
	t, ok := parseAPITime(r.Time)
	if !ok {
		return ""
	}
	for _, p := range c.periods {
		d := outside(p.w, t)
		switch {
		case d == 0:
		case d <= nearPeriod:
			c.near.add(p, d, describeRecord(r, i, n))
		default:
			return fmt.Sprintf("lies %s outside the period %s asked for (%s)", roughly(d), p.name, p.w)
		}
	}
	return ""
}

// inEvery reports whether s, a time in the API's layout, lies in every
// period: most records do, and a string comparison tells without parsing.
// (A time in another form is parsed by mismatch.)
func (c *recordCheck) inEvery(s string) bool {
	if len(s) != len(apiTimeLayout) || s[4] != '-' || s[10] != ' ' {
		return false
	}
	for _, p := range c.periods {
		if s < p.since || s >= p.until {
			return false
		}
	}
	return true
}

// outside is how far t lies outside w: 0 inside it; a time at w.Until is
// outside by a nanosecond.
func outside(w window.Window, t time.Time) time.Duration {
	switch {
	case t.Before(w.Since):
		return w.Since.Sub(t)
	case !t.Before(w.Until):
		return t.Sub(w.Until) + time.Nanosecond
	}
	return 0
}

// sameICCID reports whether two ICCIDs name one SIM: equal, or one of them
// without its check digit.
func sameICCID(a, b string) bool {
	return a == b || (len(a) == len(b)+1 && strings.HasPrefix(a, b)) || (len(b) == len(a)+1 && strings.HasPrefix(b, a))
}

// describeRecord names record i of page n by what it says.
func describeRecord(r *Record, i, n int) string {
	var parts []string
	for _, f := range []struct{ name, v string }{{"time", r.Time}, {"SIM", r.SimID}, {"ICCID", r.ICCID}, {"country", r.CountryCode}, {"bill_id", r.BillID}} {
		if f.v != "" && len(parts) < 3 {
			parts = append(parts, f.name+" "+strconv.Quote(f.v))
		}
	}
	s := fmt.Sprintf("record %d of page %d", i, n)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// roughly words a duration for a user: hours and minutes under two days,
// whole days beyond.
func roughly(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return d.Round(time.Second).String()
}

// nearMisses are the records a read counted although they lie just outside
// the period asked for.
type nearMisses struct {
	count   int
	first   []string // up to maxNamed records, named
	periods []string
	most    time.Duration
}

// maxNamed is how many records near a period a warning names.
const maxNamed = 3

func (m *nearMisses) add(p period, d time.Duration, record string) {
	m.count++
	m.most = max(m.most, d)
	if len(m.first) < maxNamed {
		m.first = append(m.first, record)
	}
	desc := p.name + " " + p.w.String()
	for _, have := range m.periods {
		if have == desc {
			return
		}
	}
	m.periods = append(m.periods, desc)
}

// warning is the warning of the records near a period, if any.
func (m *nearMisses) warning() []Warning {
	if m.count == 0 {
		return nil
	}
	named := strings.Join(m.first, "; ")
	if m.count > len(m.first) {
		named += fmt.Sprintf("; and %d more", m.count-len(m.first))
	}
	return []Warning{{
		Kind:    WarningOutsidePeriod,
		Summary: "Usage records just outside the period asked for",
		Detail: fmt.Sprintf("%d record(s) lie outside the period %s, by at most %s: %s. The API does not say in which time zone it applies "+
			"its time filter (its records are in UTC); records within %s of the period are read as the API's own period and counted. "+
			"For totals of exact UTC periods, compare with a read of the neighbouring period.",
			m.count, strings.Join(m.periods, " and "), roughly(m.most), named, roughly(nearPeriod)),
	}}
}
