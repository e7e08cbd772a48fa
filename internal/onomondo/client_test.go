package onomondo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "onok_unit.c2VjcmV0LWtleS1mb3ItdGVzdHM"

// captureLogger records every log line, to check what the client logs.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, fields))
}
func (l *captureLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("DEBUG", msg, f)
}
func (l *captureLogger) Info(_ context.Context, msg string, f map[string]any) { l.add("INFO", msg, f) }
func (l *captureLogger) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// seenRequest is what the test server saw of one request.
type seenRequest struct {
	Path, RawQuery, Auth, Accept, UserAgent string
	At                                      time.Time
}

// testServer is an httptest server whose answers each test scripts.
type testServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

func newTestServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *testServer {
	t.Helper()
	ts := &testServer{}
	var n atomic.Int64
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.seen = append(ts.seen, seenRequest{r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Accept"), r.Header.Get("User-Agent"), time.Now()})
		ts.mu.Unlock()
		h(w, r, int(n.Add(1)))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) requests() []seenRequest {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]seenRequest(nil), ts.seen...)
}

func newTestClient(t *testing.T, url string, mod ...func(*Config)) (*Client, *captureLogger) {
	t.Helper()
	log := &captureLogger{}
	cfg := Config{
		BaseURL:      url,
		APIKey:       testKey,
		MaxRetries:   3,
		UserAgent:    "terraform-provider-onomondo/test terraform/1.11.4",
		Logger:       log,
		RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 20 * time.Millisecond,
		RateLimiter:  NewRateLimiter(),
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if strings.Contains(log.all(), testKey) {
			t.Errorf("the API key appears in the client's logs")
		}
	})
	return c, log
}

func page(records int, first int, next string) string {
	var b strings.Builder
	b.WriteString(`{"usage":[`)
	for i := 0; i < records; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"time":"2025-03-01 00:%02d:00","sim_id":"%09d","bytes":%d,"country_code":"dk","network_type":"4G","network":{"mcc":"238","mnc":"06"}}`, (first+i)%60, (first+i)%7, first+i+1)
	}
	b.WriteString(`],"pagination":{"has_more":`)
	if next != "" {
		fmt.Fprintf(&b, `true,"next_page":%q}}`, next)
	} else {
		b.WriteString(`false}}`)
	}
	return b.String()
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func collect(t *testing.T, c *Client, q UsageQuery) ([]Record, ReadResult, error) {
	t.Helper()
	var got []Record
	// A deadline, so that a read that never ends fails the test, also on a
	// fake clock (where it would otherwise loop for ever).
	res, err := c.ReadUsage(waitCtx(t, 10*time.Minute), q, func(p []Record) error {
		got = append(got, p...)
		return nil
	})
	return got, res, err
}

func TestHeaders(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, page(1, 0, "")) })
	c, _ := newTestClient(t, ts.URL)
	if _, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}}); err != nil {
		t.Fatal(err)
	}
	r := ts.requests()[0]
	if r.Auth != testKey {
		t.Errorf("Authorization = %q, want the raw key without Bearer", r.Auth)
	}
	if r.Accept != "application/json" {
		t.Errorf("Accept = %q", r.Accept)
	}
	if r.UserAgent != "terraform-provider-onomondo/test terraform/1.11.4" {
		t.Errorf("User-Agent = %q", r.UserAgent)
	}
}

func TestQueryEncoding(t *testing.T) {
	off := int64(30)
	cases := []struct {
		name string
		q    UsageQuery
		want string
	}{
		{"one filter", UsageQuery{Filters: []Filter{{"time", "2025-03"}}}, "filter=time:2025-03"},
		{"two filters", UsageQuery{Filters: []Filter{{"time", "2025-03"}, {"country_code", "dk"}}}, "filter[]=time:2025-03&filter[]=country_code:dk"},
		{"three filters", UsageQuery{Filters: []Filter{{"time", "2025"}, {"sim_id", "000000042"}, {"country_code", "de"}}}, "filter[]=time:2025&filter[]=sim_id:000000042&filter[]=country_code:de"},
		{"all parameters", UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 50, Offset: &off, Group: "hours", NextPage: "Y3Vy+c29y/=="}, "filter=time:2025&limit=50&offset=30&group=hours&next_page=Y3Vy%2Bc29y%2F%3D%3D"},
		{"sim endpoint, no filter", UsageQuery{SIM: "000000042"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, page(0, 0, "")) })
			c, _ := newTestClient(t, ts.URL)
			if _, _, err := collect(t, c, tc.q); err != nil {
				t.Fatal(err)
			}
			if got := ts.requests()[0].RawQuery; got != tc.want {
				t.Errorf("query = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPagingResendsParametersAndVisitsEveryPage(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			writeJSON(w, 200, page(3, 0, "c1"))
		case 2:
			writeJSON(w, 200, page(3, 3, "c2"))
		default:
			writeJSON(w, 200, page(2, 6, ""))
		}
	})
	c, _ := newTestClient(t, ts.URL)
	off := int64(5)
	q := UsageQuery{SIM: "89457387300000022734", Filters: []Filter{{"time", "2025-03"}, {"country_code", "dk"}}, Limit: 3, Offset: &off, Group: "hours"}
	got, res, err := collect(t, c, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 || res.Records != 8 || res.Pages != 3 || res.HasMore || res.NextPage != "" {
		t.Fatalf("got %d records, result %+v", len(got), res)
	}
	for i, r := range got {
		if r.Bytes.Value != int64(i+1) {
			t.Fatalf("record %d has bytes %d: pages out of order or repeated", i, r.Bytes.Value)
		}
	}
	want := []string{
		"filter[]=time:2025-03&filter[]=country_code:dk&limit=3&offset=5&group=hours",
		"filter[]=time:2025-03&filter[]=country_code:dk&limit=3&group=hours&next_page=c1",
		"filter[]=time:2025-03&filter[]=country_code:dk&limit=3&group=hours&next_page=c2",
	}
	for i, r := range ts.requests() {
		if r.Path != "/usage/89457387300000022734" {
			t.Errorf("request %d path %q", i, r.Path)
		}
		if r.RawQuery != want[i] {
			t.Errorf("request %d query %q, want %q", i, r.RawQuery, want[i])
		}
	}
}

func TestMaxRecordsStopsExactlyAndReturnsCursor(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		writeJSON(w, 200, page(limit, (n-1)*4, fmt.Sprintf("c%d", n)))
	})
	c, _ := newTestClient(t, ts.URL)
	got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 4, MaxRecords: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || !res.StoppedAtMax || !res.HasMore || res.NextPage != "c3" {
		t.Fatalf("got %d records, result %+v", len(got), res)
	}
	reqs := ts.requests()
	if q := reqs[2].RawQuery; q != "filter=time:2025&limit=2&next_page=c2" {
		t.Errorf("last page query %q: want the smaller limit", q)
	}
}

func TestMaxRecordsWithoutLimitAsksForRemainder(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		writeJSON(w, 200, page(limit, 0, "next"))
	})
	c, _ := newTestClient(t, ts.URL)
	_, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, MaxRecords: 7})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 7 || ts.requests()[0].RawQuery != "filter=time:2025&limit=7" {
		t.Fatalf("result %+v query %q", res, ts.requests()[0].RawQuery)
	}
}

func TestPagingGuards(t *testing.T) {
	cases := []struct {
		name string
		h    func(w http.ResponseWriter, r *http.Request, n int)
		want string
	}{
		{"repeating cursor", func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, page(1, n, "same")) },
			"page 2 returned the same next_page cursor as page 1"},
		{"cursor back to the start", func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, page(1, n, "start")) },
			"same next_page cursor as the starting next_page"},
		{"has_more without cursor", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"usage":[],"pagination":{"has_more":true,"next_page":null}}`)
		}, "page 1 says has_more but gives no next_page cursor"},
		{"endless empty pages", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, fmt.Sprintf(`{"usage":[],"pagination":{"has_more":true,"next_page":"c%d"}}`, n))
		}, "10 pages in a row held no records"},
		{"fresh cursors, same records", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, page(3, 0, fmt.Sprintf("c%d", n)))
		}, "page 2 holds the same 3 records as page 1 although its cursor was new"},
		{"full page without pagination", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, strings.Replace(page(2, 0, ""), `,"pagination":{"has_more":false}`, "", 1))
		}, `page 1 holds the 2 records asked for but no "pagination"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, tc.h)
			c, _ := newTestClient(t, ts.URL)
			q := UsageQuery{Filters: []Filter{{"time", "2025"}}}
			if tc.name == "cursor back to the start" {
				q.NextPage = "start"
			}
			if tc.name == "full page without pagination" {
				q.Limit = 2
			}
			n := 0
			_, err := c.ReadUsage(context.Background(), q, func(p []Record) error { n += len(p); return nil })
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindPaging {
				t.Fatalf("err = %v, want a paging error", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /usage") {
				t.Errorf("err = %q, want it to contain %q and the endpoint", err, tc.want)
			}
			if len(ts.requests()) > 12 {
				t.Errorf("%d requests: the guard did not stop the loop", len(ts.requests()))
			}
		})
	}
}

// TestPagingReadings: every way the evidence allows a page to say whether
// more follow ends in every record, counted once.
func TestPagingReadings(t *testing.T) {
	records := func(first, n int) string {
		p := page(n, first, "")
		return p[len(`{"usage":`):strings.Index(p, `,"pagination"`)]
	}
	cases := []struct {
		name     string
		pages    []string // answer n (1-based) is pages[n-1]
		wantRecs int
	}{
		{"next_page without has_more", []string{
			`{"usage":` + records(0, 2) + `,"pagination":{"next_page":"c2"}}`,
			`{"usage":` + records(2, 2) + `,"pagination":{"next_page":"c3"}}`,
			`{"usage":` + records(4, 1) + `,"pagination":{}}`,
		}, 5},
		{"has_more false with a next_page: read on", []string{
			`{"usage":` + records(0, 2) + `,"pagination":{"has_more":false,"next_page":"c2"}}`,
			`{"usage":` + records(2, 1) + `,"pagination":{"has_more":false}}`,
		}, 3},
		{"next_page null and empty string end the read", []string{
			`{"usage":` + records(0, 2) + `,"pagination":{"has_more":true,"next_page":"c2"}}`,
			`{"usage":` + records(2, 2) + `,"pagination":{"has_more":false,"next_page":""}}`,
		}, 4},
		{"empty list without pagination", []string{`{"usage":[]}`}, 0},
		{"usage null without pagination", []string{`{"usage":null}`}, 0},
		{"short last page without pagination", []string{
			`{"usage":` + records(0, 2) + `,"pagination":{"has_more":true,"next_page":"c2"}}`,
			`{"usage":` + records(2, 1) + `}`,
		}, 3},
		{"an empty page in the middle", []string{
			`{"usage":` + records(0, 2) + `,"pagination":{"has_more":true,"next_page":"c2"}}`,
			`{"usage":[],"pagination":{"has_more":true,"next_page":"c3"}}`,
			`{"usage":` + records(2, 2) + `,"pagination":{"has_more":false}}`,
		}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n > len(tc.pages) {
					writeJSON(w, 500, `{"error":"no more pages scripted"}`)
					return
				}
				writeJSON(w, 200, tc.pages[n-1])
			})
			c, _ := newTestClient(t, ts.URL, func(c *Config) { c.MaxRetries = 0 })
			got, res, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.wantRecs || res.Pages != len(tc.pages) || res.HasMore {
				t.Fatalf("%d records in %d pages (has_more %v), want %d in %d", len(got), res.Pages, res.HasMore, tc.wantRecs, len(tc.pages))
			}
			for i, r := range got {
				if r.Bytes.Value != int64(i+1) {
					t.Fatalf("record %d has bytes %d: a page was skipped or counted twice", i, r.Bytes.Value)
				}
			}
		})
	}
}

// A 5xx mid-read retries that page alone, after a backoff with jitter
// (from RetryWaitMin, doubling), and counts every record once.
func TestRetriesServerErrorsThenSucceeds(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1:
				writeJSON(w, 200, page(2, 0, "c1"))
			case 2, 3:
				writeJSON(w, 503, `{"error":"service_unavailable"}`)
			default:
				writeJSON(w, 200, page(2, 2, ""))
			}
		})
		c, _ := s.client(t, func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = time.Second, 30*time.Second })
		got, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("got %d records, want 4 (no page twice, none skipped)", len(got))
		}
		reqs := s.requests()
		if len(reqs) != 4 || reqs[2].RawQuery != reqs[1].RawQuery || reqs[3].RawQuery != reqs[1].RawQuery || !strings.Contains(reqs[3].RawQuery, "next_page=c1") {
			t.Fatalf("requests %+v: want page 2 retried, not the whole read", reqs)
		}
		// Backoff: the upper half of 1 s, then of 2 s.
		if gap := reqs[2].At.Sub(reqs[1].At); gap < 500*time.Millisecond || gap > time.Second {
			t.Errorf("first retry after %s, want 0.5s to 1s", gap)
		}
		if gap := reqs[3].At.Sub(reqs[2].At); gap < time.Second || gap > 2*time.Second {
			t.Errorf("second retry after %s, want 1s to 2s", gap)
		}
	})
}

func TestPersistentServerErrorStopsAfterMaxRetries(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 500, `{"error":"internal_server_error"}`)
		})
		c, _ := s.client(t, func(c *Config) { c.MaxRetries = 2; c.RetryWaitMin, c.RetryWaitMax = time.Second, 30*time.Second })
		start := time.Now()
		_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		var e *Error
		if !errors.As(err, &e) || e.Status != 500 || e.Code != "internal_server_error" || e.Attempts != 3 {
			t.Fatalf("err = %#v", err)
		}
		if len(s.requests()) != 3 {
			t.Errorf("%d requests, want 1 + max_retries (2)", len(s.requests()))
		}
		if !strings.Contains(e.Detail(), "raise the number of retries") {
			t.Errorf("detail %q should point at the number of retries", e.Detail())
		}
		// Two backoffs (0.5-1 s, then 1-2 s), then the error at once.
		if took := time.Since(start); took < 1500*time.Millisecond || took > 3*time.Second {
			t.Errorf("gave up after %s, want after two backoffs (1.5s to 3s)", took)
		}
	})
}

func TestNotImplementedIsNotRetried(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 501, `{"error":"not_implemented"}`) })
	c, _ := newTestClient(t, ts.URL)
	_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
	if err == nil || len(ts.requests()) != 1 {
		t.Fatalf("err %v after %d requests; want one attempt", err, len(ts.requests()))
	}
}

// A 429 mid-read waits until the announced reset (never before, and within
// a second of it), retries the same page and ends with every record once;
// the wait does not use up max_retries.
func TestRateLimitedRequestWaitsForReset(t *testing.T) {
	bubble(t, func(t *testing.T) {
		var reset int64
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1:
				writeJSON(w, 200, page(2, 0, "c1"))
			case 2:
				reset = time.Now().Unix() + 3
				w.Header().Set("x-ratelimit-limit", "600")
				w.Header().Set("x-ratelimit-remaining", "0")
				w.Header().Set("x-ratelimit-reset", strconv.FormatInt(reset, 10))
				writeJSON(w, 429, `{"error":"rate_limit_exceeded"}`)
			default:
				writeJSON(w, 200, page(2, 2, ""))
			}
		})
		c, log := s.client(t, func(c *Config) { c.MaxRetries = 0 })
		got, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		if err != nil || len(got) != 4 {
			t.Fatalf("err %v, %d records", err, len(got))
		}
		reqs := s.requests()
		if len(reqs) != 3 || reqs[2].RawQuery != reqs[1].RawQuery {
			t.Fatalf("requests %+v: want page 2 asked again", reqs)
		}
		if reqs[2].At.Before(time.Unix(reset, 0)) {
			t.Errorf("retried at %s, before the announced reset %s", reqs[2].At, time.Unix(reset, 0))
		}
		// A whole-second reset may have been rounded down: the retry waits to
		// a second past it, and 50 ms more.
		if late := reqs[2].At.Sub(time.Unix(reset, 0)); late > time.Second+100*time.Millisecond {
			t.Errorf("retried %s after the announced reset, want within 1.1 s", late)
		}
		if !strings.Contains(log.all(), "rate limit") {
			t.Errorf("the wait was not logged")
		}
	})
}

func TestPacingOnRemainingZeroAvoids429(t *testing.T) {
	// The first answer says the budget is spent until the next second; the
	// client must hold the next request until then instead of sending it.
	bubble(t, func(t *testing.T) {
		var reset int64
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				reset = time.Now().Unix() + 1
				w.Header().Set("x-ratelimit-limit", "1")
				w.Header().Set("x-ratelimit-remaining", "0")
				w.Header().Set("x-ratelimit-reset", strconv.FormatInt(reset, 10))
				writeJSON(w, 200, page(1, 0, "c1"))
				return
			}
			if time.Now().Unix() < reset {
				writeJSON(w, 429, `{"error":"rate_limit_exceeded"}`)
				return
			}
			writeJSON(w, 200, page(1, 1, ""))
		})
		c, _ := s.client(t)
		if _, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}}); err != nil {
			t.Fatal(err)
		}
		reqs := s.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests, want 2 (the second paced, not refused)", len(reqs))
		}
		// A whole-second reset may have been rounded down by up to a second.
		if late := reqs[1].At.Sub(time.Unix(reset, 0)); late < time.Second || late > time.Second+100*time.Millisecond {
			t.Errorf("the second request went %s after the reset, want just after the second it may stand for", late)
		}
	})
}

func TestCancellationEndsRateLimitWait(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("x-ratelimit-remaining", "0")
			w.Header().Set("x-ratelimit-reset", strconv.FormatInt(time.Now().Unix()+120, 10))
			writeJSON(w, 429, `{"error":"rate_limit_exceeded"}`)
		})
		c, _ := s.client(t)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.ReadUsage(ctx, UsageQuery{Filters: []Filter{{"time", "2025"}}}, func([]Record) error { return nil })
		if took := time.Since(start); took != 200*time.Millisecond {
			t.Errorf("returned after %s, want at the cancellation (200ms)", took)
		}
		if !IsCanceled(err) {
			t.Errorf("err = %v, want a cancellation", err)
		}
	})
}

func TestErrorWording(t *testing.T) {
	cases := []struct {
		status int
		body   string
		q      UsageQuery
		want   []string
	}{
		{401, `{"error":"unauthorized"}`, UsageQuery{Filters: []Filter{{"time", "2025"}}}, []string{"HTTP 401", "Check the API key", "Bearer"}},
		{403, `{"error":"forbidden"}`, UsageQuery{SIM: "000000042"}, []string{"HTTP 403", "tags do not cover SIM \"000000042\""}},
		{404, `{"error":"sim_id_not_found"}`, UsageQuery{SIM: "000000042"}, []string{"HTTP 404 \"sim_id_not_found\"", "SIM \"000000042\" was not found"}},
		{400, `{"error":"invalid_filter"}`, UsageQuery{Filters: []Filter{{"time", "2025"}}}, []string{"HTTP 400 \"invalid_filter\"", "filters"}},
		{502, `<html><body><h1>502 Bad Gateway</h1></body></html>`, UsageQuery{Filters: []Filter{{"time", "2025"}}}, []string{"HTTP 502", "<h1>502 Bad Gateway</h1>", "GET /usage?filter=time:2025"}},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, tc.status, tc.body) })
			c, _ := newTestClient(t, ts.URL, func(c *Config) { c.MaxRetries = 0 })
			_, _, err := collect(t, c, tc.q)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestBadAnswersAreClearErrors: an answer that stays bad ends the read with
// an error that names the request, the page and what was wrong, after at
// most 1 + max_retries attempts (here 1), with nothing counted.
func TestBadAnswersAreClearErrors(t *testing.T) {
	cut := func(w http.ResponseWriter, body string, clean bool) {
		if clean { // a clean end of the body: the JSON is cut short
			w.Header().Set("Content-Length", strconv.Itoa(len(body)/2))
		}
		w.WriteHeader(200)
		_, _ = io.WriteString(w, body[:len(body)/2])
		if !clean {
			panic(http.ErrAbortHandler) // the connection breaks here
		}
	}
	record := func(i int, f func(rec map[string]any)) func(page map[string]any) {
		return func(page map[string]any) {
			recs := page["usage"].([]any)
			f(recs[(i+len(recs))%len(recs)].(map[string]any))
		}
	}
	cases := []struct {
		name     string
		odd      func(w http.ResponseWriter, page func(shape func(map[string]any)) string) // answers page 2
		kind     ErrorKind
		summary  string
		want     string
		requests int
	}{
		{"connection reset mid-body", func(w http.ResponseWriter, page func(func(map[string]any)) string) { cut(w, page(nil), false) }, KindTransport,
			"Connection to the Onomondo API broke off",
			`GET /usage?filter=time:2025-02&limit=40&next_page=c40 (page 2) answered HTTP 200, but the connection broke off while the answer was read (unexpected EOF), in each of 2 attempt(s)`, 3},
		{"truncated JSON", func(w http.ResponseWriter, page func(func(map[string]any)) string) { cut(w, page(nil), true) }, KindDecode,
			"Unexpected answer from the Onomondo API", `the JSON ends early (truncated)`, 2},
		{"HTML 502 page", func(w http.ResponseWriter, _ func(func(map[string]any)) string) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1>for "+testKey+"</body></html>") // a proxy echoing the key
		}, KindHTTP, "Onomondo API server error", `(page 2) answered HTTP 502. `, 3},
		{"empty 200 body", func(w http.ResponseWriter, _ func(func(map[string]any)) string) { writeJSON(w, 200, "") }, KindDecode,
			"Unexpected answer from the Onomondo API", `the body is empty`, 2},
		{"a record without bytes", func(w http.ResponseWriter, page func(func(map[string]any)) string) {
			writeJSON(w, 200, page(record(6, func(rec map[string]any) { delete(rec, "bytes") })))
		}, KindDecode, "Unexpected answer from the Onomondo API", `record 7 of the page has no "bytes"`, 2},
		{"a record with bytes null", func(w http.ResponseWriter, page func(func(map[string]any)) string) {
			writeJSON(w, 200, page(record(0, func(rec map[string]any) { rec["bytes"] = nil })))
		}, KindDecode, "Unexpected answer from the Onomondo API", `record 1 of the page has "bytes": null`, 2},
		{"null in place of the last record", func(w http.ResponseWriter, page func(func(map[string]any)) string) {
			writeJSON(w, 200, page(func(p map[string]any) { recs := p["usage"].([]any); recs[len(recs)-1] = nil }))
		}, KindDecode, "Unexpected answer from the Onomondo API", `record 40 of the page is null`, 2},
		{"bytes not a whole number", func(w http.ResponseWriter, page func(func(map[string]any)) string) {
			writeJSON(w, 200, page(record(3, func(rec map[string]any) { rec["bytes"] = "12.5" })))
		}, KindDecode, "Unexpected answer from the Onomondo API", `record 4 of the page: "bytes" "12.5" is a string that is not decimal digits, expected a whole non-negative number of bytes`, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				a := newUsageAPI(120, 0, 0, rateReading{})
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					page := func(shape func(map[string]any)) string {
						body, _ := a.page(r.URL.Query(), shape)
						return string(body)
					}
					if r.URL.Query().Get("next_page") != "c40" {
						writeJSON(w, 200, page(nil))
						return
					}
					tc.odd(w, page)
				})
				c, _ := s.client(t, func(c *Config) { c.MaxRetries = 1 })
				got, err := a.read(waitCtx(t, 10*time.Minute), c, 40)
				var e *Error
				if !errors.As(err, &e) || e.Kind != tc.kind {
					t.Fatalf("read %+v, err = %v; want an error of kind %d", got, err, tc.kind)
				}
				if e.Summary() != tc.summary || !strings.Contains(e.Detail(), tc.want) || !strings.Contains(e.Detail(), "GET /usage?filter=time:2025-02&limit=40&next_page=c40 (page 2)") {
					t.Errorf("error %q\nwant %q: %q", err, tc.summary, tc.want)
				}
				if strings.Contains(err.Error(), testKey) {
					t.Errorf("the error shows the API key: %v", err)
				}
				if n := len(s.requests()); n != tc.requests {
					t.Errorf("%d requests, want %d", n, tc.requests)
				}
			})
		})
	}
}

func TestBadBodies(t *testing.T) {
	cases := []struct {
		name, ctype, body, want string
	}{
		{"html 200", "text/html", "<html>maintenance</html>", "HTML page"},
		{"truncated", "application/json", page(3, 0, "")[:60], "truncated"},
		{"bytes not a whole number", "application/json", `{"usage":[{"bytes":1},{"bytes":"12.5"}],"pagination":{"has_more":false}}`, `record 2 of the page: "bytes" "12.5" is a string that is not decimal digits`},
		{"bytes missing", "application/json", `{"usage":[{"bytes":1},{"bytes":2},{"sim_id":"000000001"}],"pagination":{"has_more":false}}`, `record 3 of the page has no "bytes"`},
		{"bytes null", "application/json", `{"usage":[{"bytes":null}],"pagination":{"has_more":false}}`, `record 1 of the page has "bytes": null`},
		{"null record", "application/json", `{"usage":[{"bytes":1},null],"pagination":{"has_more":false}}`, `record 2 of the page is null`},
		{"record not an object", "application/json", `{"usage":[7],"pagination":{"has_more":false}}`, `record 1 of the page is a JSON number`},
		{"field of the wrong type", "application/json", `{"usage":[{"bytes":1,"network_type":5}],"pagination":{"has_more":false}}`, `record 1 of the page: `},
		{"repeated key", "application/json", `{"usage":[],"usage":[],"pagination":{"has_more":false}}`, `duplicate`},
		{"not a page", "application/json", `{"something":"else"}`, `neither a "usage" list`},
		{"not an object", "application/json", `[{"bytes":1}]`, `the body is a JSON array, expected an object`},
		{"trailing garbage", "application/json", page(1, 0, "") + "}", "unexpected data after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", tc.ctype)
				_, _ = w.Write([]byte(tc.body))
			})
			c, _ := newTestClient(t, ts.URL)
			_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindDecode {
				t.Fatalf("err = %v, want a decode error", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /usage?filter=time:2025 (page 1) answered HTTP 200") {
				t.Errorf("error %q lacks %q or the endpoint and status", err, tc.want)
			}
		})
	}
}

// A connection that breaks off mid-body on page 2 gets that page asked
// again, once, and every record counted once.
func TestConnectionResetMidBodyIsRetried(t *testing.T) {
	bubble(t, func(t *testing.T) {
		second := page(3, 2, "")
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1:
				writeJSON(w, 200, page(2, 0, "c1"))
			case 2:
				w.Header().Set("Content-Length", strconv.Itoa(len(second)))
				w.WriteHeader(200)
				_, _ = w.Write([]byte(second[:len(second)/2]))
				panic(http.ErrAbortHandler) // the connection breaks here
			default:
				writeJSON(w, 200, second)
			}
		})
		c, _ := s.client(t)
		got, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		if err != nil || len(got) != 5 {
			t.Fatalf("err %v, %d records (want the page retried once, counted once)", err, len(got))
		}
		reqs := s.requests()
		if len(reqs) != 3 || reqs[2].RawQuery != reqs[1].RawQuery {
			t.Errorf("requests %+v: want page 2 asked again, once", reqs)
		}
	})
}

func TestTimeoutNamesTheSetting(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Hour):
			}
		})
		c, _ := s.client(t, func(c *Config) { c.RequestTimeout = 100 * time.Millisecond; c.MaxRetries = 1 })
		start := time.Now()
		_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindTimeout || e.Attempts != 2 {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "the request timeout (100ms)") {
			t.Errorf("error %q does not name the request timeout", err)
		}
		// Two attempts of 100 ms and one backoff of at most 20 ms.
		if took := time.Since(start); took < 200*time.Millisecond || took > 220*time.Millisecond {
			t.Errorf("took %s, want two timeouts and one backoff", took)
		}
	})
}

func TestRedirectToAnotherHostDropsAuthorization(t *testing.T) {
	var otherAuth atomic.Value
	otherAuth.Store("unset")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, page(1, 0, ""))
	}))
	defer other.Close()
	// Same IP, other port: another origin.
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	})
	c, _ := newTestClient(t, ts.URL)
	if _, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}}); err != nil {
		t.Fatal(err)
	}
	if got := otherAuth.Load().(string); got != "" {
		t.Errorf("the other host received Authorization %q", got)
	}
}

func TestSameHostRedirectKeepsAuthorization(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/usage" {
			http.Redirect(w, r, "/v2/usage?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		writeJSON(w, 200, page(1, 0, ""))
	})
	c, _ := newTestClient(t, ts.URL)
	if _, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}}); err != nil {
		t.Fatal(err)
	}
	if r := ts.requests()[1]; r.Auth != testKey {
		t.Errorf("same-host redirect lost the key")
	}
}

func TestParseBaseURL(t *testing.T) {
	ok := []string{"https://api.onomondo.com", "https://api.onomondo.com/", "http://127.0.0.1:8080", "http://localhost:1234/base", "http://[::1]:99"}
	bad := map[string]string{
		"api.onomondo.com":          "not an absolute URL",
		"http://api.onomondo.com":   "plain http",
		"http://10.0.0.5:8080":      "plain http",
		"ftp://api.onomondo.com":    "must use https",
		"https://u:p@api.x.com":     "must not contain credentials",
		"https://api.x.com/?a=b":    "query or fragment",
		"http://localhost.evil.com": "plain http",
	}
	for _, s := range ok {
		if _, err := ParseBaseURL(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for s, want := range bad {
		_, err := ParseBaseURL(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", s, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "u:p") {
			t.Errorf("credentials echoed: %v", err)
		}
	}
}

func TestKeyNeverLoggedOrInErrors(t *testing.T) {
	bubble(t, func(t *testing.T) {
		// A proxy that echoes the Authorization header into its error page.
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = fmt.Fprintf(w, "<html>bad gateway for %s</html>", r.Header.Get("Authorization"))
		})
		c, log := s.client(t, func(c *Config) { c.MaxRetries = 1 })
		_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), testKey) {
			t.Errorf("error text contains the key: %v", err)
		}
		if !strings.Contains(err.Error(), "<redacted>") {
			t.Errorf("error %q: want the echoed key redacted", err)
		}
		if !strings.Contains(log.all(), "Onomondo API request") || !strings.Contains(log.all(), "status:502") {
			t.Errorf("requests not logged at debug: %s", log.all())
		}
	})
}

func TestKeyRedactedBeforeValuesAreShortened(t *testing.T) {
	for name, body := range map[string]string{
		"record bytes": `{"usage":[{"bytes":"x` + testKey + `"}],"pagination":{"has_more":false}}`,
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, body) })
			c, _ := newTestClient(t, ts.URL, func(c *Config) { c.MaxRetries = 0 })
			_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), testKey[:10]) || !strings.Contains(err.Error(), "<redacted>") {
				t.Errorf("error %q: want the key redacted, and no prefix of it", err)
			}
		})
	}
	tag := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"bytes":"`+testKey+`-and-more"}`)
	})
	c, _ := newTestClient(t, tag.URL, func(c *Config) { c.MaxRetries = 0 })
	_, err := c.GetTagTotal(context.Background(), "3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f")
	if err == nil || strings.Contains(err.Error(), testKey[:10]) || !strings.Contains(err.Error(), "<redacted>") {
		t.Errorf("tag total error %v: want the key redacted, and no prefix of it", err)
	}
}

func TestTagTotalShapes(t *testing.T) {
	cases := []struct {
		body  string
		found bool
		total int64
		from  string
		err   string
	}{
		{`{"tag_id":"x","bytes":123}`, true, 123, "bytes", ""},
		{`{"total":5}`, true, 5, "total", ""},
		{`{"total_bytes":77,"sims":3}`, true, 77, "total_bytes", ""},
		{`{"usage":99}`, true, 99, "usage", ""},
		{`{"usage":[{"bytes":10},{"bytes":5}],"pagination":{"has_more":false}}`, true, 15, "usage[]", ""},
		{`{"usage":[{"bytes":10},{"bytes":5},{"sim_id":"1"}],"pagination":{"has_more":false}}`, false, 0, "", `record 3 of the page has no "bytes"`},
		{`{"usage":[{"bytes":10},null]}`, false, 0, "", `record 2 of the page is null`},
		{`{"bytes":1e3}`, true, 1000, "bytes", ""},
		{`{"tag_id":"x","sims":3}`, false, 0, "", ""},
		{`{"bytes":"12"}`, true, 12, "bytes", ""},
		{`{"bytes":"1.5"}`, false, 0, "", "a string that is not decimal digits"},
		{`{"total_bytes":"12","usage":[{"bytes":7},{"bytes":"5"}]}`, true, 12, "usage[]", ""},
		{`{"total_bytes":13,"usage":[{"bytes":7},{"bytes":"5"}]}`, false, 0, "", "ambiguous"},
		{`{"bytes":10,"total":11}`, false, 0, "", "ambiguous"},
		{`[1,2]`, false, 0, "", "not a JSON object"},
		{``, false, 0, "", "empty"},
		{`{"bytes":-4}`, false, 0, "", "negative"},
	}
	for _, tc := range cases {
		got, err := DecodeTagTotal([]byte(tc.body))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.body, err, tc.err)
			}
			continue
		}
		if err != nil || got.Found != tc.found || got.Bytes != tc.total || got.From != tc.from {
			t.Errorf("%s: got %+v err %v", tc.body, got, err)
		}
		if string(got.Raw) != tc.body {
			t.Errorf("%s: raw %q not kept unchanged", tc.body, got.Raw)
		}
	}
}

func TestRFC3339Time(t *testing.T) {
	for in, want := range map[string]string{
		"2020-02-03 07:49:13":       "2020-02-03T07:49:13Z",
		"2020-02-03T07:49:13Z":      "2020-02-03T07:49:13Z",
		"2020-02-03T09:49:13+02:00": "2020-02-03T07:49:13Z",
		"yesterday":                 "yesterday",
	} {
		if got, _ := RFC3339Time(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}

// TestByteCountRules: a record's "bytes" is read exactly, as a whole
// non-negative number, from a JSON number in any exact notation or a string
// of decimal digits; everything else is refused with the value quoted.
func TestByteCountRules(t *testing.T) {
	ok := map[string]int64{
		"1424843": 1424843, `"1424843"`: 1424843, `"007"`: 7, "1000.0": 1000, "1.2e3": 1200, "1E+2": 100,
		"0.0": 0, "0e999999": 0, "120e-1": 12, "-0": 0, "9223372036854775807": 9223372036854775807,
		"9223372036854775807.0": 9223372036854775807, "1.5e1": 15,
	}
	for in, want := range ok {
		if got, err := ParseByteCount([]byte(in)); err != nil || got != Bytes(want) {
			t.Errorf("%s: %+v, %v; want %d", in, got, err, want)
		}
	}
	refused := map[string]string{
		"7000000000000000.1":     "not a whole number",
		"1.00000000000000001":    "not a whole number",
		"1e-400":                 "not a whole number",
		"1.5":                    "not a whole number",
		"-5":                     "negative",
		"-5.0":                   "negative",
		"9223372036854775808":    "beyond a 64-bit count",
		"1e19":                   "beyond a 64-bit count",
		"1e999999999":            "out of range",
		`"12.5"`:                 `"12.5" is a string that is not decimal digits`,
		`"-3"`:                   "a string that is not decimal digits",
		`"1e3"`:                  "a string that is not decimal digits",
		`""`:                     "an empty string",
		`"abc"`:                  "a string that is not decimal digits",
		`"99999999999999999999"`: "beyond a 64-bit count",
		"true":                   "a JSON boolean",
		"{}":                     "a JSON object",
		"[1]":                    "a JSON array",
	}
	for in, want := range refused {
		got, err := ParseByteCount([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "expected a whole non-negative number of bytes") {
			t.Errorf("%s: %+v, %v; want an error saying %q", in, got, err, want)
		}
	}
	if got, err := ParseByteCount([]byte("null")); err != nil || !got.Null() || got.Present() {
		t.Errorf("null: %+v, %v", got, err)
	}
}

func TestOversizedPageIsRefused(t *testing.T) {
	// 4 MiB instead of 64 MiB: the same code path, and quick under -race.
	defer func(old int64) { maxPageBody = old }(maxPageBody)
	maxPageBody = 4 << 20
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"usage":[{"bytes":1,"padding":"`))
		chunk := []byte(strings.Repeat(`a`, 100000))
		for i := 0; i < int(maxPageBody)/len(chunk)+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c, _ := newTestClient(t, ts.URL)
	_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
	if err == nil || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Fatalf("err = %v", err)
	}
}
