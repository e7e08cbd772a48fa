package fakeapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// TestConcurrentUse hammers one live server from many goroutines while the
// request log is read and reset concurrently; run it with -race. Every
// reader still gets exactly its records.
func TestConcurrentUse(t *testing.T) {
	f := DefaultFleet()
	s, ts := NewTestServer(Options{APIKey: testKey, Fleet: f, RateLimit: 1 << 30})
	defer ts.Close()

	type job struct {
		path string
		q    url.Values
		keep func(Record) bool
	}
	jobs := []job{
		{"/usage", url.Values{"filter": {"time:2025-02"}}, func(r Record) bool { return inMonth2025(r.Time, time.February) }},
		{"/usage", url.Values{"filter": {"country_code:se"}}, func(r Record) bool { return r.CountryCode == "se" }},
		{"/usage/" + f.SIMs[7].ID, nil, func(r Record) bool { return r.SimID == f.SIMs[7].ID }},
		{"/usage", url.Values{"filter": {"time:2025-03"}, "group": {"hours"}}, nil},
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})

	// Background churn: the log.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = s.Requests()
			if i%50 == 0 {
				s.ResetRequests()
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/usage/tag-total/"+f.Tags[0].ID, nil)
			req.Header.Set("Authorization", testKey)
			if resp, err := ts.Client().Do(req); err == nil {
				_ = resp.Body.Close()
			}
		}
	}()

	var readers sync.WaitGroup
	results := make([][]recordJSON, 2*len(jobs))
	for i := range results {
		readers.Add(1)
		go func() {
			defer readers.Done()
			j := jobs[i%len(jobs)]
			results[i] = readAllHTTP(t, ts.URL, j.path, j.q, min(7+i*131, MaxLimit))
		}()
	}
	readers.Wait()
	close(stop)
	wg.Wait()

	for i, got := range results {
		j := jobs[i%len(jobs)]
		if j.keep == nil { // grouped: both readers agree
			sameRecords(t, got, results[(i+len(jobs))%len(results)])
			continue
		}
		sameRecords(t, got, brute(f, j.keep))
	}
}

// readAllHTTP is readAll over a real connection, safe to run from several
// goroutines (it reports with t.Error, never t.Fatal).
func readAllHTTP(t *testing.T, baseURL, path string, q url.Values, limit int) []recordJSON {
	var out []recordJSON
	cursor := ""
	for {
		v := url.Values{"limit": {itoa(limit)}}
		for k, vals := range q {
			v[k] = vals
		}
		if cursor != "" {
			v.Set("next_page", cursor)
		}
		req, err := http.NewRequest(http.MethodGet, baseURL+path+"?"+v.Encode(), nil)
		if err != nil {
			t.Error(err)
			return nil
		}
		req.Header.Set("Authorization", testKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		var p pageJSON
		err = json.NewDecoder(resp.Body).Decode(&p)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, %v", path, resp.StatusCode, err)
			return nil
		}
		out = append(out, p.Usage...)
		if !p.Pagination.HasMore {
			return out
		}
		cursor = *p.Pagination.NextPage
	}
}
