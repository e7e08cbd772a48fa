package onomondo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestRecordRepeatedAtAPageBoundaryIsCountedOnce: a cursor read with ">="
// starts the next page with the record the last one ended on. That record
// is skipped (and logged at INFO), never counted twice; one that only looks
// alike, or comes back two pages later, is not skipped by this rule.
func TestRecordRepeatedAtAPageBoundaryIsCountedOnce(t *testing.T) {
	const (
		a = `{"time":"2025-03-01 00:00:00","bill_id":"b1","session_id":"s1","sim_id":"000000001","bytes":10}`
		b = `{"time":"2025-03-01 00:15:00","bill_id":"b2","session_id":"s1","sim_id":"000000001","bytes":20}`
		c = `{"time":"2025-03-01 00:30:00","bill_id":"b3","session_id":"s1","sim_id":"000000001","bytes":40}`
		// The same session, no bill_id: the time tells the two apart.
		s1 = `{"time":"2025-03-01 00:45:00","session_id":"s1","sim_id":"000000001","bytes":40}`
		s2 = `{"time":"2025-03-01 01:00:00","session_id":"s1","sim_id":"000000001","bytes":40}`
		// group=hours records: no bill_id or session_id; the whole value is the identity.
		h1 = `{"time":"2025-03-01 01:00:00","sim_id":"000000001","country_code":"dk","bytes":100}`
		h2 = `{"time":"2025-03-01 01:00:00","sim_id":"000000001","country_code":"se","bytes":100}`
	)
	pages := []string{
		`{"usage":[` + a + `,` + b + `],"pagination":{"next_page":"c2"}}`,
		`{"usage":[` + b + `,` + c + `],"pagination":{"next_page":"c3"}}`,   // b again
		`{"usage":[` + c + `,` + h1 + `],"pagination":{"next_page":"c4"}}`,  // c again
		`{"usage":[` + h1 + `,` + h2 + `],"pagination":{"next_page":"c5"}}`, // h1 again; h2 differs by country only
		`{"usage":[` + a + `,` + s1 + `],"pagination":{"next_page":"c6"}}`,  // a, from page 1: not a boundary repeat
		`{"usage":[` + s2 + `],"pagination":{"has_more":false}}`,            // s2 is not s1
	}
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, pages[n-1]) })
		cl, log := s.client(t)
		got, res, err := collect(t, cl, UsageQuery{Filters: []Filter{{"time", "2025-03"}}, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, r := range got {
			sum += r.Bytes.Value
		}
		if len(got) != 8 || sum != 10+20+40+100+100+10+40+40 || res.Records != 8 {
			t.Fatalf("%d records, %d bytes (result %d): want a, b, c, h1, h2, a again, s1 and s2, each boundary repeat once", len(got), sum, res.Records)
		}
		for _, want := range []string{"INFO Onomondo API: 1 record(s) of page 2 repeat records of page 1", "page 3 repeat records of page 2", "page 4 repeat records of page 3"} {
			if !strings.Contains(log.all(), want) {
				t.Errorf("log lacks %q:\n%s", want, log.all())
			}
		}
	})
}

// TestRecordRepeatedWithOtherValuesIsAnError: a record with the identity of
// one of the page before but other bytes leaves no way to tell which to
// count.
func TestRecordRepeatedWithOtherValuesIsAnError(t *testing.T) {
	page := func(extra string, more bool) string {
		pg := `{"has_more":false}`
		if more {
			pg = `{"next_page":"c2"}`
		}
		return `{"usage":[{"time":"2025-03-01 00:00:00","bill_id":"b1","sim_id":"000000001",` + extra + `}],"pagination":` + pg + `}`
	}
	for _, c := range []struct{ name, first, again, want string }{
		{"other bytes", `"bytes":10`, `"bytes":11`, "but other bytes (11 against 10)"},
		{"another network type", `"bytes":10,"network_type":"3G"`, `"bytes":10,"network_type":"4G"`, `but another network_type ("4G" against "3G")`},
	} {
		t.Run(c.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(answers(page(c.first, true), page(c.again, false)))
				cl, _ := s.client(t)
				_, err := cl.ReadUsage(context.Background(), UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 1}, func([]Record) error { return nil })
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindPaging || !strings.Contains(err.Error(), "record 1 of page 2 has the bill_id, session_id, time and SIM of record 1 of page 1 "+c.want) {
					t.Fatalf("err = %v, want %q", err, c.want)
				}
			})
		})
	}
}

// TestTagTotalPagesCountABoundaryRepeatOnce: a paged tag total is summed
// by the same rule.
func TestTagTotalPagesCountABoundaryRepeatOnce(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(answers(`{"usage":[{"bill_id":"b1","bytes":10},{"bill_id":"b2","bytes":20}],"pagination":{"next_page":"c2"}}`, `{"usage":[{"bill_id":"b2","bytes":20},{"bill_id":"b3","bytes":40}],"pagination":{"has_more":false}}`))
		c, _ := s.client(t)
		got, err := c.GetTagTotal(context.Background(), "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f")
		if err != nil || got.Bytes != 70 || got.Pages != 2 {
			t.Fatalf("%+v, %v: want 70 bytes in 2 pages", got, err)
		}
	})
}
