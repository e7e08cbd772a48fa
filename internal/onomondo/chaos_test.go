package onomondo

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// The randomized fault run (issue: "never hang, never a silently wrong
// number"). Each seed reads February 2025 in about 50 pages from a fake whose
// seeded chaos (fakeapi.DefaultChaosConfig) mixes 5xx answers with and
// without Retry-After, connections reset mid-body, 429s in every header
// style (Unix seconds, milliseconds, seconds-until, Retry-After as seconds or
// a date, stripped), clock skew changes and a proxy stripping the rate-limit
// headers, under a real budget of 40 requests per 2 s. Every seed must end
// with the exact totals or a clear error, within chaosBound.
//
//	CHAOS_SEEDS=30 go test -run TestChaos -v ./internal/onomondo/   # what .ci/run does
//	make chaos                                                     # 200 seeds
//
// Without CHAOS_SEEDS it is skipped (it takes minutes: a seed whose chaos
// skews the server clock may wait out a whole rate-limit window).
// CHAOS_FIRST_SEED moves the range (to replay one seed: CHAOS_FIRST_SEED=17
// CHAOS_SEEDS=1).

const (
	// chaosBound is the longest a seed's read may take before it counts
	// as a hang: far beyond any wait the client may choose (each capped at
	// DefaultMaxWait) times the waits a read may need.
	chaosBound = 4 * time.Minute
	chaosLimit = 100 // page size: February 2025 is about 48 pages
)

type chaosOutcome struct {
	seed     int64
	took     time.Duration
	err      error
	exact    bool
	got      string // what a wrong read returned
	injected fakeapi.ChaosCounts
}

func TestChaos(t *testing.T) {
	v := os.Getenv("CHAOS_SEEDS")
	if v == "" {
		t.Skip("the randomized fault run takes minutes: set CHAOS_SEEDS (bash scripts/chaos.sh, make chaos; .ci/run runs 30 seeds)")
	}
	seeds, err := strconv.Atoi(v)
	if err != nil || seeds < 1 {
		t.Fatalf("CHAOS_SEEDS=%q: want a positive number", v)
	}
	first := int64(1)
	if v := os.Getenv("CHAOS_FIRST_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("CHAOS_FIRST_SEED=%q: want a number", v)
		}
		first = n
	}

	fleet := fakeapi.DefaultFleet()
	var want struct{ count, total int64 }
	for _, r := range fleet.Records {
		if r.Time.UTC().Format("2006-01") == "2025-02" {
			want.count++
			want.total += r.Bytes
		}
	}

	outcomes := make([]chaosOutcome, seeds)
	var wg sync.WaitGroup
	// The reads mostly wait (on the chaos's delays and the budget), so the
	// seeds run side by side; each has its own fake, client and limiter.
	sem := make(chan struct{}, 64)
	for i := range seeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outcomes[i] = chaosRead(fleet, first+int64(i), want.count, want.total)
		}()
	}
	wg.Wait()

	var exact, clearErrs, wrong, hangs, unclear int
	var longest chaosOutcome
	kinds := map[string]int{}
	injected := fakeapi.ChaosCounts{}
	for _, o := range outcomes {
		if o.took > longest.took {
			longest = o
		}
		for k, v := range o.injected {
			injected[k] += v
		}
		var e *Error
		switch {
		case o.exact:
			exact++
		case o.err == nil:
			wrong++
			t.Errorf("seed %d: WRONG NUMBER: %s (want %d records, %d bytes)", o.seed, o.got, want.count, want.total)
		case errors.Is(o.err, context.DeadlineExceeded) || IsCanceled(o.err):
			hangs++
			t.Errorf("seed %d: no end within %s (%v)", o.seed, chaosBound, o.err)
		case errors.As(o.err, &e) && clearError(e):
			clearErrs++
			kinds[e.Summary()]++
			t.Logf("seed %d: clear error: %v", o.seed, e)
		default:
			unclear++
			t.Errorf("seed %d: an error that does not say what happened: %v", o.seed, o.err)
		}
	}
	var ks []string
	for k, n := range kinds {
		ks = append(ks, fmt.Sprintf("%d × %q", n, k))
	}
	slices.Sort(ks)
	summary := fmt.Sprintf("chaos: %d seeds (%d..%d), reads exact %d, clear errors %d%s, wrong numbers %d, hangs %d, unclear errors %d; longest read %s (seed %d); injected over all seeds: %s",
		seeds, first, first+int64(seeds)-1, exact, clearErrs, joinOrEmpty(ks), wrong, hangs, unclear,
		longest.took.Round(time.Millisecond), longest.seed, injected)
	fmt.Println(summary) // the figures, for scripts/chaos.sh and .ci/run
	t.Log(summary)
	if exact == 0 {
		t.Error("no seed read exactly: the chaos is too strong for the run to show anything")
	}
}

func joinOrEmpty(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return " (" + strings.Join(s, ", ") + ")"
}

// clearError reports whether e says what happened and where: a kind with a
// user-facing wording, the endpoint and the page.
func clearError(e *Error) bool {
	switch e.Kind {
	case KindHTTP, KindTransport, KindTimeout, KindRateLimited:
	default:
		return false
	}
	d := e.Detail()
	return strings.Contains(d, "GET /usage") && strings.Contains(d, "(page ")
}

// chaosRead is one seed: a fresh fake with its chaos, a fresh client with
// its own limiter, one read.
func chaosRead(fleet *fakeapi.Fleet, seed int64, wantCount, wantTotal int64) chaosOutcome {
	chaos := fakeapi.NewChaos(seed, fakeapi.DefaultChaosConfig())
	srv := fakeapi.New(fakeapi.Options{APIKey: testKey, Fleet: fleet, RateLimit: 40, RateWindow: 2 * time.Second, Chaos: chaos})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c, err := New(Config{
		BaseURL:        ts.URL,
		APIKey:         testKey,
		MaxRetries:     DefaultMaxRetries,
		RequestTimeout: 10 * time.Second,
		RateLimiter:    NewRateLimiter(),
	})
	if err != nil {
		return chaosOutcome{seed: seed, err: err}
	}
	ctx, cancel := context.WithTimeout(context.Background(), chaosBound)
	defer cancel()
	var count, total int64
	start := time.Now()
	_, err = c.ReadUsage(ctx, UsageQuery{Filters: []Filter{{Key: "time", Value: "2025-02"}}, Limit: chaosLimit}, func(recs []Record) error {
		for i := range recs {
			total += recs[i].Bytes.Value
		}
		count += int64(len(recs))
		return nil
	})
	o := chaosOutcome{seed: seed, took: time.Since(start), err: err, injected: chaos.Counts()}
	if ctx.Err() != nil && err != nil {
		o.err = fmt.Errorf("%w: %v", context.DeadlineExceeded, err)
	}
	if err == nil {
		o.exact = count == wantCount && total == wantTotal
		o.got = fmt.Sprintf("%d records, %d bytes", count, total)
	}
	return o
}
