package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

func TestAuth(t *testing.T) {
	s := newTestHandler(DefaultFleet())
	const target = "/usage?filter=time:2025-01&limit=1"
	for _, auth := range []string{"", "Bearer " + testKey, "bearer " + testKey, testKey + " ", " " + testKey, "wrong", strings.ToUpper(testKey)} {
		wantError(t, getWithAuth(t, s, target, auth), http.StatusUnauthorized, CodeUnauthorized)
	}
	// Two Authorization headers are not "the" key.
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Add("Authorization", testKey)
	req.Header.Add("Authorization", testKey)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	wantError(t, rec, http.StatusUnauthorized, CodeUnauthorized)

	decodePage(t, get(t, s, target))
	// Without Options.APIKey the demo key works.
	decodePage(t, getWithAuth(t, New(Options{}), target, DemoAPIKey))
}

func TestRoutingErrors(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	for _, target := range []string{"/", "/sim", "/simsx", "/sims/", "/sims/" + f.SIMs[0].ID + "/x", "/usages", "/usage/", "/usage/" + f.SIMs[0].ID + "/x", "/v1/usage"} {
		wantError(t, get(t, s, target), http.StatusNotFound, CodeNotFound)
	}
	for _, target := range []string{"/usage/123", "/usage/abc", "/usage/0000000001", "/usage/12345678901234567", "/usage/12345678901234567890123", "/usage/tag-totals"} {
		wantError(t, get(t, s, target), http.StatusNotFound, CodeSIMNotFound)
	}
	// Well-formed but unknown: a 9-digit ID and an 18-22 digit ICCID.
	wantError(t, get(t, s, "/usage/000000000"), http.StatusNotFound, CodeSIMNotFound)
	wantError(t, get(t, s, "/usage/894573873000000000000"), http.StatusNotFound, CodeSIMNotFound)

	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead, http.MethodPatch} {
		req := httptest.NewRequest(method, "/usage?filter=time:2025", nil)
		req.Header.Set("Authorization", testKey)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if method == http.MethodHead {
			if rec.Code != http.StatusMethodNotAllowed {
				t.Fatalf("HEAD: %d", rec.Code)
			}
			continue
		}
		wantError(t, rec, http.StatusMethodNotAllowed, CodeMethodNotAllowed)
		if rec.Header().Get("Allow") != "GET" {
			t.Fatalf("Allow %q", rec.Header().Get("Allow"))
		}
	}
	// Unauthenticated requests are refused before routing.
	wantError(t, getWithAuth(t, s, "/nope", ""), http.StatusUnauthorized, CodeUnauthorized)
}

func TestKeyTags(t *testing.T) {
	f := DefaultFleet()
	tag := f.Tags[3].ID
	s := New(Options{APIKey: testKey, Fleet: f, KeyTags: []string{tag, "not-a-tag"}, RateLimit: 1 << 30})
	var in, out SIM
	for _, sim := range f.SIMs {
		has := false
		for _, id := range sim.Tags {
			has = has || id == tag
		}
		if has && in.ID == "" {
			in = sim
		}
		if !has && out.ID == "" {
			out = sim
		}
	}
	decodePage(t, get(t, s, "/usage/"+in.ID+"?limit=1"))
	decodePage(t, get(t, s, "/usage/"+in.ICCID+"?limit=1"))
	wantError(t, get(t, s, "/usage/"+out.ID), http.StatusForbidden, CodeForbidden)
	wantError(t, get(t, s, "/usage/"+out.ICCID), http.StatusForbidden, CodeForbidden)
	wantError(t, get(t, s, "/usage/000000000"), http.StatusNotFound, CodeSIMNotFound)

	// /usage hides SIMs outside the scope, also when asked for by sim_id.
	for _, r := range readAll(t, s, "/usage", map[string][]string{"filter": {"time:2025-01"}}) {
		sim, _ := f.SIMByID(r.SimID)
		ok := false
		for _, id := range sim.Tags {
			ok = ok || id == tag
		}
		if !ok {
			t.Fatalf("record of SIM %s outside the key's tags", r.SimID)
		}
	}
	if got := readAll(t, s, "/usage", map[string][]string{"filter": {"sim_id:" + out.ID}}); len(got) != 0 {
		t.Fatalf("sim_id filter outside scope returned %d records", len(got))
	}
	if got := readAll(t, s, "/usage", map[string][]string{"filter": {"sim_id:" + in.ID}}); len(got) != len(f.RecordsOf(in.ID)) {
		t.Fatalf("sim_id filter in scope returned %d records", len(got))
	}
}

// TestRecordJSON checks the exact bytes of a record against the
// documentation's example.
func TestRecordJSON(t *testing.T) {
	r := Record{
		Time:        time.Date(2020, 2, 3, 7, 49, 13, 0, time.UTC),
		BillID:      "7c5f95c7-c0ff-352e-93e2-5370a6d37b42",
		SimID:       "000002273",
		ICCID:       "89457387300000022734",
		SessionID:   "eff9c0b2-16b1-3eb3-aab2-692d7a2ec60e",
		Bytes:       1424843,
		CountryCode: "dk",
		NetworkType: "3G",
		MCC:         "238",
		MNC:         "06",
	}
	f := &Fleet{SIMs: []SIM{{ID: r.SimID, ICCID: r.ICCID}}, Records: []Record{r}}
	rec := get(t, newTestHandler(f), "/usage?filter=time:2020")
	want := `{"usage":[{"time":"2020-02-03 07:49:13","bill_id":"7c5f95c7-c0ff-352e-93e2-5370a6d37b42",` +
		`"sim_id":"000002273","iccid":"89457387300000022734","session_id":"eff9c0b2-16b1-3eb3-aab2-692d7a2ec60e",` +
		`"bytes":1424843,"country_code":"dk","network_type":"3G","network":{"mcc":"238","mnc":"06"}}],` +
		`"pagination":{"has_more":false}}`
	if rec.Body.String() != want {
		t.Fatalf("body\n%s\nwant\n%s", rec.Body.String(), want)
	}
	if rec.Header().Get("Content-Length") != strconv.Itoa(len(want)) || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", rec.Header())
	}
	// Times in other zones are written in UTC; group=hours records have no
	// bill_id or session_id.
	r.Time, r.BillID, r.SessionID = time.Date(2020, 2, 3, 9, 49, 13, 0, time.FixedZone("EET", 2*3600)), "", ""
	if got, _ := jsonv2.Marshal(r); !strings.HasPrefix(string(got), `{"time":"2020-02-03 07:49:13","sim_id":"000002273","iccid"`) {
		t.Fatalf("record %s", got)
	}
}

// TestRecordsJSONOverTheFleet decodes every record of the default fleet as
// the server writes it, strictly, and compares it with what the API must
// send for it.
func TestRecordsJSONOverTheFleet(t *testing.T) {
	t.Parallel()
	f := DefaultFleet()
	for i := range f.Records {
		b, err := jsonv2.Marshal(f.Records[i])
		if err != nil {
			t.Fatal(err)
		}
		var got recordJSON
		decodeStrict(t, b, &got)
		if want := toJSON(f.Records[i]); !equalRecordJSON(&got, &want) {
			t.Fatalf("record %d: %s, want %+v", i, b, want)
		}
	}
}

// TestStringsAreValidJSON: quotes, control characters and invalid UTF-8 in
// a hand-made fleet still make valid JSON (invalid bytes as U+FFFD).
func TestStringsAreValidJSON(t *testing.T) {
	odd := []string{"plain", `quote " and \ backslash`, "ctl \x00\x01\x1f\n\r\t", "ünïcødé ✓ 🚀", "bad \xff utf8 \xe2\x82", "</script>"}
	f := &Fleet{}
	for i, s := range odd {
		id := fmt.Sprintf("%09d", i+1)
		f.SIMs = append(f.SIMs, SIM{ID: id, Label: s})
		f.Records = append(f.Records, Record{Time: time.Date(2025, 1, 1, 0, i, 0, 0, time.UTC), SimID: id, CountryCode: "dk", NetworkType: s})
	}
	s := newTestHandler(f)
	page := decodePage(t, get(t, s, "/usage?filter=time:2025"))
	sims := decodeSIMPage(t, get(t, s, "/sims").Body.Bytes())
	for i, want := range odd {
		want = string([]rune(want)) // invalid bytes become U+FFFD, like encoding/json
		if page.Usage[i].NetworkType != want || sims.SIMs[i].Label == nil || *sims.SIMs[i].Label != want {
			t.Fatalf("%q came back as %q and %v", want, page.Usage[i].NetworkType, sims.SIMs[i].Label)
		}
	}
}

func TestRequestsLog(t *testing.T) {
	f := DefaultFleet()
	before := time.Now()
	s, ts := NewTestServer(Options{APIKey: testKey, Fleet: f})
	defer ts.Close()
	if s.Fleet() != f {
		t.Fatal("Fleet()")
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/usage?filter%5B%5D=time:2025-01&filter%5B%5D=country_code:dk&limit=2", nil)
	req.Header.Set("Authorization", testKey)
	req.Header.Set("User-Agent", "terraform-provider-onomondo/test")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/usage/"+f.SIMs[0].ID, nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err = ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()

	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	r0 := reqs[0]
	if r0.Method != "GET" || r0.Path != "/usage" || !r0.Authorized || r0.Status != 200 ||
		r0.UserAgent != "terraform-provider-onomondo/test" || r0.Time.Before(before) || r0.Time.After(time.Now()) ||
		!reflect.DeepEqual(r0.Query["filter[]"], []string{"time:2025-01", "country_code:dk"}) ||
		r0.RawQuery != "filter%5B%5D=time:2025-01&filter%5B%5D=country_code:dk&limit=2" {
		t.Fatalf("request 0: %+v", r0)
	}
	if r1 := reqs[1]; r1.Method != "POST" || r1.Authorized || r1.Status != 405 {
		t.Fatalf("request 1: %+v", r1)
	}
	// The log never holds the key.
	if b, _ := json.Marshal(reqs); strings.Contains(string(b), testKey) {
		t.Fatal("request log contains the API key")
	}
	// Requests returns copies.
	reqs[0].Query["limit"][0] = "999"
	reqs[0].Status = 1
	if again := s.Requests(); again[0].Query.Get("limit") != "2" || again[0].Status != 200 {
		t.Fatal("Requests() shares its entries")
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Fatal("ResetRequests")
	}
}

func TestSIMEndpointMatchesFilter(t *testing.T) {
	f := DefaultFleet()
	s := newTestHandler(f)
	for _, sim := range f.SIMs[:6] {
		byPath := readAll(t, s, "/usage/"+sim.ID, map[string][]string{"filter": {"time:2025-02"}})
		byFilter := readAll(t, s, "/usage", map[string][]string{"filter[]": {"time:2025-02", "sim_id:" + sim.ID}})
		sameRecords(t, byPath, byFilter)
	}
}
