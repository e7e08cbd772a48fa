package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

func TestUsageDataSource_ArgumentsReachTheAPI(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	sim := srv.Fleet().SIMs[3].ID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// One filter: filter=key:value.
				Config: providerBlock(url) + `
data "onomondo_usage" "one" {
  time            = "2025-02-03"
  include_records = false
}`,
				Check: expectQueries(srv, "/usage", "filter=time:2025-02-03"),
			},
			{
				PreConfig: srv.ResetRequests,
				// Several filters: repeated filter[], lower-cased country,
				// and every paging parameter.
				Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "many" {
  time            = "2025-02"
  sim_id          = %q
  country_code    = "DK"
  limit           = 7
  offset          = 2
  group           = "hours"
  max_records     = 7
  include_records = false
}`, sim),
				Check: expectQueries(srv, "/usage",
					"filter[]=time:2025-02&filter[]=sim_id:"+sim+"&filter[]=country_code:dk&limit=7&offset=2&group=hours"),
			},
		},
	})
}

func TestUsageDataSource_NextPageReachesTheAPI(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	var cursor string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_usage" "first" {
  country_code    = "de"
  limit           = 5
  max_records     = 5
  include_records = false
}
data "onomondo_usage" "next" {
  country_code    = "de"
  limit           = 5
  max_records     = 5
  next_page       = data.onomondo_usage.first.pagination.next_page
  include_records = false
}`,
			Check: func(s *terraform.State) error {
				cursor = s.RootModule().Resources["data.onomondo_usage.first"].Primary.Attributes["pagination.next_page"]
				if cursor == "" {
					return fmt.Errorf("first read has no next_page")
				}
				return expectQueries(srv, "/usage", "filter=country_code:de&limit=5", "filter=country_code:de&limit=5&next_page="+cursor)(s)
			},
		}},
	})
}

func TestUsageDataSource_MultiPageTotalsMatchTheFleet(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	want := sumRecords(selectRecords(srv.Fleet(), "2025-02", ""))
	if want.count < 300 {
		t.Fatalf("fleet too small for a multi-page test: %d records", want.count)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_usage" "feb" {
  time            = "2025-02"
  limit           = 1000
  include_records = false
}`,
			ConfigStateChecks: append(sumChecks("data.onomondo_usage.feb", want, true),
				statecheck.ExpectKnownValue("data.onomondo_usage.feb", tfjsonpath.New("records"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.onomondo_usage.feb", tfjsonpath.New("limit"), knownvalue.Int64Exact(1000)),
				statecheck.ExpectKnownValue("data.onomondo_usage.feb", tfjsonpath.New("include_records"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.onomondo_usage.feb", tfjsonpath.New("pagination"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"has_more":  knownvalue.Bool(false),
					"next_page": knownvalue.Null(),
				})),
			),
			Check: func(*terraform.State) error {
				pages := 0
				for _, r := range srv.Requests() {
					if r.Path == "/usage" && r.Status == 200 {
						pages++
					}
				}
				if pages < 3 {
					return fmt.Errorf("only %d pages were read; the test needs at least 3", pages)
				}
				return nil
			},
		}},
	})
}

func TestUsageDataSource_RecordsAreTyped(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	first := f.Records[0]
	day := first.Time.Format("2006-01-02")
	recs := selectRecords(f, day, first.SimID)
	want := sumRecords(recs)
	r0 := recs[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "day" {
  time   = %q
  sim_id = %q
}`, day, first.SimID),
			ConfigStateChecks: append(sumChecks("data.onomondo_usage.day", want, true),
				statecheck.ExpectKnownValue("data.onomondo_usage.day", tfjsonpath.New("include_records"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.onomondo_usage.day", tfjsonpath.New("records"), knownvalue.ListSizeExact(len(recs))),
				statecheck.ExpectKnownValue("data.onomondo_usage.day", tfjsonpath.New("records").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"time":         knownvalue.StringExact(r0.Time.UTC().Format("2006-01-02T15:04:05Z")),
					"bill_id":      knownvalue.StringExact(r0.BillID),
					"sim_id":       knownvalue.StringExact(r0.SimID),
					"iccid":        knownvalue.StringExact(r0.ICCID),
					"session_id":   knownvalue.StringExact(r0.SessionID),
					"bytes":        knownvalue.Int64Exact(r0.Bytes),
					"country_code": knownvalue.StringExact(r0.CountryCode),
					"network_type": knownvalue.StringExact(r0.NetworkType),
					"mcc":          knownvalue.StringExact(r0.MCC),
					"mnc":          knownvalue.StringExact(r0.MNC),
				})),
			),
		}},
	})
}

func TestUsageDataSource_MaxRecordsThenResumeAddsUp(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	all := selectRecords(srv.Fleet(), "2025-03", "")
	const capAt = 250 // inside the third page of 100
	head, tail := sumRecords(all[:capAt]), sumRecords(all[capAt:])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "head" {
  time            = "2025-03"
  limit           = 100
  max_records     = %d
  include_records = false
}
data "onomondo_usage" "tail" {
  time            = "2025-03"
  limit           = 100
  next_page       = data.onomondo_usage.head.pagination.next_page
  include_records = false
}
data "onomondo_usage" "whole" {
  time            = "2025-03"
  include_records = false
}
output "adds_up" {
  value = (data.onomondo_usage.head.total_bytes + data.onomondo_usage.tail.total_bytes == data.onomondo_usage.whole.total_bytes &&
  data.onomondo_usage.head.record_count + data.onomondo_usage.tail.record_count == data.onomondo_usage.whole.record_count)
}`, capAt),
			ConfigStateChecks: append(append(append(
				sumChecks("data.onomondo_usage.head", head, true),
				sumChecks("data.onomondo_usage.tail", tail, true)...),
				sumChecks("data.onomondo_usage.whole", sumRecords(all), true)...),
				statecheck.ExpectKnownValue("data.onomondo_usage.head", tfjsonpath.New("pagination").AtMapKey("has_more"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.onomondo_usage.head", tfjsonpath.New("pagination").AtMapKey("next_page"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.onomondo_usage.tail", tfjsonpath.New("pagination").AtMapKey("has_more"), knownvalue.Bool(false)),
				statecheck.ExpectKnownOutputValue("adds_up", knownvalue.Bool(true)),
			),
			// The page that holds record 250 is asked for only the 50
			// records still wanted, so its cursor is exactly where reading stopped.
			Check: expectSomeQuery(srv, "/usage", `^filter=time:2025-03&limit=50&next_page=[^&]+$`),
		}},
	})
}

func TestUsageDataSource_GroupHours(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	sim := f.SIMs[0].ID
	raw := selectRecords(f, "2025-01", sim)
	want := sumRecords(raw)
	groups := map[string]bool{}
	for _, r := range raw {
		groups[fmt.Sprintf("%s|%s|%s|%s|%s|%s", r.SimID, r.Time.Format("2006-01-02T15"), r.CountryCode, r.NetworkType, r.MCC, r.MNC)] = true
	}
	want.count = int64(len(groups))
	if want.count >= int64(len(raw)) {
		t.Fatalf("fleet has no hour with two chunks for SIM %s; the test would prove nothing", sim)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_usage" "hourly" {
  time   = "2025-01"
  sim_id = %q
  group  = "hours"
}`, sim),
			ConfigStateChecks: append(sumChecks("data.onomondo_usage.hourly", want, true),
				statecheck.ExpectKnownValue("data.onomondo_usage.hourly", tfjsonpath.New("records").AtSliceIndex(0).AtMapKey("bill_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.onomondo_usage.hourly", tfjsonpath.New("records").AtSliceIndex(0).AtMapKey("time"), knownvalue.StringRegexp(regexp.MustCompile(`^2025-01-\d\dT\d\d:00:00Z$`))),
			),
		}},
	})
}

func TestUsageDataSource_Offset(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	all := selectRecords(srv.Fleet(), "2025-04-02", "")
	want := sumRecords(all[10:])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_usage" "skip" {
  time            = "2025-04-02"
  offset          = 10
  limit           = 40
  include_records = false
}`,
			ConfigStateChecks: sumChecks("data.onomondo_usage.skip", want, true),
		}},
	})
}

func TestUsageDataSource_InvalidInputRefusedAtPlanTime(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	cases := []struct{ body, want string }{
		{`time = "2024-02-30"`, `"2024-02-30" is not a real date`},
		{`time = "2025-3"`, `not a usage period`},
		{`sim_id = "12345"`, `not a SIM id`},
		{`country_code = "xx"`, `not an assigned ISO 3166-1`},
		{`country_code = "dnk"`, `not a country code`},
		{`time = "2025"` + "\n" + `group = "days"`, `value must be one of`},
		{`time = "2025"` + "\n" + `limit = 0`, `limit.*between 1 and 1000`},
		{`time = "2025"` + "\n" + `limit = 1001`, `limit.*between 1 and 1000`},
		{`time = "2025"` + "\n" + `offset = -1`, `offset.*at least 0`},
		{`time = "2025"` + "\n" + `max_records = 0`, `max_records.*at least 1`},
		{`time = "2025"` + "\n" + `next_page = ""`, `next_page is empty`},
		{`time = "2025"` + "\n" + `next_page = "abc"` + "\n" + `offset = 3`, `cannot be specified when`},
		{`include_records = false`, `At least one of these attributes must be configured:\s+\[time,since,sim_id,country_code\]`},
		// Windows and tags: several reads, so no paging arguments; since
		// replaces time; until needs since; an empty window.
		{`time = "2025-03"` + "\n" + `since = "2025-03-01T00:00:00Z"`, `"time" cannot be specified when "since" is specified`},
		{`since = "2025-03-01T00:00:00Z"` + "\n" + `offset = 3`, `offset cannot be combined with since: a window is read as one paged read per period`},
		{`since = "2025-03-01T00:00:00Z"` + "\n" + `next_page = "abc"`, `next_page cannot be combined with since`},
		{`since = "2025-03-01T00:00:00Z"` + "\n" + `max_records = 10`, `max_records cannot be combined with since`},
		{`time = "2025-03"` + "\n" + `tag_names = ["production"]` + "\n" + `max_records = 10`, `max_records cannot be combined with tag_names`},
		{`time = "2025-03"` + "\n" + `tag_ids = ["3f2b8c1e-5d4a-4f6b-9c2d-1a2b3c4d5e6f"]` + "\n" + `offset = 1`, `offset cannot be combined with tag_ids`},
		{`sim_id = "000012345"` + "\n" + `tag_names = ["production"]`, `"sim_id" cannot be specified when "tag_names" is specified`},
		{`time = "2025-03"` + "\n" + `tag_names = []`, `tag_names set must contain at least 1 elements`},
		{`time = "2025-03"` + "\n" + `tag_ids = ["production"]`, `"production" is not a tag id`},
		{`time = "2025-03"` + "\n" + `until = "2025-03-02T00:00:00Z"`, `"since" must be specified when "until" is specified`},
		{`since = "2025-03-01 00:00:00"`, `Invalid value for since`},
		{`since = "2025-03-01T00:00:00"`, `Invalid value for since`},
		{`since = "2025-03-02T00:00:00Z"` + "\n" + `until = "2025-03-02T00:00:00+01:00"`, `Empty time window`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      providerBlock(url) + "data \"onomondo_usage\" \"bad\" {\n" + tc.body + "\n}",
			ExpectError: flatRegexp(tc.want),
		})
	}
	steps = append(steps,
		resource.TestStep{
			Config:      providerBlock(url) + `data "onomondo_sim_usage" "bad" { sim_id = "1234567890" }`,
			ExpectError: regexp.MustCompile(`neither a SIM id`),
		},
		resource.TestStep{
			Config: providerBlock(url) + `data "onomondo_sim_usage" "bad" {
  sim_id      = "000012345"
  since       = "2025-03-01T00:00:00Z"
  max_records = 5
}`,
			ExpectError: regexp.MustCompile(`max_records cannot be combined with since`),
		},
		resource.TestStep{
			Config:      providerBlock(url) + `data "onomondo_tag_usage" "bad" { tag_id = "fleet-a" }`,
			ExpectError: regexp.MustCompile(`not a tag id`),
		},
	)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	noRequests(t, srv)
}

func TestUsageDataSource_UnknownArgumentDefersTheRead(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	want := sumRecords(selectRecords(srv.Fleet(), "2025-01", ""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
resource "terraform_data" "period" {
  input = "2025-01"
}
data "onomondo_usage" "later" {
  time            = terraform_data.period.output
  include_records = false
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("data.onomondo_usage.later", tfjsonpath.New("total_bytes")),
				},
			},
			ConfigStateChecks: sumChecks("data.onomondo_usage.later", want, true),
		}},
	})
}

func TestUsageDataSource_PlanTimestampMonth(t *testing.T) {
	_, url := newFake(t, fakeapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_usage" "this_month" {
  time            = formatdate("YYYY-MM", plantimestamp())
  include_records = false
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onomondo_usage.this_month", tfjsonpath.New("time"), knownvalue.StringExact(currentMonth())),
				// The fake fleet holds no usage this month: a complete, empty read.
				statecheck.ExpectKnownValue("data.onomondo_usage.this_month", tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue("data.onomondo_usage.this_month", tfjsonpath.New("record_count"), knownvalue.Int64Exact(0)),
			},
		}},
	})
}

// TestUsageDataSource_SimIDPaddingHint: a SIM id that lost its leading zeros
// (a spreadsheet column, or an unquoted number) is refused at plan time with
// the zero-padded id as a hint, before any request.
func TestUsageDataSource_SimIDPaddingHint(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	cases := []struct{ value, padded string }{
		{`"123"`, "000000123"},
		{`5840`, "000005840"}, // an HCL number, converted to "5840"
		{`"12345678"`, "012345678"},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: providerBlock(url) + "data \"onomondo_usage\" \"one\" {\n  time   = \"2025-03\"\n  sim_id = " + c.value + "\n}",
			ExpectError: regexp.MustCompile(`Invalid value for sim_id[\s\S]*` +
				wrappedText(`is not a SIM id: a SIM id is exactly 9 digits, zero padded (for example "000012345"); did you mean "`+c.padded+`"?`).String()),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	noRequests(t, srv)
}
