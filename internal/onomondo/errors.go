package onomondo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrorKind says which part of a request went wrong.
type ErrorKind int

const (
	// KindHTTP: the API (or a proxy in front of it) answered with a non-2xx
	// status.
	KindHTTP ErrorKind = iota + 1
	// KindTransport: the connection failed (refused, reset, TLS) and retries
	// did not help.
	KindTransport
	// KindTimeout: no complete answer arrived within the request timeout
	// (Config.RequestTimeout).
	KindTimeout
	// KindDecode: a 2xx answer whose body is not the JSON we expect (HTML from
	// a proxy, truncated JSON, an empty body, a field of the wrong type).
	KindDecode
	// KindPaging: the API's pagination broke its own rules (a cursor that
	// repeats, has_more without a cursor, more records than asked for).
	KindPaging
	// KindRateLimited: still rate limited after the allowed number of waits.
	KindRateLimited
	// KindCanceled: the caller cancelled the read.
	KindCanceled
	// KindMismatch: the API answered with a record that is not what was
	// asked for: outside the period of the time filter, of another country
	// or of another SIM.
	KindMismatch
	// KindRedirect: the API answered with a redirect the client does not
	// follow (to plain http, or one too many).
	KindRedirect
)

// Error is the one error type the client returns. Every message a user sees
// about a failed request is worded here, in Summary and Detail, so the
// provider's diagnostics, the logs and the tests all say the same thing.
// Detail speaks of the client's settings in its own words (the API key, the
// request timeout); a program that calls them something else names them
// with DetailIn.
//
// An Error never holds the API key: every string in it that came from the
// server is redacted before a read returns it (redactor.seal), and requests
// are described by method, path and query only.
type Error struct {
	Kind     ErrorKind
	Method   string
	Endpoint string // path and query, e.g. "/usage?filter=time:2025-03"
	Resource string // what the request was about, e.g. `SIM "000000042"`
	Status   int    // HTTP status, 0 when no answer arrived
	Code     string // the API's snake_case "error" code, when it sent one
	Snippet  string // a short, redacted excerpt of an unexpected body
	Page     int    // 1-based page of a paged read, 0 when not paged
	Attempts int    // HTTP attempts made for this request
	Timeout  time.Duration
	Err      error // the underlying cause, if any
}

func (e *Error) Unwrap() error { return e.Err }

// Error is Summary and Detail on one line.
func (e *Error) Error() string { return e.Summary() + ": " + e.Detail() }

// Summary is a short headline, fit for a diagnostic's summary.
func (e *Error) Summary() string {
	switch e.Kind {
	case KindHTTP:
		switch e.Status {
		case http.StatusUnauthorized:
			return "Onomondo API rejected the API key"
		case http.StatusForbidden:
			return "Onomondo API key may not read this data"
		case http.StatusNotFound:
			return "Onomondo API: not found"
		case http.StatusBadRequest:
			return "Onomondo API rejected the request"
		case http.StatusTooManyRequests:
			return "Onomondo API rate limit exceeded"
		}
		if e.Status >= 500 {
			return "Onomondo API server error"
		}
		return fmt.Sprintf("Onomondo API answered HTTP %d", e.Status)
	case KindTransport:
		if e.Status != 0 {
			return "Connection to the Onomondo API broke off"
		}
		return "Could not reach the Onomondo API"
	case KindTimeout:
		return "Onomondo API request timed out"
	case KindDecode:
		return "Unexpected answer from the Onomondo API"
	case KindPaging:
		return "Onomondo API pagination is broken"
	case KindRateLimited:
		return "Onomondo API rate limit exceeded"
	case KindCanceled:
		return "Onomondo API request cancelled"
	case KindMismatch:
		return "Onomondo API answered with usage that was not asked for"
	case KindRedirect:
		return "Onomondo API redirect refused"
	}
	return "Onomondo API request failed"
}

// Terms are the names an error's advice gives the client's settings and its
// caller. A program that wraps the client (the Terraform provider) names
// its own arguments here, so its users read the names they set; the zero
// value, and any empty field, uses the client's own words (DefaultTerms).
type Terms struct {
	Self           string // who expects the answers: "the client"
	APIKey         string // where the key was set: "the API key"
	BaseURL        string // "the base URL"
	MaxRetries     string // "the number of retries"
	RequestTimeout string // "the request timeout"
	PageSize       string // "the page size"
	// Arguments is what a 400 asks to check: "the request's parameters
	// (filter, limit, offset, group, next_page)".
	Arguments string
	// Interrupted is an example of why a read was cancelled: "the caller
	// cancelled it".
	Interrupted string
}

// DefaultTerms are the client's own words.
var DefaultTerms = Terms{
	Self:           "the client",
	APIKey:         "the API key the client was given",
	BaseURL:        "the base URL",
	MaxRetries:     "the number of retries",
	RequestTimeout: "the request timeout",
	PageSize:       "the page size",
	Arguments:      "the request's parameters (filter, limit, offset, group, next_page)",
	Interrupted:    "the caller cancelled it",
}

// withDefaults fills every empty name with the client's own.
func (t Terms) withDefaults() Terms {
	d := DefaultTerms
	for _, f := range []struct{ v, def *string }{
		{&t.Self, &d.Self}, {&t.APIKey, &d.APIKey}, {&t.BaseURL, &d.BaseURL}, {&t.MaxRetries, &d.MaxRetries},
		{&t.RequestTimeout, &d.RequestTimeout}, {&t.PageSize, &d.PageSize}, {&t.Arguments, &d.Arguments},
		{&t.Interrupted, &d.Interrupted},
	} {
		if *f.v == "" {
			*f.v = *f.def
		}
	}
	return t
}

// Detail says what happened, on which request, and what the user can do, in
// the client's own words (DefaultTerms).
func (e *Error) Detail() string { return e.DetailIn(DefaultTerms) }

// DetailIn is Detail with the settings named as t names them.
func (e *Error) DetailIn(t Terms) string {
	t = t.withDefaults()
	var b strings.Builder
	req := e.Method + " " + e.Endpoint
	if e.Page > 0 {
		req += fmt.Sprintf(" (page %d)", e.Page)
	}
	status := ""
	if e.Status != 0 {
		status = fmt.Sprintf("HTTP %d", e.Status)
		if e.Code != "" {
			status += fmt.Sprintf(" %q", e.Code)
		}
	}
	switch e.Kind {
	case KindHTTP:
		fmt.Fprintf(&b, "%s answered %s. ", req, status)
		switch {
		case e.Status == http.StatusUnauthorized:
			fmt.Fprintf(&b, "The API key is missing, wrong or revoked. Check %s: it must be the raw key (onok_...) without a \"Bearer \" prefix, for the organisation that owns the data.", t.APIKey)
			if strings.HasPrefix(e.Endpoint, "/sms/") {
				b.WriteString(" Onomondo's SMS docs page writes the header as \"Bearer <key>\", but every client we know sends the bare key, as the seed's scheme says: if the same key reads GET /usage, report that the SMS endpoints refuse it.")
			}
		case e.Status == http.StatusForbidden:
			fmt.Fprintf(&b, "The API key is valid but its tags do not cover %s. Use a key whose tag scope includes it, or read only SIMs and tags inside the key's scope.", orDefault(e.Resource, "this data"))
		case e.Status == http.StatusNotFound:
			fmt.Fprintf(&b, "%s was not found in the organisation of this API key. Check the id, and that the key belongs to the right organisation.", upperFirst(orDefault(e.Resource, "the requested item")))
		case e.Status == http.StatusBadRequest:
			fmt.Fprintf(&b, "The API refused the request's parameters. Check %s; a next_page cursor must come from a read with the same filters.", t.Arguments)
		case e.Status == http.StatusTooManyRequests:
			b.WriteString("The API's rate limit (600 requests a minute per client IP address, shared by every process behind the same address) stayed exhausted. Retry later, or run fewer reads at once.")
		case e.Status >= 500:
			fmt.Fprintf(&b, "The API failed on its side and kept failing after %d attempt(s). This is usually temporary: retry later, or raise %s.", e.Attempts, t.MaxRetries)
		default:
			b.WriteString("The API did not accept the request.")
		}
	case KindTransport:
		if e.Status != 0 {
			fmt.Fprintf(&b, "%s answered %s, but the connection broke off while the answer was read (%v), in each of %d attempt(s). Nothing was counted from this read. Check the network and any proxy between you and the API, then retry.", req, status, e.Err, e.Attempts)
			break
		}
		fmt.Fprintf(&b, "%s failed after %d attempt(s): %v. Check the network, any HTTP(S)_PROXY settings, and %s.", req, e.Attempts, e.Err, t.BaseURL)
	case KindTimeout:
		fmt.Fprintf(&b, "%s got no complete answer within %s (%s) in %d attempt(s). Raise %s, or lower %s so that each page is smaller.", req, t.RequestTimeout, e.Timeout, e.Attempts, t.RequestTimeout, t.PageSize)
	case KindDecode:
		fmt.Fprintf(&b, "%s answered %s, but the body is not the JSON %s expects: %v. ", req, orDefault(status, "without a status"), t.Self, e.Err)
		fmt.Fprintf(&b, "Nothing was counted from this read. If it persists, a proxy or gateway may be answering in the API's place; check %s and proxy settings.", t.BaseURL)
	case KindPaging:
		fmt.Fprintf(&b, "%s: %v. The read was stopped rather than risk counting records twice or looping forever; nothing was counted from it. Retry later, and report it to Onomondo if it persists.", req, e.Err)
	case KindMismatch:
		fmt.Fprintf(&b, "%s: %v. Counting it would put usage that was not asked for into the totals, so the read was stopped and nothing was counted from it. Report it to Onomondo if it persists.", req, e.Err)
	case KindRedirect:
		fmt.Fprintf(&b, "%s answered %s, a redirect that was not followed: %v. The API does not redirect; check %s, and any proxy between you and the API.", req, orDefault(status, "with a redirect"), e.Err, t.BaseURL)
	case KindRateLimited:
		fmt.Fprintf(&b, "%s was still rate limited after %d wait(s). The API allows 600 requests a minute per client IP address, shared by every process behind the same address (CI runners behind one NAT share it). Run fewer reads at once or retry later.", req, e.Attempts)
	case KindCanceled:
		fmt.Fprintf(&b, "%s was cancelled before it finished (for example %s). Nothing was counted from it.", req, t.Interrupted)
	default:
		fmt.Fprintf(&b, "%s failed: %v.", req, e.Err)
	}
	if e.Snippet != "" {
		fmt.Fprintf(&b, " The body began: %q.", e.Snippet)
	}
	return strings.TrimSpace(b.String())
}

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindHTTP && e.Status == http.StatusNotFound
}

// IsCanceled reports whether err comes from a cancelled context.
// (A KindCanceled *Error wraps context.Canceled.)
func IsCanceled(err error) bool {
	return errors.Is(err, context.Canceled)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
