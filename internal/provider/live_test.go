package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The live suite: TestAcc* tests read the real Onomondo API, read-only, with
// the key of whoever runs them (make testacc-live). They are skipped unless
// TF_ACC and ONOMONDO_API_KEY are set; ONOMONDO_BASE_URL may point them at
// another deployment (or at the fake API, to try the suite itself), and
// ONOMONDO_ACC_MONTH picks the month read. Every other test runs against the
// fake API.

// liveAPIKey and liveBaseURL are ONOMONDO_API_KEY and ONOMONDO_BASE_URL as
// the environment held them when the tests started (TestMain then points
// the variables at the fake API's key).
var liveAPIKey, liveBaseURL string

// liveTest skips t unless the live suite was asked for, and hands the
// provider the real key and base URL through the environment.
func liveTest(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || liveAPIKey == "" {
		t.Skip("live test against the real Onomondo API: set TF_ACC=1 and ONOMONDO_API_KEY (make testacc-live)")
	}
	t.Setenv(EnvAPIKey, liveAPIKey)
	t.Setenv(EnvBaseURL, liveBaseURL)
}

// liveMonth is the month the live suite reads: ONOMONDO_ACC_MONTH
// ("YYYY-MM") when set, else the last complete month in UTC, whose usage no
// longer grows, so two reads of it must agree.
func liveMonth(now time.Time) string {
	if m := os.Getenv("ONOMONDO_ACC_MONTH"); m != "" {
		return m
	}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 0, -1).Format("2006-01")
}

// TestAccUsage_LastMonthAddsUp reads last month (liveMonth) of the key's
// organisation twice: the totals must equal the sums of every map, and the second read
// must give the same totals as the first.
func TestAccUsage_LastMonthAddsUp(t *testing.T) {
	liveTest(t)
	const addr = "data.onomondo_usage.month"
	config := fmt.Sprintf(`
provider "onomondo" {}

data "onomondo_usage" "month" {
  time            = %q
  include_records = false
}
`, liveMonth(time.Now().UTC()))
	sameTotal := statecheck.CompareValue(compare.ValuesSame())
	sameCount := statecheck.CompareValue(compare.ValuesSame())
	steps := make([]resource.TestStep, 2)
	for i := range steps {
		steps[i] = resource.TestStep{
			Config: config,
			Check:  mapsAddUpToTotal(addr),
			ConfigStateChecks: []statecheck.StateCheck{
				sameTotal.AddStateValue(addr, tfjsonpath.New("total_bytes")),
				sameCount.AddStateValue(addr, tfjsonpath.New("record_count")),
			},
		}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// TestAccSimUsage_UnknownSIMIs404: a SIM id no organisation has is a clear
// "not found" error.
func TestAccSimUsage_UnknownSIMIs404(t *testing.T) {
	liveTest(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "onomondo" {}

data "onomondo_sim_usage" "nobody" {
  sim_id = "999999999"
  time   = "` + liveMonth(time.Now().UTC()) + `"
}
`,
			ExpectError: regexp.MustCompile(`(?s)HTTP 404.*SIM "999999999" was not found`),
		}},
	})
}

// mapsAddUpToTotal checks that total_bytes equals the sum of bytes_by_sim,
// of bytes_by_country and of bytes_by_network_type.
func mapsAddUpToTotal(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		attrs := rs.Primary.Attributes
		var total int64
		if _, err := fmt.Sscan(attrs["total_bytes"], &total); err != nil {
			return fmt.Errorf("total_bytes %q: %v", attrs["total_bytes"], err)
		}
		for _, m := range []string{"bytes_by_sim", "bytes_by_country", "bytes_by_network_type"} {
			sum, err := sumFlatMap(attrs, m)
			if err != nil {
				return err
			}
			if sum != total {
				return fmt.Errorf("%s adds up to %d, total_bytes is %d", m, sum, total)
			}
		}
		return nil
	}
}

// sumFlatMap sums the values of a map attribute in flatmap state form
// ("name.%" and "name.<key>").
func sumFlatMap(attrs map[string]string, name string) (int64, error) {
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `\.(.+)$`)
	var sum int64
	for k, v := range attrs {
		m := re.FindStringSubmatch(k)
		if m == nil || m[1] == "%" {
			continue
		}
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil {
			return 0, fmt.Errorf("%s: %q is not a number", k, v)
		}
		sum += n
	}
	return sum, nil
}
