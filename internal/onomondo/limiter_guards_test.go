package onomondo

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// windowServer is an API rate limit for a memServer handler: budget
// requests per window, windows starting at start; it writes the rate-limit
// headers (limit as limitHeader, reset as the window's end in Unix seconds,
// rounded down) and says whether the request is over the budget.
type windowServer struct {
	mu          sync.Mutex
	start       time.Time
	window      time.Duration
	budget      int
	limitHeader int
	current     int64 // index of the window of the count
	served      int
	limited     int // 429s answered
	// hog requests of another process behind the same address are counted
	// in the first window, at hogAt after start.
	hog   int
	hogAt time.Duration
}

func (s *windowServer) admit(w http.ResponseWriter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	idx := int64(now.Sub(s.start) / s.window)
	if idx != s.current {
		s.current, s.served = idx, 0
	}
	if s.hog > 0 && idx == 0 && now.Sub(s.start) >= s.hogAt {
		s.served, s.hog = s.served+s.hog, 0
	}
	end := s.start.Add(time.Duration(idx+1) * s.window)
	ok := s.served < s.budget
	if ok {
		s.served++
	} else {
		s.limited++
	}
	w.Header().Set("X-Ratelimit-Limit", strconv.Itoa(s.limitHeader))
	w.Header().Set("X-Ratelimit-Remaining", strconv.Itoa(s.budget-s.served))
	w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(end.Unix(), 10)) // whole seconds, rounded down
	return ok
}

// pagedUsage answers a read of GET /usage in pages pages of one record, by
// cursor.
func pagedUsage(w http.ResponseWriter, r *http.Request, pages int) {
	n, _ := strconv.Atoi(r.URL.Query().Get("next_page"))
	next := ""
	if n+1 < pages {
		next = strconv.Itoa(n + 1)
	}
	writeJSON(w, 200, page(1, n, next))
}

// readInParallel runs ten reads of GET /usage at once, as ten data sources
// would, and fails the test if one fails.
func readInParallel(t *testing.T, c *Client) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ReadUsage(context.Background(), UsageQuery{Filters: []Filter{{"time", "2025"}}}, func([]Record) error { return nil })
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestWholeSecondResetRoundedDownProvokesNo429: a server whose windows end
// 0.7 s into a second writes the reset rounded down to the second. Ten
// readers at once must not take the written second for the end of the
// window (20 of 80 requests got a 429 so): 0 429s.
func TestWholeSecondResetRoundedDownProvokesNo429(t *testing.T) {
	bubble(t, func(t *testing.T) {
		ws := &windowServer{start: time.Now().Add(700 * time.Millisecond), window: 2 * time.Second, budget: 10, limitHeader: 10, current: -1}
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			if !ws.admit(w) {
				writeJSON(w, 429, `{"error":"rate_limited"}`)
				return
			}
			pagedUsage(w, r, 8)
		})
		c, _ := s.client(t)
		readInParallel(t, c)
		if ws.limited != 0 {
			t.Errorf("%d of %d requests were answered 429", ws.limited, len(s.requests()))
		}
		if n := len(s.requests()); n < 80 {
			t.Errorf("%d requests: want 80 pages over several windows", n)
		}
	})
}

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
