package provider

import (
	"fmt"
	"regexp"
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

// TestSimUsageDataSource_SimIDPaddingHint: a SIM id that lost its leading
// zeros gets the zero-padded id as a hint, at plan time, before any request.
func TestSimUsageDataSource_SimIDPaddingHint(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url) + `
data "onomondo_sim_usage" "one" {
  sim_id = "5840"
  time   = "2025-03"
}`,
				ExpectError: regexp.MustCompile(`Invalid value for sim_id[\s\S]*` +
					wrappedText(`"5840" is neither a SIM id (exactly 9 digits, such as "000012345") nor an ICCID (18 to 22 digits, such as "89457387300000022734"); did you mean "000005840"?`).String()),
			},
			{
				// A number, as a spreadsheet export or a hand-written
				// variable default gives it.
				Config: providerBlock(url) + `
variable "sim" {
  type    = number
  default = 123
}
data "onomondo_sim_usage" "one" {
  sim_id = var.sim
}`,
				ExpectError: regexp.MustCompile(`Invalid value for sim_id[\s\S]*` + wrappedText(`did you mean "000000123"?`).String()),
			},
		},
	})
	noRequests(t, srv)
}
