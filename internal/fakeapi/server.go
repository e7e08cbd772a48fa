package fakeapi

import (
	"context"
	"crypto/subtle"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DemoAPIKey is the key a Server accepts when Options.APIKey is empty. It is
// shaped like a real key (onok_<x>.<y>) and is not a secret.
const DemoAPIKey = "onok_demo.fakeapikey"

// Content types of answers.
const (
	contentTypeJSON = "application/json"
	contentTypeHTML = "text/html; charset=utf-8"
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// APIKey is the only accepted Authorization header value: the raw key,
	// no "Bearer " prefix (default DemoAPIKey).
	APIKey string
	// Fleet is the data served (default DefaultFleet()).
	Fleet *Fleet
	// RateLimit is the number of requests per window (default 600).
	RateLimit int
	// RateWindow is the window length, rounded up to whole seconds
	// (default 60s). Windows are aligned to multiples of the window in Unix
	// time, so x-ratelimit-reset is an exact Unix second.
	RateWindow time.Duration
	// KeyTags, if non-empty, restricts the key to the SIMs carrying at
	// least one of these tag IDs: other SIMs and tags answer 403, and /usage
	// results only include the key's SIMs.
	KeyTags []string
	// TagShape is the initial shape of tag-total answers (default
	// TagShapeBytes); see SetTagShape.
	TagShape TagShape
	// Now is the real clock (default time.Now); Request.Time uses it, and
	// the server's own clock is Now plus ClockSkew.
	Now func() time.Time
	// Period is any instant of the current data-limit period, the UTC month
	// whose usage GET /sims reports as data_limit.used (default: the month
	// of the fleet's last record, 2025-04 for the default fleet); see
	// Server.Period.
	Period time.Time
	// SIMPaging is the initial paging style of GET /sims (default
	// SIMPagingCursor); see SetSIMPaging.
	SIMPaging SIMPaging
	// SIMPageLimit is the most SIMs one GET /sims page holds, whatever limit
	// asks for (default and at most 1000).
	SIMPageLimit int

	// ResetStyle encodes x-ratelimit-reset (default, ResetDefault:
	// ResetUnixSeconds, as documented); see SetResetStyle.
	ResetStyle ResetStyle
	// ClockSkew is how far the server's clock is off Now (negative: the
	// server is behind, e.g. -90*time.Second). Rate-limit windows,
	// x-ratelimit-reset, the reset of FaultRateLimit, HTTP-date Retry-After
	// values and (with SkewedDate) the Date header follow the skewed clock;
	// Request.Time does not. See SetClockSkew.
	ClockSkew time.Duration
	// StripRateHeaders plays a proxy in front of the API that drops
	// x-ratelimit-remaining and x-ratelimit-reset from every answer
	// (x-ratelimit-limit stays) and adds Retry-After to every 429 that has
	// none of its own: the whole seconds, rounded up, from the server clock
	// to the end of the window (the limiter's), or to the reset of a
	// FaultRateLimit. See SetStripRateHeaders.
	StripRateHeaders bool
	// SkewedDate makes the fake set the Date header of every answer from
	// its own, skewed clock, as a server that sends its own Date would. By
	// default Date is left to net/http, which writes the real time (as a
	// proxy with a correct clock would); an in-process
	// httptest.ResponseRecorder then has no Date at all. See SetSkewedDate.
	SkewedDate bool
	// TagPageSize is the page size of TagShapeUsagePaged answers to
	// requests without a limit parameter (default DefaultTagPageSize). See
	// SetTagPageSize.
	TagPageSize int
	// Chaos, if not nil, injects seeded random transport trouble into the
	// requests no queued fault hits; see Chaos and SetChaos.
	Chaos *Chaos
}

// Server is the fake API. It is an http.Handler and safe for concurrent
// use; create it with New.
type Server struct {
	key     string
	fleet   *Fleet
	keyTags map[string]bool // nil: the key sees everything
	allowed []bool          // per SIM index; nil: every SIM
	limiter *limiter
	now     func() time.Time

	tagShape    atomic.Int32
	tagPageSize atomic.Int64
	freshSeq    atomic.Uint64 // FaultFreshCursor cursors handed out
	cache       listCache     // group=hours lists and tag usage lists

	simPaging            atomic.Int32
	simPageLimit         int
	periodFrom, periodTo time.Time
	simOnce              sync.Once
	simState             []simState // per SIM; see simStates

	mu     sync.Mutex // guards faults, read and chaos
	faults []Fault
	read   readings
	chaos  *Chaos

	reqMu sync.Mutex
	reqs  []*Request

	sms smsStore // GET /sms/usage/ (sms.go)
}

// Request is what the Server saw of one request. The Authorization header
// itself is never stored.
type Request struct {
	Method     string
	Path       string // URL path, decoded
	RawQuery   string
	Query      url.Values
	Authorized bool // Authorization header equalled the key exactly
	UserAgent  string
	// Status is the status the fake answered: 0 while the request is still
	// being served, StatusClientClosedRequest if the client gave up during
	// a FaultSlow delay.
	Status int
	Time   time.Time // arrival, by Options.Now (without Options.ClockSkew)
}

// New returns a Server for opts.
func New(opts Options) *Server {
	s := &Server{
		key:   opts.APIKey,
		fleet: opts.Fleet,
		now:   opts.Now,
	}
	if s.key == "" {
		s.key = DemoAPIKey
	}
	if s.fleet == nil {
		s.fleet = DefaultFleet()
	}
	if s.now == nil {
		s.now = time.Now
	}
	limit, window := opts.RateLimit, opts.RateWindow
	if limit <= 0 {
		limit = DefaultRateLimit
	}
	if window <= 0 {
		window = DefaultRateWindow
	}
	s.limiter = newLimiter(limit, window)
	s.tagShape.Store(int32(opts.TagShape))
	s.simPaging.Store(int32(opts.SIMPaging))
	s.simPageLimit = opts.SIMPageLimit
	if s.simPageLimit <= 0 || s.simPageLimit > MaxLimit {
		s.simPageLimit = MaxLimit
	}
	s.SetTagPageSize(opts.TagPageSize)
	s.read = readings{
		resetStyle: opts.ResetStyle,
		clockSkew:  opts.ClockSkew,
		strip:      opts.StripRateHeaders,
		skewedDate: opts.SkewedDate,
	}
	s.chaos = opts.Chaos

	if len(opts.KeyTags) > 0 {
		s.keyTags = make(map[string]bool, len(opts.KeyTags))
		for _, t := range opts.KeyTags {
			s.keyTags[t] = true
		}
		s.allowed = make([]bool, len(s.fleet.SIMs))
		for i, sim := range s.fleet.SIMs {
			s.allowed[i] = slices.ContainsFunc(sim.Tags, func(t string) bool { return s.keyTags[t] })
		}
	}
	s.fleet.idx() // sorts a hand-made fleet's records: periodOf needs the last
	s.periodFrom, s.periodTo = periodOf(opts.Period, s.fleet)
	return s
}

// NewTestServer starts a Server for opts on a loopback httptest.Server. The
// caller uses ts.URL and must call ts.Close.
func NewTestServer(opts Options) (*Server, *httptest.Server) {
	s := New(opts)
	return s, httptest.NewServer(s)
}

// Fleet returns the fleet the server serves.
func (s *Server) Fleet() *Fleet { return s.fleet }

// Requests returns a copy of every request seen since the last
// ResetRequests, in arrival order.
func (s *Server) Requests() []Request {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	out := make([]Request, len(s.reqs))
	for i, r := range s.reqs {
		out[i] = *r
		out[i].Query = cloneValues(r.Query)
	}
	return out
}

// ResetRequests forgets every request seen so far.
func (s *Server) ResetRequests() {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.reqs = nil
}

// logRequest appends the arrival of r to the request log.
func (s *Server) logRequest(r *http.Request, q url.Values, authorized bool, now time.Time) *Request {
	e := &Request{
		Method:     r.Method,
		Path:       r.URL.Path,
		RawQuery:   r.URL.RawQuery,
		Query:      q,
		Authorized: authorized,
		UserAgent:  r.UserAgent(),
		Time:       now,
	}
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.reqs = append(s.reqs, e)
	return e
}

// setStatus records the status a request was answered with.
func (s *Server) setStatus(e *Request, status int) {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	e.Status = status
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := maps.Clone(v)
	for k, vals := range out {
		out[k] = slices.Clone(vals)
	}
	return out
}

// authorized reports whether r carries exactly one Authorization header
// equal to the key.
func (s *Server) authorized(r *http.Request) bool {
	vals := r.Header.Values("Authorization")
	return len(vals) == 1 && subtle.ConstantTimeCompare([]byte(vals[0]), []byte(s.key)) == 1
}

// ServeHTTP answers one request: rate limiting and faults first, then
// method, authentication, routing and the endpoint itself.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	query := r.URL.Query()
	authorized := s.authorized(r)
	entry := s.logRequest(r, query, authorized, now)
	// send records the status, then writes the whole answer. Recording
	// first matters: once the last byte is out, the client may already be
	// looking at Requests().
	send := func(code int, contentType string, body []byte) {
		s.setStatus(entry, code)
		writeBody(w, code, contentType, body)
	}

	d := s.admit(r.URL.Path, now)
	fault := d.fault
	h := w.Header()
	d.setHeaders(h)

	bp := getBuf()
	body := (*bp)[:0]
	defer func() { *bp = body; putBuf(bp) }()

	if d.limited {
		if d.read.strip {
			h.Set(HeaderRetryAfter, strconv.FormatInt(d.st.untilReset(), 10))
		}
		body = appendError(body, CodeRateLimited)
		send(http.StatusTooManyRequests, contentTypeJSON, body)
		return
	}

	var enc encodeOptions
	kind := FaultKind(-1)
	if fault != nil {
		kind = fault.Kind
		switch kind {
		case FaultRateLimit:
			d.setRetryAfter(h, true)
			body = appendError(body, CodeRateLimited)
			send(http.StatusTooManyRequests, contentTypeJSON, body)
			return
		case FaultStatus:
			d.setRetryAfter(h, false)
			code := fault.Code
			if code == "" {
				code = CodeInternalError
			}
			body = appendError(body, code)
			send(orDefault(fault.Status, http.StatusInternalServerError), contentTypeJSON, body)
			return
		case FaultHTML:
			d.setRetryAfter(h, false)
			st := orDefault(fault.Status, http.StatusBadGateway)
			body = append(body, proxyHTML(st, http.StatusText(st))...)
			send(st, contentTypeHTML, body)
			return
		case FaultEmptyBody:
			send(http.StatusOK, contentTypeJSON, nil)
			return
		case FaultSlow:
			if !sleepContext(r.Context(), fault.Delay) {
				s.setStatus(entry, StatusClientClosedRequest)
				return
			}
		default:
			enc = s.shapeEncoding(fault, query)
		}
	}

	var aerr *apiError
	body, aerr = s.answer(body, r, query, authorized, enc)
	code := http.StatusOK
	if aerr != nil {
		code = aerr.status
		body = appendError(body[:0], aerr.code)
		if aerr == errMethodNotAllowed {
			h.Set("Allow", http.MethodGet)
		}
	}

	switch kind {
	case FaultTruncated:
		send(code, contentTypeJSON, body[:len(body)/2])
	case FaultResetConnection:
		s.setStatus(entry, code)
		resetMidBody(w, code, body)
	default:
		send(code, contentTypeJSON, body)
	}
}

// orDefault returns v, or def when v is 0.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// ceilSeconds returns d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// writeBody writes a complete answer with its Content-Length.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// resetMidBody announces the full body, sends half of it and kills the
// connection (FaultResetConnection).
func resetMidBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body[:len(body)/2])
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	if _, ok := w.(*httptest.ResponseRecorder); ok {
		return // in-process tests: the body stays short of its Content-Length
	}
	// HTTP/2 and writers that cannot be hijacked: net/http aborts the
	// stream or connection on this panic, without logging it.
	panic(http.ErrAbortHandler)
}

// sleepContext sleeps d or until ctx ends; it reports whether ctx is still
// alive.
func sleepContext(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// answer appends the body of a 200 answer to b, or returns the error to
// send instead.
func (s *Server) answer(b []byte, r *http.Request, q url.Values, authorized bool, enc encodeOptions) ([]byte, *apiError) {
	if r.Method != http.MethodGet {
		return b, errMethodNotAllowed
	}
	if !authorized {
		return b, errUnauthorized
	}
	if r.URL.Path == "/sims" || strings.HasPrefix(r.URL.Path, "/sims/") {
		return s.sims(b, r.URL.Path, q, enc)
	}
	if sim, ok := strings.CutPrefix(r.URL.Path, "/sms/usage/"); ok && !strings.Contains(sim, "/") {
		return s.smsUsage(b, sim, q)
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/usage")
	switch {
	case !ok:
		return b, errNotFound
	case rest == "":
		return s.usage(b, q, "", false, enc)
	case rest[0] != '/':
		return b, errNotFound // e.g. /usages
	}
	seg := rest[1:]
	if tag, ok := strings.CutPrefix(seg, "tag-total/"); ok {
		if tag == "" || strings.Contains(tag, "/") {
			return b, errNotFound
		}
		return s.tagTotal(b, tag, q, enc)
	}
	if seg == "" || seg == "tag-total" || strings.Contains(seg, "/") {
		return b, errNotFound
	}
	return s.usage(b, q, seg, true, enc)
}

// simAllowed reports whether the key may see SIM index i.
func (s *Server) simAllowed(i int32) bool { return s.allowed == nil || s.allowed[i] }

// usage answers GET /usage (isSIM false) and GET /usage/{simPath}.
func (s *Server) usage(b []byte, q url.Values, simPath string, isSIM bool, enc encodeOptions) ([]byte, *apiError) {
	uq, aerr := parseUsageQuery(q, isSIM)
	if aerr != nil {
		return b, aerr
	}
	ix := s.fleet.idx()
	sim, empty := int32(-1), false
	if isSIM {
		if !validPathSIMID(simPath) {
			return b, errSIMNotFound
		}
		i, ok := ix.simByKey[simPath]
		if !ok {
			return b, errSIMNotFound
		}
		if !s.simAllowed(i) {
			return b, errForbidden
		}
		sim = i
	} else if uq.simID != "" {
		// An unknown SIM, or one outside the key's scope, matches nothing.
		i, ok := ix.simByKey[uq.simID]
		if ok && s.fleet.SIMs[i].ID == uq.simID && s.simAllowed(i) {
			sim = i
		} else {
			empty = true
		}
	}

	src := &source{recs: s.fleet.Records, hi: len(s.fleet.Records), country: uq.country, recSIM: ix.recSIM}
	switch {
	case empty:
		src.hi = 0
	case sim >= 0:
		src.list, src.hi = ix.bySIM[sim], len(ix.bySIM[sim])
	default:
		src.allowed = s.allowed
	}
	if uq.hasTime {
		src.restrictTime(uq.from, uq.to)
	}
	if uq.grouped {
		raw := src
		key := fmt.Sprintf("hours\x00%d\x00%t\x00%s\x00%s", sim, empty, uq.timeSpec, uq.country)
		recs := s.cache.get(key, func() []Record { return groupHours(raw) })
		src = &source{recs: recs, hi: len(recs)}
	}

	start := src.lo
	if uq.cursor != "" {
		p, ok := src.resume(uq.cursor)
		if !ok {
			return b, errInvalidNextPage
		}
		start = p
	}
	return appendPage(b, src, start, uq.offset, uq.limit, enc), nil
}

// tagTotal answers GET /usage/tag-total/{tagID}.
func (s *Server) tagTotal(b []byte, tagID string, q url.Values, enc encodeOptions) ([]byte, *apiError) {
	if _, ok := s.fleet.TagByID(tagID); !ok {
		return b, errTagNotFound
	}
	if s.keyTags != nil && !s.keyTags[tagID] {
		return b, errForbidden
	}
	return s.appendTagTotal(b, tagID, TagShape(s.tagShape.Load()), q, enc)
}
