package fakeapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultKind selects a failure mode of a Fault.
//
// Transport faults (FaultStatus … FaultEmptyBody) break the exchange;
// answer-shape faults (FaultWrongType and every kind after it) answer 200
// with the request's real data, written in a shape the public evidence does
// not rule out. Answer-shape faults apply to every usage page: GET /usage,
// GET /usage/{sim_id} and the tag-total shapes TagShapeUsageRecords and
// TagShapeUsagePaged; where noted, also to the number of the numeric tag
// shapes. A fault that has nothing to change on a page (a record fault on an
// empty page, a last-page fault on a page with more to come) still counts as
// a hit and leaves the page as it is.
type FaultKind int

const (
	// FaultStatus answers Status (default 500) with the JSON body
	// {"error": Code} (Code defaults to "internal_server_error"), plus
	// Retry-After when RetryAfter > 0. The rate-limit headers are the
	// normal ones (their reset can be up to a window away).
	FaultStatus FaultKind = iota
	// FaultRateLimit answers 429 {"error":"rate_limit_exceeded"} with
	// x-ratelimit-remaining 0 and x-ratelimit-reset = server clock + Delay
	// rounded up to a whole second (encoded in Reset's style); with
	// RetryAfter > 0 also a Retry-After header. It does not consume
	// rate-limit budget.
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
	// and a reverse proxy's HTML error page, plus Retry-After when
	// RetryAfter > 0.
	FaultHTML
	// FaultEmptyBody answers 200, application/json, with an empty body.
	FaultEmptyBody
	// FaultWrongType answers normally, but every "bytes" of a page (and the
	// number of a numeric tag total; a SIM's "usage" and its data limit's
	// "used" and "total") is a JSON string of its decimal digits ("1234")
	// instead of a number.
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
	// has_more:true without a usable next_page: by Cursor, the key absent
	// ({"has_more":true}, the default), null or "". GET /sims in offset
	// style claims a total of one page more than there are SIMs.
	FaultMissingCursor
	// FaultRecordNoBytes leaves the "bytes" key out of the record at Index
	// (and out of a numeric tag total).
	FaultRecordNoBytes
	// FaultRecordNullBytes writes "bytes":null in the record at Index (and
	// as a numeric tag total).
	FaultRecordNullBytes
	// FaultNullRecord writes the JSON literal null in place of the whole
	// record at Index: "usage":[{…},null,{…}].
	FaultNullRecord
	// FaultBadBytes writes RawBytes, verbatim, as the value of "bytes" in
	// the record at Index (and as a numeric tag total): e.g. `"12.5"` for a
	// string, `12.5` for a number. BadBytesValues lists the readings a
	// client must refuse.
	FaultBadBytes
	// FaultUpperCountry writes every record's country_code in upper case
	// ("DK"). Country filters still match either case.
	FaultUpperCountry
	// FaultNoHasMore writes pagination without the has_more key: a page
	// with more to come has {"next_page":"…"}; the last page has, by
	// Cursor, {} (CursorAbsent, the default), {"next_page":null}
	// (CursorNull), {"next_page":""} (CursorEmpty), or no pagination key
	// at all (CursorNoPagination).
	FaultNoHasMore
	// FaultHasMoreFalseWithCursor contradicts itself on a page with more
	// to come: {"has_more":false,"next_page":"<the real next cursor>"}. The
	// last page is normal ({"has_more":false}).
	FaultHasMoreFalseWithCursor
	// FaultEmptyNoPagination answers an empty page as {"usage":[]}, with no
	// pagination key. Non-empty pages are normal.
	FaultEmptyNoPagination
	// FaultLastNoPagination answers the last page of a result (empty or
	// not) without the pagination key: {"usage":[…]}. Pages with more to
	// come are normal.
	FaultLastNoPagination
	// FaultFreshCursor answers a non-empty page with has_more:true and a
	// cursor never sent before that points back at the page's own first
	// record: following it (with the same limit) gives the same records
	// again under yet another new cursor, for as long as the fault lasts
	// (Times 0: forever). The cursors stay valid after the fault ends.
	// Empty pages are normal.
	FaultFreshCursor
)

var faultKindNames = [...]string{
	FaultStatus:                 "status",
	FaultRateLimit:              "rate_limit",
	FaultSlow:                   "slow",
	FaultTruncated:              "truncated",
	FaultResetConnection:        "reset_connection",
	FaultHTML:                   "html",
	FaultEmptyBody:              "empty_body",
	FaultWrongType:              "wrong_type",
	FaultRepeatCursor:           "repeat_cursor",
	FaultMissingCursor:          "missing_cursor",
	FaultRecordNoBytes:          "record_no_bytes",
	FaultRecordNullBytes:        "record_null_bytes",
	FaultNullRecord:             "null_record",
	FaultBadBytes:               "bad_bytes",
	FaultUpperCountry:           "upper_country",
	FaultNoHasMore:              "no_has_more",
	FaultHasMoreFalseWithCursor: "has_more_false_with_cursor",
	FaultEmptyNoPagination:      "empty_no_pagination",
	FaultLastNoPagination:       "last_no_pagination",
	FaultFreshCursor:            "fresh_cursor",
}

// String returns the snake_case name of k.
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultKindNames) {
		return faultKindNames[k]
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// CursorStyle is how a fault writes a next_page that is not a real cursor
// (FaultMissingCursor, and the last page of FaultNoHasMore).
type CursorStyle int

const (
	// CursorAbsent leaves the next_page key out (the default).
	CursorAbsent CursorStyle = iota
	// CursorNull writes "next_page":null.
	CursorNull
	// CursorEmpty writes "next_page":"".
	CursorEmpty
	// CursorNoPagination leaves the whole pagination object out
	// (FaultNoHasMore's last page only; FaultMissingCursor treats it as
	// CursorAbsent).
	CursorNoPagination
)

// BadBytesValues are JSON texts for Fault.RawBytes that are not a whole
// non-negative number of bytes, so a client must refuse each of them (with
// FaultBadBytes) rather than count it: strings that are not plain decimal
// digits, and JSON numbers that are fractional, negative, beyond int64 or
// not numbers at all. A JSON string of plain decimal digits (`"1234"`) is
// not here: it is FaultWrongType's reading, which a client may read
// exactly. Whole numbers in other notations (`1e3`, `1.0`) are left out too:
// whether to accept them is the client's choice.
var BadBytesValues = []string{
	`"12.5"`, `"-3"`, `"1e3"`, `""`, `"abc"`, `" 12"`, `"0x10"`,
	`12.5`, `-3`, `-0.5`, `9223372036854775808`, `true`, `{}`, `[1]`,
}

// Fault is one injected failure. Faults wait in a queue (InjectFault); for
// each request the first queued fault whose PathPrefix matches the request's
// path decides: while its After is > 0 the request passes unharmed and After
// is decremented; otherwise the fault hits the request and its Times is
// decremented, the fault leaving the queue when Times reaches 0. Times 0
// means every matching request until ClearFaults. One request is hit by at
// most one fault.
//
// A request answered 429 by the real rate limiter is not seen by the queue,
// and one a Chaos answers 429 does not count towards After. Faults still
// consume rate-limit budget, except FaultRateLimit.
//
// Reset and StripRateHeaders change the rate-limit headers of the faulted
// answer only, whatever its kind; RetryAfter applies to FaultRateLimit,
// FaultStatus and FaultHTML.
type Fault struct {
	Kind   FaultKind
	Status int           // FaultStatus (default 500), FaultHTML (default 502)
	Code   string        // FaultStatus error code (default "internal_server_error")
	Delay  time.Duration // FaultSlow sleep; FaultRateLimit reset distance
	// RetryAfter, if > 0, adds a Retry-After header to FaultRateLimit,
	// FaultStatus and FaultHTML answers: whole seconds rounded up, or with
	// RetryAfterDate the HTTP date (RFC 9110 IMF-fixdate, GMT) of the
	// server clock + RetryAfter, rounded up to a whole second.
	RetryAfter     time.Duration
	RetryAfterDate bool
	// Reset, unless ResetDefault, encodes this answer's x-ratelimit-reset
	// in that style instead of the server's.
	Reset ResetStyle
	// StripRateHeaders leaves x-ratelimit-remaining and x-ratelimit-reset
	// out of this answer (x-ratelimit-limit stays). Unlike the server-wide
	// Options.StripRateHeaders it adds no Retry-After of its own: a
	// FaultRateLimit with StripRateHeaders and no RetryAfter is a 429 that
	// says nothing about when to come back.
	StripRateHeaders bool
	// Index is the position, 0-based, in the page's usage array of the
	// record hit by FaultRecordNoBytes, FaultRecordNullBytes,
	// FaultNullRecord and FaultBadBytes (0 = the first record). A negative
	// Index counts from the end (-1 = the last record). An Index beyond the
	// page hits the page's last record (or, negative, its first); an empty
	// page is left as it is.
	Index int
	// RawBytes is the JSON text FaultBadBytes writes as "bytes".
	RawBytes string
	// Cursor selects the next_page of FaultMissingCursor and of the last
	// page of FaultNoHasMore.
	Cursor     CursorStyle
	PathPrefix string // only requests whose URL path has this prefix; "" = all
	After      int    // let this many matching requests through unharmed first
	Times      int    // how many requests it hits; 0 = unlimited
}

// matches reports whether f applies to a request for path.
func (f *Fault) matches(path string) bool { return strings.HasPrefix(path, f.PathPrefix) }

// InjectFault appends f to the fault queue.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults empties the fault queue.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// decision is what admit decided for one request.
type decision struct {
	fault   *Fault    // the fault that hits the request, if any
	st      rateState // the rate-limit state to announce
	limited bool      // the real limiter refuses the request: answer 429
	read    readings  // the server-wide readings in force
}

// admit decides, atomically, what happens to a request for path arriving at
// now (by Options.Now): which fault hits it (a queued one, else the
// chaos's), and whether the rate limiter lets it through.
func (s *Server) admit(path string, now time.Time) decision {
	s.mu.Lock()
	defer s.mu.Unlock()

	// The chaos draws for every request it covers, hit or not, so that the
	// n-th request always gets the n-th draw of the seed.
	var chaos *Fault
	outcome := "" // what the chaos counts for this request; "" = not covered
	if s.chaos != nil {
		chaos, outcome = s.chaos.next(path, &s.read)
		defer func() { s.chaos.count(outcome) }()
	}
	d := decision{read: s.read}
	now = now.Add(s.read.clockSkew)

	i := -1
	for j := range s.faults {
		if s.faults[j].matches(path) {
			i = j
			break
		}
	}
	queued := i >= 0 && s.faults[i].After <= 0
	if queued && outcome != "" {
		chaos, outcome = nil, ChaosPreempted
	}
	// A surprise 429 costs no budget: answer it before counting.
	switch {
	case queued && s.faults[i].Kind == FaultRateLimit:
		d.fault = s.consumeFault(i)
	case chaos != nil && chaos.Kind == FaultRateLimit:
		d.fault = chaos
	}
	if d.fault != nil {
		d.st = rateState{limit: s.limiter.limit, reset: ceilUnix(now.Add(d.fault.Delay)), now: now}
		return d
	}
	st, ok := s.limiter.take(now)
	d.st = st
	if !ok {
		if outcome != "" {
			outcome = ChaosLimited
		}
		d.limited = true
		return d
	}
	switch {
	case queued:
		d.fault = s.consumeFault(i)
	case i >= 0:
		s.faults[i].After--
	}
	if chaos != nil {
		d.fault = chaos
	}
	return d
}

// setHeaders writes the rate-limit headers of the answer, and its Date
// when the server sends its own.
func (d *decision) setHeaders(h http.Header) {
	style, strip := d.read.resetStyle, d.read.strip
	if d.fault != nil {
		if d.fault.Reset != ResetDefault {
			style = d.fault.Reset
		}
		strip = strip || d.fault.StripRateHeaders
	}
	d.st.setHeaders(h, style, strip)
	if d.read.skewedDate {
		h.Set("Date", d.st.now.UTC().Format(http.TimeFormat))
	}
}

// setRetryAfter writes the fault's Retry-After, if it has one; otherwise,
// for a 429 behind the stripping proxy, the seconds until the reset.
func (d *decision) setRetryAfter(h http.Header, is429 bool) {
	switch {
	case d.fault.RetryAfter > 0:
		h.Set(HeaderRetryAfter, formatRetryAfter(d.fault.RetryAfter, d.st.now, d.fault.RetryAfterDate))
	case is429 && d.read.strip:
		h.Set(HeaderRetryAfter, strconv.FormatInt(d.st.untilReset(), 10))
	}
}

// consumeFault counts one hit of queued fault i and returns a copy of it.
// s.mu must be held.
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
