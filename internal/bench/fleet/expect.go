package main

import (
	"slices"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// What a plan must report, worked out here from the fake's generator
// (Fleet.Usage yields its records) and the SIMs' limits, independently of
// the fake's answers and of the provider.

// sums are the records of a span: their count and bytes, in all and per
// SIM.
type sums struct {
	records, bytes int64
	bySIM, count   map[string]int64
}

func (s *sums) add(simID string, b int64) {
	if s.bySIM == nil {
		s.bySIM, s.count = map[string]int64{}, map[string]int64{}
	}
	s.records++
	s.bytes += b
	s.bySIM[simID] += b
	s.count[simID]++
}

// usage sums the records of f that start in [from, to) and, with grouped,
// the group=hours records that start there: per SIM and hour, an hour
// counting when it starts in [from, to).
func usage(f *fakeapi.Fleet, from, to time.Time, grouped bool) sums {
	var s sums
	hours := map[[2]int64]bool{}
	for r := range f.Usage(from, to) { // an hour that starts in the window holds only records that do

		if !grouped {
			s.add(r.SimID, r.Bytes)
			continue
		}
		h := r.Time.Truncate(time.Hour)
		if h.Before(from) {
			continue
		}
		key := [2]int64{h.Unix(), simNumber(r.SimID)}
		if !hours[key] {
			hours[key] = true
			s.records++
		}
		s.bytes += r.Bytes
		if s.bySIM == nil {
			s.bySIM, s.count = map[string]int64{}, map[string]int64{}
		}
		s.bySIM[r.SimID] += r.Bytes
	}
	return s
}

// simNumber is a 9-digit SIM id as a number.
func simNumber(id string) int64 {
	var n int64
	for i := 0; i < len(id); i++ {
		n = n*10 + int64(id[i]-'0')
	}
	return n
}

// pages is what reading n records costs at the API's 1000 a page: at
// least one request, an empty answer included.
func pages(n int64) int64 { return max(1, (n+999)/1000) }

// coverPages is the fewest requests that read the window [since, until) as
// the provider must, period by period of its cover, each read whole.
func coverPages(f *fakeapi.Fleet, since, until time.Time, grouped bool) (int64, error) {
	w, err := window.New(since, until)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, p := range w.Cover() {
		pw, err := window.Period(p)
		if err != nil {
			return 0, err
		}
		n += pages(usage(f, pw.Since, pw.Until, grouped).records)
	}
	return n, nil
}

// limits is what GET /sims says of the SIMs' data limits in the month of
// the fleet's end, worked out from the month's records.
type limits struct {
	monthToDate                int64
	missing, alerting, blocked []string
	over90                     []string
	limitByID                  map[string]int64
	usedByID                   map[string]int64
}

// dataLimits works out the limits of f's SIMs from the records of the
// month holding end, up to end.
func dataLimits(f *fakeapi.Fleet, end time.Time) limits {
	y, m, _ := end.Add(-time.Second).Date()
	month := usage(f, time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), end, false)
	l := limits{limitByID: map[string]int64{}, usedByID: map[string]int64{}}
	for _, sim := range f.SIMs {
		dl := sim.DataLimit
		if dl == nil || dl.UsedNull {
			l.missing = append(l.missing, sim.ID)
			if dl != nil {
				l.limitByID[sim.ID] = dl.Total
			}
			continue
		}
		used := month.bySIM[sim.ID]
		l.limitByID[sim.ID], l.usedByID[sim.ID] = dl.Total, used
		l.monthToDate += used
		switch {
		case used >= dl.Total:
			l.blocked = append(l.blocked, sim.ID)
		case dl.AlertThreshold > 0 && used >= dl.Total-dl.AlertThreshold:
			l.alerting = append(l.alerting, sim.ID)
		}
		if used*10 > dl.Total*9 {
			l.over90 = append(l.over90, sim.ID)
		}
	}
	for _, list := range [][]string{l.missing, l.alerting, l.blocked, l.over90} {
		slices.Sort(list)
	}
	return l
}

// runaway are the SIMs of byID that used more than a tenth of their
// monthly limit (defaultLimit without one), with their bytes.
func runaway(byID map[string]int64, limitByID map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for id, b := range byID {
		limit, ok := limitByID[id]
		if !ok {
			limit = defaultLimit
		}
		if b*10 > limit {
			out[id] = b
		}
	}
	return out
}

// defaultLimit is the limit the alarm's configuration assumes for a SIM
// without one: parse_bytes("1 GB").
const defaultLimit = 1_000_000_000

// tagged sums the SIMs of s that carry tag.
func tagged(f *fakeapi.Fleet, s sums, tag string) (bytes int64, sims []string) {
	for _, sim := range f.SIMs {
		if slices.Contains(sim.Tags, tag) {
			bytes += s.bySIM[sim.ID]
			sims = append(sims, sim.ID)
		}
	}
	return bytes, sims
}
