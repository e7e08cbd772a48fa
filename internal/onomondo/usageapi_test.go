package onomondo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// usageAPI is the small usage API the time-based client tests read, inside
// a synctest bubble: GET /usage serves n known records of February 2025 in
// pages of the limit asked for (cursor "c<index>"), under a fixed-window
// rate limit as the API documents it (limit requests per window, windows
// aligned to multiples of the window in Unix time by the server's clock; a
// request over the budget is answered 429). How the rate-limit headers are
// written is the test's choice (rateReading), so each reading the evidence
// allows is one table row.
type usageAPI struct {
	records []testRecord
	count   int64 // the exact totals a complete read must end with
	total   int64

	limit  int           // requests per window; 0: no rate limit
	window time.Duration // the window's length, a whole number of seconds

	mu      sync.Mutex
	reading rateReading
	start   time.Time // the window the budget counts
	used    int
	limited int // requests answered 429 by the budget
}

// testRecord is one record of a usageAPI.
type testRecord struct {
	at    time.Time
	sim   string
	bytes int64
}

func newUsageAPI(records, limit int, window time.Duration, rd rateReading) *usageAPI {
	a := &usageAPI{limit: limit, window: window, reading: rd}
	from := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	for i := range records {
		r := testRecord{at: from.Add(time.Duration(i) * time.Minute), sim: fmt.Sprintf("%09d", 1+i%7), bytes: int64(1000 + (i*7919)%50000)}
		a.records = append(a.records, r)
		a.count++
		a.total += r.bytes
	}
	return a
}

// sum is what a read of a usageAPI returned, to compare with its totals.
type sum struct{ count, total int64 }

func (s *sum) add(recs []Record) error {
	for i := range recs {
		s.total += recs[i].Bytes.Value
	}
	s.count += int64(len(recs))
	return nil
}

// read reads every page of a in pages of limit, filtered by February 2025
// (every record of a) and the filters in more, and returns the sums.
func (a *usageAPI) read(ctx context.Context, c *Client, limit int, more ...Filter) (sum, error) {
	var s sum
	_, err := c.ReadUsage(ctx, UsageQuery{Filters: append([]Filter{{"time", "2025-02"}}, more...), Limit: limit}, s.add)
	return s, err
}

// rateLimited is how many requests the budget answered 429.
func (a *usageAPI) rateLimited() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.limited
}

// exact reports whether s holds a's totals.
func (a *usageAPI) exact(s sum) bool { return s.count == a.count && s.total == a.total }

// serve answers one request: memServer's handler.
func (a *usageAPI) serve(w http.ResponseWriter, r *http.Request, n int) { a.shaped(nil)(w, r, n) }

// shaped is a handler that answers like serve, every page rewritten by
// shape.
func (a *usageAPI) shaped(shape func(page map[string]any)) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		if !a.admit(w) {
			return
		}
		body, ok := a.page(r.URL.Query(), shape)
		if !ok {
			writeJSON(w, 400, `{"error":"invalid_next_page"}`)
			return
		}
		writeJSON(w, 200, string(body))
	}
}

// eachRecord returns a shape that applies f to every record of a page.
func eachRecord(f func(rec map[string]any)) func(page map[string]any) {
	return func(page map[string]any) {
		for _, r := range page["usage"].([]any) {
			f(r.(map[string]any))
		}
	}
}

// admit counts a request against the budget and writes the rate-limit
// headers of its answer; when the budget is spent it answers 429 itself
// and returns false.
func (a *usageAPI) admit(w http.ResponseWriter) bool {
	a.mu.Lock()
	rd := a.reading
	now := time.Now().Add(rd.skew) // the server's clock
	if a.limit == 0 {
		a.mu.Unlock()
		return true
	}
	start := now.Truncate(a.window)
	if !start.Equal(a.start) {
		a.start, a.used = start, 0
	}
	ok := a.used < a.limit
	if ok {
		a.used++
	} else {
		a.limited++
	}
	remaining := a.limit - a.used
	a.mu.Unlock()

	rd.write(w.Header(), a.limit, remaining, start.Add(a.window), now)
	if !ok {
		if rd.strip {
			w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(start.Add(a.window).Sub(now)), 10))
		}
		writeJSON(w, 429, `{"error":"rate_limit_exceeded"}`)
	}
	return ok
}

// budget is what is left of the budget at the server's clock now, and when
// it resets, without counting a request.
func (a *usageAPI) budget(now time.Time) (remaining int, reset time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	start := now.Truncate(a.window)
	if !start.Equal(a.start) {
		return a.limit, start.Add(a.window)
	}
	return a.limit - a.used, start.Add(a.window)
}

// page is the JSON page a query asks for, rewritten by shape when not nil;
// ok is false for a cursor this API did not hand out.
func (a *usageAPI) page(q url.Values, shape func(page map[string]any)) (body []byte, ok bool) {
	from := 0
	if c := q.Get("next_page"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "c"))
		if err != nil || !strings.HasPrefix(c, "c") || n <= 0 || n >= len(a.records) {
			return nil, false
		}
		from = n
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = MaxPageSize
	}
	to := min(from+limit, len(a.records))
	recs := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		recs = append(recs, a.record(i))
	}
	pagination := map[string]any{"has_more": false}
	if to < len(a.records) {
		pagination = map[string]any{"has_more": true, "next_page": "c" + strconv.Itoa(to)}
	}
	p := map[string]any{"usage": recs, "pagination": pagination}
	if shape != nil {
		shape(p)
	}
	body, err = json.Marshal(p, json.Deterministic(true), jsontext.AllowInvalidUTF8(true)) // a shape may write invalid UTF-8
	return body, err == nil
}

// record is record i as the API writes it.
func (a *usageAPI) record(i int) map[string]any {
	r := a.records[i]
	return map[string]any{
		"time":         r.at.Format("2006-01-02 15:04:05"),
		"bill_id":      fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		"sim_id":       r.sim,
		"iccid":        "8945738730000" + r.sim[2:],
		"bytes":        r.bytes,
		"country_code": "dk",
		"network_type": "4G",
		"network":      map[string]any{"mcc": "238", "mnc": "06"},
	}
}

// rateReading is how a server writes its rate-limit headers, one reading
// of what the evidence leaves open.
type rateReading struct {
	reset resetStyle    // how x-ratelimit-reset is written
	skew  time.Duration // the server's clock runs this far off ours
	date  bool          // the server sends Date by its own clock (else none: as a correct one)
	strip bool          // a proxy drops x-ratelimit-remaining and -reset (a spent budget's 429 gets Retry-After)
}

// resetStyle is how x-ratelimit-reset is written.
type resetStyle int

const (
	resetUnix   resetStyle = iota // Unix seconds, as documented
	resetUnixMS                   // Unix milliseconds
	resetDelta                    // whole seconds until the reset
)

var resetStyleNames = [...]string{resetUnix: "unix", resetUnixMS: "unix_ms", resetDelta: "delta"}

// write sets the rate-limit headers of an answer: the budget's limit and
// what remains of it until reset, at the server's clock now.
func (rd rateReading) write(h http.Header, limit, remaining int, reset, now time.Time) {
	h.Set("X-Ratelimit-Limit", strconv.Itoa(limit))
	if rd.date {
		h.Set("Date", now.UTC().Format(http.TimeFormat))
	}
	if rd.strip {
		return
	}
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Ratelimit-Reset", rd.reset.format(reset, now))
}

// format writes the reset instant (a whole second) at the server's clock
// now.
func (s resetStyle) format(reset, now time.Time) string {
	switch s {
	case resetUnixMS:
		return strconv.FormatInt(reset.UnixMilli(), 10)
	case resetDelta:
		return strconv.FormatInt(max(ceilSeconds(reset.Sub(now)), 0), 10)
	}
	return strconv.FormatInt(reset.Unix(), 10)
}

// ceilSeconds is d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) }

// usageClient is a client (newTestClient, modified by mod) whose requests a
// serves in memory; call it inside a bubble.
func usageClient(t *testing.T, a *usageAPI, mod ...func(*Config)) (*memServer, *Client) {
	t.Helper()
	s := newMemServer(a.serve)
	c, _ := s.client(t, mod...)
	return s, c
}
