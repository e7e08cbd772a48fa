package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// What a window read must count is worked out here from the fake's fleet:
// the records whose start time t has since <= t < until.

// windowRecords are the fleet's records that start in [since, until), of
// one SIM (by id) or of all ("").
func windowRecords(f *fakeapi.Fleet, since, until time.Time, sim string) []fakeapi.Record {
	var out []fakeapi.Record
	for _, r := range f.Records {
		if !r.Time.Before(since) && r.Time.Before(until) && (sim == "" || r.SimID == sim) {
			out = append(out, r)
		}
	}
	return out
}

// timeFilters are the distinct time filters of the usage reads the fake
// saw on path, in the order they first arrived.
func timeFilters(srv *fakeapi.Server, path string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Path != path {
			continue
		}
		for _, f := range append(r.Query["filter"], r.Query["filter[]"]...) {
			if v, ok := strings.CutPrefix(f, "time:"); ok && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

func expectTimeFilters(srv *fakeapi.Server, path string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got := timeFilters(srv, path); !slices.Equal(got, want) {
			return fmt.Errorf("the reads on %s asked for the periods %q, want %q", path, got, want)
		}
		return nil
	}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// A window's edges to the second: a record exactly at since counts, one
// exactly at until does not; one second later, the other way round. The
// window spans three days, read as three day periods.
func TestUsageDataSource_WindowEdgesToTheSecond(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	day := selectRecords(f, "2025-02-10", "")
	last := selectRecords(f, "2025-02-12", "")
	since, until := day[len(day)/2].Time, last[len(last)/2].Time
	at := windowRecords(f, since, until, "")
	later := windowRecords(f, since.Add(time.Second), until.Add(time.Second), "")
	if !at[0].Time.Equal(since) || slices.ContainsFunc(at, func(r fakeapi.Record) bool { return r.Time.Equal(until) }) ||
		later[0].Time.Equal(since) || !later[len(later)-1].Time.Equal(until) {
		t.Fatal("the edges of the window do not fall on records: the test proves less than it says")
	}
	sim := at[0].SimID
	one := windowRecords(f, since, until, sim)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "at" {
  since = %q
  until = %q
}
data "onomondo_usage" "later" {
  since           = %q
  until           = %q
  include_records = false
}
# The same window in another zone is the same instants.
data "onomondo_sim_usage" "one" {
  sim_id          = %q
  since           = %q
  until           = %q
  include_records = false
}`, rfc3339(since), rfc3339(until), rfc3339(since.Add(time.Second)), rfc3339(until.Add(time.Second)),
				sim, since.In(time.FixedZone("", 2*3600)).Format(time.RFC3339), rfc3339(until)),
			ConfigStateChecks: append(append(append(
				sumChecks("data.onomondo_usage.at", sumRecords(at), true),
				sumChecks("data.onomondo_usage.later", sumRecords(later), true)...),
				sumChecks("data.onomondo_sim_usage.one", sumRecords(one), false)...),
				statecheck.ExpectKnownValue("data.onomondo_usage.at", tfjsonpath.New("records").AtSliceIndex(0).AtMapKey("time"), knownvalue.StringExact(rfc3339(since))),
				statecheck.ExpectKnownValue("data.onomondo_usage.at", tfjsonpath.New("records"), knownvalue.ListSizeExact(len(at))),
				statecheck.ExpectKnownValue("data.onomondo_usage.at", tfjsonpath.New("until"), knownvalue.StringExact(rfc3339(until))),
				statecheck.ExpectKnownValue("data.onomondo_usage.at", tfjsonpath.New("pagination"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"has_more": knownvalue.Bool(false), "next_page": knownvalue.Null(),
				})),
			),
			Check: resource.ComposeAggregateTestCheckFunc(
				expectTimeFilters(srv, "/usage", "2025-02-10", "2025-02-11", "2025-02-12"),
				expectTimeFilters(srv, "/usage/"+sim, "2025-02-10", "2025-02-11", "2025-02-12"),
			),
		}},
	})
}

// A window across two month boundaries is read as the days at its ends and
// the whole month inside it, as window.Cover says; with group = "hours" a
// record is an hour and counts by the hour's start.
func TestUsageDataSource_WindowAcrossMonths(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	since := time.Date(2025, 1, 30, 13, 30, 0, 0, time.UTC)
	until := time.Date(2025, 3, 2, 5, 30, 0, 0, time.UTC)
	want := sumRecords(windowRecords(f, since, until, ""))

	// group = "hours": the fake sums each SIM's hour (per country and
	// network); the hour counts when it starts in the window. The SIM is
	// one with records in the hours the window's edges cut, so that the
	// hourly total differs from the exact one.
	var sim string
	var hourly sums
	for _, s := range f.SIMs {
		groups := map[string]bool{}
		var plain []fakeapi.Record
		for _, r := range f.RecordsOf(s.ID) {
			if h := r.Time.Truncate(time.Hour); !h.Before(since) && h.Before(until) {
				plain = append(plain, r)
				groups[fmt.Sprintf("%s|%s|%s|%s|%s", h, r.CountryCode, r.NetworkType, r.MCC, r.MNC)] = true
			}
		}
		hourly = sumRecords(plain)
		hourly.count = int64(len(groups))
		if sumRecords(windowRecords(f, since, until, s.ID)).total != hourly.total {
			sim = s.ID
			break
		}
	}
	if sim == "" {
		t.Fatal("no SIM has records in the hours cut by the window's edges: the hourly case proves nothing")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "months" {
  since           = %q
  until           = %q
  include_records = false
}
data "onomondo_sim_usage" "hourly" {
  sim_id          = %q
  since           = %q
  until           = %q
  group           = "hours"
  include_records = false
}`, rfc3339(since), rfc3339(until), sim, rfc3339(since), rfc3339(until)),
			ConfigStateChecks: append(sumChecks("data.onomondo_usage.months", want, true),
				sumChecks("data.onomondo_sim_usage.hourly", hourly, false)...),
			Check: resource.ComposeAggregateTestCheckFunc(
				expectTimeFilters(srv, "/usage", "2025-01-30", "2025-01-31", "2025-02", "2025-03-01", "2025-03-02"),
				expectSomeQuery(srv, "/usage/"+sim, `^filter=time:2025-02&group=hours$`),
			),
		}},
	})
}

// Without until, the window ends at the time of the read, which is stored
// in until.
func TestUsageDataSource_WindowUntilDefaultsToTheRead(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	since := time.Date(2025, 4, 30, 12, 0, 0, 0, time.UTC)
	want := sumRecords(windowRecords(srv.Fleet(), since, time.Now().Add(time.Hour), ""))
	start := time.Now().UTC()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "since" {
  since           = %q
  include_records = false
}`, rfc3339(since)),
			ConfigStateChecks: sumChecks("data.onomondo_usage.since", want, true),
			Check: func(s *terraform.State) error {
				got := s.RootModule().Resources["data.onomondo_usage.since"].Primary.Attributes["until"]
				until, err := time.Parse(time.RFC3339Nano, got)
				if err != nil || until.Before(start) || until.After(time.Now()) {
					return fmt.Errorf("until = %q (%v), want the time of the read, between %s and now", got, err, start)
				}
				// The cover runs from 2025-04-30 to today.
				periods := timeFilters(srv, "/usage")
				if periods[0] != "2025-04-30" || periods[len(periods)-1] != until.Format(time.DateOnly) {
					return fmt.Errorf("periods read %q", periods)
				}
				return nil
			},
		}},
	})
}

// exampleWithTime reads a documentation example and pins its
// plantimestamp() to at, adding until = at after its since line.
func exampleWithTime(t *testing.T, path string, at time.Time) string {
	t.Helper()
	src := examplePattern(t, path, "")
	const since = `since           = timeadd(plantimestamp(), "-24h")`
	if strings.Count(src, since) != 1 {
		t.Fatalf("%s: want exactly one %s", path, since)
	}
	pinned := fmt.Sprintf("since           = timeadd(%q, \"-24h\")\n  until           = %q", rfc3339(at), rfc3339(at))
	return strings.Replace(src, since, pinned, 1)
}

// The documentation's runaway-SIM pattern names exactly the SIMs over
// 10 MB in the 24 hours before the plan, counted by hour (group = "hours"),
// worked out here from the fleet.
func TestUsageDataSource_RunawaySIMsExample(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	at := time.Date(2025, 3, 14, 9, 41, 7, 0, time.UTC)
	bySim := map[string]int64{}
	for _, r := range srv.Fleet().Records {
		if h := r.Time.Truncate(time.Hour); !h.Before(at.Add(-24*time.Hour)) && h.Before(at) {
			bySim[r.SimID] += r.Bytes
		}
	}
	want := map[string]knownvalue.Check{}
	for id, b := range bySim {
		if b > 10_000_000 {
			want[id] = knownvalue.Int64Exact(b)
		}
	}
	if len(want) == 0 || len(want) == len(bySim) {
		t.Fatalf("%d of %d SIMs over 10 MB: the test proves nothing", len(want), len(bySim))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks, // the example calls parse_bytes
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock(url) + exampleWithTime(t, "data-sources/onomondo_usage/runaway.tf", at),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("runaway_sims", knownvalue.MapExact(want))},
			Check:             expectTimeFilters(srv, "/usage", "2025-03-13", "2025-03-14"),
		}},
	})
}
