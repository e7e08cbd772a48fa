package fakeapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// testKey is the API key of the servers under test.
const testKey = "onok_test.secretkey"

// newTestHandler returns a Server over f with a budget no test exhausts by
// accident.
func newTestHandler(f *Fleet) *Server {
	return New(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30})
}

// get performs an authorised GET of target (path and query) on h.
func get(t testing.TB, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	return getWithAuth(t, h, target, testKey)
}

// getWithAuth performs a GET with the given Authorization value ("" sends
// none).
func getWithAuth(t testing.TB, h http.Handler, target, auth string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// recordJSON is a record as a client decodes it; pointers tell absent keys
// apart.
type recordJSON struct {
	Time        string  `json:"time"`
	BillID      *string `json:"bill_id"`
	SimID       string  `json:"sim_id"`
	ICCID       string  `json:"iccid"`
	SessionID   *string `json:"session_id"`
	Bytes       int64   `json:"bytes"`
	CountryCode string  `json:"country_code"`
	NetworkType string  `json:"network_type"`
	Network     struct {
		MCC string `json:"mcc"`
		MNC string `json:"mnc"`
	} `json:"network"`
}

// pageJSON is a usage page as a client decodes it.
type pageJSON struct {
	Usage      []recordJSON `json:"usage"`
	Pagination struct {
		HasMore  bool    `json:"has_more"`
		NextPage *string `json:"next_page"`
	} `json:"pagination"`
}

// decodeStrict decodes body into v, refusing unknown keys and trailing
// data.
func decodeStrict(t testing.TB, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", truncate(body), err)
	}
	if dec.More() {
		t.Fatalf("trailing data after JSON: %s", truncate(body))
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

// decodePage checks a 200 usage page and decodes it.
func decodePage(t testing.TB, rec *httptest.ResponseRecorder) pageJSON {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, body %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var p pageJSON
	decodeStrict(t, rec.Body.Bytes(), &p)
	if p.Usage == nil {
		t.Fatalf("usage is absent or null: %s", truncate(rec.Body.Bytes()))
	}
	if p.Pagination.HasMore != (p.Pagination.NextPage != nil) {
		t.Fatalf("has_more %v but next_page %v", p.Pagination.HasMore, p.Pagination.NextPage)
	}
	if p.Pagination.NextPage != nil && *p.Pagination.NextPage == "" {
		t.Fatal("empty next_page")
	}
	return p
}

// wantError checks an error answer.
func wantError(t testing.TB, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var e map[string]string
	decodeStrict(t, rec.Body.Bytes(), &e)
	if len(e) != 1 || e["error"] != code {
		t.Fatalf("body %s, want error %q", rec.Body.String(), code)
	}
}

// readAll reads every page of path with the given query, following
// next_page and re-sending the other parameters like the README's clients.
// limits, if given, are used in turn for the successive pages. offset goes
// on the first request only.
func readAll(t testing.TB, h http.Handler, path string, q url.Values, limits ...int) []recordJSON {
	t.Helper()
	var out []recordJSON
	cursor := ""
	for page := 0; ; page++ {
		v := url.Values{}
		for k, vals := range q {
			if k == "offset" && page > 0 {
				continue
			}
			v[k] = vals
		}
		if len(limits) > 0 {
			v.Set("limit", strconv.Itoa(limits[page%len(limits)]))
		}
		if cursor != "" {
			v.Set("next_page", cursor)
		}
		p := decodePage(t, get(t, h, path+"?"+v.Encode()))
		out = append(out, p.Usage...)
		if !p.Pagination.HasMore {
			return out
		}
		if *p.Pagination.NextPage == cursor {
			t.Fatalf("page %d repeats cursor %s", page, cursor)
		}
		cursor = *p.Pagination.NextPage
	}
}

// toJSON is what the API must send for r.
func toJSON(r Record) recordJSON {
	var j recordJSON
	j.Time = r.Time.UTC().Format("2006-01-02 15:04:05")
	if r.BillID != "" {
		id := r.BillID
		j.BillID = &id
	}
	if r.SessionID != "" {
		id := r.SessionID
		j.SessionID = &id
	}
	j.SimID, j.ICCID, j.Bytes = r.SimID, r.ICCID, r.Bytes
	j.CountryCode, j.NetworkType = r.CountryCode, r.NetworkType
	j.Network.MCC, j.Network.MNC = r.MCC, r.MNC
	return j
}

// Bounds that hold every record of a fleet, for Fleet.Usage.
var (
	beforeAll = time.Time{}
	afterAll  = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

// brute returns, as JSON records, the records of f that satisfy keep, in
// order: the reference every query is checked against.
func brute(f *Fleet, keep func(r Record) bool) []recordJSON {
	out := []recordJSON{}
	for r := range f.Usage(beforeAll, afterAll) {
		if keep(r) {
			out = append(out, toJSON(r))
		}
	}
	return out
}

// inMonth2025 reports whether t is in the given UTC month of 2025.
func inMonth2025(t time.Time, m time.Month) bool {
	t = t.UTC()
	return t.Year() == 2025 && t.Month() == m
}

// sameRecords fails unless got equals want, record by record.
func sameRecords(t testing.TB, got, want []recordJSON) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range got {
		if !equalRecordJSON(&got[i], &want[i]) {
			g, _ := json.Marshal(got[i])
			w, _ := json.Marshal(want[i])
			t.Fatalf("record %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

func equalRecordJSON(a, b *recordJSON) bool {
	eq := func(x, y *string) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.Time == b.Time && eq(a.BillID, b.BillID) && a.SimID == b.SimID && a.ICCID == b.ICCID &&
		eq(a.SessionID, b.SessionID) && a.Bytes == b.Bytes && a.CountryCode == b.CountryCode &&
		a.NetworkType == b.NetworkType && a.Network == b.Network
}

func itoa(n int) string { return strconv.Itoa(n) }
