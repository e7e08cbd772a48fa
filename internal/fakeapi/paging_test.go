package fakeapi

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"
)

// TestCursorFormat checks the cursor matches the documentation's shape.
func TestCursorFormat(t *testing.T) {
	const doc = "MjAyMi0wMS0yOVQwMDozMDowMC4wMDBaQDAwMDAwODY2MA=="
	ts, idx, ok := decodeCursor(doc)
	if !ok || idx != 8660 || !ts.Equal(time.Date(2022, 1, 29, 0, 30, 0, 0, time.UTC)) {
		t.Fatalf("documentation cursor decodes to %v %d %v", ts, idx, ok)
	}
	if got := encodeCursor(ts, idx); got != doc {
		t.Fatalf("encodeCursor = %s, want %s", got, doc)
	}

	f := DefaultFleet()
	p := decodePage(t, get(t, newTestHandler(f), "/usage?filter=time:2025&limit=10"))
	raw, err := base64.StdEncoding.DecodeString(*p.Pagination.NextPage)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z@\d{9,}$`)
	if !re.Match(raw) {
		t.Fatalf("cursor %q", raw)
	}
	want := f.Records[10].Time.Format("2006-01-02T15:04:05.000Z") + "@000000010"
	if string(raw) != want {
		t.Fatalf("cursor %q, want %q", raw, want)
	}
	for _, bad := range []string{"", "!!", base64.StdEncoding.EncodeToString([]byte("x@000000001")),
		base64.StdEncoding.EncodeToString([]byte("2025-01-01T00:00:00.000Z@12")),
		base64.StdEncoding.EncodeToString([]byte("2025-01-01T00:00:00.000Z000000001")),
		base64.StdEncoding.EncodeToString([]byte("2025-01-01T00:00:00Z@000000001")),
		base64.StdEncoding.EncodeToString([]byte("2025-01-01T00:00:00.000Z@-00000001")),
		base64.RawURLEncoding.EncodeToString(raw)} {
		if _, _, ok := decodeCursor(bad); ok {
			t.Fatalf("decodeCursor(%q) accepted", bad)
		}
	}
}

// TestExactlyOnce reads whole results page by page with several limits,
// offsets and mixes of limits, on both endpoints and grouped, and checks
// every record arrives exactly once, in order.
func TestExactlyOnce(t *testing.T) {
	t.Parallel()
	f := DefaultFleet()
	h := newTestHandler(f)
	sim := simWith(t, f, func(r Record) bool { return r.CountryCode == "dk" }, 50)
	feb := func(r Record) bool { return inMonth2025(r.Time, time.February) }
	mix := []int{3, 1, 1000, 2, 7}
	all := [][]int{{1}, {7}, {1000}, mix}
	cases := []struct {
		name   string
		path   string
		q      url.Values
		keep   func(Record) bool
		limits [][]int
	}{
		{"month", "/usage", url.Values{"filter": {"time:2025-02"}}, feb, [][]int{{7}, {1000}, {1000, 3}}},
		{"country", "/usage", url.Values{"filter": {"country_code:nl"}}, func(r Record) bool { return r.CountryCode == "nl" }, all},
		{"sim filter", "/usage", url.Values{"filter": {"sim_id:" + sim.ID}}, func(r Record) bool { return r.SimID == sim.ID }, all},
		{"sim endpoint", "/usage/" + sim.ICCID, url.Values{"filter": {"country_code:dk"}}, func(r Record) bool {
			return r.SimID == sim.ID && r.CountryCode == "dk"
		}, all},
	}
	for _, c := range cases {
		want := brute(f, c.keep)
		if len(want) < 20 {
			t.Fatalf("%s: only %d records; pick another case", c.name, len(want))
		}
		for _, ls := range c.limits {
			sameRecords(t, readAll(t, h, c.path, c.q, ls...), want)
			// With an offset on the first request only.
			q := url.Values{"offset": {"5"}}
			for k, v := range c.q {
				q[k] = v
			}
			sameRecords(t, readAll(t, h, c.path, q, ls...), want[5:])
		}
	}
	// limit 1 across a whole day.
	sameRecords(t, readAll(t, h, "/usage", url.Values{"filter": {"time:2025-02-14"}}, 1), brute(f, func(r Record) bool {
		return r.Time.Format(time.DateOnly) == "2025-02-14"
	}))
}

// TestPagingWithKeyTags pages a key-restricted result; the scan skips the
// SIMs outside the key's scope.
func TestPagingWithKeyTags(t *testing.T) {
	f := DefaultFleet()
	tag := f.Tags[1].ID
	s := New(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30, KeyTags: []string{tag}})
	carries := map[string]bool{}
	for _, sim := range f.SIMs {
		for _, tg := range sim.Tags {
			if tg == tag {
				carries[sim.ID] = true
			}
		}
	}
	want := brute(f, func(r Record) bool { return carries[r.SimID] && inMonth2025(r.Time, time.March) })
	if len(want) == 0 {
		t.Fatal("no records in scope")
	}
	for _, ls := range [][]int{{7}, {1000}} {
		sameRecords(t, readAll(t, s, "/usage", url.Values{"filter": {"time:2025-03"}}, ls...), want)
		q := url.Values{"filter": {"time:2025-03"}, "offset": {"3"}}
		sameRecords(t, readAll(t, s, "/usage", q, ls...), want[3:])
	}
}

func TestCursorMustFitQuery(t *testing.T) {
	f := DefaultFleet()
	h := newTestHandler(f)
	sim, other := f.SIMs[1], f.SIMs[2]

	next := func(target string) string {
		t.Helper()
		p := decodePage(t, get(t, h, target))
		if !p.Pagination.HasMore {
			t.Fatalf("%s: no next page", target)
		}
		return url.QueryEscape(*p.Pagination.NextPage)
	}
	dk := next("/usage?filter=country_code:dk&limit=5")
	jan := next("/usage?filter=time:2025-01&limit=5")
	simCur := next("/usage/" + sim.ID + "?limit=5")
	grouped := next("/usage?filter=time:2025-01&group=hours&limit=5")

	bad := []string{
		"/usage?filter=country_code:se&next_page=" + dk, // record is not in se
		"/usage?filter=time:2025-02&next_page=" + jan,   // record is not in February
		"/usage/" + other.ID + "?next_page=" + simCur,   // another SIM's record
		"/usage?filter=sim_id:" + other.ID + "&next_page=" + simCur,
		"/usage?filter=time:2025-01&next_page=" + url.QueryEscape(encodeCursor(f.Records[5].Time.Add(time.Second), 5)),
		"/usage?filter=time:2025&next_page=" + url.QueryEscape(encodeCursor(time.Now(), len(f.Records))),
		"/usage?filter=time:2025&next_page=" + url.QueryEscape(encodeCursor(time.Now(), 1<<40)),
		"/usage?filter=time:2025&next_page=not-base64",
		"/usage?filter=time:2025&next_page=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("hello"))),
		"/usage?filter=time:2025-01&group=hours&next_page=" + url.QueryEscape(encodeCursor(time.Now(), 3)),
	}
	for _, target := range bad {
		wantError(t, get(t, h, target), http.StatusBadRequest, CodeInvalidNextPage)
	}
	// The same cursors fit their own queries, and wider ones.
	good := []string{
		"/usage?filter=country_code:dk&next_page=" + dk,
		"/usage?filter=time:2025-01&next_page=" + jan,
		"/usage?filter=time:2025&next_page=" + jan,
		"/usage/" + sim.ID + "?next_page=" + simCur,
		"/usage/" + sim.ICCID + "?next_page=" + simCur,
		"/usage?filter=sim_id:" + sim.ID + "&next_page=" + simCur,
		"/usage?filter=time:2025-01&group=hours&next_page=" + grouped,
		"/usage?filter=time:2025-01&next_page=", // empty next_page = none
	}
	for _, target := range good {
		decodePage(t, get(t, h, target))
	}
}

func TestLastPageHasNoNextPageKey(t *testing.T) {
	f := DefaultFleet()
	h := newTestHandler(f)
	rec := get(t, h, "/usage/"+f.SIMs[3].ID+"?filter=time:2025-01&limit=1000")
	p := decodePage(t, rec)
	if len(p.Usage) == 0 || p.Pagination.HasMore {
		t.Fatalf("want one non-empty last page, got %d records, has_more %v", len(p.Usage), p.Pagination.HasMore)
	}
	body := rec.Body.String()
	if want := `],"pagination":{"has_more":false}}`; body[len(body)-len(want):] != want {
		t.Fatalf("last page ends %q", body[max(0, len(body)-60):])
	}
}

// simWith returns a SIM with at least n records satisfying keep.
func simWith(t testing.TB, f *Fleet, keep func(Record) bool, n int) SIM {
	t.Helper()
	for _, s := range f.SIMs {
		c := 0
		for _, r := range f.RecordsOf(s.ID) {
			if keep(r) {
				c++
			}
		}
		if c >= n {
			return s
		}
	}
	t.Fatalf("no SIM with %d matching records", n)
	return SIM{}
}
