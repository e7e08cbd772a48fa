package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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
