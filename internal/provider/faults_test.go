package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// The fault-injection suite: a misbehaving API must end every read in the
// right number or a clear error, never a wrong number, a hang or a leak.
// Each test bounds its own run time.

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

// multiPageConfig reads February 2025 in pages of 500 (about ten pages).
func multiPageConfig(url string, extra ...string) string {
	return providerBlock(url, extra...) + `
data "onomondo_usage" "feb" {
  time            = "2025-02"
  limit           = 500
  include_records = false
}`
}

func febSums(srv *fakeapi.Server) []statecheck.StateCheck {
	return sumChecks("data.onomondo_usage.feb", sumRecords(selectRecords(srv.Fleet(), "2025-02", "")), true)
}

func TestFaults_RateLimitWaitsForReset(t *testing.T) {
	boundTime(t, 40*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	const delay = 3 * time.Second
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultRateLimit, Delay: delay, After: 2, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            multiPageConfig(url),
			ConfigStateChecks: febSums(srv),
			Check: func(*terraform.State) error {
				reqs := srv.Requests()
				for i, r := range reqs {
					if r.Status != 429 {
						continue
					}
					if i+1 >= len(reqs) {
						return fmt.Errorf("no request after the 429")
					}
					// The fake announced now+3s rounded up to a whole second;
					// this is a lower bound of that instant.
					reset := time.Unix(r.Time.Add(delay).Unix(), 0)
					if r.Time.Add(delay).After(reset) {
						reset = reset.Add(time.Second)
					}
					next := reqs[i+1]
					if next.Time.Before(reset) {
						return fmt.Errorf("retried at %s, before the announced reset %s", next.Time.Format(time.StampMilli), reset.Format(time.StampMilli))
					}
					if next.RawQuery != r.RawQuery {
						return fmt.Errorf("after the 429 the provider asked %q, not the same page %q", next.RawQuery, r.RawQuery)
					}
					return nil
				}
				return fmt.Errorf("the fake never answered 429")
			},
		}},
	})
}

func TestFaults_ServerErrorsMidReadRetryThePage(t *testing.T) {
	boundTime(t, 40*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503, After: 3, Times: 2})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            multiPageConfig(url),
			ConfigStateChecks: febSums(srv),
			Check: func(*terraform.State) error {
				reqs := srv.Requests()
				if len(reqs) < 6 || reqs[3].Status != 503 || reqs[4].Status != 503 || reqs[5].Status != 200 {
					return fmt.Errorf("want requests 4 and 5 answered 503 and 6 answered 200, got %v", statuses(reqs))
				}
				if reqs[3].RawQuery != reqs[4].RawQuery || reqs[4].RawQuery != reqs[5].RawQuery || !strings.Contains(reqs[3].RawQuery, "next_page=") {
					return fmt.Errorf("the failed page was not the one retried: %q %q %q", reqs[3].RawQuery, reqs[4].RawQuery, reqs[5].RawQuery)
				}
				return nil
			},
		}},
	})
}

func queries(reqs []fakeapi.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.RawQuery
	}
	return out
}

func statuses(reqs []fakeapi.Request) []int {
	out := make([]int, len(reqs))
	for i, r := range reqs {
		out[i] = r.Status
	}
	return out
}

func TestFaults_ConnectionResetOnceIsRetried(t *testing.T) {
	boundTime(t, 30*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultResetConnection, After: 1, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            multiPageConfig(url),
			ConfigStateChecks: febSums(srv),
			Check: func(*terraform.State) error {
				// The second request was cut off; the third must ask for the
				// same page again, and the fourth move on.
				reqs := srv.Requests()
				if len(reqs) < 4 || reqs[1].RawQuery != reqs[2].RawQuery || reqs[2].RawQuery == reqs[3].RawQuery {
					return fmt.Errorf("the broken page was not retried exactly once: %v", queries(reqs))
				}
				return nil
			},
		}},
	})
}

// Faults that persist end the read with a clear error naming the endpoint
// and the status.
func TestFaults_BadAnswersAreClearErrors(t *testing.T) {
	boundTime(t, 60*time.Second)
	cases := []struct {
		name  string
		fault fakeapi.Fault
		want  string
	}{
		{"connection reset mid-body", fakeapi.Fault{Kind: fakeapi.FaultResetConnection},
			`Connection to the Onomondo API broke off .* GET /usage\?filter=time:2025-02&limit=500 \(page 1\) answered HTTP 200, but the connection broke off while the answer was read`},
		{"truncated JSON", fakeapi.Fault{Kind: fakeapi.FaultTruncated},
			`Unexpected answer from the Onomondo API .* GET /usage\?filter=time:2025-02&limit=500 \(page 1\) answered HTTP 200, but the body is not the JSON the provider expects: the JSON ends early \(truncated\)`},
		{"HTML 502 page", fakeapi.Fault{Kind: fakeapi.FaultHTML, Status: 502},
			`Onomondo API server error .* GET /usage\?filter=time:2025-02&limit=500 \(page 1\) answered HTTP 502\. .* The body began: "<html>`},
		{"empty 200 body", fakeapi.Fault{Kind: fakeapi.FaultEmptyBody},
			`GET /usage\?filter=time:2025-02&limit=500 \(page 1\) answered HTTP 200, but the body is not the JSON the provider expects: the body is empty`},
		{"repeating cursor", fakeapi.Fault{Kind: fakeapi.FaultRepeatCursor},
			`Onomondo API pagination is broken .* GET /usage\?filter=time:2025-02&limit=500&next_page=\S+ \(page 2\): page 2 returned the same next_page cursor as page 1`},
		{"has_more without cursor", fakeapi.Fault{Kind: fakeapi.FaultMissingCursor},
			`Onomondo API pagination is broken .* GET /usage\?filter=time:2025-02&limit=500 \(page 1\): page 1 says has_more but gives no next_page cursor`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := newFake(t, fakeapi.Options{})
			srv.InjectFault(tc.fault)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      multiPageConfig(url, `max_retries = 0`),
					ExpectError: flatRegexp(tc.want),
				}},
			})
			if n := len(srv.Requests()); n > 3 {
				t.Errorf("%d requests: the read should stop at once", n)
			}
		})
	}
}

// TestFaults_BytesAsDigitStringsAreReadExactly: an API (or proxy) that
// quotes every "bytes" ("1424843") gives the same exact totals.
func TestFaults_BytesAsDigitStringsAreReadExactly(t *testing.T) {
	boundTime(t, 40*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultWrongType})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            multiPageConfig(url),
			ConfigStateChecks: febSums(srv),
			Check: func(*terraform.State) error {
				if n := len(srv.Requests()); n < 2 {
					return fmt.Errorf("%d requests: want a multi-page read", n)
				}
				return nil
			},
		}},
	})
}

func TestFaults_SlowServerTimesOut(t *testing.T) {
	boundTime(t, 20*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultSlow, Delay: 30 * time.Second})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      multiPageConfig(url, `request_timeout = "1s"`, `max_retries = 1`),
			ExpectError: flatRegexp(`Onomondo API request timed out .* GET /usage\?filter=time:2025-02&limit=500 \(page 1\) got no complete answer within request_timeout \(1s\) in 2 attempt\(s\)`),
		}},
	})
}

func TestFaults_ManyReadsShareOneRateLimitBudget(t *testing.T) {
	boundTime(t, 90*time.Second)
	srv, url := newFake(t, fakeapi.Options{RateLimit: 30, RateWindow: 2 * time.Second})
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
				reqs := srv.Requests()
				limited := 0
				for _, r := range reqs {
					if r.Status == 429 {
						limited++
					}
				}
				t.Logf("%d requests, %d answered 429", len(reqs), limited)
				if len(reqs) <= 30 {
					return fmt.Errorf("only %d requests: the test must need several rate-limit windows", len(reqs))
				}
				if limited > 1 {
					return fmt.Errorf("%d requests were answered 429; pacing on x-ratelimit-remaining should keep that near zero", limited)
				}
				return nil
			},
		}},
	})
}

// flatRegexp compiles a pattern that matches across Terraform's line
// wrapping: each space in the pattern matches any run of whitespace and the
// frame characters Terraform draws.
func flatRegexp(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `[\s│]+`))
}
