package onomondo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// answers is a memServer handler that answers request n with bodies[n-1]
// (the last body from then on), each a 200 with JSON.
func answers(bodies ...string) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, _ *http.Request, n int) { writeJSON(w, 200, bodies[min(n, len(bodies))-1]) }
}

// records is the JSON list of records first..first+n-1 of page().
func records(first, n int) string {
	p := page(n, first, "")
	return p[len(`{"usage":`):strings.Index(p, `,"pagination"`)]
}

// TestFullPageMustSayWhereTheNextIs: a page holding as many records as
// asked for, whose pagination says neither where the next page is nor that
// there is none, ends the read with an error (it used to end it silently
// after page 1: 11 MB reported for a 549 MB month). A short page with the
// same pagination is the last page; has_more: false is the API's own word.
func TestFullPageMustSayWhereTheNextIs(t *testing.T) {
	for _, pg := range []string{`null`, `{}`, `{"next_page":null}`, `{"next_page":""}`, `{"has_more":null}`} {
		t.Run("full page, pagination "+pg, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					writeJSON(w, 200, `{"usage":`+records(0, 2)+`,"pagination":`+pg+`}`)
				})
				c, _ := s.client(t)
				_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2})
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindPaging ||
					!strings.Contains(err.Error(), `GET /usage?filter=time:2025&limit=2 (page 1): page 1 holds the 2 records asked for but its "pagination" has neither a next_page nor has_more: false`) {
					t.Fatalf("err = %v, want a paging error naming the request", err)
				}
			})
		})
		t.Run("short page, pagination "+pg, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					writeJSON(w, 200, `{"usage":`+records(0, 1)+`,"pagination":`+pg+`}`)
				})
				c, _ := s.client(t)
				got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2})
				if err != nil || len(got) != 1 || res.HasMore {
					t.Fatalf("%d records, %+v, %v: want the short page read as the last", len(got), res, err)
				}
			})
		})
	}
	t.Run("full page with has_more false", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, 200, `{"usage":`+records(0, 2)+`,"pagination":{"has_more":false,"next_page":null}}`)
			})
			c, _ := s.client(t)
			if got, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2}); err != nil || len(got) != 2 {
				t.Fatalf("%d records, %v", len(got), err)
			}
		})
	})
	// A server that serves 3 records a page although 5 were asked for: a
	// page of 3 that says nothing more is as full as the pages before it.
	t.Run("as full as the server's own pages", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			s := newMemServer(answers(`{"usage":`+records(0, 3)+`,"pagination":{"has_more":true,"next_page":"c2"}}`, `{"usage":`+records(3, 3)+`,"pagination":{}}`))
			c, _ := s.client(t)
			_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 5})
			if err == nil || !strings.Contains(err.Error(), "page 2 holds 3 records, as many as earlier pages of this read that said more follow") {
				t.Fatalf("err = %v", err)
			}
		})
	})
}

// TestPageLargerThanAskedIsRead: a page with more records than the limit
// asked for is read when the read has no maximum; with one, only the
// records up to it count, and no cursor is returned (the page's own lies
// past the records left out), with a warning.
func TestPageLargerThanAskedIsRead(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(answers(page(5, 0, "c2"), page(2, 5, "")))
		c, _ := s.client(t)
		got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2})
		if err != nil || len(got) != 7 || res.Pages != 2 {
			t.Fatalf("%d records in %d pages, %v: want the 5 of page 1 and the 2 of page 2", len(got), res.Pages, err)
		}
	})
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, page(5, 0, "c2")) })
		c, _ := s.client(t)
		got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2, MaxRecords: 3})
		if err != nil || len(got) != 3 || !res.StoppedAtMax || !res.HasMore || res.NextPage != "" {
			t.Fatalf("%d records, %+v, %v: want the first 3, more left, and no cursor", len(got), res, err)
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Detail, "Page 1 held 5 records although 2 were asked for. The first 3 were counted") {
			t.Fatalf("warnings %+v", res.Warnings)
		}
	})
	// Within the maximum, a larger page counts whole and the read goes on.
	bubble(t, func(t *testing.T) {
		s := newMemServer(answers(page(3, 0, "c2"), page(2, 3, "c3")))
		c, _ := s.client(t)
		got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2, MaxRecords: 5})
		if err != nil || len(got) != 5 || res.NextPage != "c3" || len(res.Warnings) != 0 {
			t.Fatalf("%d records, %+v, %v", len(got), res, err)
		}
		if q := s.requests()[1].RawQuery; !strings.Contains(q, "limit=2&next_page=c2") {
			t.Errorf("page 2 asked %q, want the 2 records still wanted", q)
		}
	})
	// Cut on a later page: the records up to the maximum, counting the
	// pages before.
	bubble(t, func(t *testing.T) {
		s := newMemServer(answers(page(2, 0, "c2"), page(2, 2, "c3"), page(3, 4, "c4")))
		c, _ := s.client(t)
		got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2, MaxRecords: 5})
		if err != nil || len(got) != 5 || got[4].Bytes.Value != 5 || res.NextPage != "" || len(res.Warnings) != 1 {
			t.Fatalf("%d records, %+v, %v: want the first of page 3's three", len(got), res, err)
		}
	})
	// A page far beyond anything the API sends is not a page.
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, page(maxPageRecords+1, 0, "")) })
		c, _ := s.client(t)
		_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("page 1 held more than %d records", maxPageRecords)) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestReadStopsAtThePageCap: a server that answers every page with new
// records and a new cursor, for ever, is stopped at the read's page cap
// with an error that says so.
func TestReadStopsAtThePageCap(t *testing.T) {
	defer func(old int) { maxReadPages = old }(maxReadPages)
	maxReadPages = 50
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, page(2, 2*n, fmt.Sprintf("c%d", n)))
		})
		c, _ := s.client(t)
		_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2})
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindPaging || e.Page != 50 || !strings.Contains(err.Error(), "(page 50): the read reached 50 pages, the most one read may take") {
			t.Fatalf("err = %v", err)
		}
		if n := len(s.requests()); n != 50 {
			t.Errorf("%d requests, want 50", n)
		}
	})
	// The tag total's paged list too.
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, page(2, 2*n, fmt.Sprintf("c%d", n)))
		})
		c, _ := s.client(t)
		_, err := c.GetTagTotal(context.Background(), "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f")
		if err == nil || !strings.Contains(err.Error(), "the read reached 50 pages") {
			t.Fatalf("err = %v", err)
		}
	})
}
