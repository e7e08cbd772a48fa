package fakeapi

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Chaos
//
// A Chaos is a seeded random mix of transport-level trouble for a
// randomized fault run: 5xx answers (with and without Retry-After),
// connections reset mid-body, 429s in every header style the evidence
// allows, clock skew changes, stripped rate-limit headers and changes of the
// x-ratelimit-reset encoding. It never changes the data of an answer that
// gets through (no answer-shape faults), so a correct client ends every
// seed with the exact totals, or with a clear error when it runs out of
// retries; every wait the chaos announces is small and bounded
// (ChaosConfig.MaxDelay).
//
// It draws for every request it covers (ChaosConfig.PathPrefix), in
// arrival order, from a splitmix64 stream that depends only on the seed, so
// a client that sends its requests one after another meets the same
// trouble on every run of a seed, whatever the timing. Queued faults
// (InjectFault) take precedence: a request a queued fault hits spends its
// draw without effect (counted as ChaosPreempted); so does one the real
// rate limiter refuses (ChaosLimited).

// Default values of ChaosConfig durations left at zero.
const (
	DefaultChaosMaxDelay = 2 * time.Second
	DefaultChaosMaxSkew  = 90 * time.Second
)

// Outcome names of ChaosCounts besides the injected kinds.
const (
	ChaosRequests  = "requests"  // requests the chaos covered
	ChaosClean     = "clean"     // requests it left alone
	ChaosPreempted = "preempted" // requests a queued fault hit, whatever the chaos drew
	ChaosLimited   = "limited"   // requests the real rate limiter refused, whatever the chaos drew
)

// ChaosConfig sets how often a Chaos injects each kind of trouble. The
// per-request probabilities Status, ResetConnection and RateLimit are
// exclusive (one request gets at most one of them; their sum must be at
// most 1); SkewChange, StripToggle and StyleChange are independent events
// drawn before them, changing the server's readings from that request on.
// The zero value injects nothing; DefaultChaosConfig is a sensible mix.
type ChaosConfig struct {
	// Status is the probability of a 5xx answer (FaultStatus): 500, 502,
	// 503 or 504, equally likely, with the JSON body {"error": code}.
	Status float64
	// StatusRetryAfter is the share of those 5xx that carry Retry-After:
	// 1..MaxDelay whole seconds, sent as seconds or (half of them) as an
	// HTTP date. The normal rate-limit headers are still sent.
	StatusRetryAfter float64
	// ResetConnection is the probability of FaultResetConnection: a 200
	// whose connection breaks off after half the body.
	ResetConnection float64
	// RateLimit is the probability of a 429 (FaultRateLimit, no budget
	// spent) whose reset is 0..MaxDelay whole seconds after the server
	// clock (rounded up to a whole second, so at most MaxDelay+1 s away),
	// in one of six styles, equally likely: x-ratelimit-reset as Unix
	// seconds, Unix milliseconds or seconds until the reset; Retry-After
	// (1..MaxDelay s) as seconds or as an HTTP date beside the server's
	// reset header; or x-ratelimit-remaining and -reset stripped with no
	// Retry-After at all.
	RateLimit float64
	// SkewChange is the probability, per request, that the server clock's
	// skew changes (SetClockSkew) before the request: to 0 one time in
	// four, else to whole seconds uniform in [-MaxSkew, MaxSkew].
	SkewChange float64
	// StripToggle is the probability, per request, that the stripping
	// proxy (SetStripRateHeaders) is switched on, or off, before it.
	StripToggle float64
	// StyleChange is the probability, per request, that the encoding of
	// x-ratelimit-reset (SetResetStyle) changes before it, to Unix
	// seconds, Unix milliseconds or seconds until the reset, equally
	// likely (possibly the same one).
	StyleChange float64
	// MaxDelay bounds every Retry-After and every chaos 429's reset
	// distance (default DefaultChaosMaxDelay; rounded up to whole seconds,
	// at least 1 s). It does not bound the real limiter's reset, which is
	// up to Options.RateWindow away.
	MaxDelay time.Duration
	// MaxSkew bounds the clock skews of SkewChange (default
	// DefaultChaosMaxSkew).
	MaxSkew time.Duration
	// PathPrefix limits the chaos to requests whose URL path has this
	// prefix; "" covers every request.
	PathPrefix string
}

// DefaultChaosConfig returns a mix for a randomized run of a few dozen
// pages per seed: per request 6% 5xx (half with Retry-After), 4% resets,
// 6% 429s, and 5% each of skew, strip and reset-style changes, with waits
// of at most 2 s (3 s for a 429's rounded-up reset) and skews of at most
// 90 s.
func DefaultChaosConfig() ChaosConfig {
	return ChaosConfig{
		Status:           0.06,
		StatusRetryAfter: 0.5,
		ResetConnection:  0.04,
		RateLimit:        0.06,
		SkewChange:       0.05,
		StripToggle:      0.05,
		StyleChange:      0.05,
		MaxDelay:         DefaultChaosMaxDelay,
		MaxSkew:          DefaultChaosMaxSkew,
	}
}

// Chaos injects seeded random transport trouble into a Server
// (Options.Chaos, SetChaos). Create it with NewChaos; it is safe for
// concurrent use, and belongs to one Server at a time.
type Chaos struct {
	cfg       ChaosConfig
	maxDelayS int // MaxDelay in whole seconds, >= 1
	maxSkewS  int // MaxSkew in whole seconds, >= 0

	mu     sync.Mutex
	rng    *prng
	counts ChaosCounts
	log    []string
}

// NewChaos returns a Chaos drawing from seed. It panics if a probability
// of cfg is outside [0, 1], if Status+ResetConnection+RateLimit exceeds 1
// or if a duration is negative: those are mistakes in the test.
func NewChaos(seed int64, cfg ChaosConfig) *Chaos {
	probs := []float64{cfg.Status, cfg.StatusRetryAfter, cfg.ResetConnection, cfg.RateLimit,
		cfg.SkewChange, cfg.StripToggle, cfg.StyleChange}
	for _, p := range probs {
		if !(p >= 0 && p <= 1) {
			panic(fmt.Sprintf("fakeapi.NewChaos: probability %v outside [0, 1]", p))
		}
	}
	if sum := cfg.Status + cfg.ResetConnection + cfg.RateLimit; sum > 1 {
		panic(fmt.Sprintf("fakeapi.NewChaos: Status+ResetConnection+RateLimit = %v > 1", sum))
	}
	if cfg.MaxDelay < 0 || cfg.MaxSkew < 0 {
		panic("fakeapi.NewChaos: negative MaxDelay or MaxSkew")
	}
	if cfg.MaxDelay == 0 {
		cfg.MaxDelay = DefaultChaosMaxDelay
	}
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = DefaultChaosMaxSkew
	}
	return &Chaos{
		cfg:       cfg,
		maxDelayS: max(int(ceilSeconds(cfg.MaxDelay)), 1),
		maxSkewS:  int(cfg.MaxSkew / time.Second),
		rng:       newPRNG(seed),
		counts:    ChaosCounts{},
	}
}

// SetChaos attaches c to the server from the next request on (nil
// detaches it). The server's readings as they stand are where c's changes
// start from.
func (s *Server) SetChaos(c *Chaos) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chaos = c
}

// ChaosCounts counts what a Chaos did, by name: ChaosRequests,
// ChaosClean, ChaosPreempted, ChaosLimited, and one name per kind of
// trouble actually injected:
//
//	status_5xx, status_5xx_retry_after_seconds, status_5xx_retry_after_date
//	reset_connection
//	rate_limit_unix, rate_limit_unix_ms, rate_limit_delta,
//	rate_limit_retry_after_seconds, rate_limit_retry_after_date,
//	rate_limit_stripped
//	skew_change, strip_on, strip_off, style_unix, style_unix_ms, style_delta
//
// The names of the state changes (skew_…, strip_…, style_…) count events,
// not requests; every other name counts requests, and ChaosRequests is the
// sum of the request counts.
type ChaosCounts map[string]int

// String lists the non-zero counts as name=count, sorted by name.
func (c ChaosCounts) String() string {
	names := make([]string, 0, len(c))
	for k, v := range c {
		if v != 0 {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(c[k]))
	}
	return b.String()
}

// Injected returns how many requests got trouble: every request count
// except ChaosClean, ChaosPreempted and ChaosLimited.
func (c ChaosCounts) Injected() int {
	return c[ChaosRequests] - c[ChaosClean] - c[ChaosPreempted] - c[ChaosLimited]
}

// Counts returns a copy of what c did so far.
func (c *Chaos) Counts() ChaosCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(ChaosCounts, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Decisions returns, in order, what c did to each request it covered:
// the state changes drawn before it (if any, joined by "+"), then its
// outcome (a trouble kind, ChaosClean, ChaosPreempted or ChaosLimited).
// Two runs of the same seed against a sequential client give the same
// list. The list grows by one short string per request covered.
func (c *Chaos) Decisions() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.log)
}

// float returns a pseudo random value in [0, 1).
func (c *Chaos) float() float64 { return float64(c.rng.next()>>11) / (1 << 53) }

// next draws the chaos of one request for path: it applies the state
// changes to read and returns the fault to inject (nil: none) and the name
// of the outcome, which the caller hands to count once the request is
// decided. It returns "" for a request outside PathPrefix, which costs no
// draw. The caller holds the server's lock.
func (c *Chaos) next(path string, read *readings) (*Fault, string) {
	if !strings.HasPrefix(path, c.cfg.PathPrefix) {
		return nil, ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var events []string
	if c.float() < c.cfg.SkewChange {
		skew := time.Duration(0)
		if c.rng.intn(4) != 0 {
			skew = time.Duration(c.rng.intn(2*c.maxSkewS+1)-c.maxSkewS) * time.Second
		}
		read.clockSkew = skew
		events = append(events, "skew_change")
	}
	if c.float() < c.cfg.StripToggle {
		read.strip = !read.strip
		if read.strip {
			events = append(events, "strip_on")
		} else {
			events = append(events, "strip_off")
		}
	}
	if c.float() < c.cfg.StyleChange {
		read.resetStyle = []ResetStyle{ResetUnixSeconds, ResetUnixMillis, ResetDelta}[c.rng.intn(3)]
		events = append(events, "style_"+read.resetStyle.String())
	}
	for _, e := range events {
		c.counts[e]++
	}
	f, label := c.drawFault()
	c.log = append(c.log, strings.Join(append(events, ""), "+"))
	return f, label
}

// drawFault draws the fault of one request. c.mu is held.
func (c *Chaos) drawFault() (*Fault, string) {
	u := c.float()
	secs := func(lo int) time.Duration { // lo..maxDelayS whole seconds
		return time.Duration(lo+c.rng.intn(c.maxDelayS-lo+1)) * time.Second
	}
	switch {
	case u < c.cfg.Status:
		status := []int{
			http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout,
		}[c.rng.intn(4)]
		f := &Fault{Kind: FaultStatus, Status: status, Code: statusCodes[status]}
		label := "status_5xx"
		if c.float() < c.cfg.StatusRetryAfter {
			f.RetryAfter = secs(1)
			f.RetryAfterDate = c.rng.intn(2) == 1
			label = "status_5xx_retry_after_seconds"
			if f.RetryAfterDate {
				label = "status_5xx_retry_after_date"
			}
		}
		return f, label
	case u < c.cfg.Status+c.cfg.ResetConnection:
		return &Fault{Kind: FaultResetConnection}, "reset_connection"
	case u < c.cfg.Status+c.cfg.ResetConnection+c.cfg.RateLimit:
		f := &Fault{Kind: FaultRateLimit, Delay: secs(0)}
		var label string
		switch c.rng.intn(6) {
		case 0:
			f.Reset, label = ResetUnixSeconds, "rate_limit_unix"
		case 1:
			f.Reset, label = ResetUnixMillis, "rate_limit_unix_ms"
		case 2:
			f.Reset, label = ResetDelta, "rate_limit_delta"
		case 3:
			f.RetryAfter, label = secs(1), "rate_limit_retry_after_seconds"
		case 4:
			f.RetryAfter, f.RetryAfterDate, label = secs(1), true, "rate_limit_retry_after_date"
		default:
			f.StripRateHeaders, label = true, "rate_limit_stripped"
		}
		return f, label
	}
	return nil, ChaosClean
}

// count records the outcome of one request (nothing for "").
func (c *Chaos) count(outcome string) {
	if outcome == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[ChaosRequests]++
	c.counts[outcome]++
	if n := len(c.log); n > 0 {
		c.log[n-1] += outcome
	}
}

// statusCodes are the error codes of the chaos's 5xx answers.
var statusCodes = map[int]string{
	http.StatusInternalServerError: CodeInternalError,
	http.StatusBadGateway:          "bad_gateway",
	http.StatusServiceUnavailable:  "service_unavailable",
	http.StatusGatewayTimeout:      "gateway_timeout",
}
