package onomondo

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestCancelledReadSendsNothing: a read whose context has already ended
// (Terraform was interrupted between two data sources) sends no request and
// says it was cancelled.
func TestCancelledReadSendsNothing(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(answers(page(1, 0, "")))
		c, _ := s.client(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.ReadUsage(ctx, UsageQuery{Filters: []Filter{{"time", "2025"}}}, func([]Record) error { return nil })
		if !IsCanceled(err) {
			t.Fatalf("err = %v, want a cancellation", err)
		}
		synctest.Wait() // a request's handler, had one been sent, has run
		if n := len(s.requests()); n != 0 {
			t.Errorf("%d requests were sent after the read was cancelled", n)
		}
	})
}

// TestCancelledRequestIsNotRetried: a read cancelled while a request is on
// its way ends as cancelled at once, not as a connection failure to back
// off from (the log would say "backing off" to someone who pressed Ctrl-C).
func TestCancelledRequestIsNotRetried(t *testing.T) {
	bubble(t, func(t *testing.T) {
		s := newMemServer(func(w http.ResponseWriter, r *http.Request, n int) { <-r.Context().Done() })
		c, log := s.client(t)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, cancel)
		_, err := c.ReadUsage(ctx, UsageQuery{Filters: []Filter{{"time", "2025"}}}, func([]Record) error { return nil })
		if !IsCanceled(err) {
			t.Fatalf("err = %v, want a cancellation", err)
		}
		if strings.Contains(log.all(), "backing off") {
			t.Errorf("the cancelled request was taken for a connection failure:\n%s", log.all())
		}
	})
}
