package fakeapi

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"
)

var (
	uuidRE  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	simIDRE = regexp.MustCompile(`^[0-9]{9}$`)
	iccidRE = regexp.MustCompile(`^[0-9]{19,20}$`)
	ccRE    = regexp.MustCompile(`^[a-z]{2}$`)
	mccRE   = regexp.MustCompile(`^[0-9]{3}$`)
	mncRE   = regexp.MustCompile(`^[0-9]{2,3}$`)
)

// fleetBytes serialises everything in a fleet, for byte-level comparison.
func fleetBytes(f *Fleet) []byte {
	var b []byte
	for _, s := range f.SIMs {
		b = append(b, s.ID+"|"+s.ICCID+"|"+s.Label+"|"...)
		for _, t := range s.Tags {
			b = append(b, t+","...)
		}
		b = append(b, '\n')
	}
	for _, t := range f.Tags {
		b = append(b, t.ID+"|"+t.Name+"\n"...)
	}
	for i := range f.Records {
		b = fmt.Appendf(b, "%+v\n", f.Records[i])
	}
	return b
}

func TestNewFleetDeterministic(t *testing.T) {
	a := NewFleet(FleetOptions{Seed: 7, SIMs: 12, Months: 2})
	b := NewFleet(FleetOptions{Seed: 7, SIMs: 12, Months: 2})
	if !bytes.Equal(fleetBytes(a), fleetBytes(b)) {
		t.Fatal("same seed, different fleets")
	}
	if !reflect.DeepEqual(a.Records, b.Records) || !reflect.DeepEqual(a.SIMs, b.SIMs) || !reflect.DeepEqual(a.Tags, b.Tags) {
		t.Fatal("same seed, fleets not deeply equal")
	}
	c := NewFleet(FleetOptions{Seed: 8, SIMs: 12, Months: 2})
	if bytes.Equal(fleetBytes(a), fleetBytes(c)) {
		t.Fatal("different seeds, identical fleets")
	}
	if a.SIMs[0].ID == c.SIMs[0].ID && a.Tags[0].ID == c.Tags[0].ID && a.Records[0].BillID == c.Records[0].BillID {
		t.Fatal("different seeds share their first IDs")
	}
}

func TestDefaultFleet(t *testing.T) {
	f := DefaultFleet()
	if f != DefaultFleet() {
		t.Fatal("DefaultFleet is not cached")
	}
	if !bytes.Equal(fleetBytes(f), fleetBytes(NewFleet(FleetOptions{Seed: 1}))) {
		t.Fatal("DefaultFleet differs from NewFleet(FleetOptions{Seed: 1})")
	}
	if len(f.SIMs) != 48 || len(f.Tags) != len(tagNames) {
		t.Fatalf("%d SIMs, %d tags", len(f.SIMs), len(f.Tags))
	}
	if n := len(f.Records); n < 10_000 || n > 30_000 {
		t.Fatalf("%d records, want 10k-30k", n)
	}
	first, last := f.Records[0].Time, f.Records[len(f.Records)-1].Time
	start, end := DefaultStart, DefaultStart.AddDate(0, 4, 0)
	if first.Before(start) || !last.Before(end) {
		t.Fatalf("records span %s..%s, want within [%s, %s)", first, last, start, end)
	}
	// Every month of the four has usage.
	for m := time.January; m <= time.April; m++ {
		if len(brute(f, func(r Record) bool { return inMonth2025(r.Time, m) })) == 0 {
			t.Fatalf("no usage in %s", m)
		}
	}
}

func TestFleetShape(t *testing.T) {
	f := DefaultFleet()
	tagIDs := map[string]bool{}
	for _, tg := range f.Tags {
		if !uuidRE.MatchString(tg.ID) || tg.Name == "" {
			t.Fatalf("bad tag %+v", tg)
		}
		tagIDs[tg.ID] = true
	}
	seen := map[string]bool{}
	lengths := map[int]bool{}
	untagged, unlabeled := 0, 0
	for i, s := range f.SIMs {
		if !simIDRE.MatchString(s.ID) || !iccidRE.MatchString(s.ICCID) || !luhnValid(s.ICCID) {
			t.Fatalf("bad SIM %+v", s)
		}
		if s.Label == "" {
			unlabeled++
		}
		if i > 0 && s.ID <= f.SIMs[i-1].ID {
			t.Fatal("SIM IDs not increasing")
		}
		if seen[s.ID] || seen[s.ICCID] {
			t.Fatalf("duplicate SIM %+v", s)
		}
		seen[s.ID], seen[s.ICCID] = true, true
		lengths[len(s.ICCID)] = true
		if len(s.Tags) == 0 {
			untagged++
		}
		for _, tg := range s.Tags {
			if !tagIDs[tg] {
				t.Fatalf("SIM %s carries unknown tag %s", s.ID, tg)
			}
		}
	}
	if !lengths[19] || !lengths[20] {
		t.Fatalf("ICCID lengths %v, want both 19 and 20", lengths)
	}
	if untagged == 0 || untagged == len(f.SIMs) {
		t.Fatalf("%d untagged SIMs", untagged)
	}
	if unlabeled == 0 || unlabeled > len(f.SIMs)/5 {
		t.Fatalf("%d SIMs without a label, want a few", unlabeled)
	}

	techs := map[string]bool{"2G": true, "3G": true, "4G": true, "LTE-M": true, "NB-IoT": true}
	leadingZero, roaming := false, map[string]bool{}
	bills, sessions := map[string]bool{}, map[string]string{}
	for i, r := range f.Records {
		if r.Time.Location() != time.UTC || r.Time.Nanosecond() != 0 {
			t.Fatalf("record %d time %v not whole UTC seconds", i, r.Time)
		}
		if i > 0 && compareRecords(f.Records[i-1], r) >= 0 {
			t.Fatalf("records %d/%d not strictly ordered by (time, sim)", i-1, i)
		}
		sim, ok := f.SIMByID(r.SimID)
		if !ok || sim.ICCID != r.ICCID {
			t.Fatalf("record %d: SIM %s/%s unknown", i, r.SimID, r.ICCID)
		}
		if !uuidRE.MatchString(r.BillID) || !uuidRE.MatchString(r.SessionID) || bills[r.BillID] {
			t.Fatalf("record %d: bad or duplicate IDs %+v", i, r)
		}
		bills[r.BillID] = true
		if owner, ok := sessions[r.SessionID]; ok && owner != r.SimID {
			t.Fatalf("session %s shared by SIMs %s and %s", r.SessionID, owner, r.SimID)
		}
		sessions[r.SessionID] = r.SimID
		if r.Bytes < 0 || !ccRE.MatchString(r.CountryCode) || !techs[r.NetworkType] ||
			!mccRE.MatchString(r.MCC) || !mncRE.MatchString(r.MNC) {
			t.Fatalf("record %d: bad fields %+v", i, r)
		}
		if r.MNC[0] == '0' {
			leadingZero = true
		}
		roaming[r.CountryCode] = true
	}
	if !leadingZero {
		t.Fatal("no MNC with a leading zero")
	}
	if len(roaming) < 4 {
		t.Fatalf("only countries %v", roaming)
	}
	// The last SIM is dormant.
	if n := len(f.RecordsOf(f.SIMs[len(f.SIMs)-1].ID)); n != 0 {
		t.Fatalf("dormant SIM has %d records", n)
	}
}

func TestFleetOptions(t *testing.T) {
	start := time.Date(2024, 2, 10, 15, 30, 0, 0, time.FixedZone("X", 3600))
	f := NewFleet(FleetOptions{Seed: 3, SIMs: 3, Months: 1, Start: start})
	if len(f.SIMs) != 3 {
		t.Fatalf("%d SIMs", len(f.SIMs))
	}
	day := time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC)
	for _, r := range f.Records {
		if r.Time.Before(day) || !r.Time.Before(day.AddDate(0, 1, 0)) {
			t.Fatalf("record at %s outside [%s, +1 month)", r.Time, day)
		}
	}
	if len(f.Records) == 0 {
		t.Fatal("no records")
	}
	// One SIM works too (it is not dormant then).
	if one := NewFleet(FleetOptions{Seed: 3, SIMs: 1, Months: 1}); len(one.Records) == 0 {
		t.Fatal("single SIM fleet has no usage")
	}
}

func TestLookups(t *testing.T) {
	f := DefaultFleet()
	for _, s := range f.SIMs {
		for _, key := range []string{s.ID, s.ICCID} {
			got, ok := f.SIMByID(key)
			if !ok || got.ID != s.ID {
				t.Fatalf("SIMByID(%s) = %+v, %v", key, got, ok)
			}
		}
	}
	for _, bad := range []string{"", "000000000", "123", f.SIMs[0].ID + "0"} {
		if _, ok := f.SIMByID(bad); ok {
			t.Fatalf("SIMByID(%q) found", bad)
		}
	}
	for _, tg := range f.Tags {
		if got, ok := f.TagByID(tg.ID); !ok || got != tg {
			t.Fatalf("TagByID(%s) = %+v, %v", tg.ID, got, ok)
		}
	}
	if _, ok := f.TagByID("00000000-0000-4000-8000-000000000000"); ok {
		t.Fatal("unknown tag found")
	}
}

func TestTagTotalBruteForce(t *testing.T) {
	f := DefaultFleet()
	for _, tg := range f.Tags {
		carriers := map[string]bool{}
		for _, s := range f.SIMs {
			for _, id := range s.Tags {
				if id == tg.ID {
					carriers[s.ID] = true
				}
			}
		}
		var want int64
		for _, r := range f.Records {
			if carriers[r.SimID] {
				want += r.Bytes
			}
		}
		if got := f.TagTotal(tg.ID); got != want {
			t.Fatalf("TagTotal(%s) = %d, want %d", tg.Name, got, want)
		}
		if got := f.TagSIMCount(tg.ID); got != len(carriers) {
			t.Fatalf("TagSIMCount(%s) = %d, want %d", tg.Name, got, len(carriers))
		}
		if tg.Name == "decommissioned" && (want != 0 || len(carriers) != 0) {
			t.Fatal("decommissioned tag is carried")
		} else if tg.Name != "decommissioned" && want == 0 {
			t.Fatalf("tag %s has no usage", tg.Name)
		}
	}
	if f.TagTotal("nope") != 0 {
		t.Fatal("unknown tag has a total")
	}
}

func TestHandMadeFleet(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2025, 3, 1, h, 0, 0, 0, time.UTC) }
	f := &Fleet{
		SIMs: []SIM{
			{ID: "000000002", ICCID: "89457387300000000020", Tags: []string{"t1", "t1"}},
			{ID: "000000001", ICCID: "89457387300000000012"},
		},
		Tags: []Tag{{ID: "t1", Name: "one"}},
		Records: []Record{ // deliberately unsorted
			{Time: at(3), SimID: "000000001", Bytes: 1, CountryCode: "DK"},
			{Time: at(1), SimID: "000000002", Bytes: 10, CountryCode: "dk"},
			{Time: at(1), SimID: "000000001", Bytes: 100, CountryCode: "se"},
			{Time: at(2), SimID: "999999999", Bytes: 1000, CountryCode: "dk"},
		},
	}
	if got := f.TagTotal("t1"); got != 10 {
		t.Fatalf("TagTotal = %d, want 10 (a tag listed twice counts once)", got)
	}
	if f.Records[0].Bytes != 100 || f.Records[1].Bytes != 10 || f.Records[3].Bytes != 1 {
		t.Fatal("records not sorted by (time, sim)")
	}
	h := newTestHandler(f)
	got := readAll(t, h, "/usage", map[string][]string{"filter": {"country_code:dk"}})
	if len(got) != 3 || got[0].Bytes != 10 || got[1].Bytes != 1000 || got[2].Bytes != 1 {
		t.Fatalf("country filter over hand-made fleet: %+v", got)
	}
	sim := readAll(t, h, "/usage/000000001", nil)
	if len(sim) != 2 || sim[0].Bytes != 100 || sim[1].Bytes != 1 {
		t.Fatalf("sim endpoint over hand-made fleet: %+v", sim)
	}
}

func TestLuhn(t *testing.T) {
	// The ICCID of the API documentation's example record.
	if !luhnValid("89457387300000022734") {
		t.Fatal("documentation ICCID fails Luhn")
	}
	if luhnValid("89457387300000022735") || luhnValid("") {
		t.Fatal("luhnValid accepts garbage")
	}
}

func TestAppendUUID(t *testing.T) {
	u := string(appendUUID(nil, 0, 0))
	if u != "00000000-0000-4000-8000-000000000000" {
		t.Fatal(u)
	}
	u = string(appendUUID(nil, ^uint64(0), ^uint64(0)))
	if u != "ffffffff-ffff-4fff-bfff-ffffffffffff" || !uuidRE.MatchString(u) {
		t.Fatal(u)
	}
}

// TestUsageBounds checks Fleet.Usage on a stored fleet: the records that
// start in [from, to), to the second, in order.
func TestUsageBounds(t *testing.T) {
	f := DefaultFleet()
	at := f.Records[100].Time
	for _, tc := range []struct{ from, to time.Time }{
		{at, at.Add(6 * time.Hour)},
		{at.Add(time.Second / 2), at.Add(6*time.Hour + time.Second/2)},
		{at.Add(-time.Second / 2), at.Add(6*time.Hour - time.Second/2)},
		{beforeAll, afterAll},
		{at, at},
	} {
		var want []Record
		for _, r := range f.Records {
			if !r.Time.Before(tc.from) && r.Time.Before(tc.to) {
				want = append(want, r)
			}
		}
		if got := slices.Collect(f.Usage(tc.from, tc.to)); !slices.Equal(got, want) {
			t.Fatalf("Usage(%s, %s): %d records, want %d", tc.from, tc.to, len(got), len(want))
		}
	}
}
