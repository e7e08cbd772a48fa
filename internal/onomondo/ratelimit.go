package onomondo

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateLimiter paces requests on the API's rate-limit headers so that the
// reads of one provider process share one budget and do not provoke 429s.
//
// The API counts requests per client IP address (600 a minute) and reports
// `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (Unix
// seconds) on every answer. A request may start only while the last reported
// remaining budget, less the requests in flight that the report cannot have
// counted yet (those sent after the request it answered), is above zero;
// otherwise it waits for the reset. Counting in-flight requests matters:
// Terraform reads up to ten data sources at once, and waiting only after an
// answer says 0 would still send a burst into an empty budget.
//
// The limiter also counts the requests it sent in the window itself, and
// never sends more than the limit in one window: answers to parallel
// requests arrive out of order, so the reported remaining budget alone can
// overstate what is left by a request or two near the end of a window.
//
// Before any answer has been seen requests go out freely; after a window has
// passed, up to the last known limit.
type RateLimiter struct {
	mu        sync.Mutex
	now       func() time.Time
	margin    time.Duration
	limit     int                 // last reported x-ratelimit-limit; 0 unknown
	remaining int                 // last reported remaining budget of the current window
	reset     time.Time           // end of the current window; zero when unknown
	sent      int                 // requests sent in the current window, by our count
	inFlight  map[uint64]struct{} // tickets of requests sent and not yet answered
	nextSeq   uint64              // ticket of the next request
	seenSeq   uint64              // ticket of the request whose answer set remaining
	changed   chan struct{}       // closed and replaced on every change
}

// Ticket identifies one request from Acquire to Release.
type Ticket uint64

// NewRateLimiter returns an empty limiter. Use SharedRateLimiter to share one
// per API host within a process.
func NewRateLimiter() *RateLimiter {
	return &RateLimiter{now: time.Now, margin: 20 * time.Millisecond, inFlight: map[uint64]struct{}{}, changed: make(chan struct{})}
}

var (
	sharedMu       sync.Mutex
	sharedLimiters = map[string]*RateLimiter{}
)

// SharedRateLimiter returns the process-wide limiter for an API host, so that
// every data source (and every provider configuration) in one provider
// process draws on the same budget, as the API counts it.
func SharedRateLimiter(host string) *RateLimiter {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	l, ok := sharedLimiters[host]
	if !ok {
		l = NewRateLimiter()
		sharedLimiters[host] = l
	}
	return l
}

// Acquire waits until a request may be sent, then counts it as in flight.
// It returns the request's ticket and how long it waited. It returns early
// with the context's error when ctx ends. Every successful Acquire must be
// paired with Release.
func (l *RateLimiter) Acquire(ctx context.Context) (Ticket, time.Duration, error) {
	start := l.now()
	for {
		l.mu.Lock()
		now := l.now()
		if !l.reset.IsZero() && !now.Before(l.reset) {
			// The window has passed: a fresh budget of the known limit.
			// Requests still in flight may land in the new window.
			l.reset = time.Time{}
			l.remaining = l.limit
			l.sent = len(l.inFlight)
			l.seenSeq = 0
		}
		available := l.limit == 0 // nothing known yet
		if !available {
			left := l.limit - l.sent
			if !l.reset.IsZero() {
				left = min(left, l.remaining-l.uncounted())
			}
			available = left > 0
		}
		if available {
			t := l.nextSeq
			l.nextSeq++
			l.sent++
			l.inFlight[t] = struct{}{}
			l.mu.Unlock()
			return Ticket(t), l.now().Sub(start), nil
		}
		var wait time.Duration
		if !l.reset.IsZero() {
			wait = l.reset.Sub(now) + l.margin
		} else {
			wait = time.Second // only in-flight requests hold the budget; woken on release
		}
		changed := l.changed
		l.mu.Unlock()

		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, l.now().Sub(start), ctx.Err()
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// uncounted is the number of requests in flight that the last reported
// remaining budget cannot include: those sent after the request it answered.
func (l *RateLimiter) uncounted() int {
	n := 0
	for t := range l.inFlight {
		if t >= l.seenSeq {
			n++
		}
	}
	return n
}

// Release ends an in-flight request and takes in the rate-limit headers of
// its answer (h may be nil when no answer arrived).
func (l *RateLimiter) Release(t Ticket, h http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.inFlight, uint64(t))
	if h != nil {
		l.observe(uint64(t), h)
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// observe updates the budget from one answer's headers. Answers can arrive out
// of order: a later window replaces the budget, the same window can only
// lower it, an earlier window is ignored.
func (l *RateLimiter) observe(seq uint64, h http.Header) {
	limit, okL := headerInt(h, "X-Ratelimit-Limit")
	remaining, okR := headerInt(h, "X-Ratelimit-Remaining")
	resetUnix, okS := headerInt(h, "X-Ratelimit-Reset")
	if okL && limit > 0 {
		l.limit = int(limit)
	}
	if !okR || !okS {
		return
	}
	reset := time.Unix(resetUnix, 0)
	if !reset.After(l.now()) {
		return // a window that has already ended says nothing about this one
	}
	switch {
	case l.reset.IsZero() || reset.After(l.reset):
		if !l.reset.IsZero() {
			// The API started a new window before our clock said so: take
			// its word for what has been used.
			l.sent = max(l.limit-int(remaining), 0)
		}
		l.reset = reset
		l.remaining = int(remaining)
		l.seenSeq = seq + 1
	case reset.Equal(l.reset) && int(remaining) < l.remaining:
		l.remaining = int(remaining)
		l.seenSeq = max(l.seenSeq, seq+1)
	}
}

// Exhaust records a 429: no budget until the reset it announced, which
// replaces whatever window was known (the 429 is the API's latest word).
func (l *RateLimiter) Exhaust(reset time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reset = reset
	l.remaining = 0
	close(l.changed)
	l.changed = make(chan struct{})
}

func headerInt(h http.Header, key string) (int64, bool) {
	v := h.Get(key)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// retryAfter reads how long a 429 (or 503) asks us to wait: until
// x-ratelimit-reset, else Retry-After (seconds or an HTTP date). ok is false
// when the answer gives no hint.
func retryAfter(h http.Header, now time.Time) (time.Duration, time.Time, bool) {
	if reset, ok := headerInt(h, "X-Ratelimit-Reset"); ok {
		t := time.Unix(reset, 0)
		return max(t.Sub(now), 0), t, true
	}
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, now.Add(time.Duration(secs) * time.Second), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), t, true
		}
	}
	return 0, time.Time{}, false
}
