package fakeapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
//
// The evidence leaves open how the headers really look (see "What the
// evidence leaves open" in shared/api/README.md), so the fake can play each
// reading, server-wide (Options, or the Set* methods at run time) or for
// one faulted answer (Fault.Reset, Fault.StripRateHeaders):
//
//   - ResetStyle: x-ratelimit-reset as Unix seconds (documented), Unix
//     milliseconds, or seconds until the reset.
//   - ClockSkew: the server clock runs ahead of or behind Options.Now;
//     windows, x-ratelimit-reset, HTTP-date Retry-After values and (with
//     SkewedDate) the Date header follow the skewed clock.
//   - StripRateHeaders: a proxy drops x-ratelimit-remaining and
//     x-ratelimit-reset (x-ratelimit-limit stays) and adds Retry-After to
//     429s.

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
	reset     int64     // end of the window, Unix seconds by the server clock
	now       time.Time // the server clock when the answer was decided
}

// setHeaders writes the rate-limit headers of st: x-ratelimit-limit
// always; x-ratelimit-remaining and x-ratelimit-reset (encoded in style)
// unless strip.
func (st rateState) setHeaders(h http.Header, style ResetStyle, strip bool) {
	h.Set(HeaderRateLimit, strconv.Itoa(st.limit))
	if strip {
		return
	}
	h.Set(HeaderRateRemaining, strconv.Itoa(st.remaining))
	h.Set(HeaderRateReset, formatReset(st.reset, st.now, style))
}

// untilReset is the whole number of seconds, rounded up, from the server
// clock to the announced reset (0 when the reset is not ahead).
func (st rateState) untilReset() int64 {
	d := time.Unix(st.reset, 0).Sub(st.now)
	if d <= 0 {
		return 0
	}
	return ceilSeconds(d)
}

// ResetStyle is how x-ratelimit-reset encodes the end of the window. The
// documentation shows Unix seconds; the others are readings the evidence
// does not rule out (a proxy, a framework default, a bug). Whatever the
// style, the instant announced is the same: the end of the window by the
// server's (possibly skewed) clock, always a whole second.
type ResetStyle int

const (
	// ResetDefault is the zero value. In Options (and SetResetStyle) it
	// means ResetUnixSeconds; in a Fault it means "whatever the server
	// currently uses".
	ResetDefault ResetStyle = iota
	// ResetUnixSeconds sends the reset as Unix seconds ("1750000080"), as
	// documented.
	ResetUnixSeconds
	// ResetUnixMillis sends the same instant as Unix milliseconds
	// ("1750000080000"); the last three digits are always 000.
	ResetUnixMillis
	// ResetDelta sends the whole seconds from the server clock to the
	// reset, rounded up ("30" at 30.5 s before a reset 60 s after the
	// window began; "0" only if the reset is not ahead). Unlike the Unix
	// styles, a delta does not show the server's clock skew.
	ResetDelta
)

var resetStyleNames = [...]string{
	ResetDefault:     "default",
	ResetUnixSeconds: "unix",
	ResetUnixMillis:  "unix_ms",
	ResetDelta:       "delta",
}

// String returns the name of r, as accepted by ParseResetStyle.
func (r ResetStyle) String() string {
	if r >= 0 && int(r) < len(resetStyleNames) {
		return resetStyleNames[r]
	}
	return "ResetStyle(" + strconv.Itoa(int(r)) + ")"
}

// ParseResetStyle returns the ResetStyle named s: "unix", "unix_ms",
// "delta" (or "default", which is ResetDefault).
func ParseResetStyle(s string) (ResetStyle, error) {
	for i, name := range resetStyleNames {
		if strings.EqualFold(s, name) {
			return ResetStyle(i), nil
		}
	}
	return 0, fmt.Errorf("unknown reset style %q (want one of unix, unix_ms, delta)", s)
}

// formatReset encodes the reset instant (Unix seconds) in style; now is the
// server clock, which ResetDelta counts from.
func formatReset(reset int64, now time.Time, style ResetStyle) string {
	switch style {
	case ResetUnixMillis:
		return strconv.FormatInt(reset*1000, 10)
	case ResetDelta:
		return strconv.FormatInt(rateState{reset: reset, now: now}.untilReset(), 10)
	default:
		return strconv.FormatInt(reset, 10)
	}
}

// readings is the server-wide way of announcing the rate limit; see the
// Options fields of the same names. Guarded by Server.mu.
type readings struct {
	resetStyle ResetStyle
	clockSkew  time.Duration
	strip      bool
	skewedDate bool
}

// SetResetStyle changes how x-ratelimit-reset is encoded from the next
// request on (ResetDefault means ResetUnixSeconds).
func (s *Server) SetResetStyle(r ResetStyle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.read.resetStyle = r
}

// SetClockSkew sets the server clock to Options.Now plus skew from the
// next request on (negative: the server is behind). See Options.ClockSkew.
func (s *Server) SetClockSkew(skew time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.read.clockSkew = skew
}

// SetStripRateHeaders switches the stripping proxy of
// Options.StripRateHeaders on or off from the next request on.
func (s *Server) SetStripRateHeaders(strip bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.read.strip = strip
}

// SetSkewedDate switches Options.SkewedDate on or off from the next
// request on.
func (s *Server) SetSkewedDate(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.read.skewedDate = on
}

// formatRetryAfter returns a Retry-After value for a wait of d from the
// server clock now: whole seconds rounded up, or (asDate) the HTTP date of
// now+d rounded up to a whole second, by the server's clock.
func formatRetryAfter(d time.Duration, now time.Time, asDate bool) string {
	if asDate {
		return time.Unix(ceilUnix(now.Add(d)), 0).UTC().Format(http.TimeFormat)
	}
	return strconv.FormatInt(ceilSeconds(d), 10)
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
	st = rateState{limit: l.limit, reset: start + l.window, now: now}
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
