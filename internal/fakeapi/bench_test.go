package fakeapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
)

// BenchmarkSyntheticFleet1M measures building a 1,000,000-record fleet
// (target: well under 2 s and lean on memory).
func BenchmarkSyntheticFleet1M(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		f := SyntheticFleet(1_000_000, 100)
		if len(f.Records) != 1_000_000 {
			b.Fatal(len(f.Records))
		}
	}
}

// BenchmarkDefaultFleet measures NewFleet with the defaults.
func BenchmarkDefaultFleet(b *testing.B) {
	for b.Loop() {
		NewFleet(FleetOptions{Seed: 1})
	}
}

// benchFleet is shared by the read benchmarks.
var benchFleet = func() func() *Fleet {
	var f *Fleet
	return func() *Fleet {
		if f == nil {
			f = SyntheticFleet(1_000_000, 100)
		}
		return f
	}
}()

// BenchmarkReadAll1M reads 1,000,000 records as 1000 pages of 1000 over a
// real loopback HTTP connection, following the cursors, decoding nothing
// but the pagination. Each page must cost O(page), not O(fleet).
func BenchmarkReadAll1M(b *testing.B) {
	f := benchFleet()
	_, ts := NewTestServer(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30})
	defer ts.Close()
	client := ts.Client()
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		cursor, pages := "", 0
		for {
			v := url.Values{"filter": {"time:2025"}, "limit": {"1000"}}
			if cursor != "" {
				v.Set("next_page", cursor)
			}
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/usage?"+v.Encode(), nil)
			req.Header.Set("Authorization", testKey)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatal(resp.StatusCode, err)
			}
			pages++
			// The pagination object is at the end of the body.
			var p struct {
				Pagination struct {
					HasMore  bool   `json:"has_more"`
					NextPage string `json:"next_page"`
				} `json:"pagination"`
			}
			if err := json.Unmarshal(body[lastPagination(body):len(body)-1], &p.Pagination); err != nil {
				b.Fatal(err)
			}
			if !p.Pagination.HasMore {
				break
			}
			cursor = p.Pagination.NextPage
		}
		if pages != 1000 {
			b.Fatalf("%d pages", pages)
		}
	}
}

// lastPagination returns the offset of the pagination object's "{" in a
// page body.
func lastPagination(body []byte) int {
	const key = `"pagination":`
	for i := len(body) - len(key); i >= 0; i-- {
		if string(body[i:i+len(key)]) == key {
			return i + len(key)
		}
	}
	return 0
}

// BenchmarkPageHandler measures one 1000-record page served in process,
// resuming from a cursor deep in a 1M-record fleet.
func BenchmarkPageHandler(b *testing.B) {
	f := benchFleet()
	s := New(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30})
	cursor := encodeCursor(f.Records[900_000].Time, 900_000)
	target := "/usage?" + url.Values{"filter": {"time:2025"}, "next_page": {cursor}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		rec := get(b, s, target)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		s.ResetRequests()
	}
}

// BenchmarkGroupedSIMPage measures a group=hours page of one SIM.
func BenchmarkGroupedSIMPage(b *testing.B) {
	f := DefaultFleet()
	s := New(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30})
	target := "/usage/" + f.SIMs[2].ID + "?group=hours&filter=time:2025-02"
	for b.Loop() {
		if rec := get(b, s, target); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		s.ResetRequests()
	}
}

// BenchmarkEncodePage measures the fake writing one 1000-record page with
// encoding/json/v2 (go-json-experiment/json): the server's share of the CPU
// in the paging benchmarks, where the fake serves the client and the bare
// baseline alike.
func BenchmarkEncodePage(b *testing.B) {
	f := benchFleet()
	src := &source{recs: f.Records, hi: len(f.Records)}
	b.ReportAllocs()
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := jsonv2.MarshalWrite(&out, src.page(0, 0, 1000)); err != nil {
			b.Fatal(err)
		}
	}
}
