package onomondo

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// roundTripperFunc is a transport made of a function.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestAttemptPastTheTimeoutIsATimeout: an attempt that runs past the
// request timeout is a timeout, whatever error the transport then gives
// (here a proxy's own words, not a net.Error), so the user is told to
// raise the timeout, not to check the network.
func TestAttemptPastTheTimeoutIsATimeout(t *testing.T) {
	bubble(t, func(t *testing.T) {
		slow := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, errors.New("the proxy closed the connection")
		})
		c, _ := newTestClient(t, memBaseURL, func(c *Config) { c.Transport, c.RequestTimeout, c.MaxRetries = slow, 100*time.Millisecond, 0 })
		_, _, err := collect(t, c, UsageQuery{Filters: []Filter{{"time", "2025"}}})
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindTimeout || !strings.Contains(err.Error(), "within the request timeout (100ms)") {
			t.Fatalf("err = %v, want a timeout", err)
		}
	})
}
