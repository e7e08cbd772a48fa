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
// the budget on every answer, as documented: x-ratelimit-limit,
// x-ratelimit-remaining, and x-ratelimit-reset, the end of the window in
// Unix seconds. The fake keeps one fixed window per Server, aligned to
// multiples of the window length in Unix time, so the reset is exact. Every
// request counts against the window it arrives in, whatever its answer,
// except the 429s themselves. (The other readings the evidence allows, and
// other faults, are played by the client's own tests: see
// internal/onomondo.)

// Rate-limit defaults of Options.
const (
	DefaultRateLimit  = 600
	DefaultRateWindow = 60 * time.Second
)

// limiter is a fixed-window request counter, safe for concurrent use.
type limiter struct {
	limit  int
	window int64 // seconds, >= 1

	mu    sync.Mutex
	start int64 // Unix second the counted window began
	used  int
}

// newLimiter returns a limiter of limit requests per window (rounded up to
// whole seconds); zero values take the defaults.
func newLimiter(limit int, window time.Duration) *limiter {
	if limit <= 0 {
		limit = DefaultRateLimit
	}
	if window <= 0 {
		window = DefaultRateWindow
	}
	return &limiter{limit: limit, window: int64((window + time.Second - 1) / time.Second)}
}

// take counts one request at now, unless the window's budget is spent, and
// writes the budget's headers to h; it reports whether the request may
// proceed.
func (l *limiter) take(h http.Header, now time.Time) bool {
	start := floorDiv(now.Unix(), l.window) * l.window
	l.mu.Lock()
	if start != l.start {
		l.start, l.used = start, 0
	}
	ok := l.used < l.limit
	if ok {
		l.used++
	}
	remaining := l.limit - l.used
	l.mu.Unlock()
	h.Set("X-Ratelimit-Limit", strconv.Itoa(l.limit))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(start+l.window, 10))
	return ok
}
