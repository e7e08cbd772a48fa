package onomondo

import (
	"context"
	"net/http"
	"testing"
)

// A tag total answered as a paged "usage" list (20 records a page, as a
// server picks when no limit is asked) is followed through every page and
// summed: never page 1 alone.
func TestTagTotalPagedUsageList(t *testing.T) {
	a := newUsageAPI(50, 0, 0, rateReading{})
	s := newMemServer(func(w http.ResponseWriter, r *http.Request, _ int) {
		q := r.URL.Query()
		q.Set("limit", "20")
		body, ok := a.page(q, nil)
		if !ok || r.URL.Path != "/usage/tag-total/3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f" {
			writeJSON(w, 400, `{"error":"invalid_next_page"}`)
			return
		}
		writeJSON(w, 200, string(body))
	})
	c, _ := s.client(t)
	got, err := c.GetTagTotal(context.Background(), "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f")
	if err != nil || !got.Found || got.Bytes != a.total || got.From != "usage[]" || got.Pages != 3 {
		t.Fatalf("%+v, %v; want %d bytes from usage[] in 3 pages", got, err, a.total)
	}
	reqs := s.requests()
	if len(reqs) != 3 || reqs[0].RawQuery != "" || reqs[1].RawQuery != "next_page=c20" || reqs[2].RawQuery != "next_page=c40" {
		t.Fatalf("requests %+v: want the first page, then each cursor once", reqs)
	}
}
