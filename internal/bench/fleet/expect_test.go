package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
	"github.com/onomondo/terraform-provider-onomondo/internal/window"
)

// testEnd ends the test fleet's data in the middle of a step.
var testEnd = time.Date(2026, 3, 5, 10, 7, 31, 0, time.UTC)

// TestExpectationsMatchTheAPI checks the benchmark's own arithmetic against
// the fake's answers, read page by page as a client does: a window's sums
// (plain and by the hour) and the pages its cover costs.
func TestExpectationsMatchTheAPI(t *testing.T) {
	f := fakeapi.NewFleet(fakeapi.FleetOptions{SIMs: 1200, Months: 1, End: testEnd, AlwaysOn: true})
	_, ts := fakeapi.NewTestServer(fakeapi.Options{Fleet: f, RateLimit: 1 << 30})
	defer ts.Close()
	since, until := testEnd.Add(-24*time.Hour-17*time.Second), testEnd.Add(3*time.Minute)
	w, _ := window.New(since, until)
	for _, grouped := range []bool{false, true} {
		var got sums
		var requests int64
		for _, p := range w.Cover() {
			q := url.Values{"filter": {"time:" + p}, "limit": {"1000"}}
			if grouped {
				q.Set("group", "hours")
			}
			for {
				var page struct {
					Usage []struct {
						Time  string `json:"time"`
						SimID string `json:"sim_id"`
						Bytes int64  `json:"bytes"`
					} `json:"usage"`
					Pagination struct {
						NextPage string `json:"next_page"`
					} `json:"pagination"`
				}
				get(t, ts.URL+"/usage?"+q.Encode(), &page)
				requests++
				for _, r := range page.Usage {
					at, _ := time.Parse("2006-01-02 15:04:05", r.Time)
					if w.Contains(at) {
						got.add(r.SimID, r.Bytes)
					}
				}
				if page.Pagination.NextPage == "" {
					break
				}
				q.Set("next_page", page.Pagination.NextPage)
			}
		}
		want := usage(f, since, until, grouped)
		if got.records != want.records || got.bytes != want.bytes || len(got.bySIM) != len(want.bySIM) {
			t.Fatalf("grouped %t: the API gives %d records, %d bytes, %d SIMs; the benchmark expects %d, %d, %d",
				grouped, got.records, got.bytes, len(got.bySIM), want.records, want.bytes, len(want.bySIM))
		}
		if fewest, err := coverPages(f, since, until, grouped); err != nil || fewest != requests {
			t.Fatalf("grouped %t: reading the cover took %d requests, coverPages says %d (%v)", grouped, requests, fewest, err)
		}
	}
}

func get(t *testing.T, target string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", fakeapi.DemoAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", target, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestPages: ceil(records / 1000), at least one request.
func TestPages(t *testing.T) {
	for n, want := range map[int64]int64{0: 1, 1: 1, 999: 1, 1000: 1, 1001: 2, 14_880_000: 14_880} {
		if got := pages(n); got != want {
			t.Errorf("pages(%d) = %d, want %d", n, got, want)
		}
	}
}
