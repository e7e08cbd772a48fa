// Package baseline is the bare reader the benchmarks measure the provider's
// client against: what a Go programmer writes with net/http and
// encoding/json and nothing else. A plain struct, a fresh decode per page,
// the cursor followed; no retries, no pacing, no aggregation beyond a sum.
// Every benchmark uses this one reader, so their baselines are the same.
package baseline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Query is the benchmark read: all of 2025 (where the synthetic fleets lie)
// in pages of 1000.
const Query = "filter=time:2025&limit=1000"

// Record is a usage record as the bare reader decodes it.
type Record struct {
	Time        string `json:"time"`
	BillID      string `json:"bill_id"`
	SimID       string `json:"sim_id"`
	ICCID       string `json:"iccid"`
	SessionID   string `json:"session_id"`
	Bytes       int64  `json:"bytes"`
	CountryCode string `json:"country_code"`
	NetworkType string `json:"network_type"`
	Network     struct {
		MCC string `json:"mcc"`
		MNC string `json:"mnc"`
	} `json:"network"`
}

// Page is a usage page as the bare reader decodes it.
type Page struct {
	Usage      []Record `json:"usage"`
	Pagination struct {
		HasMore  bool   `json:"has_more"`
		NextPage string `json:"next_page"`
	} `json:"pagination"`
}

// Result is what one complete read saw.
type Result struct {
	Pages   int
	Records int64
	Bytes   int64
}

// Read reads every page of GET /usage?Query from baseURL.
func Read(ctx context.Context, hc *http.Client, baseURL, apiKey string) (Result, error) {
	var r Result
	cursor := ""
	for {
		target := baseURL + "/usage?" + Query
		if cursor != "" {
			target += "&next_page=" + url.QueryEscape(cursor)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return r, err
		}
		req.Header.Set("Authorization", apiKey)
		resp, err := hc.Do(req)
		if err != nil {
			return r, err
		}
		var p Page
		err = json.NewDecoder(resp.Body).Decode(&p)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return r, fmt.Errorf("page %d: status %d", r.Pages+1, resp.StatusCode)
		}
		if err != nil {
			return r, fmt.Errorf("page %d: %w", r.Pages+1, err)
		}
		r.Pages++
		r.Records += int64(len(p.Usage))
		for i := range p.Usage {
			r.Bytes += p.Usage[i].Bytes
		}
		if !p.Pagination.HasMore {
			return r, nil
		}
		cursor = p.Pagination.NextPage
	}
}
