package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// The faults a user sees through terraform: what the provider wires between
// the client and the user (the shared rate limiter of one provider process,
// request_timeout, a diagnostic). How the client itself survives each fault
// and reading of the API is proven by its own tests in internal/onomondo, on
// a fake clock (RELIABILITY.md names them). Each odd answer here is a small
// handler in front of the fake (behind).

// boundTime runs the test in parallel with the others and fails it if it
// ran longer than bound, counted from when it resumed: tests that call it use
// resource.Test, since resource.ParallelTest would call t.Parallel again and
// the clock would include the time spent waiting for the serial tests.
func boundTime(t *testing.T, bound time.Duration) {
	t.Helper()
	t.Parallel()
	start := time.Now()
	t.Cleanup(func() {
		if took := time.Since(start); took > bound {
			t.Errorf("took %s, more than the %s bound", took.Round(time.Millisecond), bound)
		}
	})
}

// behind starts a loopback server whose handler h answers each request,
// usually by passing it on to a fake API of its own (fakeapi.Options{} with
// the test key), and returns the fake and the server's URL.
func behind(t *testing.T, h func(fake *fakeapi.Server, w http.ResponseWriter, r *http.Request)) (*fakeapi.Server, string) {
	t.Helper()
	fake := fakeapi.New(fakeapi.Options{APIKey: testAPIKey})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(fake, w, r) }))
	t.Cleanup(ts.Close)
	return fake, ts.URL
}

// TestFaults_ManyReadsShareOneRateLimitBudget: twelve data sources in one
// configuration read at once, in one provider process, from an API that
// allows 10 requests per 100 ms window: every read is exact, and the one
// limiter they share keeps them from a 429.
func TestFaults_ManyReadsShareOneRateLimitBudget(t *testing.T) {
	boundTime(t, 30*time.Second)
	const limit, window = 10, 100 * time.Millisecond
	var mu sync.Mutex
	var start time.Time
	used, requests, limited := 0, 0, 0
	srv, url := behind(t, func(fake *fakeapi.Server, w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		mu.Lock()
		if s := now.Truncate(window); !s.Equal(start) {
			start, used = s, 0
		}
		ok := used < limit
		if ok {
			used++
		} else {
			limited++
		}
		requests++
		remaining, reset := limit-used, start.Add(window)
		mu.Unlock()
		// The fake answers; this budget's headers replace its own.
		rec := httptest.NewRecorder()
		if ok {
			fake.ServeHTTP(rec, r)
		}
		for k, v := range rec.Header() {
			if !strings.HasPrefix(k, "X-Ratelimit-") {
				w.Header()[k] = v
			}
		}
		w.Header().Set("X-Ratelimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("X-Ratelimit-Reset", strconv.FormatFloat(float64(reset.UnixMilli())/1000, 'f', 3, 64))
		if !ok {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":"rate_limit_exceeded"}`))
			return
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
	f := srv.Fleet()
	var cfg strings.Builder
	cfg.WriteString(providerBlock(url))
	var checks []statecheck.StateCheck
	const readers = 12
	for i := 0; i < readers; i++ {
		sim := f.SIMs[i]
		fmt.Fprintf(&cfg, `
data "onomondo_sim_usage" "s%d" {
  sim_id          = %q
  time            = "2025-02"
  limit           = 25
  include_records = false
}
`, i, sim.ID)
		checks = append(checks, sumChecks(fmt.Sprintf("data.onomondo_sim_usage.s%d", i), sumRecords(selectRecords(f, "2025-02", sim.ID)), false)...)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            cfg.String(),
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				t.Logf("%d requests, %d answered 429", requests, limited)
				if reads := len(srv.Requests()); reads <= 3*limit {
					return fmt.Errorf("only %d pages read: the test must need several rate-limit windows", reads)
				}
				if limited > 1 {
					return fmt.Errorf("%d requests were answered 429; the shared pacing on x-ratelimit-remaining should keep that near zero", limited)
				}
				return nil
			},
		}},
	})
}

// TestFaults_SlowServerTimesOut: request_timeout reaches the client, and
// its timeout reaches the user as a diagnostic naming the setting.
func TestFaults_SlowServerTimesOut(t *testing.T) {
	boundTime(t, 20*time.Second)
	_, url := behind(t, func(fake *fakeapi.Server, w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
			fake.ServeHTTP(w, r)
		}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(url, `request_timeout = "1s"`, `max_retries = 0`) + `data "onomondo_usage" "feb" { time = "2025-02" }`,
			ExpectError: flatRegexp(`Onomondo API request timed out .* GET /usage\?filter=time:2025-02 \(page 1\) got no complete answer within request_timeout \(1s\) in 1 attempt\(s\)`),
		}},
	})
}

// flatRegexp compiles a pattern that matches across Terraform's line
// wrapping: each space in the pattern matches any run of whitespace and the
// frame characters Terraform draws.
func flatRegexp(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `[\s│]+`))
}
