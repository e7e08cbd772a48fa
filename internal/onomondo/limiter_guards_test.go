package onomondo

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPacingCountsRequestsInFlight: behind one IP address another process
// takes half the window's budget after the limiter learned it, so the API
// reports fewer requests left than the limiter's own count suggests.
// Requests already sent but not yet answered are not in such a report:
// counting them keeps ten readers at once from a burst of 429s when the
// budget runs out (here before the 33 requests are sent).
func TestPacingCountsRequestsInFlight(t *testing.T) {
	bubble(t, func(t *testing.T) {
		ws := &windowServer{start: time.Now(), window: time.Minute, budget: 60, limitHeader: 60, current: -1, hog: 30, hogAt: 700 * time.Millisecond}
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			time.Sleep(200 * time.Millisecond) // an answer takes a while: requests overlap
			if !ws.admit(w) {
				writeJSON(w, 429, `{"error":"rate_limited"}`)
				return
			}
			pagedUsage(w, r, 3)
		})
		c, log := s.client(t)
		if err := readUsage(c); err != nil { // one read first: the limiter learns the budget
			t.Fatal(err)
		}
		readInParallel(t, c)
		if ws.limited != 0 {
			t.Errorf("%d of %d requests were answered 429", ws.limited, len(s.requests()))
		}
		// The readers that waited for the next window were told why, at INFO.
		if !strings.Contains(log.all(), "INFO Onomondo API: waiting 1m0") || !strings.Contains(log.all(), "(pacing: the rate-limit budget is spent until the window resets)") {
			t.Errorf("the pacing waits were not logged at INFO:\n%s", log.all())
		}
	})
}

// TestA429HoldsEveryReader: a 429's wait holds every request of the
// process, not only the one that got it: the API's penalty is per client
// address. The answers carry no rate-limit headers (a proxy stripped them),
// so only the 429 tells the limiter.
func TestA429HoldsEveryReader(t *testing.T) {
	bubble(t, func(t *testing.T) {
		var mu sync.Mutex
		var until time.Time
		limited := 0
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			mu.Lock()
			penalty := n == 1 || time.Now().Before(until)
			if n == 1 {
				until = time.Now().Add(5 * time.Second)
			}
			if penalty {
				limited++
			}
			mu.Unlock()
			if penalty {
				w.Header().Set("Retry-After", "5")
				writeJSON(w, 429, `{"error":"rate_limited"}`)
				return
			}
			pagedUsage(w, r, 3)
		})
		c, _ := s.client(t)
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i) * time.Second) // the others start during the penalty
				if _, err := c.ReadUsage(context.Background(), UsageQuery{Filters: []Filter{{"time", "2025"}}}, func([]Record) error { return nil }); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if limited != 1 {
			t.Errorf("%d requests were answered 429: the others were sent during the first one's penalty", limited)
		}
	})
}

// TestRateLimiterKeepsTheNewerReportWithoutAReset: with no usable reset
// (headers stripped of it), the answer to a later request replaces the
// budget, and an older answer arriving after it does not raise it again.
func TestRateLimiterKeepsTheNewerReportWithoutAReset(t *testing.T) {
	bubble(t, func(t *testing.T) {
		l := NewRateLimiter()
		h := func(remaining string) http.Header {
			return http.Header{"X-Ratelimit-Limit": {"10"}, "X-Ratelimit-Remaining": {remaining}}
		}
		ctx := waitCtx(t, time.Minute)
		t1, _, _ := l.Acquire(ctx)
		t2, _, _ := l.Acquire(ctx)
		l.Release(t2, h("3"))
		l.Release(t1, h("9")) // the older request's answer, arriving late
		if l.remaining != 3 {
			t.Errorf("remaining %d, want 3: an older answer raised the budget", l.remaining)
		}
	})
}
