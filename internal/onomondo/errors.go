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
	// KindTimeout: no complete answer arrived within request_timeout.
	KindTimeout
	// KindDecode: a 2xx answer whose body is not the JSON we expect (HTML from
	// a proxy, truncated JSON, an empty body, a field of the wrong type).
	KindDecode
	// KindPaging: the API's pagination broke its own rules (a cursor that
	// repeats, has_more without a cursor, more records than asked for).
	KindPaging
	// KindRateLimited: still rate limited after the allowed number of waits.
	KindRateLimited
	// KindCanceled: Terraform (or the caller) cancelled the read.
	KindCanceled
)

// Error is the one error type the client returns. Every message a user sees
// about a failed request is worded here, in Summary and Detail, so the
// provider's diagnostics, the logs and the tests all say the same thing.
//
// An Error never holds the API key: response snippets are redacted when they
// are captured, and requests are described by method, path and query only.
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
	}
	return "Onomondo API request failed"
}

// Detail says what happened, on which request, and what the user can do.
func (e *Error) Detail() string {
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
			b.WriteString("The API key is missing, wrong or revoked. Check the provider's api_key argument or the ONOMONDO_API_KEY environment variable: it must be the raw key (onok_...) without a \"Bearer \" prefix, for the organisation that owns the data.")
			if strings.HasPrefix(e.Endpoint, "/sms/") {
				b.WriteString(" Onomondo's SMS docs page writes the header as \"Bearer <key>\", but every client we know sends the bare key, as the seed's scheme says: if the same key reads GET /usage, report that the SMS endpoints refuse it.")
			}
		case e.Status == http.StatusForbidden:
			fmt.Fprintf(&b, "The API key is valid but its tags do not cover %s. Use a key whose tag scope includes it, or read only SIMs and tags inside the key's scope.", orDefault(e.Resource, "this data"))
		case e.Status == http.StatusNotFound:
			fmt.Fprintf(&b, "%s was not found in the organisation of this API key. Check the id, and that the key belongs to the right organisation.", upperFirst(orDefault(e.Resource, "the requested item")))
		case e.Status == http.StatusBadRequest:
			b.WriteString("The API refused the request's parameters. Check the data source's arguments (filters, limit, offset, group, next_page); a next_page cursor must come from a read with the same filters.")
		case e.Status == http.StatusTooManyRequests:
			b.WriteString("The API's rate limit (600 requests a minute per client IP address, shared by every process behind the same address) stayed exhausted. Retry later, or run fewer reads at once.")
		case e.Status >= 500:
			fmt.Fprintf(&b, "The API failed on its side and kept failing after %d attempt(s). This is usually temporary: retry later, or raise the provider's max_retries.", e.Attempts)
		default:
			b.WriteString("The API did not accept the request.")
		}
	case KindTransport:
		if e.Status != 0 {
			fmt.Fprintf(&b, "%s answered %s, but the connection broke off while the answer was read (%v), in each of %d attempt(s). Nothing was counted from this read. Check the network and any proxy between you and the API, then retry.", req, status, e.Err, e.Attempts)
			break
		}
		fmt.Fprintf(&b, "%s failed after %d attempt(s): %v. Check the network, any HTTP(S)_PROXY settings, and the provider's base_url.", req, e.Attempts, e.Err)
	case KindTimeout:
		fmt.Fprintf(&b, "%s got no complete answer within request_timeout (%s) in %d attempt(s). Raise the provider's request_timeout, or lower limit so that each page is smaller.", req, e.Timeout, e.Attempts)
	case KindDecode:
		fmt.Fprintf(&b, "%s answered %s, but the body is not the JSON the provider expects: %v. ", req, orDefault(status, "without a status"), e.Err)
		b.WriteString("Nothing was counted from this read. If it persists, a proxy or gateway may be answering in the API's place; check base_url and proxy settings.")
	case KindPaging:
		fmt.Fprintf(&b, "%s: %v. The read was stopped rather than risk counting records twice or looping forever; nothing was counted from it. Retry later, and report it to Onomondo if it persists.", req, e.Err)
	case KindRateLimited:
		fmt.Fprintf(&b, "%s was still rate limited after %d wait(s). The API allows 600 requests a minute per client IP address, shared by every process behind the same address (CI runners behind one NAT share it). Run fewer reads at once or retry later.", req, e.Attempts)
	case KindCanceled:
		fmt.Fprintf(&b, "%s was cancelled before it finished (for example Terraform was interrupted). Nothing was counted from it.", req)
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
func IsCanceled(err error) bool {
	var e *Error
	if errors.As(err, &e) && e.Kind == KindCanceled {
		return true
	}
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

// redact replaces every occurrence of secret (the API key) in s. Anything
// shown to a user is redacted before it is shortened: a cut through the key
// would leave a prefix that no later redaction recognises.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "<redacted>")
}

// snippet makes a short, single-line, redacted excerpt of a body for an
// error message.
func snippet(body []byte, secret string) string {
	s := redact(strings.Join(strings.Fields(string(body)), " "), secret)
	const maxLen = 160
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
