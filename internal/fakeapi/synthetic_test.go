package fakeapi

import (
	"bytes"
	"testing"
	"time"
	"unsafe"
)

func TestSyntheticFleetSize(t *testing.T) {
	for _, tc := range []struct{ n, sims, wantSIMs int }{
		{0, 5, 5}, {1, 1, 1}, {3, 10, 10}, {1000, 7, 7}, {25_000, 100, 100}, {10, 0, 1}, {-4, 2, 2},
	} {
		f := SyntheticFleet(tc.n, tc.sims)
		if len(f.Records) != max(tc.n, 0) || len(f.SIMs) != tc.wantSIMs {
			t.Fatalf("SyntheticFleet(%d, %d): %d records, %d SIMs", tc.n, tc.sims, len(f.Records), len(f.SIMs))
		}
		for i, r := range f.Records {
			if r.Time.Year() != 2025 || r.Time.Location() != time.UTC {
				t.Fatalf("record %d at %s, not in UTC 2025", i, r.Time)
			}
			if i > 0 && compareRecords(f.Records[i-1], r) >= 0 {
				t.Fatalf("records %d/%d out of order", i-1, i)
			}
			if !uuidRE.MatchString(r.BillID) || !uuidRE.MatchString(r.SessionID) {
				t.Fatalf("record %d: bad IDs %+v", i, r)
			}
		}
		for _, s := range f.SIMs {
			if !simIDRE.MatchString(s.ID) || !luhnValid(s.ICCID) || len(s.Tags) != 1 {
				t.Fatalf("bad SIM %+v", s)
			}
		}
	}
}

func TestSyntheticFleetDeterministicAndShared(t *testing.T) {
	a, b := SyntheticFleet(5000, 13), SyntheticFleet(5000, 13)
	if !bytes.Equal(fleetBytes(a), fleetBytes(b)) {
		t.Fatal("SyntheticFleet is not deterministic")
	}
	bills := map[string]bool{}
	for _, r := range a.Records {
		if bills[r.BillID] {
			t.Fatalf("duplicate bill %s", r.BillID)
		}
		bills[r.BillID] = true
	}
	// Records of one SIM share its strings instead of copying them.
	var first *Record
	for i := range a.Records {
		r := &a.Records[i]
		if r.SimID != a.SIMs[3].ID {
			continue
		}
		if first == nil {
			first = r
			continue
		}
		if unsafe.StringData(r.SimID) != unsafe.StringData(first.SimID) ||
			unsafe.StringData(r.ICCID) != unsafe.StringData(first.ICCID) ||
			unsafe.StringData(r.CountryCode) != unsafe.StringData(first.CountryCode) {
			t.Fatal("per-SIM strings are not shared")
		}
	}
	// Every record matches time:2025.
	h := newTestHandler(a)
	got := readAll(t, h, "/usage", map[string][]string{"filter": {"time:2025"}})
	sameRecords(t, got, brute(a, func(Record) bool { return true }))
	var sum int64
	for _, tg := range a.Tags {
		sum += a.TagTotal(tg.ID)
	}
	var want int64
	for _, r := range a.Records {
		want += r.Bytes
	}
	if sum != want {
		t.Fatalf("tag totals add up to %d, want %d (every SIM carries one tag)", sum, want)
	}
}
