package onomondo

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIWindow is the API's documented rate-limit window: 600 requests a
// minute, counted per client IP address.
const APIWindow = time.Minute

// resetSlack is how far beyond one APIWindow a reported reset may lie and
// still be believed (a server clock a little ahead of ours).
const resetSlack = 10 * time.Second

// RateLimiter paces requests on the API's rate-limit headers so that the
// reads of one provider process share one budget and do not provoke 429s.
//
// The API counts requests per client IP address (600 a minute) and reports
// `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` on
// every answer. What the limiter believes, and so when a request may go:
//
//   - Nothing known yet (no x-ratelimit-limit seen): requests go freely,
//     except while a 429's wait lasts (Exhaust): it holds every request.
//   - A window known: an answer reported the remaining budget with a
//     plausible reset (ParseReset). A request may start while that budget,
//     less the requests in flight (the report may not have counted them:
//     parallel requests reach the API in any order), is above zero, and
//     while the limiter's own count of its sends in the window is below
//     the limit (answers to parallel requests arrive out of order, so a
//     report can overstate the budget by a request or two). Counting in-flight
//     requests matters: Terraform reads up to ten data sources at once.
//     When the reset passes, a fresh budget of the known limit opens.
//   - No usable reset (headers stripped by a proxy, a clock far off, a
//     reset that looks past or far ahead): the limiter never has more than
//     the limit of its own sends in the last APIWindow, so its count decays
//     and the budget always comes back; a remaining budget reported without
//     a usable reset is believed for one APIWindow from its report.
//
// Every wait is bounded: by the reset (at most APIWindow+resetSlack ahead),
// or by one APIWindow of decay, and by the context.
type RateLimiter struct {
	mu     sync.Mutex
	now    func() time.Time
	margin time.Duration
	window time.Duration

	limit int // last reported x-ratelimit-limit; 0 unknown

	// The budget of the window the API last reported on.
	remaining int
	until     time.Time // when that report stops being believed; zero: no report believed
	knownEnd  bool      // until is a reset the API reported (a window known), not report time + window
	seenSeq   uint64    // ticket after the request whose answer set remaining (orders the reports)
	sent      int       // our sends since the known window began

	// sends holds the times of our sends since the last window passed,
	// pruned to the last APIWindow (so at most a window's worth): the count
	// that decays when no window is known.
	sends []time.Time

	inFlight map[uint64]struct{} // tickets of requests sent and not yet answered
	nextSeq  uint64              // ticket of the next request
	changed  chan struct{}       // closed and replaced on every change
}

// Ticket identifies one request from Acquire to Release.
type Ticket uint64

// NewRateLimiter returns an empty limiter. Use SharedRateLimiter to share one
// per API host within a process.
func NewRateLimiter() *RateLimiter {
	return &RateLimiter{
		now:      time.Now,
		margin:   20 * time.Millisecond,
		window:   APIWindow,
		inFlight: map[uint64]struct{}{},
		changed:  make(chan struct{}),
	}
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

// PacingWait says why and how long Acquire waited.
type PacingWait struct {
	Waited time.Duration
	Reason string // set when the limiter held the request back
}

// Acquire waits until a request may be sent, then counts it as in flight.
// It returns the request's ticket and how long it waited (and why). It
// returns early with the context's error when ctx ends. Every successful
// Acquire must be paired with Release.
func (l *RateLimiter) Acquire(ctx context.Context) (Ticket, PacingWait, error) {
	start := l.now()
	var reason string
	for {
		l.mu.Lock()
		now := l.now()
		wait, why := l.blocked(now)
		if why == "" {
			t := l.nextSeq
			l.nextSeq++
			l.sent++
			l.sends = append(l.sends, now)
			l.inFlight[t] = struct{}{}
			l.mu.Unlock()
			return Ticket(t), PacingWait{Waited: l.now().Sub(start), Reason: reason}, nil
		}
		reason = why
		changed := l.changed
		l.mu.Unlock()

		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, PacingWait{Waited: l.now().Sub(start), Reason: reason}, ctx.Err()
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// blocked says whether a request may go at now: why is "" when it may,
// otherwise how long to wait before looking again. l.mu must be held.
func (l *RateLimiter) blocked(now time.Time) (wait time.Duration, why string) {
	if !l.until.IsZero() && !now.Before(l.until) {
		// The reported window has passed: a fresh budget of the known limit.
		// Requests still in flight may land in the new window.
		l.until, l.knownEnd, l.seenSeq = time.Time{}, false, 0
		l.sent = len(l.inFlight)
		l.sends = l.sends[:0]
		for range l.inFlight {
			l.sends = append(l.sends, now)
		}
	}
	l.pruneSends(now)
	if l.limit == 0 {
		if l.knownEnd && l.remaining <= 0 {
			// No limit known (a proxy strips the headers), but a 429's wait
			// (Exhaust) or a report of a spent window holds every request.
			return l.until.Sub(now) + l.margin, "the rate-limit budget is spent until the window resets"
		}
		return 0, "" // nothing known yet
	}
	// Our own count: in a known window, our sends since it began; otherwise
	// our sends in the last APIWindow, which decays.
	own := l.sent
	if !l.knownEnd {
		own = len(l.sends)
	}
	left := l.limit - own
	reported := math.MaxInt
	if !l.until.IsZero() {
		reported = l.remaining - l.uncounted()
		left = min(left, reported)
	}
	if left > 0 {
		return 0, ""
	}
	switch {
	case !l.until.IsZero() && (reported <= 0 || l.knownEnd):
		// The budget is spent until the window ends (or, with no usable
		// reset, for one window after the report); a release may bring a
		// newer report sooner.
		return l.until.Sub(now) + l.margin, "the rate-limit budget is spent until the window resets"
	case len(l.sends) > 0:
		// Our own count: wait for the oldest send to age out of the window.
		return l.sends[0].Add(l.window).Sub(now) + l.margin, "the limit's worth of requests was sent in the last minute"
	default:
		// Only requests in flight hold the budget: woken on release, and
		// looking again at least every second.
		return time.Second, "requests in flight hold the rest of the budget"
	}
}

// pruneSends drops our sends older than one window. l.mu must be held.
func (l *RateLimiter) pruneSends(now time.Time) {
	cut := 0
	for cut < len(l.sends) && !now.Before(l.sends[cut].Add(l.window)) {
		cut++
	}
	if cut > 0 {
		l.sends = append(l.sends[:0], l.sends[cut:]...)
	}
}

// uncounted is the number of requests in flight that the last reported
// remaining budget may not include: every one. Those sent after the request
// it answered cannot be in it, and those sent before may still be on their
// way to the API (parallel requests reach it in any order).
func (l *RateLimiter) uncounted() int {
	return len(l.inFlight)
}

// Release ends an in-flight request and takes in the rate-limit headers of
// its answer (h may be nil when no answer arrived).
func (l *RateLimiter) Release(t Ticket, h http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.inFlight, uint64(t))
	if h != nil {
		l.observe(uint64(t), ReadRateHeaders(h, l.now()))
	}
	l.notify()
}

func (l *RateLimiter) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// observe updates the budget from one answer's headers.
//
// With a usable reset, answers can arrive out of order: a later window
// replaces the budget, the same window can only lower it, an earlier window
// is ignored. Without one, the answer to a later request replaces the budget
// and is believed for one window from now.
func (l *RateLimiter) observe(seq uint64, rh RateHeaders) {
	if rh.Limit > 0 {
		l.limit = rh.Limit
	}
	if !rh.HasRemaining || rh.WindowEnded {
		return
	}
	now := l.now()
	if rh.Reset.IsZero() {
		if seq+1 < l.seenSeq && !l.knownEnd && !l.until.IsZero() {
			return // an older answer than the report we hold
		}
		if l.knownEnd && now.Before(l.until) {
			// A known window is still running: only lower its budget.
			if rh.Remaining < l.remaining {
				l.remaining = rh.Remaining
				l.seenSeq = max(l.seenSeq, seq+1)
			}
			return
		}
		l.remaining, l.until, l.knownEnd, l.seenSeq = rh.Remaining, now.Add(l.window), false, seq+1
		return
	}
	switch {
	case !l.knownEnd || rh.Reset.After(l.until):
		if l.knownEnd {
			// The API started a new window before our clock said so: take
			// its word for what has been used.
			l.sent = max(l.limit-rh.Remaining, 0)
		} else {
			// The first window we learn of: our sends since the last one
			// passed are in it, and so is whatever else the API counted.
			l.pruneSends(now)
			l.sent = max(l.limit-rh.Remaining, len(l.sends))
		}
		l.remaining, l.until, l.knownEnd, l.seenSeq = rh.Remaining, rh.Reset, true, seq+1
	case rh.Reset.Equal(l.until) && rh.Remaining < l.remaining:
		l.remaining = rh.Remaining
		l.seenSeq = max(l.seenSeq, seq+1)
	}
}

// Exhaust records a 429: no budget until until (the retry policy's bounded
// wait), which replaces whatever window was known: the 429 is the API's
// latest word.
func (l *RateLimiter) Exhaust(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.until, l.knownEnd, l.remaining = until, true, 0
	l.notify()
}

// RateHeaders is what one answer says about the rate limit.
type RateHeaders struct {
	Limit        int       // x-ratelimit-limit; 0 when absent or unreadable
	Remaining    int       // x-ratelimit-remaining, when HasRemaining
	HasRemaining bool      //
	Reset        time.Time // x-ratelimit-reset read by ParseReset; zero when absent or not plausible
	// WindowEnded: the reset lies a few seconds behind now, so the answer
	// is about a window that ended while it was in flight: its remaining
	// budget says nothing about the current one.
	WindowEnded bool
	RawReset    string // the header as sent, for logs
}

// serverClock is the answering server's clock at now, by its Date header,
// when that differs from ours by more than the header's one-second
// resolution can explain (maxDateNoise); otherwise now. A server whose
// clock is off writes its resets (and Retry-After dates) by that clock, and
// most likely its Date too: reading them against it undoes the skew. Where
// Date comes from another clock (a proxy) the skew stays, and the reset is
// then judged implausible and not used.
func serverClock(h http.Header, now time.Time) time.Time {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return now
	}
	if off := d.Sub(now); off > maxDateNoise || off < -maxDateNoise {
		return now.Add(off)
	}
	return now
}

// maxDateNoise is the clock difference a Date header can show without any
// skew: its one-second resolution plus the answer's time in flight.
const maxDateNoise = 2 * time.Second

// readResetAt reads x-ratelimit-reset against the server's clock (see
// serverClock) and returns the reset on ours.
func readResetAt(h http.Header, now time.Time) (time.Time, resetState) {
	srv := serverClock(h, now)
	t, state := readReset(h.Get("X-Ratelimit-Reset"), srv)
	if state == resetAhead {
		t = t.Add(now.Sub(srv))
	}
	return t, state
}

// ReadRateHeaders reads the rate-limit headers of an answer at now.
func ReadRateHeaders(h http.Header, now time.Time) RateHeaders {
	var rh RateHeaders
	if n, ok := headerInt(h, "X-Ratelimit-Limit"); ok && n > 0 && n <= math.MaxInt32 {
		rh.Limit = int(n)
	}
	if n, ok := headerInt(h, "X-Ratelimit-Remaining"); ok && n <= math.MaxInt32 {
		rh.Remaining, rh.HasRemaining = int(n), true
	}
	rh.RawReset = h.Get("X-Ratelimit-Reset")
	var state resetState
	rh.Reset, state = readResetAt(h, now)
	rh.WindowEnded = state == resetJustEnded
	return rh
}

// ParseReset reads an x-ratelimit-reset value as whichever reading is
// plausible, since the evidence allows several:
//
//   - below 10^9: seconds until the reset (10^9 s after 1970 is 2001);
//   - from 10^9 to 10^11: a Unix time in seconds (the documented form);
//   - 10^11 and above: a Unix time in milliseconds.
//
// Fractions are accepted. A whole number is read as the latest instant it
// may stand for (one second, or millisecond, later): a server may round the
// reset down, and a budget believed to reopen early provokes 429s. The
// result counts only when it lies ahead of now
// by at most one APIWindow plus resetSlack: a reset that looks past (a server
// clock behind ours) or far ahead (a clock ahead, or a wrong unit) says
// nothing usable about when the budget returns, and ok is false. (Answers
// are read against the server's own clock where its Date header shows one
// that is off: readResetAt.)
func ParseReset(v string, now time.Time) (time.Time, bool) {
	t, state := readReset(v, now)
	return t, state == resetAhead
}

type resetState int

const (
	resetUnusable  resetState = iota // absent, unreadable, far past or far ahead
	resetAhead                       // plausible: ahead by at most a window and resetSlack
	resetJustEnded                   // at most resetJustEndedAge behind: the window it was about is over
)

// resetJustEndedAge is how far behind now a reset may lie and still be read
// as a window that has just ended (the answer crossed its end in flight),
// rather than as a server clock behind ours.
const resetJustEndedAge = 5 * time.Second

func readReset(v string, now time.Time) (time.Time, resetState) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, resetUnusable
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e15 {
		return time.Time{}, resetUnusable
	}
	whole, frac := math.Modf(f) // kept apart: f*1e9 would lose nanoseconds
	var t time.Time
	unit := time.Second
	switch {
	case f < 1e9:
		t = now.Add(time.Duration(f * float64(time.Second)))
	case f < 1e11:
		t = time.Unix(int64(whole), int64(frac*1e9))
	default:
		t = time.UnixMilli(int64(whole)).Add(time.Duration(frac * 1e6))
		unit = time.Millisecond
	}
	latest := t
	if !strings.ContainsAny(v, ".eE") {
		// A whole number of seconds (or milliseconds) may have been rounded
		// down: the window may end up to one unit later. Read it as that
		// latest instant, or the budget would reopen before the API's.
		latest = t.Add(unit)
	}
	switch d := t.Sub(now); {
	case d > 0 && d <= APIWindow+resetSlack:
		return latest, resetAhead
	case d <= 0 && d >= -resetJustEndedAge && latest.After(now):
		return latest, resetAhead // within the unit it was rounded down by: the window may still run
	case d <= 0 && d >= -resetJustEndedAge:
		return time.Time{}, resetJustEnded
	}
	return time.Time{}, resetUnusable
}

// ParseRetryAfter reads a Retry-After header: whole seconds, or an HTTP
// date. ok is false when it is absent or unreadable; a date in the past is
// a wait of 0.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(math.MaxInt64/time.Second) {
			secs = int64(math.MaxInt64 / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func headerInt(h http.Header, key string) (int64, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
