package onomondo

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestRateLimiterObserveOrdering(t *testing.T) {
	bubble(t, func(t *testing.T) {
		start := time.Now()
		reset := func(d time.Duration) string { return strconv.FormatInt(start.Add(d).Unix(), 10) }
		l := NewRateLimiter()
		h := func(limit, remaining int, reset string) http.Header {
			hh := http.Header{}
			hh.Set("x-ratelimit-limit", strconv.Itoa(limit))
			hh.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
			hh.Set("x-ratelimit-reset", reset)
			return hh
		}
		ctx := waitCtx(t, time.Minute)
		t1, _, _ := l.Acquire(ctx)
		t2, _, _ := l.Acquire(ctx)
		l.Release(t2, h(10, 3, reset(2*time.Second)))
		l.Release(t1, h(10, 4, reset(2*time.Second))) // older answer, same window: ignored
		if l.remaining != 3 {
			t.Errorf("remaining %d, want 3 (the lower report of the same window)", l.remaining)
		}
		l.Release(t1, h(10, 9, reset(time.Second))) // an earlier window: ignored
		// A whole-second reset may have been rounded down: the window is
		// believed to run to a second past it.
		if l.remaining != 3 || !l.until.Equal(start.Add(3*time.Second)) {
			t.Errorf("an earlier window changed the state: %d %s", l.remaining, l.until)
		}
		// Three more requests fit (remaining 3); the fourth must wait for
		// the window's reset (and the second it may stand for), and no
		// longer: then a fresh budget opens.
		for i := 0; i < 3; i++ {
			if _, _, err := l.Acquire(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := l.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < 3*time.Second || waited > 3*time.Second+100*time.Millisecond {
			t.Errorf("the fourth request went after %s, want a second past the reset (3s)", waited)
		}
	})
}

// Ten readers at once against a budget of 15 requests a second, as ten
// parallel data sources would: every read completes exactly, with no 429,
// and as fast as the budget allows when each whole-second reset is read as
// the second it may stand for (so here every other window).
func TestRateLimiterParallelReadersProvokeNo429(t *testing.T) {
	bubble(t, func(t *testing.T) {
		a := newUsageAPI(40, 15, time.Second, rateReading{})
		s, c := usageClient(t, a)
		start := time.Now()
		ctx := waitCtx(t, time.Minute)
		var wg sync.WaitGroup
		sums := make([]sum, 10)
		errs := make([]error, 10)
		for i := range 10 {
			wg.Go(func() { sums[i], errs[i] = a.read(ctx, c, 4) })
		}
		wg.Wait()
		for i := range 10 {
			if errs[i] != nil || !a.exact(sums[i]) {
				t.Fatalf("reader %d: %+v, %v; want %d records, %d bytes", i, sums[i], errs[i], a.count, a.total)
			}
		}
		n := len(s.requests())
		if n != 100 {
			t.Fatalf("%d requests, want 10 readers x 10 pages", n)
		}
		if limited := a.rateLimited(); limited != 0 {
			t.Errorf("%d of %d requests were answered 429", limited, n)
		}
		// 100 requests at 15 a window need 7 windows; each waits out its
		// reset and a second: the last one starts 12 s in.
		if took := time.Since(start); took < 12*time.Second || took > 13*time.Second {
			t.Errorf("the reads took %s, want the 7th window used (12s to 13s)", took)
		}
	})
}

// A 429's reset replaces a later known window: waiting for the old window
// would stall a read for up to a minute.
func TestRateLimiterExhaustTakesThe429Reset(t *testing.T) {
	bubble(t, func(t *testing.T) {
		start := time.Now()
		l := NewRateLimiter()
		tk, _, _ := l.Acquire(waitCtx(t, time.Minute))
		h := http.Header{}
		h.Set("x-ratelimit-limit", "600")
		h.Set("x-ratelimit-remaining", "500")
		h.Set("x-ratelimit-reset", strconv.FormatInt(start.Add(60*time.Second).Unix(), 10))
		l.Release(tk, h)
		l.Exhaust(start.Add(3 * time.Second))
		if _, _, err := l.Acquire(waitCtx(t, time.Minute)); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < 3*time.Second || waited > 3*time.Second+100*time.Millisecond {
			t.Errorf("the next request went after %s, want at the 429's reset (3s), not the window's (60s)", waited)
		}
	})
}

// TestRateLimiterReadings drives the limiter on the fake clock through
// each reading of the rate-limit headers the evidence allows: whatever the
// API sends, a spent budget comes back within one API window (the bug this
// guards against: with no usable Unix reset the count of sent requests
// never reset, and a read waited forever). TestReadingsUnderBudget reads
// through the client under each reading.
func TestRateLimiterReadings(t *testing.T) {
	cases := []struct {
		name string
		// answer returns the headers of the n-th answer (0-based) at now,
		// base being the Unix second the test started.
		answer func(n int, base int64, now time.Time) map[string]string
		// wantMax is the longest a spent budget may hold a request back.
		wantMax time.Duration
	}{
		{"Unix seconds", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt(base+10, 10)}
		}, 10 * time.Second},
		{"Unix milliseconds", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt((base+10)*1000, 10)}
		}, 10 * time.Second},
		{"seconds until the reset", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt(base+10-now.Unix(), 10)}
		}, 10 * time.Second},
		{"server clock 90 s behind (resets look past)", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt(base+10-90, 10)}
		}, APIWindow},
		{"server clock 90 s behind, with its Date", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt(base+10-90, 10),
				"Date": now.Add(-90 * time.Second).UTC().Format(http.TimeFormat)}
		}, 10 * time.Second},
		{"server clock 90 s ahead (resets look far ahead)", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": strconv.FormatInt(base+10+90, 10)}
		}, APIWindow},
		{"proxy strips remaining and reset", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5"}
		}, APIWindow},
		{"reset in milliseconds read as seconds would be far ahead", func(n int, base int64, now time.Time) map[string]string {
			return map[string]string{"X-Ratelimit-Limit": "5", "X-Ratelimit-Remaining": strconv.Itoa(max(4-n, 0)), "X-Ratelimit-Reset": "99999999999999"}
		}, APIWindow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				base := time.Now().Unix()
				l := NewRateLimiter()
				ctx := waitCtx(t, 2*time.Minute)
				// Five requests, one after the other, each answered.
				for n := range 5 {
					tk, _, err := l.Acquire(ctx)
					if err != nil {
						t.Fatal(err)
					}
					h := http.Header{}
					for k, v := range tc.answer(n, base, time.Now()) {
						h.Set(k, v)
					}
					l.Release(tk, h)
					time.Sleep(100 * time.Millisecond)
				}
				// The budget (5) is spent: the sixth is held back, for a
				// bounded time, after which the budget is back.
				l.mu.Lock()
				_, why := l.blocked(time.Now())
				l.mu.Unlock()
				if why == "" {
					t.Fatal("a sixth request was allowed into a spent budget of 5")
				}
				held := time.Now()
				if _, _, err := l.Acquire(ctx); err != nil {
					t.Fatal(err)
				}
				if wait := time.Since(held); wait <= 0 || wait > tc.wantMax+time.Second {
					t.Fatalf("held back for %s (%s), want at most %s", wait, why, tc.wantMax)
				}
			})
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

// TestReadingsUnderBudget reads 40 pages under a budget of 20 requests per
// 2 s window through the client, once for each way the evidence allows the
// API to report its rate limit: every read ends with the exact totals and no
// 429, on the fake clock within took of the start. A usable reset paces the
// read tightly: 20 pages at once, then the rest once the window resets
// (2 s). With no usable reset (a skewed clock behind a proxy that sends a
// correct Date, headers stripped) the limiter falls back on its own count
// over the API's 60 s window: the budget comes back one minute after it was
// spent, not later (and not never).
func TestReadingsUnderBudget(t *testing.T) {
	// A whole-second reset is read as the second it may stand for (the API
	// may round it down): the 21st request waits for the reset and a second.
	const paced, pacedWhole, fallback = 2 * time.Second, 3 * time.Second, APIWindow
	cases := []struct {
		name    string
		reading rateReading
		took    time.Duration // when the read ends: the 21st request waits this long
	}{
		{"reset in Unix seconds", rateReading{}, pacedWhole},
		{"reset as seconds until", rateReading{reset: resetDelta}, pacedWhole},
		{"reset in Unix milliseconds", rateReading{reset: resetUnixMS}, paced},
		{"server clock 90 s behind, with its Date", rateReading{skew: -90 * time.Second, date: true}, pacedWhole},
		{"server clock 90 s ahead, with its Date", rateReading{skew: 90 * time.Second, date: true}, pacedWhole},
		{"server clock 90 s behind, no usable reset", rateReading{skew: -90 * time.Second}, fallback},
		{"server clock 90 s ahead, no usable reset", rateReading{skew: 90 * time.Second}, fallback},
		{"proxy strips remaining and reset", rateReading{strip: true}, fallback},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				a := newUsageAPI(40*25, 20, 2*time.Second, tc.reading)
				s, c := usageClient(t, a)
				start := time.Now()
				got, err := a.read(waitCtx(t, 5*time.Minute), c, 25)
				if err != nil || !a.exact(got) {
					t.Fatalf("read %+v, %v; want %d records, %d bytes", got, err, a.count, a.total)
				}
				if n, limited := len(s.requests()), a.rateLimited(); n != 40 || limited != 0 {
					t.Errorf("%d requests, %d answered 429; want the 40 pages, paced without a 429", n, limited)
				}
				if took := time.Since(start); took < tc.took || took > tc.took+time.Second {
					t.Errorf("the read took %s, want %s (within a second)", took, tc.took)
				}
			})
		})
	}
}
