package onomondo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// providerWords are what a program wrapping the client calls its settings:
// the client's own words must not use them (DESIGN.md: the client knows
// nothing of Terraform), and DetailIn must put them where Terms say.
var providerWords = []string{"api_key", "max_retries", "request_timeout", "base_url", "ONOMONDO_", "max_records", "Terraform", "provider", "data source"}

// everyError is one Error of each kind and status the client words.
func everyError() []*Error {
	var out []*Error
	for _, k := range []ErrorKind{KindHTTP, KindTransport, KindTimeout, KindDecode, KindPaging, KindRateLimited, KindCanceled, KindMismatch, KindRedirect, 0} {
		for _, status := range []int{0, 200, 302, 400, 401, 403, 404, 429, 500, 503, 418} {
			out = append(out, &Error{Kind: k, Method: http.MethodGet, Endpoint: "/usage?filter=time:2025", Status: status, Page: 2, Attempts: 3,
				Timeout: time.Second, Err: errors.New("cause"), Resource: `SIM "000000042"`})
		}
	}
	return out
}

// TestClientErrorsSpeakTheClientsWords: no summary or detail of the client
// names a provider argument; every setting is named through Terms.
func TestClientErrorsSpeakTheClientsWords(t *testing.T) {
	marked := Terms{Self: "<self>", APIKey: "<key>", BaseURL: "<url>", MaxRetries: "<retries>", RequestTimeout: "<timeout>",
		PageSize: "<size>", Arguments: "<args>", Interrupted: "<interrupt>"}
	used := map[string]bool{}
	for _, e := range everyError() {
		for _, text := range []string{e.Summary(), e.Detail(), e.Error()} {
			for _, w := range providerWords {
				if strings.Contains(text, w) {
					t.Errorf("kind %d, HTTP %d: %q names %q", e.Kind, e.Status, text, w)
				}
			}
		}
		in := e.DetailIn(marked)
		for _, w := range []string{"<self>", "<key>", "<url>", "<retries>", "<timeout>", "<size>", "<args>", "<interrupt>"} {
			if strings.Contains(in, w) {
				used[w] = true
			}
		}
		if def := e.DetailIn(Terms{}); def != e.Detail() {
			t.Errorf("empty Terms do not fall back to the client's words: %q against %q", def, e.Detail())
		}
	}
	if len(used) != 8 {
		t.Errorf("only %v of the 8 terms are used by some detail", used)
	}
	// The errors that are not *Error: settings and arguments a program got wrong.
	_, err0 := New(Config{}) // no key: nothing could be read
	_, err1 := New(Config{APIKey: "k", MaxRetries: -1})
	_, err2 := ParseBaseURL("https://user:pass@api.onomondo.com")
	c, _ := New(Config{APIKey: "k"})
	_, err3 := c.ReadUsage(context.Background(), UsageQuery{Limit: 5000}, nil)
	_, err4 := c.ReadUsage(context.Background(), UsageQuery{MaxRecords: -1}, nil)
	for _, err := range []error{err0, err1, err2, err3, err4} {
		if err == nil {
			t.Fatal("no error")
		}
		for _, w := range providerWords {
			if strings.Contains(err.Error(), w) {
				t.Errorf("%q names %q", err, w)
			}
		}
	}
	if !errors.Is(err2, ErrCredentialsInURL) || strings.Contains(err2.Error(), "pass") {
		t.Errorf("credentials in the URL: %v", err2)
	}
	for err, want := range map[error]string{
		err0: "no API key", err1: "MaxRetries must be 0 or more, got -1",
		err3: "the page size (Limit) must be between 1 and 1000, got 5000", err4: "MaxRecords must be 0 (no maximum) or more, got -1",
	} {
		if err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	}
}

// TestErrorWordingDetails: the headline of a 500, and the resource named in
// a 404 with its first letter in upper case.
func TestErrorWordingDetails(t *testing.T) {
	if s := (&Error{Kind: KindHTTP, Status: 500}).Summary(); s != "Onomondo API server error" {
		t.Errorf("HTTP 500: %q", s)
	}
	for resource, want := range map[string]string{
		`tag "3f2b"`: `Tag "3f2b" was not found`, "": "The requested item was not found", `SIM "000000042"`: `SIM "000000042" was not found`,
	} {
		if d := (&Error{Kind: KindHTTP, Status: 404, Resource: resource}).Detail(); !strings.Contains(d, want) {
			t.Errorf("404 about %q: %q lacks %q", resource, d, want)
		}
	}
}
