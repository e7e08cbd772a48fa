package onomondo

import (
	"context"
	"testing"
	"testing/synctest"
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
