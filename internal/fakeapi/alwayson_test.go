package fakeapi

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

// aoEnd is where aoFleet's data ends: in the middle of a step, so the last
// step (and hour, and day) holds only the SIMs whose phase came before it.
var aoEnd = time.Date(2025, 3, 5, 10, 7, 31, 0, time.UTC)

// aoFleet is a small always-on fleet: 37 SIMs from 2025-02-01 to aoEnd.
func aoFleet() *Fleet {
	return NewFleet(FleetOptions{Seed: 5, SIMs: 37, Months: 2, End: aoEnd, AlwaysOn: true})
}

// TestAlwaysOnRecords checks the records of an always-on fleet SIM by SIM,
// from RecordsOf alone: one every 15 minutes from the start, at a phase of
// its own, none from the end on, and Usage yields them all in the API's
// order. A fleet of more SIMs has the same first SIMs and records.
func TestAlwaysOnRecords(t *testing.T) {
	f := aoFleet()
	if len(f.Records) != 0 {
		t.Fatalf("%d records stored; an always-on fleet makes them on demand", len(f.Records))
	}
	start := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	var all []Record
	cut := 0 // SIMs whose step at 10:00 on the last day is after the end
	for _, sim := range f.SIMs {
		recs := f.RecordsOf(sim.ID)
		phase := recs[0].Time.Sub(start)
		if phase < 0 || phase >= 15*time.Minute {
			t.Fatalf("%s starts at %s", sim.ID, recs[0].Time)
		}
		// 28 days of February and 4 of March, then 10 hours and a step if its phase came in time.
		want := 32*96 + 40
		if phase < aoEnd.Sub(time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC)) {
			want++
		} else {
			cut++
		}
		if len(recs) != want {
			t.Fatalf("%s: %d records, want %d", sim.ID, len(recs), want)
		}
		for k, r := range recs {
			if !r.Time.Equal(start.Add(phase+time.Duration(k)*15*time.Minute)) || !r.Time.Before(aoEnd) || r.Bytes <= 0 ||
				!uuidRE.MatchString(r.BillID) || !uuidRE.MatchString(r.SessionID) || r.SimID != sim.ID || r.ICCID != sim.ICCID {
				t.Fatalf("%s record %d: %+v", sim.ID, k, r)
			}
			// The session is the SIM's day.
			if k > 0 && (r.SessionID == recs[k-1].SessionID) != (k%96 != 0) {
				t.Fatalf("%s record %d: session %s after %s", sim.ID, k, r.SessionID, recs[k-1].SessionID)
			}
		}
		all = append(all, recs...)
	}
	if cut == 0 || cut == len(f.SIMs) {
		t.Fatalf("%d of %d SIMs miss the last step: the end should cut it SIM by SIM", cut, len(f.SIMs))
	}
	slices.SortFunc(all, compareRecords)
	got := slices.Collect(f.Usage(beforeAll, afterAll))
	if len(got) != len(all) {
		t.Fatalf("Usage yields %d records, the SIMs have %d", len(got), len(all))
	}
	for i := range got {
		if got[i] != all[i] {
			t.Fatalf("Usage record %d: %+v, want %+v", i, got[i], all[i])
		}
	}
	if n, first, last := f.Extent(); n != int64(len(all)) || first != all[0].Time || last != all[len(all)-1].Time {
		t.Fatalf("Extent %d %s %s", n, first, last)
	}
	// Usage to the second: a window's edges cut steps SIM by SIM.
	from, to := aoEnd.Add(-24*time.Hour), aoEnd.Add(-time.Hour+time.Second/2)
	var in int
	for _, r := range all {
		if !r.Time.Before(from) && r.Time.Before(to.Add(time.Second/2)) {
			in++
		}
	}
	if n := len(slices.Collect(f.Usage(from, to))); n != in || n == 0 {
		t.Fatalf("Usage(%s, %s): %d records, want %d", from, to, n, in)
	}

	big := NewFleet(FleetOptions{Seed: 5, SIMs: 80, Months: 2, End: aoEnd, AlwaysOn: true})
	for _, sim := range f.SIMs[:5] {
		if a, b := f.RecordsOf(sim.ID), big.RecordsOf(sim.ID); !slices.Equal(a, b) {
			t.Fatalf("SIM %s differs between a fleet of 37 and one of 80", sim.ID)
		}
	}
}

// TestAlwaysOnPages reads an always-on fleet's usage through the API,
// every filter, paging style and group=hours, and compares it with the
// records Usage makes.
func TestAlwaysOnPages(t *testing.T) {
	t.Parallel()
	f := aoFleet()
	h := newTestHandler(f)
	sim := f.SIMs[3]
	day := func(d string) func(Record) bool {
		return func(r Record) bool { return r.Time.Format(time.DateOnly) == d }
	}
	cases := []struct {
		path string
		q    url.Values
		keep func(Record) bool
	}{
		{"/usage", url.Values{"filter": {"time:2025-03"}}, func(r Record) bool { return inMonth2025(r.Time, time.March) }},
		{"/usage", url.Values{"filter": {"time:2025-03-05"}}, day("2025-03-05")}, // cut by the end
		{"/usage", url.Values{"filter": {"time:2025-02-28"}}, day("2025-02-28")},
		{"/usage", url.Values{"filter[]": {"time:2025-03", "country_code:DK"}}, func(r Record) bool {
			return r.CountryCode == "dk" && inMonth2025(r.Time, time.March)
		}},
		{"/usage", url.Values{"filter[]": {"time:2025-03-04", "sim_id:" + sim.ID}}, func(r Record) bool {
			return r.SimID == sim.ID && day("2025-03-04")(r)
		}},
		{"/usage/" + sim.ICCID, nil, func(r Record) bool { return r.SimID == sim.ID }},
		{"/usage/" + sim.ID, url.Values{"filter": {"time:2025-03-05"}}, func(r Record) bool { return r.SimID == sim.ID && day("2025-03-05")(r) }},
	}
	for _, c := range cases {
		want := brute(f, c.keep)
		if len(want) < 20 {
			t.Fatalf("%s %v: only %d records", c.path, c.q, len(want))
		}
		for _, ls := range [][]int{{1000}, {7}, {1, 36, 37, 38}} {
			sameRecords(t, readAll(t, h, c.path, c.q, ls...), want)
		}
		q := url.Values{"offset": {"40"}}
		for k, v := range c.q {
			q[k] = v
		}
		sameRecords(t, readAll(t, h, c.path, q, 37), want[min(40, len(want)):])
		checkGroupHours(t, f, h, c.path, c.q, c.keep)
	}
	// Periods outside the data, and a country no SIM is in.
	for _, target := range []string{"/usage?filter=time:2025-01", "/usage?filter=time:2025-03-06", "/usage?filter=time:2024",
		"/usage?filter=country_code:zz", "/usage?filter=sim_id:999999999", "/usage?filter=time:2025-03&group=hours&offset=9999999"} {
		if p := decodePage(t, get(t, h, target)); len(p.Usage) != 0 || p.Pagination.HasMore {
			t.Fatalf("%s: %d records", target, len(p.Usage))
		}
	}
	// A cursor fits only a list with its record at its position.
	p := decodePage(t, get(t, h, "/usage?filter=time:2025-03-04&limit=50"))
	next := url.QueryEscape(*p.Pagination.NextPage)
	decodePage(t, get(t, h, "/usage?filter=time:2025-03-04&next_page="+next))
	for _, bad := range []string{"/usage?filter=time:2025-03-03&next_page=" + next, "/usage?filter=time:2025-03-04&group=hours&next_page=" + next,
		"/usage?filter=time:2025-03-04&next_page=" + url.QueryEscape(encodeCursor(aoEnd, 50))} {
		wantError(t, get(t, h, bad), 400, CodeInvalidNextPage)
	}
}

// TestAlwaysOnEndOnARecord ends the data exactly where a record would
// start: that record is not there, in any answer, and the one a second
// earlier would be.
func TestAlwaysOnEndOnARecord(t *testing.T) {
	a := aoFleet()
	end := a.RecordsOf(a.SIMs[3].ID)[0].Time.Add((33*96 + 40) * 15 * time.Minute) // about 10:00 on 2025-03-06
	f := NewFleet(FleetOptions{Seed: 5, SIMs: 37, Months: 2, End: end, AlwaysOn: true})
	recs := f.RecordsOf(f.SIMs[3].ID)
	if last := recs[len(recs)-1].Time; !last.Equal(end.Add(-15 * time.Minute)) {
		t.Fatalf("SIM 3's last record at %s; the end is %s", last, end)
	}
	h := newTestHandler(f)
	day := end.Format(time.DateOnly)
	keep := func(r Record) bool { return r.Time.Format(time.DateOnly) == day }
	sameRecords(t, readAll(t, h, "/usage", url.Values{"filter": {"time:" + day}}, 100), brute(f, keep))
	checkGroupHours(t, f, h, "/usage", url.Values{"filter": {"time:" + day}}, keep)
}

// TestAlwaysOnKeyScope pages a key-restricted always-on fleet.
func TestAlwaysOnKeyScope(t *testing.T) {
	f := aoFleet()
	tag := f.Tags[2].ID
	s := New(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30, KeyTags: []string{tag}})
	want := brute(f, func(r Record) bool {
		sim, _ := f.SIMByID(r.SimID)
		return slices.Contains(sim.Tags, tag) && r.Time.Format(time.DateOnly) == "2025-03-05"
	})
	if len(want) == 0 || len(want) == len(brute(f, func(r Record) bool { return r.Time.Format(time.DateOnly) == "2025-03-05" })) {
		t.Fatalf("%d records in scope: pick another tag", len(want))
	}
	sameRecords(t, readAll(t, s, "/usage", url.Values{"filter": {"time:2025-03-05"}}, 9), want)
}

// TestAlwaysOnDataLimits checks GET /sims and the tag totals of an
// always-on fleet against its records: used is the month of the end up to
// the end, the undocumented usage every record, online_at the last.
func TestAlwaysOnDataLimits(t *testing.T) {
	f := aoFleet()
	s := newTestHandler(f)
	if from, _ := s.Period(); from != time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("period from %s, want the month of the end", from)
	}
	sims, _ := readSIMs(t, s, "", 10)
	checkDataLimits(t, f, s, sims)
	for _, got := range sims {
		if !got.Activated || !got.Online {
			t.Fatalf("always-on SIM %s is not online: %+v", got.ID, got)
		}
	}
	for _, tag := range f.Tags {
		var want int64
		for r := range f.Usage(beforeAll, afterAll) {
			if sim, _ := f.SIMByID(r.SimID); slices.Contains(sim.Tags, tag.ID) {
				want += r.Bytes
			}
		}
		if got := f.TagTotal(tag.ID); got != want {
			t.Fatalf("tag %s total %d, want %d", tag.Name, got, want)
		}
	}
	// Over a month the SIMs spread around their limits: some blocked, most not.
	big := NewFleet(FleetOptions{Seed: 5, SIMs: 200, Months: 1, End: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), AlwaysOn: true})
	bs := newTestHandler(big)
	blocked, under := 0, 0
	for i, sim := range big.SIMs {
		if dl := sim.DataLimit; dl != nil {
			if used := bs.simStates()[i].used; used >= dl.Total {
				blocked++
			} else if used*10 < dl.Total*9 {
				under++
			}
		}
	}
	if blocked < 10 || under < 50 {
		t.Fatalf("a month of 200 SIMs: %d blocked, %d under 90%% of their limit", blocked, under)
	}
}

// TestFleetEnd checks End on a session fleet: no record from End on, and
// without Start, the months before End's.
func TestFleetEnd(t *testing.T) {
	end := time.Date(2025, 6, 10, 12, 0, 0, 500, time.UTC)
	f := NewFleet(FleetOptions{Seed: 2, SIMs: 20, Months: 2, End: end})
	n, first, last := f.Extent()
	if n == 0 || first.Before(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)) || last.After(end) ||
		last.Before(end.Add(-24*time.Hour)) {
		t.Fatalf("%d records from %s to %s; want May 2025 up to %s", n, first, last, end)
	}
	if from, _ := newTestHandler(f).Period(); from.Month() != time.June {
		t.Fatalf("period %s: want the month of the end", from)
	}
	// End rounds up to a whole second; Start defaults to Months-1 months before End's month.
	if o := (FleetOptions{End: end}).withDefaults(); !o.End.Equal(time.Date(2025, 6, 10, 12, 0, 1, 0, time.UTC)) ||
		!o.Start.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("defaults %s to %s", o.Start, o.End)
	}
}
