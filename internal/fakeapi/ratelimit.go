package fakeapi

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Rate limiting
//
// The real API allows 600 requests a minute (per client IP) and announces
// the budget on every response. The fake keeps one fixed window per Server:
// windows are aligned to multiples of the window length in Unix time, so
// x-ratelimit-reset (the end of the current window, in Unix seconds) is
// exact. Every request counts against the window it arrives in, whatever
// its answer, except the 429s themselves.

// Rate-limit defaults of Options.
const (
	DefaultRateLimit  = 600
	DefaultRateWindow = 60 * time.Second
)

// Rate-limit response headers.
const (
	HeaderRateLimit     = "X-Ratelimit-Limit"
	HeaderRateRemaining = "X-Ratelimit-Remaining"
	HeaderRateReset     = "X-Ratelimit-Reset"
	HeaderRetryAfter    = "Retry-After"
)

// rateState is what one response announces.
type rateState struct {
	limit     int
	remaining int
	reset     int64 // Unix seconds
}

// setHeaders writes the rate-limit headers of st.
func (st rateState) setHeaders(h http.Header) {
	h.Set(HeaderRateLimit, strconv.Itoa(st.limit))
	h.Set(HeaderRateRemaining, strconv.Itoa(st.remaining))
	h.Set(HeaderRateReset, strconv.FormatInt(st.reset, 10))
}

// limiter is a fixed-window request counter, safe for concurrent use.
type limiter struct {
	limit  int
	window int64 // seconds, >= 1

	mu    sync.Mutex
	start int64 // Unix second the counted window began
	used  int
}

// newLimiter returns a limiter of limit requests per window (rounded up to
// whole seconds).
func newLimiter(limit int, window time.Duration) *limiter {
	secs := int64((window + time.Second - 1) / time.Second)
	return &limiter{limit: limit, window: max(secs, 1)}
}

// take counts one request at now, unless the window's budget is spent; ok
// reports whether the request may proceed.
func (l *limiter) take(now time.Time) (st rateState, ok bool) {
	start := floorDiv(now.Unix(), l.window) * l.window
	l.mu.Lock()
	defer l.mu.Unlock()
	if start != l.start {
		l.start, l.used = start, 0
	}
	st = rateState{limit: l.limit, reset: start + l.window}
	if l.used >= l.limit {
		return st, false
	}
	l.used++
	st.remaining = l.limit - l.used
	return st, true
}

// ceilUnix returns t in Unix seconds, rounded up to a whole second.
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}
