package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestProjectBytesFunction_Valid(t *testing.T) {
	cases := []struct {
		name string
		args string // HCL arguments
		want int64
	}{
		// A 30-day month, 10 days in: three times the usage so far.
		{"month_third", `1000, "2025-04", "2025-04-11T00:00:00Z"`, 3000},
		{"month_halfway", `1000, "2025-03", "2025-03-16T12:00:00Z"`, 2000},
		// Leap years: February has 29 days, the year 366.
		{"leap_february", `1400, "2024-02", "2024-02-15T00:00:00Z"`, 2900},
		{"common_february", `1400, "2025-02", "2025-02-15T00:00:00Z"`, 2800},
		{"leap_year", `600, "2024", "2024-03-01T00:00:00Z"`, 3660},
		{"common_year", `590, "2025", "2025-03-01T00:00:00Z"`, 3650},
		{"leap_day", `1000, "2024-02-29", "2024-02-29T06:00:00Z"`, 4000},
		// Rounded to the nearest byte, halves up.
		{"rounds_down", `1, "2025-04", "2025-04-08T00:00:00Z"`, 4},
		{"half_up", `1, "2025-04-01", "2025-04-01T16:00:00Z"`, 2},
		{"offset_instant", `23, "2025-03-31", "2025-04-01T01:00:00+02:00"`, 24},
		// An ended period: the usage unchanged, however long ago.
		{"at_the_end", `1234, "2025-03", "2025-04-01T00:00:00Z"`, 1234},
		{"ended", `1234, "2025-03", "2026-12-06T22:50:10Z"`, 1234},
		{"ended_by_plantimestamp", `1234, "2025-03", plantimestamp()`, 1234},
		// Exact for big counts: no float in between.
		{"exact_big", `3000000000000000001, "2025-04", "2025-04-16T00:00:00Z"`, 6000000000000000002},
		{"from_parse_bytes", `provider::onomondo::parse_bytes("100 GB"), "2025-04", "2025-04-07T00:00:00Z"`, 500000000000},
	}

	var config strings.Builder
	var checks []statecheck.StateCheck
	for _, c := range cases {
		fmt.Fprintf(&config, "output %q {\n  value = provider::onomondo::project_bytes(%s)\n}\n\n", c.name, c.args)
		checks = append(checks, statecheck.ExpectKnownOutputValue(c.name, knownvalue.Int64Exact(c.want)))
	}
	// The threshold it is made for: this month's pace against a budget.
	config.WriteString(`output "over_budget_by_month_end" {
  value = provider::onomondo::project_bytes(100, "2025-04", "2025-04-02T00:00:00Z") > 2999
}
`)
	checks = append(checks, statecheck.ExpectKnownOutputValue("over_budget_by_month_end", knownvalue.Bool(true)))

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config.String(),
			ConfigStateChecks: checks,
		}},
	})
}

func TestProjectBytesFunction_Refusals(t *testing.T) {
	testFunctionRefusals(t, "project_bytes", []functionRefusal{
		// A period not begun: an error, never a quiet 0.
		{"not_begun", `0, "2025-04", "2025-03-31T23:59:59Z"`,
			"the period 2025-04 has not begun at 2025-03-31T23:59:59Z (it begins at 2025-04-01T00:00:00Z): there is no usage of it to project yet"},
		{"future_month_by_plantimestamp", `0, "9999-12", plantimestamp()`, "the period 9999-12 has not begun at"},
		{"at_the_start", `0, "2025-04", "2025-04-01T00:00:00Z"`,
			"the period 2025-04 begins at 2025-04-01T00:00:00Z, the instant given: none of it has passed, so there is no usage rate to project"},
		{"negative", `-1, "2025-04", "2025-04-02T00:00:00Z"`, "cannot project -1 bytes: usage is never negative"},
		{"fraction", `1.5, "2025-04", "2025-04-02T00:00:00Z"`, "cannot project 1.5 as a byte size: it is not a whole number of bytes; wrap the value in floor() or ceil()"},
		{"above_int64", `9223372036854775808, "2025-04", "2025-04-02T00:00:00Z"`, "cannot project 9223372036854775808 as a byte size: it is outside the 64-bit integer range"},
		{"bad_period", `1, "2025-4", "2025-04-02T00:00:00Z"`, `"2025-4" is not a period: use YYYY, YYYY-MM or YYYY-MM-DD`},
		{"no_such_day", `1, "2025-02-29", "2025-03-02T00:00:00Z"`, `"2025-02-29" is not a period`},
		{"date_without_zone", `1, "2025-04", "2025-04-02T00:00:00"`,
			`"2025-04-02T00:00:00" is not an RFC 3339 time with a time zone, such as "2025-03-10T12:00:00Z": pass plantimestamp(), the time of the plan`},
	})
}

func TestProjectBytesFunction_Overflow(t *testing.T) {
	// Not one argument's fault: a plain function error.
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
output "test" {
  value = provider::onomondo::project_bytes(4611686018427387903, "2025-04", "2025-04-11T00:00:00Z")
}
`,
			ExpectError: wrappedText("the projection of 4611686018427387903 bytes, used in the first 240h0m0s of 2025-04, is " +
				"13835058055282163709 bytes: beyond the largest 64-bit integer (9223372036854775807)"),
		}},
	})
}

// Terraform 1.8 and 1.9 validate a configuration with plantimestamp() as
// 0001-01-01T00:00:00Z (hashicorp/terraform#35898): the projection is then
// unknown, not the error of a period "not begun" (the CLI matrix runs
// TestProjectBytesFunction_Valid under Terraform 1.8.5 as well).
func TestProjectBytesFunctionUnknownAtTheZeroInstant(t *testing.T) {
	ctx := context.Background()
	args := function.NewArgumentsData([]attr.Value{types.NumberValue(big.NewFloat(1234)), types.StringValue("2025-03"), types.StringValue("0001-01-01T00:00:00Z")})
	resp := &function.RunResponse{Result: function.NewResultData(types.Int64Null())}
	NewProjectBytesFunction().Run(ctx, function.RunRequest{Arguments: args}, resp)
	if resp.Error != nil {
		t.Fatalf("error %v, want an unknown result", resp.Error)
	}
	if got := resp.Result.Value(); !got.IsUnknown() {
		t.Errorf("result %v, want unknown", got)
	}
}
