package onomondo

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRetryPolicy is the retry policy, one row per case: what follows an
// attempt that did not succeed. RELIABILITY.md points at these rows by name.
func TestRetryPolicy(t *testing.T) {
	now := time.Unix(1_800_000_000, 0) // a Unix time in seconds, as the API sends
	p := retryPolicy{
		MaxRetries:        2,
		MaxRateLimitWaits: 3,
		WaitMin:           time.Second,
		WaitMax:           30 * time.Second,
		MaxWait:           DefaultMaxWait,
		Jitter:            func(n time.Duration) time.Duration { return n }, // the top of the range
	}
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	unix := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	unixMilli := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	errConn := errors.New("connection refused")

	type want struct {
		retry       bool
		wait        time.Duration
		rateLimited bool
		kind        ErrorKind
		reason      string
	}
	cases := []struct {
		name string
		res  attemptResult
		used tally
		want want
	}{
		// 429: waits that count against MaxRateLimitWaits, never max_retries.
		// A whole-second reset may have been rounded down: the wait runs to
		// a second past it (a millisecond for milliseconds), and 50 ms more.
		{"429 reset in Unix seconds", attemptResult{Status: 429, Header: hdr("X-Ratelimit-Reset", unix(3*time.Second))}, tally{},
			want{retry: true, wait: 4*time.Second + 50*time.Millisecond, rateLimited: true, reason: "until x-ratelimit-reset"}},
		{"429 reset in Unix milliseconds", attemptResult{Status: 429, Header: hdr("X-Ratelimit-Reset", unixMilli(3*time.Second))}, tally{},
			want{retry: true, wait: 3*time.Second + 51*time.Millisecond, rateLimited: true, reason: "until x-ratelimit-reset"}},
		{"429 reset as seconds until the reset", attemptResult{Status: 429, Header: hdr("X-Ratelimit-Reset", "3")}, tally{},
			want{retry: true, wait: 4*time.Second + 50*time.Millisecond, rateLimited: true, reason: "until x-ratelimit-reset"}},
		{"429 reset past (server clock 90 s behind)", attemptResult{Status: 429, Header: hdr("X-Ratelimit-Reset", unix(-30*time.Second))}, tally{},
			want{retry: true, wait: time.Second, rateLimited: true, reason: "is past or implausibly far ahead: backing off"}},
		{"429 reset far ahead (server clock 90 s ahead)", attemptResult{Status: 429, Header: hdr("X-Ratelimit-Reset", unix(150*time.Second))}, tally{},
			want{retry: true, wait: time.Second, rateLimited: true, reason: "is past or implausibly far ahead"}},
		{"429 reset by a server clock 90 s behind, read against its Date", attemptResult{Status: 429, Header: hdr(
			"Date", now.Add(-90*time.Second).UTC().Format(http.TimeFormat), "X-Ratelimit-Reset", unix(-87*time.Second))}, tally{},
			want{retry: true, wait: 4*time.Second + 50*time.Millisecond, rateLimited: true, reason: "until x-ratelimit-reset"}},
		{"429 Retry-After date by a server clock 90 s ahead, read against its Date", attemptResult{Status: 429, Header: hdr(
			"Date", now.Add(90*time.Second).UTC().Format(http.TimeFormat), "Retry-After", now.Add(94*time.Second).UTC().Format(http.TimeFormat))}, tally{},
			want{retry: true, wait: 4 * time.Second, rateLimited: true, reason: "Retry-After"}},
		{"429 without hints backs off exponentially", attemptResult{Status: 429, Header: hdr()}, tally{RateWaits: 2},
			want{retry: true, wait: 4 * time.Second, rateLimited: true, reason: "no usable Retry-After or x-ratelimit-reset"}},
		{"429 Retry-After seconds wins over the reset", attemptResult{Status: 429, Header: hdr("Retry-After", "2", "X-Ratelimit-Reset", unix(40*time.Second))}, tally{},
			want{retry: true, wait: 2 * time.Second, rateLimited: true, reason: `Retry-After "2"`}},
		{"429 Retry-After HTTP date", attemptResult{Status: 429, Header: hdr("Retry-After", now.Add(5*time.Second).UTC().Format(http.TimeFormat))}, tally{},
			want{retry: true, wait: 5 * time.Second, rateLimited: true, reason: "Retry-After"}},
		{"429 Retry-After 0 still waits 1 s", attemptResult{Status: 429, Header: hdr("Retry-After", "0")}, tally{},
			want{retry: true, wait: MinRateLimitWait, rateLimited: true}},
		{"429 Retry-After an hour is capped", attemptResult{Status: 429, Header: hdr("Retry-After", "3600")}, tally{},
			want{retry: true, wait: DefaultMaxWait, rateLimited: true, reason: "capped at 1m5s"}},
		{"429 stripped rate headers with Retry-After", attemptResult{Status: 429, Header: hdr("X-Ratelimit-Limit", "20", "Retry-After", "1")}, tally{},
			want{retry: true, wait: time.Second, rateLimited: true}},
		{"429 after the last allowed wait fails", attemptResult{Status: 429, Header: hdr("Retry-After", "1")}, tally{RateWaits: 3},
			want{kind: KindRateLimited}},
		{"429 does not use up max_retries", attemptResult{Status: 429, Header: hdr("Retry-After", "1")}, tally{Retries: 2},
			want{retry: true, wait: time.Second, rateLimited: true}},

		// 5xx: retries that max_retries bounds; Retry-After wins.
		{"503 Retry-After wins over a 60 s reset", attemptResult{Status: 503, Header: hdr("Retry-After", "3", "X-Ratelimit-Reset", unix(60*time.Second))}, tally{},
			want{retry: true, wait: 3 * time.Second, reason: `HTTP 503 with Retry-After "3"`}},
		{"503 Retry-After HTTP date", attemptResult{Status: 503, Header: hdr("Retry-After", now.Add(4*time.Second).UTC().Format(http.TimeFormat))}, tally{},
			want{retry: true, wait: 4 * time.Second}},
		{"503 Retry-After a day is capped", attemptResult{Status: 503, Header: hdr("Retry-After", "86400")}, tally{},
			want{retry: true, wait: DefaultMaxWait, reason: "capped"}},
		{"500 backs off: first retry", attemptResult{Status: 500, Header: hdr()}, tally{},
			want{retry: true, wait: time.Second, reason: "backing off"}},
		{"502 backs off: second retry doubles", attemptResult{Status: 502, Header: hdr()}, tally{Retries: 1},
			want{retry: true, wait: 2 * time.Second}},
		{"503 after max_retries fails", attemptResult{Status: 503, Header: hdr("Retry-After", "1")}, tally{Retries: 2},
			want{kind: KindHTTP}},
		{"501 is final", attemptResult{Status: 501, Header: hdr()}, tally{},
			want{kind: KindHTTP}},

		// Other answers are final.
		{"400 is final", attemptResult{Status: 400, Header: hdr()}, tally{}, want{kind: KindHTTP}},
		{"401 is final", attemptResult{Status: 401, Header: hdr()}, tally{}, want{kind: KindHTTP}},
		{"403 is final", attemptResult{Status: 403, Header: hdr()}, tally{}, want{kind: KindHTTP}},
		{"404 is final", attemptResult{Status: 404, Header: hdr("Retry-After", "1")}, tally{}, want{kind: KindHTTP}},

		// No answer, or an answer that broke off.
		{"connection refused backs off", attemptResult{Err: errConn}, tally{},
			want{retry: true, wait: time.Second, reason: "the connection failed"}},
		{"connection refused after max_retries fails", attemptResult{Err: errConn}, tally{Retries: 2},
			want{kind: KindTransport}},
		{"timeout backs off", attemptResult{Err: errConn, Timeout: true}, tally{},
			want{retry: true, wait: time.Second, reason: "timed out"}},
		{"timeout after max_retries fails as a timeout", attemptResult{Err: errConn, Timeout: true}, tally{Retries: 2},
			want{kind: KindTimeout}},
		{"body broke off backs off", attemptResult{Status: 200, Err: errConn}, tally{},
			want{retry: true, wait: time.Second, reason: "the answer broke off"}},
		{"body broke off after max_retries fails", attemptResult{Status: 200, Err: errConn}, tally{Retries: 2},
			want{kind: KindTransport}},
		{"cancelled is final", attemptResult{Canceled: true, Err: errConn}, tally{},
			want{kind: KindCanceled}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := p.decide(tc.res, tc.used, now)
			if d.Retry != tc.want.retry || d.RateLimited != tc.want.rateLimited {
				t.Fatalf("decide = %+v, want retry=%v rateLimited=%v", d, tc.want.retry, tc.want.rateLimited)
			}
			if tc.want.retry && d.Wait != tc.want.wait {
				t.Errorf("wait %s, want %s (%s)", d.Wait, tc.want.wait, d.Reason)
			}
			if !tc.want.retry && d.Kind != tc.want.kind {
				t.Errorf("kind %v, want %v", d.Kind, tc.want.kind)
			}
			if !strings.Contains(d.Reason, tc.want.reason) {
				t.Errorf("reason %q, want it to say %q", d.Reason, tc.want.reason)
			}
			if d.Wait > p.MaxWait || d.Wait < 0 {
				t.Errorf("wait %s outside [0, %s]", d.Wait, p.MaxWait)
			}
		})
	}
}

// TestRetryPolicyWaitsAreAlwaysCapped: whatever the headers say, and
// however many retries came before, no wait exceeds MaxWait, and a 429 wait
// is never under a second.
func TestRetryPolicyWaitsAreAlwaysCapped(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	p := retryPolicy{MaxRetries: 100, MaxRateLimitWaits: 100, WaitMin: time.Second, WaitMax: 30 * time.Second, MaxWait: DefaultMaxWait, Jitter: defaultJitter}
	values := []string{"", "0", "-1", "3", "59", "61", "3600", "1e3", "abc", strconv.FormatInt(now.Unix()+5, 10),
		strconv.FormatInt(now.UnixMilli()+5000, 10), strconv.FormatInt(now.Unix()-100, 10), "99999999999999999999",
		now.Add(time.Hour).UTC().Format(http.TimeFormat), now.Add(-time.Hour).UTC().Format(http.TimeFormat)}
	for _, status := range []int{429, 500, 503} {
		for _, ra := range values {
			for _, reset := range values {
				for n := range 40 {
					h := http.Header{}
					h.Set("Retry-After", ra)
					h.Set("X-Ratelimit-Reset", reset)
					d := p.decide(attemptResult{Status: status, Header: h}, tally{Retries: n, RateWaits: n}, now)
					if !d.Retry {
						t.Fatalf("%d %q %q #%d: gave up early: %+v", status, ra, reset, n, d)
					}
					if d.Wait < 0 || d.Wait > DefaultMaxWait || (status == 429 && d.Wait < MinRateLimitWait) {
						t.Fatalf("%d Retry-After %q reset %q #%d: wait %s", status, ra, reset, n, d.Wait)
					}
				}
			}
		}
	}
}

// TestParseReset: every reading the evidence allows of x-ratelimit-reset.
func TestParseReset(t *testing.T) {
	now := time.Unix(1_800_000_000, 250_000_000)
	cases := []struct {
		name, v string
		want    time.Duration // from now; 0: not usable
		state   resetState
	}{
		// A whole number may have been rounded down: it is read as the
		// latest instant it may stand for, a second (or millisecond) on.
		{"Unix seconds", strconv.FormatInt(now.Unix()+30, 10), 31*time.Second - 250*time.Millisecond, resetAhead},
		{"Unix milliseconds", strconv.FormatInt(now.UnixMilli()+30000, 10), 30*time.Second + time.Millisecond, resetAhead},
		{"seconds until the reset", "30", 31 * time.Second, resetAhead},
		{"fractional seconds until", "1.5", 1500 * time.Millisecond, resetAhead},
		{"fractional Unix seconds", strconv.FormatInt(now.Unix()+2, 10) + ".25", 2 * time.Second, resetAhead},
		{"at most a window and the slack ahead", strconv.FormatInt(now.Unix()+70, 10), 71*time.Second - 250*time.Millisecond, resetAhead},
		{"just ended (crossed in flight)", strconv.FormatInt(now.Unix()-1, 10), 0, resetJustEnded},
		{"the current second, rounded down: may still run", strconv.FormatInt(now.Unix(), 10), 750 * time.Millisecond, resetAhead},
		{"zero seconds until, rounded down: up to a second", "0", time.Second, resetAhead},
		{"zero seconds until, exactly", "0.0", 0, resetJustEnded},
		{"past: a server clock 90 s behind", strconv.FormatInt(now.Unix()-40, 10), 0, resetUnusable},
		{"far ahead: a server clock 90 s ahead", strconv.FormatInt(now.Unix()+120, 10), 0, resetUnusable},
		{"seconds until, implausibly long", "3600", 0, resetUnusable},
		{"milliseconds far ahead", strconv.FormatInt(now.UnixMilli()+3_600_000, 10), 0, resetUnusable},
		{"absent", "", 0, resetUnusable},
		{"not a number", "soon", 0, resetUnusable},
		{"negative", "-5", 0, resetUnusable},
		{"NaN", "NaN", 0, resetUnusable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, state := readReset(tc.v, now)
			if state != tc.state {
				t.Fatalf("readReset(%q) state %v, want %v", tc.v, state, tc.state)
			}
			if tc.state == resetAhead && got.Sub(now) != tc.want {
				t.Errorf("readReset(%q) = now + %s, want now + %s", tc.v, got.Sub(now), tc.want)
			}
			if _, ok := ParseReset(tc.v, now); ok != (tc.state == resetAhead) {
				t.Errorf("ParseReset(%q) ok = %v", tc.v, ok)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		want time.Duration
		ok   bool
	}{
		"3":                             {3 * time.Second, true},
		" 3 ":                           {3 * time.Second, true},
		"0":                             {0, true},
		"Wed, 02 Dec 2026 10:00:07 GMT": {7 * time.Second, true},
		"Wed, 02 Dec 2026 09:59:00 GMT": {0, true}, // past: no wait
		"":                              {0, false},
		"-1":                            {0, false},
		"soon":                          {0, false},
		"1.5":                           {0, false},
	}
	for in, tc := range cases {
		got, ok := ParseRetryAfter(in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRetriesOnTheFakeClock reads three pages through the client, page 2
// first answered oddly (one row each), and checks on the fake clock that
// the same page is asked again after the wait the policy promises (never
// before, and within a second of it, or within the backoff's range), then
// that every record is counted once.
func TestRetriesOnTheFakeClock(t *testing.T) {
	rateLimited := func(h map[string]string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			for k, v := range h {
				w.Header().Set(k, v)
			}
			writeJSON(w, 429, `{"error":"rate_limit_exceeded"}`)
		}
	}
	// The bubble starts at bubbleStart, a whole second: headers are
	// written against it.
	at := func(d time.Duration) time.Time { return bubbleStart.Add(d) }
	unix := func(d time.Duration) string { return strconv.FormatInt(at(d).Unix(), 10) }
	date := func(d time.Duration) string { return at(d).UTC().Format(http.TimeFormat) }
	cases := []struct {
		name     string
		odd      func(w http.ResponseWriter, r *http.Request)
		min, max time.Duration // the gap between the odd answer and the retry
	}{
		// A whole-second reset is read as the second it may stand for (the
		// API may round it down): the retry waits for it and 50 ms more.
		{"429 reset in Unix seconds", rateLimited(map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": unix(3 * time.Second)}), 4 * time.Second, 5 * time.Second},
		{"429 reset in Unix milliseconds", rateLimited(map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": strconv.FormatInt(at(2*time.Second).UnixMilli(), 10)}), 2 * time.Second, 3 * time.Second},
		{"429 reset as seconds until", rateLimited(map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "3"}), 4 * time.Second, 5 * time.Second},
		{"429 reset by a server clock 90 s behind, read against its Date", rateLimited(map[string]string{
			"Date": date(-90 * time.Second), "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": unix(-87 * time.Second)}), 4 * time.Second, 5 * time.Second},
		{"429 reset past (a server clock behind, a correct Date) backs off 1 s", rateLimited(map[string]string{
			"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": unix(-87 * time.Second)}), time.Second, 2 * time.Second},
		{"429 Retry-After seconds, no reset header", rateLimited(map[string]string{"Retry-After": "7"}), 7 * time.Second, 8 * time.Second},
		{"429 Retry-After as an HTTP date", rateLimited(map[string]string{"Retry-After": date(5 * time.Second)}), 5 * time.Second, 6 * time.Second},
		{"429 stripped of every hint backs off 1 s", rateLimited(map[string]string{"X-Ratelimit-Limit": "600"}), time.Second, 2 * time.Second},
		{"503 Retry-After wins over a 60 s reset", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			w.Header().Set("X-Ratelimit-Remaining", "597")
			w.Header().Set("X-Ratelimit-Reset", unix(60*time.Second))
			writeJSON(w, 503, `{"error":"service_unavailable"}`)
		}, 3 * time.Second, 4 * time.Second},
		{"503 Retry-After as an HTTP date", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", date(4*time.Second))
			writeJSON(w, 503, `{"error":"service_unavailable"}`)
		}, 4 * time.Second, 5 * time.Second},
		{"502 without Retry-After backs off", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 502, `{"error":"bad_gateway"}`)
		}, 500 * time.Millisecond, time.Second},
		{"body broken off backs off", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, `{"usage":[{"bytes":1`)
			panic(http.ErrAbortHandler)
		}, 500 * time.Millisecond, time.Second},
		{"no answer within request_timeout (5 s)", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, 5500 * time.Millisecond, 6 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
					switch n {
					case 1:
						writeJSON(w, 200, page(2, 0, "c1"))
					case 2:
						tc.odd(w, r)
					default:
						writeJSON(w, 200, page(2, 2, ""))
					}
				})
				c, _ := s.client(t, func(c *Config) {
					c.MaxRetries, c.RequestTimeout = 2, 5*time.Second
					c.RetryWaitMin, c.RetryWaitMax = DefaultRetryWaitMin, DefaultRetryWaitMax
				})
				got, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
				if err != nil || len(got) != 4 {
					t.Fatalf("%d records, %v; want 4, each once", len(got), err)
				}
				reqs := s.requests()
				if len(reqs) != 3 || reqs[2].RawQuery != reqs[1].RawQuery {
					t.Fatalf("requests %+v: want page 2 asked again, once", reqs)
				}
				if gap := reqs[2].At.Sub(reqs[1].At); gap < tc.min || gap > tc.max {
					t.Errorf("page 2 asked again after %s, want %s to %s", gap, tc.min, tc.max)
				}
			})
		})
	}
}
