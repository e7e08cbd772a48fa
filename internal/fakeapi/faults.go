package fakeapi

import (
	"strconv"
	"strings"
	"time"
)

// FaultKind selects a failure mode of a Fault.
type FaultKind int

const (
	// FaultStatus answers Status (default 500) with the JSON body
	// {"error": Code} (Code defaults to "internal_server_error").
	FaultStatus FaultKind = iota
	// FaultRateLimit answers 429 {"error":"rate_limit_exceeded"} with
	// x-ratelimit-remaining 0 and x-ratelimit-reset = now+Delay rounded up
	// to a whole second; with RetryAfter > 0 also a Retry-After header (in
	// whole seconds, rounded up). It does not consume rate-limit budget.
	FaultRateLimit
	// FaultSlow sleeps Delay (less if the request's context ends first,
	// in which case nothing is sent), then answers normally.
	FaultSlow
	// FaultTruncated answers the normal status and headers, but only the
	// first half of the body, with Content-Length set to that half: the
	// client sees a clean EOF in the middle of the JSON.
	FaultTruncated
	// FaultResetConnection announces the full Content-Length, sends half
	// the body, flushes, then hijacks and closes the connection: the client
	// sees an unexpected EOF in the middle of the body.
	FaultResetConnection
	// FaultHTML answers Status (default 502) with Content-Type text/html
	// and a reverse proxy's HTML error page.
	FaultHTML
	// FaultEmptyBody answers 200, application/json, with an empty body.
	FaultEmptyBody
	// FaultWrongType answers normally, but every "bytes" of a page (and the
	// number of a tag total; a SIM's "usage" and its data limit's "used" and
	// "total") is a JSON string ("1234") instead of a number.
	FaultWrongType
	// FaultRepeatCursor answers a normal page whose pagination is
	// has_more:true with next_page = the request's next_page, or when the
	// request had none the cursor of the page's own first record (the
	// documentation's example cursor for an empty page). A client that
	// follows it is sent back to where it was: it sees the same cursor (or
	// the same page) twice. GET /sims in offset or bare style serves the
	// first page whatever offset is asked for, and in offset style echoes
	// the offset asked for with a total that always claims more.
	FaultRepeatCursor
	// FaultMissingCursor answers a normal page whose pagination is
	// {"has_more":true} without next_page. GET /sims in offset style
	// claims a total of one page more than there are SIMs.
	FaultMissingCursor
)

var faultKindNames = [...]string{
	FaultStatus:          "status",
	FaultRateLimit:       "rate_limit",
	FaultSlow:            "slow",
	FaultTruncated:       "truncated",
	FaultResetConnection: "reset_connection",
	FaultHTML:            "html",
	FaultEmptyBody:       "empty_body",
	FaultWrongType:       "wrong_type",
	FaultRepeatCursor:    "repeat_cursor",
	FaultMissingCursor:   "missing_cursor",
}

// String returns the snake_case name of k.
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultKindNames) {
		return faultKindNames[k]
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// Fault is one injected failure. Faults wait in a queue (InjectFault); for
// each request the first queued fault whose PathPrefix matches the request's
// path decides: while its After is > 0 the request passes unharmed and After
// is decremented; otherwise the fault hits the request and its Times is
// decremented, the fault leaving the queue when Times reaches 0. Times 0
// means every matching request until ClearFaults.
//
// A request answered 429 by the real rate limiter is not seen by the queue.
// Faults still consume rate-limit budget, except FaultRateLimit.
type Fault struct {
	Kind       FaultKind
	Status     int           // FaultStatus (default 500), FaultHTML (default 502)
	Code       string        // FaultStatus error code (default "internal_server_error")
	Delay      time.Duration // FaultSlow sleep; FaultRateLimit reset distance
	RetryAfter time.Duration // FaultRateLimit Retry-After header, if > 0
	PathPrefix string        // only requests whose URL path has this prefix; "" = all
	After      int           // let this many matching requests through unharmed first
	Times      int           // how many requests it hits; 0 = unlimited
}

// matches reports whether f applies to a request for path.
func (f *Fault) matches(path string) bool { return strings.HasPrefix(path, f.PathPrefix) }

// InjectFault appends f to the fault queue.
func (s *Server) InjectFault(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults empties the fault queue.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
}

// admit decides, atomically, what happens to a request for path arriving at
// now: whether a fault hits it, and whether the rate limiter lets it
// through. It returns the rate-limit state to announce; limited is true
// when the request must be answered 429 by the limiter.
func (s *Server) admit(path string, now time.Time) (fault *Fault, st rateState, limited bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()

	i := -1
	for j := range s.faults {
		if s.faults[j].matches(path) {
			i = j
			break
		}
	}
	// A surprise 429 costs no budget: answer it before counting.
	if i >= 0 && s.faults[i].After <= 0 && s.faults[i].Kind == FaultRateLimit {
		f := s.consumeFault(i)
		return f, rateState{limit: s.limiter.limit, reset: ceilUnix(now.Add(f.Delay))}, false
	}
	st, ok := s.limiter.take(now)
	if !ok {
		return nil, st, true
	}
	if i < 0 {
		return nil, st, false
	}
	if s.faults[i].After > 0 {
		s.faults[i].After--
		return nil, st, false
	}
	return s.consumeFault(i), st, false
}

// consumeFault counts one hit of queued fault i and returns a copy of it.
// s.faultMu must be held.
func (s *Server) consumeFault(i int) *Fault {
	f := s.faults[i]
	if f.Times > 0 {
		s.faults[i].Times--
		if s.faults[i].Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
	}
	return &f
}

// proxyHTML is the body of FaultHTML: a reverse proxy's error page.
func proxyHTML(status int, text string) []byte {
	line := strconv.Itoa(status) + " " + text
	return []byte("<html>\r\n<head><title>" + line + "</title></head>\r\n<body>\r\n" +
		"<center><h1>" + line + "</h1></center>\r\n<hr><center>nginx</center>\r\n" +
		"</body>\r\n</html>\r\n")
}
