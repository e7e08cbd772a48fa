package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// Every reading of the API that the public evidence allows, played by the
// fake and driven through terraform: each ends in the exact totals or a
// clear error, within a time bound. RELIABILITY.md has a row for each.

// budgetConfig reads February 2025 (about 4,800 records) in pages of 125,
// about 40 pages.
func budgetConfig(url string) string {
	return providerBlock(url) + `
data "onomondo_usage" "feb" {
  time            = "2025-02"
  limit           = 125
  include_records = false
}`
}

// readUnderBudget reads February 2025 in about 40 pages from a fake that
// allows 20 requests per 2 s window, playing the reading opts sets: the
// totals must be exact and the test must end within bound.
func readUnderBudget(t *testing.T, opts fakeapi.Options, bound time.Duration) {
	t.Helper()
	boundTime(t, bound)
	opts.RateLimit, opts.RateWindow = 20, 2*time.Second
	srv, url := newFake(t, opts)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            budgetConfig(url),
			ConfigStateChecks: febSums(srv),
			Check: func(*terraform.State) error {
				ok, limited := 0, 0
				for _, r := range srv.Requests() {
					switch r.Status {
					case http.StatusOK:
						ok++
					case http.StatusTooManyRequests:
						limited++
					}
				}
				if ok < 30 {
					return fmt.Errorf("%d pages read: the test wants a read that needs several windows", ok)
				}
				t.Logf("%d pages, %d answered 429", ok, limited)
				return nil
			},
		}},
	})
}

func TestFaults_ResetAsSecondsUntil(t *testing.T) {
	readUnderBudget(t, fakeapi.Options{ResetStyle: fakeapi.ResetDelta}, 60*time.Second)
}

func TestFaults_ResetInMilliseconds(t *testing.T) {
	readUnderBudget(t, fakeapi.Options{ResetStyle: fakeapi.ResetUnixMillis}, 60*time.Second)
}

// A server clock 90 s behind ours that writes its Date by that clock: the
// resets are read against it, and pacing is as tight as without skew.
func TestFaults_ServerClockBehindWithItsDate(t *testing.T) {
	readUnderBudget(t, fakeapi.Options{ClockSkew: -90 * time.Second, SkewedDate: true}, 60*time.Second)
}

// A server clock 90 s behind ours behind a proxy that writes a correct Date:
// every reset looks past, so none is used; the reported budget is believed
// for one API window and comes back after it.
func TestFaults_ServerClockBehindNoUsableReset(t *testing.T) {
	planPastBudget(t, fakeapi.Options{ClockSkew: -90 * time.Second})
}

// A proxy that strips x-ratelimit-remaining and -reset (keeping -limit, with
// Retry-After on 429s): the limiter's own count of sent requests decays
// over the API's 60 s window, so the budget always comes back.
func TestFaults_ProxyStripsRateHeaders(t *testing.T) {
	planPastBudget(t, fakeapi.Options{StripRateHeaders: true})
}

// planPastBudget runs one `terraform plan` of the built provider (one read,
// as a scheduled CI plan does) of February 2025 in 24 pages, from a fake
// that allows 20 requests per 2 s window and plays the reading opts sets,
// where the limiter can only fall back on its own count over the API's 60 s
// window: the read crosses the budget once, waits for it to come back (at
// most a minute), and ends with the exact totals. (Through resource.Test
// terraform would read the data source three times, three minutes.)
func planPastBudget(t *testing.T, opts fakeapi.Options) {
	boundTime(t, 150*time.Second)
	bt := newBinaryTerraform(t)
	opts.RateLimit, opts.RateWindow = 20, 2*time.Second
	srv, url := newFake(t, opts)
	work := bt.workdir(t, "budget", `
terraform {
  required_providers {
    onomondo = { source = "onomondo/onomondo" }
  }
}
provider "onomondo" {}
data "onomondo_usage" "feb" {
  time            = "2025-02"
  limit           = 200
  include_records = false
}
output "feb" {
  value = data.onomondo_usage.feb
}
`)
	env := []string{"ONOMONDO_API_KEY=" + testAPIKey, "ONOMONDO_BASE_URL=" + url}
	start := time.Now()
	if out, errOut, err := bt.run(t, work, env, "plan", "-input=false", "-no-color", "-out=plan.bin"); err != nil {
		t.Fatalf("plan: %v\n%s%s", err, out, errOut)
	}
	took := time.Since(start)
	out, errOut, err := bt.run(t, work, env, "show", "-json", "plan.bin")
	if err != nil {
		t.Fatalf("show -json: %v\n%s", err, errOut)
	}
	var plan struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value struct {
					TotalBytes  int64            `json:"total_bytes"`
					RecordCount int64            `json:"record_count"`
					BytesBySim  map[string]int64 `json:"bytes_by_sim"`
				} `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
	}
	if err := json.Unmarshal(out, &plan); err != nil {
		t.Fatal(err)
	}
	got := plan.PlannedValues.Outputs["feb"].Value
	want := sumRecords(selectRecords(srv.Fleet(), "2025-02", ""))
	if got.TotalBytes != want.total || got.RecordCount != want.count || !maps.Equal(got.BytesBySim, want.bySim) {
		t.Fatalf("plan read total %d, %d records, %d SIMs; the fleet has %d, %d, %d", got.TotalBytes, got.RecordCount, len(got.BytesBySim), want.total, want.count, len(want.bySim))
	}
	pages := 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusOK {
			pages++
		}
	}
	if pages <= 20 {
		t.Fatalf("%d pages: the read must need more than one window's budget", pages)
	}
	t.Logf("%d pages in one plan, %s", pages, took.Round(time.Millisecond))
}

// One 429 whose reset is in epoch milliseconds: the read waits until that
// reset (about 2 s), not forever, and finishes exactly.
func TestFaults_One429WithResetInMilliseconds(t *testing.T) {
	boundTime(t, 40*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultRateLimit, Delay: 2 * time.Second, Reset: fakeapi.ResetUnixMillis, After: 2, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            multiPageConfig(url),
			ConfigStateChecks: febSums(srv),
			Check:             retriedAfter(srv, http.StatusTooManyRequests, 1500*time.Millisecond, 10*time.Second),
		}},
	})
}

// A 503 with Retry-After: 3 is retried after 3 s, even though the
// rate-limit reset beside it is up to a minute away.
func TestFaults_RetryAfterOn503Wins(t *testing.T) {
	boundTime(t, 40*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503, Code: "service_unavailable", RetryAfter: 3 * time.Second, After: 1, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            multiPageConfig(url),
			ConfigStateChecks: febSums(srv),
			Check:             retriedAfter(srv, http.StatusServiceUnavailable, 2900*time.Millisecond, 8*time.Second),
		}},
	})
}

// retriedAfter checks that the request after the first answer with status
// came at least minGap and at most maxGap later.
func retriedAfter(srv *fakeapi.Server, status int, minGap, maxGap time.Duration) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := srv.Requests()
		for i, r := range reqs {
			if r.Status != status {
				continue
			}
			if i+1 == len(reqs) {
				return fmt.Errorf("the %d was never retried", status)
			}
			gap := reqs[i+1].Time.Sub(r.Time)
			if gap < minGap || gap > maxGap {
				return fmt.Errorf("the %d was retried after %s, want %s to %s", status, gap.Round(time.Millisecond), minGap, maxGap)
			}
			return nil
		}
		return fmt.Errorf("the fake never answered %d", status)
	}
}

// A tag total answered as a paged usage list is followed through every page.
func TestFaults_TagTotalPagedUsageList(t *testing.T) {
	boundTime(t, 40*time.Second)
	srv, url := newFake(t, fakeapi.Options{TagShape: fakeapi.TagShapeUsagePaged, TagPageSize: 20})
	tag := srv.Fleet().Tags[0]
	want := srv.Fleet().TagTotal(tag.ID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `data "onomondo_tag_usage" "t" { tag_id = "` + tag.ID + `" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onomondo_tag_usage.t", tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(want)),
			},
			Check: func(*terraform.State) error {
				n := 0
				for _, r := range srv.Requests() {
					if r.Path == "/usage/tag-total/"+tag.ID {
						n++
					}
				}
				if n < 3 {
					return fmt.Errorf("%d requests: the tag's records should span several pages", n)
				}
				return nil
			},
		}},
	})
}

// Records the totals cannot trust end the read with an error naming the page
// and the record's position: never counted as 0.
func TestFaults_RecordsWithoutBytesAreErrors(t *testing.T) {
	boundTime(t, 60*time.Second)
	cases := []struct {
		name  string
		fault fakeapi.Fault
		want  string
	}{
		{"bytes absent", fakeapi.Fault{Kind: fakeapi.FaultRecordNoBytes, Index: 6, After: 2, Times: 1},
			`GET /usage\?filter=time:2025-02&limit=500&next_page=\S+ \(page 3\) answered HTTP 200, but the body is not the JSON the provider expects: record 7 of the page has no "bytes"`},
		{"bytes null", fakeapi.Fault{Kind: fakeapi.FaultRecordNullBytes, Index: 0, After: 1, Times: 1},
			`\(page 2\) answered HTTP 200, but the body is not the JSON the provider expects: record 1 of the page has "bytes": null`},
		{"null in place of a record", fakeapi.Fault{Kind: fakeapi.FaultNullRecord, Index: -1, Times: 1},
			`\(page 1\) answered HTTP 200, but the body is not the JSON the provider expects: record 500 of the page is null`},
		{"bytes not a whole number", fakeapi.Fault{Kind: fakeapi.FaultBadBytes, RawBytes: `"12.5"`, Index: 3, Times: 1},
			`record 4 of the page: "bytes" "12.5" is a string that is not decimal digits, expected a whole non-negative number of bytes`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := newFake(t, fakeapi.Options{})
			srv.InjectFault(tc.fault)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      multiPageConfig(url, `max_retries = 0`),
					ExpectError: flatRegexp(`Unexpected answer from the Onomondo API .* ` + tc.want),
				}},
			})
		})
	}
}

// Pagination that gives next_page without has_more, or contradicts itself
// (has_more false with a cursor), still reads every page exactly once.
func TestFaults_PaginationReadings(t *testing.T) {
	boundTime(t, 60*time.Second)
	for name, fault := range map[string]fakeapi.Fault{
		"next_page without has_more":    {Kind: fakeapi.FaultNoHasMore},
		"last page without pagination":  {Kind: fakeapi.FaultLastNoPagination},
		"has_more false with next_page": {Kind: fakeapi.FaultHasMoreFalseWithCursor},
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := newFake(t, fakeapi.Options{})
			srv.InjectFault(fault)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            multiPageConfig(url),
					ConfigStateChecks: febSums(srv),
				}},
			})
		})
	}
}

// Country codes sent in upper case are lower-cased in bytes_by_country (and
// in records), as the docs promise: lookup(..., "dk", 0) finds them.
func TestFaults_UpperCaseCountryCodes(t *testing.T) {
	boundTime(t, 40*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultUpperCountry})
	want := sumRecords(selectRecords(srv.Fleet(), "2025-02", ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: multiPageConfig(url) + `
output "dk" {
  value = lookup(data.onomondo_usage.feb.bytes_by_country, "dk", 0)
}`,
			ConfigStateChecks: append(febSums(srv),
				statecheck.ExpectKnownOutputValue("dk", knownvalue.Int64Exact(want.byCountry["dk"]))),
		}},
	})
}

// A month with no usage, answered {"usage": []} with no pagination, is an
// empty result: zero totals, not an error.
func TestFaults_EmptyListWithoutPagination(t *testing.T) {
	boundTime(t, 30*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultEmptyNoPagination})
	const addr = "data.onomondo_usage.empty"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `data "onomondo_usage" "empty" { time = "2024-06" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("record_count"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("pagination").AtMapKey("has_more"), knownvalue.Bool(false)),
			},
		}},
	})
}

// Fresh cursors that keep returning the same records end in an error within
// seconds, naming the page.
func TestFaults_FreshCursorsSameRecords(t *testing.T) {
	boundTime(t, 30*time.Second)
	srv, url := newFake(t, fakeapi.Options{})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultFreshCursor})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      multiPageConfig(url),
			ExpectError: flatRegexp(`Onomondo API pagination is broken .* GET /usage\?filter=time:2025-02&limit=500&next_page=\S+ \(page 2\): page 2 holds the same 500 records as page 1 although its cursor was new`),
		}},
	})
	if n := len(srv.Requests()); n > 3 {
		t.Errorf("%d requests: the read should stop at the first repeat", n)
	}
}
