package fakeapi

import (
	"crypto/subtle"
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

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// DemoAPIKey is the key a Server accepts when Options.APIKey is empty. It is
// shaped like a real key (onok_<x>.<y>) and is not a secret.
const DemoAPIKey = "onok_demo.fakeapikey"

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
}

// Server is the fake API. It is an http.Handler and safe for concurrent
// use; create it with New.
type Server struct {
	key     string
	fleet   *Fleet
	keyTags map[string]bool // nil: the key sees everything
	allowed []bool          // per SIM index; nil: every SIM
	limiter *limiter
	cache   listCache // group=hours lists

	simPaging            atomic.Int32
	simPageLimit         int
	periodFrom, periodTo time.Time
	simOnce              sync.Once
	simState             []simState // per SIM; see simStates

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
	Status     int       // the status answered; 0 while the request is served
	Time       time.Time // arrival
}

// New returns a Server for opts.
func New(opts Options) *Server {
	s := &Server{key: opts.APIKey, fleet: opts.Fleet}
	if s.key == "" {
		s.key = DemoAPIKey
	}
	if s.fleet == nil {
		s.fleet = DefaultFleet()
	}
	s.limiter = newLimiter(opts.RateLimit, opts.RateWindow)
	s.simPaging.Store(int32(opts.SIMPaging))
	s.simPageLimit = opts.SIMPageLimit
	if s.simPageLimit <= 0 || s.simPageLimit > MaxLimit {
		s.simPageLimit = MaxLimit
	}
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
		out[i].Query = maps.Clone(r.Query)
		for k, v := range out[i].Query {
			out[i].Query[k] = slices.Clone(v)
		}
	}
	return out
}

// ResetRequests forgets every request seen so far.
func (s *Server) ResetRequests() {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.reqs = nil
}

// ServeHTTP answers one request: the request log and the rate limit first,
// then method, authentication, routing and the endpoint itself.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	query := r.URL.Query()
	authorized := s.authorized(r)
	entry := &Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Query: query,
		Authorized: authorized, UserAgent: r.UserAgent(), Time: now}
	s.reqMu.Lock()
	s.reqs = append(s.reqs, entry)
	s.reqMu.Unlock()
	// send records the status, then writes the answer. Recording first
	// matters: once the last byte is out, the client may already be
	// looking at Requests().
	send := func(status int, body any) {
		b, err := json.Marshal(body, jsontext.AllowInvalidUTF8(true)) // invalid UTF-8 in a hand-made fleet becomes U+FFFD
		if err != nil {
			status, b = http.StatusInternalServerError, []byte(`{"error":"internal_server_error"}`)
		}
		s.reqMu.Lock()
		entry.Status = status
		s.reqMu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}

	if !s.limiter.take(w.Header(), now) {
		send(http.StatusTooManyRequests, errorBody{CodeRateLimited})
		return
	}
	body, aerr := s.route(r, query, authorized)
	if aerr != nil {
		if aerr == errMethodNotAllowed {
			w.Header().Set("Allow", http.MethodGet)
		}
		send(aerr.status, errorBody{aerr.code})
		return
	}
	send(http.StatusOK, body)
}

// errorBody is the API's error answer, {"error":"<code>"}.
type errorBody struct {
	Error string `json:"error"`
}

// authorized reports whether r carries exactly one Authorization header
// equal to the key.
func (s *Server) authorized(r *http.Request) bool {
	vals := r.Header.Values("Authorization")
	return len(vals) == 1 && subtle.ConstantTimeCompare([]byte(vals[0]), []byte(s.key)) == 1
}

// route answers a request with the body of a 200 answer, or the error to
// send instead.
func (s *Server) route(r *http.Request, q url.Values, authorized bool) (any, *apiError) {
	switch {
	case r.Method != http.MethodGet:
		return nil, errMethodNotAllowed
	case !authorized:
		return nil, errUnauthorized
	case r.URL.Path == "/sims":
		return s.simList(q)
	case strings.HasPrefix(r.URL.Path, "/sims/"):
		return s.sim(strings.TrimPrefix(r.URL.Path, "/sims/"))
	}
	if sim, ok := strings.CutPrefix(r.URL.Path, "/sms/usage/"); ok && !strings.Contains(sim, "/") {
		return s.smsUsage(sim, q)
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/usage")
	switch {
	case !ok:
		return nil, errNotFound
	case rest == "":
		return s.usage(q, "", false)
	case rest[0] != '/':
		return nil, errNotFound // e.g. /usages
	}
	seg := rest[1:]
	if tag, ok := strings.CutPrefix(seg, "tag-total/"); ok {
		if tag == "" || strings.Contains(tag, "/") {
			return nil, errNotFound
		}
		return s.tagTotal(tag)
	}
	if seg == "" || seg == "tag-total" || strings.Contains(seg, "/") {
		return nil, errNotFound
	}
	return s.usage(q, seg, true)
}

// simAllowed reports whether the key may see SIM index i.
func (s *Server) simAllowed(i int32) bool { return s.allowed == nil || s.allowed[i] }
