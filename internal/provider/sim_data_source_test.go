package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// simTopLevelChecks expects every attribute of an onomondo_sim read of sim.
func simTopLevelChecks(srv *fakeapi.Server, addr string, sim fakeapi.SIM) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for name, check := range wantSIMAttrs(srv, sim) {
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), check))
	}
	return checks
}

// firstSIM is the first SIM of the fleet that keep says yes to.
func firstSIM(t *testing.T, f *fakeapi.Fleet, what string, keep func(fakeapi.SIM) bool) fakeapi.SIM {
	t.Helper()
	i := slices.IndexFunc(f.SIMs, keep)
	if i < 0 {
		t.Fatalf("the fleet has no SIM %s", what)
	}
	return f.SIMs[i]
}

func TestSimDataSource_ByIDAndByICCID(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	online := firstSIM(t, f, "online with a label", func(s fakeapi.SIM) bool { return s.Online && s.Label != "" && len(s.Tags) == 2 })
	offline := firstSIM(t, f, "offline", func(s fakeapi.SIM) bool { return !s.Online && s.DataLimit != nil })
	unlabeled := firstSIM(t, f, "without a label", func(s fakeapi.SIM) bool { return s.Label == "" })
	checks := simTopLevelChecks(srv, "data.onomondo_sim.online", online)
	checks = append(checks, simTopLevelChecks(srv, "data.onomondo_sim.offline_by_iccid", offline)...)
	checks = append(checks, simTopLevelChecks(srv, "data.onomondo_sim.unlabeled", unlabeled)...)
	checks = append(checks, statecheck.ExpectKnownValue("data.onomondo_sim.offline_by_iccid", tfjsonpath.New("sim_id"), knownvalue.StringExact(offline.ICCID)))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_sim" "online" {
  sim_id = %q
}
data "onomondo_sim" "offline_by_iccid" {
  sim_id = %q
}
data "onomondo_sim" "unlabeled" {
  sim_id = %q
}`, online.ID, offline.ICCID, unlabeled.ID),
			ConfigStateChecks: checks,
			Check:             expectQueries(srv, "/sims/"+offline.ICCID, ""),
		}},
	})
}

// A SIM without a data limit has data_limit = null; one whose use the API
// does not report has data_limit.used = null: in both data sources.
func TestSimDataSource_NoDataLimitAndUsedNull(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	noLimit := firstSIM(t, f, "without a data limit", func(s fakeapi.SIM) bool { return s.DataLimit == nil && len(s.Tags) > 0 })
	usedNull := firstSIM(t, f, "with used null", func(s fakeapi.SIM) bool { return s.DataLimit != nil && s.DataLimit.UsedNull })
	idx := func(id string) int {
		return slices.IndexFunc(f.SIMs, func(s fakeapi.SIM) bool { return s.ID == id })
	}
	all := tfjsonpath.New("sims")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_sim" "no_limit" {
  sim_id = %q
}
data "onomondo_sim" "used_null" {
  sim_id = %q
}
data "onomondo_sims" "all" {}

output "no_limit_is_safe" {
  # The guard the docs teach: no error, false.
  value = data.onomondo_sim.no_limit.data_limit == null ? false : data.onomondo_sim.no_limit.data_limit.used > 0
}`, noLimit.ID, usedNull.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onomondo_sim.no_limit", tfjsonpath.New("data_limit"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.onomondo_sim.used_null", tfjsonpath.New("data_limit").AtMapKey("used"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.onomondo_sim.used_null", tfjsonpath.New("data_limit").AtMapKey("total"), knownvalue.Int64Exact(usedNull.DataLimit.Total)),
				statecheck.ExpectKnownValue("data.onomondo_sims.all", all.AtSliceIndex(idx(noLimit.ID)).AtMapKey("data_limit"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.onomondo_sims.all", all.AtSliceIndex(idx(usedNull.ID)).AtMapKey("data_limit").AtMapKey("used"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.onomondo_sims.all", all.AtSliceIndex(idx(usedNull.ID)).AtMapKey("id"), knownvalue.StringExact(usedNull.ID)),
				statecheck.ExpectKnownOutputValue("no_limit_is_safe", knownvalue.Bool(false)),
			},
		}},
	})
}

func TestSimDataSource_UnknownSIMIs404(t *testing.T) {
	_, url := newFake(t, fakeapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `data "onomondo_sim" "x" { sim_id = "999999999" }`,
			ExpectError: flatRegexp(`Onomondo API: not found .* GET /sims/999999999 answered HTTP 404 "sim_not_found"\. ` +
				`SIM "999999999" was not found in the organisation of this API key\. Check the id`),
		}},
	})
}

func TestSimDataSource_OutsideKeyScopeIs403(t *testing.T) {
	f := fakeapi.DefaultFleet()
	scope := f.Tags[0].ID
	outside := firstSIM(t, f, "outside the first tag", func(s fakeapi.SIM) bool { return !slices.Contains(s.Tags, scope) })
	inside := simsWhere(f, func(s fakeapi.SIM) bool { return slices.Contains(s.Tags, scope) })
	srv, url := newFake(t, fakeapi.Options{KeyTags: []string{scope}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(url) + fmt.Sprintf(`data "onomondo_sim" "x" { sim_id = %q }`, outside.ID),
				ExpectError: flatRegexp(`HTTP 403 "forbidden"\. The API key is valid but its tags do not cover SIM "` + outside.ID + `"`),
			},
			{
				// The list shows only the key's SIMs.
				Config:            providerBlock(url) + `data "onomondo_sims" "mine" {}`,
				ConfigStateChecks: idsCheck("data.onomondo_sims.mine", inside),
				Check:             expectQueries(srv, "/sims", "limit=1000"),
			},
		},
	})
}

// Faults on GET /sims: a 5xx mid-read is retried and the list is complete;
// a bad answer ends the read with a clear error and nothing partial.
func TestSimsDataSource_ServerErrorsMidReadRetryThePage(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{SIMPageLimit: 10, SIMPaging: fakeapi.SIMPagingOffset})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503, PathPrefix: "/sims", After: 2, Times: 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock(url) + `data "onomondo_sims" "all" {}`,
			ConfigStateChecks: wantSims(srv, "data.onomondo_sims.all", srv.Fleet().SIMs),
			Check: func(*terraform.State) error {
				reqs := srv.Requests()
				if len(reqs) < 6 || reqs[2].Status != 503 || reqs[3].Status != 503 || reqs[4].Status != 200 {
					return fmt.Errorf("want requests 3 and 4 answered 503 and 5 answered 200, got %v", statuses(reqs))
				}
				if reqs[2].RawQuery != "limit=1000&offset=20" || reqs[3].RawQuery != reqs[2].RawQuery || reqs[4].RawQuery != reqs[2].RawQuery {
					return fmt.Errorf("the failed page was not the one retried: %q", queries(reqs[:6]))
				}
				return nil
			},
		}},
	})
}

// An API (or a proxy) that quotes byte counts ("5000000") gives the same
// exact data limits, as for usage records.
func TestSimsDataSource_ByteCountsAsDigitStringsAreReadExactly(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{SIMPageLimit: 10})
	srv.InjectFault(fakeapi.Fault{Kind: fakeapi.FaultWrongType, PathPrefix: "/sims"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock(url) + `data "onomondo_sims" "all" {}`,
			ConfigStateChecks: wantSims(srv, "data.onomondo_sims.all", srv.Fleet().SIMs),
		}},
	})
}

func TestSimsDataSource_BadAnswersAreClearErrors(t *testing.T) {
	cases := []struct {
		name   string
		paging fakeapi.SIMPaging
		fault  fakeapi.Fault
		want   string
	}{
		{"HTML 502 page", fakeapi.SIMPagingCursor, fakeapi.Fault{Kind: fakeapi.FaultHTML, Status: 502},
			`Onomondo API server error .* GET /sims\?limit=1000 \(page 1\) answered HTTP 502\. .* The body began: "<html>`},
		{"truncated JSON", fakeapi.SIMPagingCursor, fakeapi.Fault{Kind: fakeapi.FaultTruncated, After: 1},
			`Unexpected answer from the Onomondo API .* GET /sims\?limit=1000&next_page=\S+ \(page 2\) answered HTTP 200, but the body is not the JSON the provider expects: the JSON ends early \(truncated\)`},
		{"offset paging that starts over", fakeapi.SIMPagingOffset, fakeapi.Fault{Kind: fakeapi.FaultRepeatCursor},
			`Onomondo API pagination is broken .* GET /sims\?limit=1000&offset=10 \(page 2\): page 2 lists SIM "\d{9}" again, already listed on page 1`},
		{"a total that is never reached", fakeapi.SIMPagingOffset, fakeapi.Fault{Kind: fakeapi.FaultMissingCursor},
			`Onomondo API pagination is broken .* \(page 6\): the page at offset 48 is empty, but the answer's total says 58: the read would be incomplete`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := newFake(t, fakeapi.Options{SIMPageLimit: 10, SIMPaging: tc.paging})
			tc.fault.PathPrefix = "/sims"
			srv.InjectFault(tc.fault)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url, `max_retries = 0`) + `data "onomondo_sims" "all" {}`,
					ExpectError: flatRegexp(tc.want),
				}},
			})
			if n := len(srv.Requests()); n > 6 {
				t.Errorf("%d requests: the read should stop at once", n)
			}
		})
	}
}

// The onomondo_sim page's hard stop, run as written: it fails the plan,
// naming the SIM by label, for a SIM over 90% of its data limit, and passes
// a SIM without a limit and one whose use is null.
func TestSimDataSource_HardStopExample(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	f := srv.Fleet()
	from, to := srv.Period()
	over := firstSIM(t, f, "over 90% of its limit, with a label", func(s fakeapi.SIM) bool {
		used, _ := periodUse(f, s.ID, from, to)
		return s.Label != "" && s.DataLimit != nil && !s.DataLimit.UsedNull && used*10 > s.DataLimit.Total*9
	})
	under := firstSIM(t, f, "under 90% of its limit", func(s fakeapi.SIM) bool {
		used, _ := periodUse(f, s.ID, from, to)
		return s.DataLimit != nil && !s.DataLimit.UsedNull && used*10 <= s.DataLimit.Total*9
	})
	noLimit := firstSIM(t, f, "without a data limit", func(s fakeapi.SIM) bool { return s.DataLimit == nil })
	usedNull := firstSIM(t, f, "with used null", func(s fakeapi.SIM) bool { return s.DataLimit != nil && s.DataLimit.UsedNull })
	example := examplePattern(t, "data-sources/onomondo_sim/data-source.tf", "")
	config := func(id string) string {
		return providerBlock(url) + strings.Replace(example, `"000012345"`, fmt.Sprintf("%q", id), 1)
	}
	var steps []resource.TestStep
	for _, s := range []fakeapi.SIM{under, noLimit, usedNull} {
		steps = append(steps, resource.TestStep{
			Config: config(s.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onomondo_sim.gateway", tfjsonpath.New("id"), knownvalue.StringExact(s.ID)),
			},
		})
	}
	steps = append(steps, resource.TestStep{
		Config:      config(over.ID),
		ExpectError: flatRegexp(`SIM ` + over.Label + ` has used more than 90% of its data limit\.`),
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}
