package fakeapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// hourKey is the grouping key of group=hours.
type hourKey struct{ sim, hour, cc, tech, mcc, mnc string }

// TestGroupHours checks grouped records against raw sums computed by brute
// force, and that grouped results page exactly once.
func TestGroupHours(t *testing.T) {
	t.Parallel()
	f := DefaultFleet()
	h := newTestHandler(f)
	sim := f.SIMs[4]
	cases := []struct {
		path string
		q    url.Values
		keep func(Record) bool
	}{
		{"/usage", url.Values{"filter": {"time:2025-03"}}, func(r Record) bool { return inMonth2025(r.Time, time.March) }},
		{"/usage", url.Values{"filter[]": {"time:2025", "country_code:dk"}}, func(r Record) bool { return r.CountryCode == "dk" }},
		{"/usage/" + sim.ID, nil, func(r Record) bool { return r.SimID == sim.ID }},
		{"/usage/" + sim.ICCID, url.Values{"filter": {"time:2025-02-03"}}, func(r Record) bool {
			return r.SimID == sim.ID && r.Time.Format(time.DateOnly) == "2025-02-03"
		}},
	}
	for _, c := range cases {
		checkGroupHours(t, f, h, c.path, c.q, c.keep)
	}
}

// checkGroupHours reads path?q with group=hours and checks its grouped
// records, with several limits and an offset, against the sums of the
// records of f that satisfy keep.
func checkGroupHours(t *testing.T, f *Fleet, h http.Handler, path string, query url.Values, keep func(Record) bool) {
	t.Helper()
	want := map[hourKey]int64{}
	var wantTotal int64
	for r := range f.Usage(beforeAll, afterAll) {
		if keep(r) {
			k := hourKey{r.SimID, r.Time.UTC().Truncate(time.Hour).Format("2006-01-02 15:04:05"), r.CountryCode, r.NetworkType, r.MCC, r.MNC}
			want[k] += r.Bytes
			wantTotal += r.Bytes
		}
	}
	if len(want) == 0 {
		t.Fatalf("%s %v matches nothing", path, query)
	}
	q := url.Values{"group": {"hours"}}
	for k, v := range query {
		q[k] = v
	}
	var whole []recordJSON
	for _, ls := range [][]int{{1000}, {7}, {1, 5, 2}} {
		got := readAll(t, h, path, q, ls...)
		if whole == nil {
			whole = got
		} else {
			sameRecords(t, got, whole) // every limit mix yields the same list
		}
	}
	var total int64
	seen := map[hourKey]bool{}
	for i, r := range whole {
		if r.BillID != nil || r.SessionID != nil {
			t.Fatalf("grouped record has bill_id/session_id: %+v", r)
		}
		if !strings.HasSuffix(r.Time, ":00:00") {
			t.Fatalf("grouped time %s is not an hour start", r.Time)
		}
		if i > 0 && (whole[i-1].Time > r.Time || whole[i-1].Time == r.Time && whole[i-1].SimID > r.SimID) {
			t.Fatalf("grouped records out of order (time, sim_id) at %d", i)
		}
		k := hourKey{r.SimID, r.Time, r.CountryCode, r.NetworkType, r.Network.MCC, r.Network.MNC}
		if seen[k] {
			t.Fatalf("group %+v twice", k)
		}
		seen[k] = true
		if want[k] != r.Bytes {
			t.Fatalf("group %+v: %d bytes, want %d", k, r.Bytes, want[k])
		}
		if s, ok := f.SIMByID(r.SimID); !ok || s.ICCID != r.ICCID {
			t.Fatalf("grouped record has wrong ICCID: %+v", r)
		}
		total += r.Bytes
	}
	if len(whole) != len(want) || total != wantTotal {
		t.Fatalf("%s: %d groups / %d bytes, want %d / %d", path, len(whole), total, len(want), wantTotal)
	}
	// Offset skips grouped records.
	q.Set("offset", "2")
	sameRecords(t, readAll(t, h, path, q, 3), whole[2:])
}

func TestGroupedRecordJSON(t *testing.T) {
	f := DefaultFleet()
	rec := get(t, newTestHandler(f), "/usage?filter=time:2025-01&group=hours&limit=1")
	body := rec.Body.String()
	if strings.Contains(body, "bill_id") || strings.Contains(body, "session_id") {
		t.Fatalf("grouped page mentions bill/session: %s", body)
	}
	p := decodePage(t, rec)
	if len(p.Usage) != 1 || !p.Pagination.HasMore {
		t.Fatalf("page %+v", p)
	}
}

func TestFloorDiv(t *testing.T) {
	for _, c := range [][3]int64{{7, 3, 2}, {-7, 3, -3}, {-6, 3, -2}, {0, 5, 0}, {-1, 3600, -1}} {
		if got := floorDiv(c[0], c[1]); got != c[2] {
			t.Fatalf("floorDiv(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}

func TestListCacheBounded(t *testing.T) {
	var c listCache
	builds := 0
	build := func() []Record { builds++; return make([]Record, 1) }
	for i := 0; i < 3*maxCachedLists; i++ {
		c.get(itoa(i), build)
	}
	if len(c.lists) > maxCachedLists {
		t.Fatalf("cache holds %d lists", len(c.lists))
	}
	before := builds
	c.get(itoa(3*maxCachedLists-1), build)
	if builds != before {
		t.Fatal("recent list was rebuilt")
	}
}
