package onomondo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// fleetPage is an offset-paged GET /sims answer over the SIMs ids (in
// order), at the offset asked, 10 a page.
func fleetPage(r *http.Request, ids []int) string {
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	end := min(off+10, len(ids))
	var b strings.Builder
	fmt.Fprintf(&b, `{"count":%d,"limit":10,"offset":%d,"total":%d,"sims":[`, end-off, off, len(ids))
	for i, id := range ids[off:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%09d"}`, id)
	}
	b.WriteString("]}")
	return b.String()
}

func simIDs(list SIMList) []string {
	var out []string
	for _, s := range list.SIMs {
		out = append(out, s.ID)
	}
	return out
}

// TestSIMListThatChangesMidReadIsReadAgain: an offset-paged list whose total
// changes between pages (a SIM removed shifts every later offset, so a SIM
// would be skipped) is read again from the start; the list is complete. If
// it changes again, the read fails rather than drop a SIM.
func TestSIMListThatChangesMidReadIsReadAgain(t *testing.T) {
	all := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	without3 := []int{1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				writeJSON(w, 200, fleetPage(r, all))
				return
			}
			writeJSON(w, 200, fleetPage(r, without3)) // SIM 3 deleted after page 1
		})
		c, log := s.client(t)
		list, err := c.ListSIMs(context.Background(), SIMQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(simIDs(list), ","); len(list.SIMs) != 14 || strings.Contains(got, "000000003") || !strings.Contains(got, "000000011") {
			t.Fatalf("SIMs %s: want the 14 of the list as it is now", got)
		}
		if !strings.Contains(log.all(), "the SIM list changed while it was read") {
			t.Errorf("the second read was not logged")
		}
	})
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			ids := all
			if n%2 == 0 {
				ids = without3
			}
			writeJSON(w, 200, fleetPage(r, ids))
		})
		c, _ := s.client(t)
		_, err := c.ListSIMs(context.Background(), SIMQuery{})
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindPaging || !strings.Contains(err.Error(), "GET /sims?limit=1000&offset=10 (page 2): page 2 says the list holds 14 SIMs, page 1 said 15, and it changed again") {
			t.Fatalf("err = %v", err)
		}
		if n := len(s.requests()); n != 4 {
			t.Errorf("%d requests, want two reads of two pages", n)
		}
	})
}

// TestSIMPagesWithoutIDsEnd: SIMs without id or ICCID cannot be told apart
// by id, so pages that repeat them under fresh cursors are stopped by their
// digest; and every SIM read has a page cap (it used to loop: 9,826
// requests in 3 s).
func TestSIMPagesWithoutIDsEnd(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, fmt.Sprintf(`{"sims":[{"label":"a"},{"label":"b"}],"pagination":{"has_more":true,"next_page":"c%d"}}`, n))
		})
		c, _ := s.client(t)
		_, err := c.ListSIMs(context.Background(), SIMQuery{})
		if err == nil || !strings.Contains(err.Error(), "page 2 holds the same 2 records as page 1 although its cursor was new") {
			t.Fatalf("err = %v", err)
		}
	})
	defer func(old int) { maxSIMPages = old }(maxSIMPages)
	maxSIMPages = 40
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, fmt.Sprintf(`{"sims":[{"label":"sim %d"}],"pagination":{"has_more":true,"next_page":"c%d"}}`, n, n))
		})
		c, _ := s.client(t)
		_, err := c.ListSIMs(context.Background(), SIMQuery{})
		if err == nil || !strings.Contains(err.Error(), "the read reached 40 pages, the most one read may take") {
			t.Fatalf("err = %v", err)
		}
		if n := len(s.requests()); n != 40 {
			t.Errorf("%d requests, want 40", n)
		}
	})
}

// TestBareSIMListFromAServerThatIgnoresOffset: a bare {"sims": [...]}
// whose second page repeats the first exactly came from a server that sent
// the whole list at once: it is the complete list, not an error.
func TestBareSIMListFromAServerThatIgnoresOffset(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, simsBody(1, 5, "")) })
		c, _ := s.client(t)
		list, err := c.ListSIMs(context.Background(), SIMQuery{})
		if err != nil || len(list.SIMs) != 5 || list.Pages != 2 {
			t.Fatalf("%d SIMs in %d pages, %v: want the 5 of page 1", len(list.SIMs), list.Pages, err)
		}
	})
	// Not exact (the server moved on by one SIM): still a SIM listed twice.
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, simsBody(n, 5, "")) })
		c, _ := s.client(t)
		if _, err := c.ListSIMs(context.Background(), SIMQuery{}); err == nil || !strings.Contains(err.Error(), `page 2 lists SIM "000000002" again`) {
			t.Fatalf("err = %v", err)
		}
	})
	// Page 3 repeating page 1: the server did not ignore offset on page 2.
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 2 {
				writeJSON(w, 200, simsBody(6, 5, ""))
				return
			}
			writeJSON(w, 200, simsBody(1, 5, ""))
		})
		c, _ := s.client(t)
		if _, err := c.ListSIMs(context.Background(), SIMQuery{}); err == nil || !strings.Contains(err.Error(), `page 3 lists SIM "000000001" again`) {
			t.Fatalf("err = %v", err)
		}
	})
}
