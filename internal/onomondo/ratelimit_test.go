package onomondo

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

func TestRateLimiterObserveOrdering(t *testing.T) {
	const base = 1_800_000_000 // a Unix time in seconds, as the API sends
	now := time.Unix(base+1000, 0)
	l := NewRateLimiter()
	l.now = func() time.Time { return now }
	h := func(limit, remaining int, reset int64) http.Header {
		hh := http.Header{}
		hh.Set("x-ratelimit-limit", strconv.Itoa(limit))
		hh.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
		hh.Set("x-ratelimit-reset", strconv.FormatInt(base+reset, 10))
		return hh
	}
	ctx := context.Background()
	t1, _, _ := l.Acquire(ctx)
	t2, _, _ := l.Acquire(ctx)
	l.Release(t2, h(10, 3, 1002))
	l.Release(t1, h(10, 4, 1002)) // older answer, same window: ignored
	if l.remaining != 3 {
		t.Errorf("remaining %d, want 3 (the lower report of the same window)", l.remaining)
	}
	l.Release(t1, h(10, 9, 1001))                                    // an earlier window: ignored
	if l.remaining != 3 || !l.until.Equal(time.Unix(base+1003, 0)) { // 1002, whole seconds: up to a second later
		t.Errorf("an earlier window changed the state: %d %s", l.remaining, l.until)
	}
	// Three more requests fit (remaining 3); the fourth must wait.
	for i := 0; i < 3; i++ {
		if _, _, err := l.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, _, err := l.Acquire(short); err == nil {
		t.Error("a fourth request was allowed into an empty budget")
	}
	// After the window passes a fresh budget of the known limit opens.
	now = time.Unix(base+1003, 500) // a whole-second reset may stand for up to a second later
	if _, _, err := l.Acquire(ctx); err != nil {
		t.Errorf("no budget after the reset: %v", err)
	}
}

// Ten readers at once against a budget of 15 requests a second, as ten
// parallel data sources would: every read completes, with no 429.
func TestRateLimiterParallelReadersProvokeNo429(t *testing.T) {
	srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: testKey, RateLimit: 15, RateWindow: time.Second})
	defer ts.Close()
	c, _ := newTestClient(t, ts.URL)
	f := srv.Fleet()
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(sim string) {
			defer wg.Done()
			_, err := c.ReadUsage(context.Background(), UsageQuery{SIM: sim, Filters: []Filter{{"time", "2025-01"}}, Limit: 40}, func([]Record) error { return nil })
			errs <- err
		}(f.SIMs[i].ID)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	limited := 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if n := len(srv.Requests()); n <= 15 {
		t.Fatalf("only %d requests: the test needs several windows", n)
	}
	if limited != 0 {
		t.Errorf("%d of %d requests were answered 429", limited, len(srv.Requests()))
	}
}

// A 429's reset replaces a later known window: waiting for the old window
// would stall a read for up to a minute.
func TestRateLimiterExhaustTakesThe429Reset(t *testing.T) {
	const base = 1_800_000_000
	now := time.Unix(base+2000, 0)
	l := NewRateLimiter()
	l.now = func() time.Time { return now }
	tk, _, _ := l.Acquire(context.Background())
	h := http.Header{}
	h.Set("x-ratelimit-limit", "600")
	h.Set("x-ratelimit-remaining", "500")
	h.Set("x-ratelimit-reset", strconv.Itoa(base+2060))
	l.Release(tk, h)
	l.Exhaust(time.Unix(base+2003, 0))
	now = time.Unix(base+2003, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, err := l.Acquire(ctx); err != nil {
		t.Fatalf("still waiting after the 429's reset passed: %v", err)
	}
}

// TestRateLimiterReadings drives the limiter with a fake clock through each
// reading of the rate-limit headers the evidence allows: whatever the API
// sends, a spent budget comes back within one API window (the bug this
// guards against: with no usable Unix reset the count of sent requests
// never reset, and a read waited forever).
func TestRateLimiterReadings(t *testing.T) {
	const base = 1_800_000_000
	unix := func(d int64) string { return strconv.FormatInt(base+d, 10) }
	cases := []struct {
		name string
		// answer returns the headers of the n-th answer (0-based) at the
		// limiter's now.
		answer func(n int, now time.Time) map[string]string
		// wantMax is the longest a spent budget may hold a request back.
		wantMax time.Duration
	}{
		{"Unix seconds", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": unix(10)}
		}, 10 * time.Second},
		{"Unix milliseconds", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt((base+10)*1000, 10)}
		}, 10 * time.Second},
		{"seconds until the reset", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt(base+10-now.Unix(), 10)}
		}, 10 * time.Second},
		{"server clock 90 s behind (resets look past)", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": unix(10 - 90)}
		}, APIWindow},
		{"server clock 90 s behind, with its Date", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": unix(10 - 90),
				"Date": now.Add(-90 * time.Second).UTC().Format(http.TimeFormat)}
		}, 10 * time.Second},
		{"server clock 90 s ahead (resets look far ahead)", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": unix(10 + 90)}
		}, APIWindow},
		{"proxy strips remaining and reset", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5"}
		}, APIWindow},
		{"reset in milliseconds read as seconds would be far ahead", func(n int, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": "99999999999999"}
		}, APIWindow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(base, 0)
			l := NewRateLimiter()
			l.now = func() time.Time { return now }
			ctx := context.Background()
			// Five requests, one after the other, each answered.
			for n := range 5 {
				tk, _, err := l.Acquire(ctx)
				if err != nil {
					t.Fatal(err)
				}
				h := http.Header{}
				for k, v := range tc.answer(n, now) {
					h.Set(k, v)
				}
				l.Release(tk, h)
				now = now.Add(100 * time.Millisecond)
			}
			// The budget (5) is spent: the sixth is held back, for a bounded time.
			l.mu.Lock()
			wait, why := l.blocked(now)
			l.mu.Unlock()
			if why == "" {
				t.Fatal("a sixth request was allowed into a spent budget of 5")
			}
			if wait <= 0 || wait > tc.wantMax+time.Second {
				t.Fatalf("held back for %s (%s), want at most %s", wait, why, tc.wantMax)
			}
			// Once that time has passed, the budget is back.
			now = now.Add(wait)
			short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			if _, _, err := l.Acquire(short); err != nil {
				t.Fatalf("still held back %s later (%s): the budget never came back", wait, why)
			}
		})
	}
}

// TestRateLimiterIgnoresAReportOfAnEndedWindow: an answer that crossed the
// end of its window in flight (its reset is a moment ago) says nothing about
// the new window; believing its "remaining: 0" would stall every read for a
// minute.
func TestRateLimiterIgnoresAReportOfAnEndedWindow(t *testing.T) {
	const base = 1_800_000_000
	now := time.Unix(base, 1_500_000_000)
	l := NewRateLimiter()
	l.now = func() time.Time { return now }
	tk, _, _ := l.Acquire(context.Background())
	h := http.Header{}
	h.Set("X-Ratelimit-Limit", "5")
	h.Set("X-Ratelimit-Remaining", "0")
	// A second and a half ago: even rounded down by up to a second, over.
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(base, 10))
	l.Release(tk, h)
	l.mu.Lock()
	_, why := l.blocked(now)
	l.mu.Unlock()
	if why != "" {
		t.Fatalf("held back by the report of a window that has ended: %s", why)
	}
}
