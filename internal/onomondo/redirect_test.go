package onomondo

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestRedirectLoopEndsAtTheCap: a redirect loop ends after maxRedirects
// requests with an error that says so; it is not retried as a connection
// error (it used to be: 15 requests, then "Could not reach").
func TestRedirectLoopEndsAtTheCap(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
			if n > 50 { // a client without a cap would loop for ever
				writeJSON(w, 200, page(1, 0, ""))
				return
			}
			target := "/usage/a"
			if r.URL.Path == target {
				target = "/usage/b"
			}
			http.Redirect(w, r, target+"?"+r.URL.RawQuery, http.StatusFound)
		})
		c, _ := s.client(t) // 3 retries allowed
		_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindRedirect || e.Status != http.StatusFound ||
			!strings.Contains(err.Error(), "Onomondo API redirect refused: GET /usage?filter=time:2025 (page 1) answered HTTP 302, a redirect that was not followed: stopped after 5 redirects") {
			t.Fatalf("err = %v", err)
		}
		if n := len(s.requests()); n != maxRedirects {
			t.Errorf("%d requests, want %d (one attempt, not retried)", n, maxRedirects)
		}
	})
}

// TestRedirectToPlainHTTPIsRefused: a redirect from https to plain http
// (here to the same host) would send the request, and on the same host the
// key, in clear text: it is refused, at once.
func TestRedirectToPlainHTTPIsRefused(t *testing.T) {
	for _, target := range []string{"http://api.onomondo.test/usage", "http://evil.example/usage"} {
		bubble(t, func(t *testing.T) {
			s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) {
				if r.URL.Scheme == "http" {
					t.Errorf("a request went over plain http to %s (with Authorization: %t)", r.URL.Host, r.Header.Get("Authorization") != "")
					writeJSON(w, 200, page(1, 0, ""))
					return
				}
				http.Redirect(w, r, target+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
			})
			c, _ := s.client(t)
			_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindRedirect || !strings.Contains(err.Error(), "refusing a redirect to http://") || !strings.Contains(err.Error(), "not https") {
				t.Fatalf("%s: err = %v", target, err)
			}
			if n := len(s.requests()); n != 1 {
				t.Errorf("%s: %d requests, want 1", target, n)
			}
		})
	}
}
