package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

func TestSimUsageDataSource_ByICCIDAndByID(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	sim := srv.Fleet().SIMs[5]
	all := sumRecords(selectRecords(srv.Fleet(), "", sim.ID))
	feb := sumRecords(selectRecords(srv.Fleet(), "2025-02", sim.ID))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_sim_usage" "by_iccid" {
  sim_id          = %q
  limit           = 100
  include_records = false
}
data "onomondo_sim_usage" "by_id" {
  sim_id          = %q
  time            = "2025-02"
  include_records = false
}`, sim.ICCID, sim.ID),
			ConfigStateChecks: append(append(
				sumChecks("data.onomondo_sim_usage.by_iccid", all, false),
				sumChecks("data.onomondo_sim_usage.by_id", feb, false)...),
				statecheck.ExpectKnownValue("data.onomondo_sim_usage.by_iccid", tfjsonpath.New("iccid"), knownvalue.StringExact(sim.ICCID)),
				statecheck.ExpectKnownValue("data.onomondo_sim_usage.by_id", tfjsonpath.New("iccid"), knownvalue.StringExact(sim.ICCID)),
			),
			Check: expectSomeQuery(srv, "/usage/"+sim.ICCID, `^limit=100$`),
		}},
	})
}

func TestSimUsageDataSource_FiltersReachTheAPI(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	sim := srv.Fleet().SIMs[2].ID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + fmt.Sprintf(`
data "onomondo_sim_usage" "this" {
  sim_id       = %q
  time         = "2025"
  country_code = "SE"
  group        = "hours"
  offset       = 1
}`, sim),
			Check: expectQueries(srv, "/usage/"+sim, "filter[]=time:2025&filter[]=country_code:se&offset=1&group=hours"),
		}},
	})
}
