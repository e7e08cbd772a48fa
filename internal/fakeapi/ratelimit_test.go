package fakeapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// at runs f in a synctest bubble whose fake clock starts at start (after
// the bubble's own start, 2000-01-01).
func at(t *testing.T, start time.Time, f func(t *testing.T)) {
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(time.Until(start))
		f(t)
	})
}

// setClock moves the bubble's clock forward to u.
func setClock(u time.Time) { time.Sleep(time.Until(u)) }

// rateHeaders returns the three rate-limit headers of rec.
func rateHeaders(t testing.TB, rec *httptest.ResponseRecorder) (limit, remaining int, reset int64) {
	t.Helper()
	var err error
	h := rec.Header()
	if limit, err = strconv.Atoi(h.Get("x-ratelimit-limit")); err != nil {
		t.Fatalf("x-ratelimit-limit %q", h.Get("x-ratelimit-limit"))
	}
	if remaining, err = strconv.Atoi(h.Get("x-ratelimit-remaining")); err != nil {
		t.Fatalf("x-ratelimit-remaining %q", h.Get("x-ratelimit-remaining"))
	}
	if reset, err = strconv.ParseInt(h.Get("x-ratelimit-reset"), 10, 64); err != nil {
		t.Fatalf("x-ratelimit-reset %q", h.Get("x-ratelimit-reset"))
	}
	return limit, remaining, reset
}

func TestRateLimitHeadersAndWindows(t *testing.T) {
	at(t, time.Unix(1_750_000_030, 500_000_000), testRateLimitHeadersAndWindows) // 30.5 s into a minute
}

func testRateLimitHeadersAndWindows(t *testing.T) {
	s := New(Options{APIKey: testKey, RateLimit: 5})
	windowEnd := int64(1_750_000_080) // next multiple of 60

	// Every kind of answer carries the headers and costs budget.
	targets := []struct {
		target, auth string
		status       int
	}{
		{"/usage?filter=time:2025-01&limit=1", testKey, http.StatusOK},
		{"/usage?filter=time:2025-01", "wrong", http.StatusUnauthorized},
		{"/nope", testKey, http.StatusNotFound},
		{"/usage?filter=bad", testKey, http.StatusBadRequest},
		{"/usage/000000000", testKey, http.StatusNotFound},
	}
	for i, tc := range targets {
		rec := getWithAuth(t, s, tc.target, tc.auth)
		if rec.Code != tc.status {
			t.Fatalf("%s: status %d, want %d", tc.target, rec.Code, tc.status)
		}
		limit, remaining, reset := rateHeaders(t, rec)
		if limit != 5 || remaining != 4-i || reset != windowEnd {
			t.Fatalf("request %d: limit %d remaining %d reset %d", i, limit, remaining, reset)
		}
	}
	// The budget is spent: 429s, which cost nothing.
	for i := 0; i < 3; i++ {
		rec := get(t, s, "/usage?filter=time:2025")
		wantError(t, rec, http.StatusTooManyRequests, CodeRateLimited)
		if limit, remaining, reset := rateHeaders(t, rec); limit != 5 || remaining != 0 || reset != windowEnd {
			t.Fatalf("429: limit %d remaining %d reset %d", limit, remaining, reset)
		}
	}
	// One second before the window ends: still limited.
	setClock(time.Unix(windowEnd-1, 999_999_999))
	wantError(t, get(t, s, "/usage?filter=time:2025"), http.StatusTooManyRequests, CodeRateLimited)
	// At the reset instant a fresh window begins.
	setClock(time.Unix(windowEnd, 0))
	rec := get(t, s, "/usage?filter=time:2025&limit=1")
	if rec.Code != http.StatusOK {
		t.Fatalf("after rollover: %d", rec.Code)
	}
	if _, remaining, reset := rateHeaders(t, rec); remaining != 4 || reset != windowEnd+60 {
		t.Fatalf("after rollover: remaining %d reset %d", remaining, reset)
	}
	// Skipping several windows also starts afresh.
	setClock(time.Unix(windowEnd+3600+59, 0))
	if _, remaining, reset := rateHeaders(t, get(t, s, "/nope")); remaining != 4 || reset != windowEnd+3660 {
		t.Fatalf("later window: remaining %d reset %d", remaining, reset)
	}
}

func TestRateLimitDefaultsAndWindowRounding(t *testing.T) {
	at(t, time.Unix(1_000_000_007, 0), testRateLimitDefaultsAndWindowRounding)
}

func testRateLimitDefaultsAndWindowRounding(t *testing.T) {
	s := New(Options{})
	limit, remaining, reset := rateHeaders(t, getWithAuth(t, s, "/usage?filter=time:2025", DemoAPIKey))
	if limit != DefaultRateLimit || remaining != DefaultRateLimit-1 || reset != 1_000_000_020 {
		t.Fatalf("defaults: limit %d remaining %d reset %d", limit, remaining, reset)
	}
	// 1.5 s rounds up to 2 s windows, aligned to even seconds.
	s = New(Options{RateWindow: 1500 * time.Millisecond})
	if _, _, reset := rateHeaders(t, get(t, s, "/")); reset != 1_000_000_008 {
		t.Fatalf("2 s window reset %d", reset)
	}
}

// TestRateLimitConcurrent fires many requests at once: exactly the budget
// gets through and the remaining counts are all distinct.
func TestRateLimitConcurrent(t *testing.T) {
	at(t, time.Unix(1_800_000_000, 0), testRateLimitConcurrent)
}

func testRateLimitConcurrent(t *testing.T) {
	const limit, workers, each = 50, 8, 20
	s := New(Options{APIKey: testKey, RateLimit: limit})
	var ok, limited atomic.Int64
	var mu sync.Mutex
	seen := map[int]bool{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				rec := get(t, s, "/usage/"+DefaultFleet().SIMs[0].ID+"?limit=1")
				_, remaining, _ := rateHeaders(t, rec)
				switch rec.Code {
				case http.StatusOK:
					ok.Add(1)
					mu.Lock()
					if seen[remaining] {
						t.Errorf("remaining %d announced twice", remaining)
					}
					seen[remaining] = true
					mu.Unlock()
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					t.Errorf("status %d", rec.Code)
				}
			}
		}()
	}
	wg.Wait()
	if ok.Load() != limit || limited.Load() != workers*each-limit {
		t.Fatalf("%d ok, %d limited", ok.Load(), limited.Load())
	}
}
