package onomondo

import (
	"context"
	"net/http"
	"strings"
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

// TestTagTotalUnitsAndCounts: a total with a unit is read in that unit, or
// refused when the unit is not one of bytes; never taken for bytes. Beside
// a "usage" list, a "total" that counts the records is not read as bytes.
func TestTagTotalUnitsAndCounts(t *testing.T) {
	ok := []struct {
		body  string
		total int64
		from  string
	}{
		{`{"total":5,"unit":"MB"}`, 5_000_000, "total"},
		{`{"total":5,"unit":"KB"}`, 5_000, "total"},
		{`{"total_bytes":"1.5","unit":"GiB"}`, 1_610_612_736, "total_bytes"},
		{`{"bytes":2,"unit":"kB","total":2,"usage":2}`, 2_000, "bytes"},
		{`{"total":7,"unit":"bytes"}`, 7, "total"},
		{`{"total":7,"unit":"B"}`, 7, "total"},
		{`{"total":7,"unit":null}`, 7, "total"},
		{`{"count":2,"total":2,"usage":[{"bytes":10},{"bytes":5}]}`, 15, "usage[]"},
		{`{"total":2,"usage":[{"bytes":10},{"bytes":5}],"pagination":{"has_more":false}}`, 15, "usage[]"},
		{`{"count":2,"total":15,"usage":[{"bytes":10},{"bytes":5}]}`, 15, "usage[]"},
		{`{"count":3,"total":3,"usage":[{"bytes":10},{"bytes":5}]}`, 15, "usage[]"}, // total is count: a count, whatever the list holds
		{`{"total":1,"unit":"MB","usage":[{"bytes":600000},{"bytes":400000}]}`, 1_000_000, "usage[]"},
	}
	for _, tc := range ok {
		got, err := DecodeTagTotal([]byte(tc.body))
		if err != nil || !got.Found || got.Bytes != tc.total || got.From != tc.from {
			t.Errorf("%s: %+v, %v; want %d from %q", tc.body, got, err, tc.total, tc.from)
		}
	}
	refused := map[string]string{
		`{"total":5,"unit":"Mb"}`:                                  `"unit" "Mb" is not a unit of bytes`,
		`{"total":5,"unit":"furlongs"}`:                            `"unit" "furlongs" is not a unit of bytes`,
		`{"total":5,"unit":"%"}`:                                   `"unit" "%" is not a unit of bytes`,
		`{"total":5,"unit":7}`:                                     `"unit" is 7, expected a unit`,
		`{"total":0.5,"unit":"B"}`:                                 "not a whole number",
		`{"total":"1.0001","unit":"kB"}`:                           `"total": 1.0001 "kB" is not a whole number of bytes`,
		`{"total":5e3,"unit":"MB"}`:                                "exponents are not supported",
		`{"total":true,"unit":"MB"}`:                               "is a JSON boolean, expected a number",
		`{"count":2,"total":3,"usage":[{"bytes":10},{"bytes":5}]}`: "ambiguous",
	}
	for body, want := range refused {
		if got, err := DecodeTagTotal([]byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %+v, %v; want an error with %q", body, got, err, want)
		}
	}
}

// TestPagedTagTotalChecks: a paged usage list is summed over its pages,
// and the sum is checked like a single page's: a number beside it that
// disagrees with the whole list is ambiguous, and a sum beyond 64 bits is
// an error, not a wrapped number.
func TestPagedTagTotalChecks(t *testing.T) {
	for _, tc := range []struct {
		pages []string
		want  string
	}{
		{[]string{`{"total_bytes":15,"usage":[{"bill_id":"b1","bytes":10}],"pagination":{"next_page":"c2"}}`,
			`{"usage":[{"bill_id":"b2","bytes":7}],"pagination":{"has_more":false}}`},
			`"total_bytes" says 15 bytes but the "usage" records add up to 17: the total is ambiguous`},
		{[]string{`{"usage":[{"bill_id":"b1","bytes":9223372036854775807}],"pagination":{"next_page":"c2"}}`,
			`{"usage":[{"bill_id":"b2","bytes":1}],"pagination":{"has_more":false}}`},
			`the "usage" records' bytes overflow a 64-bit total`},
	} {
		bubble(t, func(t *testing.T) {
			s := newMemServer(answers(tc.pages...))
			c, _ := s.client(t)
			got, err := c.GetTagTotal(context.Background(), "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /usage/tag-total/") {
				t.Errorf("%+v, %v; want an error with %q", got, err, tc.want)
			}
		})
	}
}
