package onomondo

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

func TestRateLimiterObserveOrdering(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewRateLimiter()
	l.now = func() time.Time { return now }
	h := func(limit, remaining int, reset int64) http.Header {
		hh := http.Header{}
		hh.Set("x-ratelimit-limit", strconv.Itoa(limit))
		hh.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
		hh.Set("x-ratelimit-reset", strconv.FormatInt(reset, 10))
		return hh
	}
	ctx := context.Background()
	t1, _, _ := l.Acquire(ctx)
	t2, _, _ := l.Acquire(ctx)
	l.Release(t2, h(10, 3, 1002))
	l.Release(t1, h(10, 4, 1002)) // older answer, same window: ignored
	if l.remaining != 3 {
		t.Errorf("remaining %d, want 3 (the lower report of the same window)", l.remaining)
	}
	l.Release(t1, h(10, 9, 1001)) // an earlier window: ignored
	if l.remaining != 3 || !l.reset.Equal(time.Unix(1002, 0)) {
		t.Errorf("an earlier window changed the state: %d %s", l.remaining, l.reset)
	}
	// Three more requests fit (remaining 3); the fourth must wait.
	for i := 0; i < 3; i++ {
		if _, _, err := l.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, _, err := l.Acquire(short); err == nil {
		t.Error("a fourth request was allowed into an empty budget")
	}
	// After the window passes a fresh budget of the known limit opens.
	now = time.Unix(1002, 500)
	if _, _, err := l.Acquire(ctx); err != nil {
		t.Errorf("no budget after the reset: %v", err)
	}
}

// Ten readers at once against a budget of 15 requests a second, as ten
// parallel data sources would: every read completes, with no 429.
func TestRateLimiterParallelReadersProvokeNo429(t *testing.T) {
	srv, ts := fakeapi.NewTestServer(fakeapi.Options{APIKey: testKey, RateLimit: 15, RateWindow: time.Second})
	defer ts.Close()
	c, _ := newTestClient(t, ts.URL)
	f := srv.Fleet()
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(sim string) {
			defer wg.Done()
			_, err := c.ReadUsage(context.Background(), UsageQuery{SIM: sim, Filters: []Filter{{"time", "2025-01"}}, Limit: 40}, func([]Record) error { return nil })
			errs <- err
		}(f.SIMs[i].ID)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	limited := 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if n := len(srv.Requests()); n <= 15 {
		t.Fatalf("only %d requests: the test needs several windows", n)
	}
	if limited != 0 {
		t.Errorf("%d of %d requests were answered 429", limited, len(srv.Requests()))
	}
}

// A 429's reset replaces a later known window: waiting for the old window
// would stall a read for up to a minute.
func TestRateLimiterExhaustTakesThe429Reset(t *testing.T) {
	now := time.Unix(2000, 0)
	l := NewRateLimiter()
	l.now = func() time.Time { return now }
	tk, _, _ := l.Acquire(context.Background())
	h := http.Header{}
	h.Set("x-ratelimit-limit", "600")
	h.Set("x-ratelimit-remaining", "500")
	h.Set("x-ratelimit-reset", "2060")
	l.Release(tk, h)
	l.Exhaust(time.Unix(2003, 0))
	now = time.Unix(2003, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, err := l.Acquire(ctx); err != nil {
		t.Fatalf("still waiting after the 429's reset passed: %v", err)
	}
}
