package onomondo

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// The retry policy: after each attempt of a request, one pure function
// (retryPolicy.decide) says whether to try again, after how long and why, or
// to fail and with which kind of error. Client.do is a short loop around it.
//
// Every wait it asks for is capped by MaxWait (and by the context, in
// Client.do). A 429 is the API working as designed: its waits count against
// MaxRateLimitWaits, not max_retries; 5xx answers (but 501), connection
// errors, timeouts and bodies that break off are what max_retries bounds.

// Defaults of the retry policy (Config fields of the same meaning).
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 60 * time.Second
	// DefaultMaxWait caps every single wait of a request: a 429's reset or
	// Retry-After, a 5xx's Retry-After, a backoff. One API window (a
	// minute) plus a margin: no budget stays spent longer than a window.
	DefaultMaxWait = APIWindow + 5*time.Second
	// DefaultMaxRateLimitWaits bounds how many 429s in a row one request
	// waits out before it fails.
	DefaultMaxRateLimitWaits = 10
	// MinRateLimitWait is the shortest wait after a 429, whatever the
	// headers say (a reset that looks past, Retry-After: 0).
	MinRateLimitWait = time.Second
	// DefaultRetryWaitMin and DefaultRetryWaitMax bound the exponential
	// backoff between retries.
	DefaultRetryWaitMin = time.Second
	DefaultRetryWaitMax = 30 * time.Second
)

// attemptResult is how one attempt of a request ended, as the policy sees it.
type attemptResult struct {
	Status   int         // the answer's HTTP status; 0 when no answer arrived
	Header   http.Header // the answer's headers; nil without an answer
	Err      error       // the transport error: no answer, or (with Status) the body broke off
	Timeout  bool        // the attempt ran past request_timeout
	Canceled bool        // the caller's context ended
}

// tally is what a request has used up so far.
type tally struct {
	Retries   int // retries after 5xx, connection errors, timeouts, broken bodies
	RateWaits int // waits after 429s
}

// decision is what the policy says after an attempt that did not succeed.
type decision struct {
	Retry       bool
	Wait        time.Duration // before the next attempt
	Reason      string        // why the wait, or why the failure, for the log
	RateLimited bool          // a 429 wait: counts as a RateWait, and the limiter holds every request until it ends
	Kind        ErrorKind     // when !Retry: the error to return
}

// retryPolicy holds the settings decide works with.
type retryPolicy struct {
	MaxRetries        int
	MaxRateLimitWaits int
	WaitMin, WaitMax  time.Duration // backoff bounds
	MaxWait           time.Duration // cap of every single wait
	// Jitter returns a random duration in [0, n]; tests make it fixed.
	Jitter func(n time.Duration) time.Duration
}

func defaultJitter(n time.Duration) time.Duration { return time.Duration(rand.Int64N(int64(n) + 1)) }

// decide says what follows an attempt that did not succeed (anything but a
// 2xx answer read completely), at now, given what the request has used.
func (p retryPolicy) decide(r attemptResult, t tally, now time.Time) decision {
	switch {
	case r.Canceled:
		return decision{Kind: KindCanceled, Reason: "cancelled"}

	case r.Status == http.StatusTooManyRequests:
		if t.RateWaits >= p.MaxRateLimitWaits {
			return decision{Kind: KindRateLimited, Reason: fmt.Sprintf("still rate limited after %d waits", t.RateWaits)}
		}
		wait, why := p.rateLimitWait(r.Header, t.RateWaits, now)
		return decision{Retry: true, Wait: wait, Reason: why, RateLimited: true}

	case r.Status >= 500 && r.Status != http.StatusNotImplemented:
		if t.Retries >= p.MaxRetries {
			return decision{Kind: KindHTTP, Reason: fmt.Sprintf("HTTP %d after %d retries", r.Status, t.Retries)}
		}
		if d, ok := ParseRetryAfter(r.Header.Get("Retry-After"), serverClock(r.Header, now)); ok {
			wait, capped := p.capped(d)
			return decision{Retry: true, Wait: wait, Reason: fmt.Sprintf("HTTP %d with Retry-After %q%s", r.Status, r.Header.Get("Retry-After"), capped)}
		}
		return decision{Retry: true, Wait: p.backoff(t.Retries + 1), Reason: fmt.Sprintf("HTTP %d: backing off", r.Status)}

	case r.Err != nil: // no answer, or the body broke off
		kind := KindTransport
		if r.Timeout {
			kind = KindTimeout
		}
		what := "the connection failed"
		switch {
		case r.Timeout:
			what = "the attempt timed out"
		case r.Status != 0:
			what = "the answer broke off"
		}
		if t.Retries >= p.MaxRetries {
			return decision{Kind: kind, Reason: fmt.Sprintf("%s after %d retries", what, t.Retries)}
		}
		return decision{Retry: true, Wait: p.backoff(t.Retries + 1), Reason: what + ": backing off"}
	}
	// Any other answer (4xx, 501, 1xx/3xx that were not followed): final.
	return decision{Kind: KindHTTP, Reason: fmt.Sprintf("HTTP %d is final", r.Status)}
}

// rateLimitWait is how long to wait after the n+1-th 429 in a row:
// Retry-After when sent (it is the API's or a proxy's explicit word), else
// until a plausible x-ratelimit-reset, else an exponential backoff from
// MinRateLimitWait. Never less than MinRateLimitWait, never more than
// MaxWait.
func (p retryPolicy) rateLimitWait(h http.Header, n int, now time.Time) (time.Duration, string) {
	var wait time.Duration
	var why string
	if d, ok := ParseRetryAfter(h.Get("Retry-After"), serverClock(h, now)); ok {
		wait, why = d, fmt.Sprintf("rate limited (429): Retry-After %q", h.Get("Retry-After"))
	} else if reset, state := readResetAt(h, now); state == resetAhead {
		// A little past the reset, so the request lands in the new window.
		wait, why = reset.Sub(now)+50*time.Millisecond, fmt.Sprintf("rate limited (429): until x-ratelimit-reset %q", h.Get("X-Ratelimit-Reset"))
	} else {
		wait = MinRateLimitWait << min(n, 16)
		why = "rate limited (429) with no usable Retry-After or x-ratelimit-reset"
		if raw := h.Get("X-Ratelimit-Reset"); raw != "" {
			why = fmt.Sprintf("rate limited (429); x-ratelimit-reset %q is past or implausibly far ahead", raw)
		}
		why += ": backing off"
	}
	wait = max(wait, MinRateLimitWait)
	wait, capped := p.capped(wait)
	return wait, why + capped
}

// capped caps d at MaxWait and says so.
func (p retryPolicy) capped(d time.Duration) (time.Duration, string) {
	if d > p.MaxWait {
		return p.MaxWait, fmt.Sprintf(" (capped at %s)", p.MaxWait)
	}
	return max(d, 0), ""
}

// backoff is the wait before retry n (1-based): WaitMin doubled per retry up
// to WaitMax, at a random point of its upper half, so parallel readers
// spread out.
func (p retryPolicy) backoff(n int) time.Duration {
	d := p.WaitMin << min(n-1, 20)
	if d > p.WaitMax || d <= 0 {
		d = p.WaitMax
	}
	half := d / 2
	d = half + p.Jitter(half)
	return min(d, p.MaxWait)
}
