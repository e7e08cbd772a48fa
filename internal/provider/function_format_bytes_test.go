package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestFormatBytesFunction_Valid(t *testing.T) {
	cases := []struct {
		name string
		expr string // HCL expression for the argument
		want string
	}{
		{"zero", "0", "0 B"},
		{"bytes", "512", "512 B"},
		{"below_kib", "1023", "1023 B"},
		{"kib", "1024", "1.00 KiB"},
		{"kib_half", "1536", "1.50 KiB"},
		{"kib_rounding", "1030", "1.01 KiB"},
		{"next_unit", "1048571", "1.00 MiB"},
		{"mib_decimal", "500000000", "476.84 MiB"},
		{"gib", "1610612736", "1.50 GiB"},
		{"tib", "1099511627776", "1.00 TiB"},
		{"pib", "3 * 1125899906842624", "3.00 PiB"},
		{"eib", "1152921504606846976", "1.00 EiB"},
		{"max_int64", "9223372036854775807", "7.99 EiB"},
		{"negative", "-1536", "-1.50 KiB"},
		{"min_int64", "-9223372036854775808", "-8.00 EiB"},
		// Whole results of arithmetic are fine.
		{"division_whole", "3221225472 / 2", "1.50 GiB"},
		{"floor", "floor(1000.7)", "1000 B"},
		{"string_number", `"2048"`, "2.00 KiB"}, // Terraform converts the string
		// Round trip through parse_bytes.
		{"from_parse_bytes", `provider::onomondo::parse_bytes("1.5 GiB")`, "1.50 GiB"},
		// The unit system: "si" prints decimal units, "iec" binary ones,
		// as does leaving it out.
		{"si_contract", `provider::onomondo::parse_bytes("600 GB"), "si"`, "600.00 GB"},
		{"binary_contract", `provider::onomondo::parse_bytes("600 GB")`, "558.79 GiB"},
		{"iec_contract", `provider::onomondo::parse_bytes("600 GB"), "iec"`, "558.79 GiB"},
		{"si_500mb", `500000000, "si"`, "500.00 MB"},
		{"si_bytes", `999, "si"`, "999 B"},
		{"si_carry", `999995, "si"`, "1.00 MB"},
		{"si_gib", `1610612736, "si"`, "1.61 GB"},
		{"si_negative", `-1500, "si"`, "-1.50 kB"},
		{"si_max_int64", `9223372036854775807, "si"`, "9.22 EB"},
		{"si_expression", `480000000000, lower("SI")`, "480.00 GB"},
	}

	var config strings.Builder
	var checks []statecheck.StateCheck
	for _, c := range cases {
		fmt.Fprintf(&config, "output %q {\n  value = provider::onomondo::format_bytes(%s)\n}\n\n", c.name, c.expr)
		checks = append(checks, statecheck.ExpectKnownOutputValue(c.name, knownvalue.StringExact(c.want)))
	}
	// And back: parse_bytes accepts what format_bytes returns.
	config.WriteString(`output "round_trip" {
  value = provider::onomondo::parse_bytes(provider::onomondo::format_bytes(1610612736))
}
`)
	checks = append(checks, statecheck.ExpectKnownOutputValue("round_trip", knownvalue.Int64Exact(1610612736)))
	config.WriteString(`output "si_round_trip" {
  value = provider::onomondo::parse_bytes(provider::onomondo::format_bytes(600000000000, "si"))
}
`)
	checks = append(checks, statecheck.ExpectKnownOutputValue("si_round_trip", knownvalue.Int64Exact(600000000000)))

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config.String(),
				ConfigStateChecks: checks,
			},
		},
	})
}

func TestFormatBytesFunction_Refusals(t *testing.T) {
	cases := []struct {
		name string
		expr string
		want string // text of the error, matched across line wraps
	}{
		{"fraction", "1.5", "cannot format 1.5 as a byte size: it is not a whole number of bytes; wrap the value in floor() or ceil()"},
		{"division", "10 / 4", "cannot format 2.5 as a byte size: it is not a whole number of bytes"},
		{"above_int64", "9223372036854775808", "cannot format 9223372036854775808 as a byte size: it is outside the 64-bit integer range; the number of bytes must be between -9223372036854775808 and 9223372036854775807"},
		{"below_int64", "-9223372036854775809", "cannot format -9223372036854775809 as a byte size: it is outside the 64-bit integer range"},
		{"huge", "1e300", "cannot format 1e+300 as a byte size: it is outside the 64-bit integer range"},
		// The unit system: only "si" or "iec", and at most one.
		{"unknown_system", `1024, "metric"`, `unknown unit system "metric": use "si" for decimal units (kB, MB, GB: powers of 1000) or "iec" for binary units`},
		{"upper_case_system", `1024, "SI"`, `unknown unit system "SI": use "si"`},
		{"empty_system", `1024, ""`, `unknown unit system "": use "si"`},
		{"two_systems", `1024, "si", "iec"`, `format_bytes takes at most one unit system after the number of bytes, got 2: use "iec" or "si"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   functionVersionChecks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:      fmt.Sprintf("output \"test\" {\n  value = provider::onomondo::format_bytes(%s)\n}\n", c.expr),
						ExpectError: regexp.MustCompile(`Invalid function argument[\s\S]*` + wrappedText(c.want).String()),
					},
				},
			})
		})
	}
}

func TestFormatBytesFunction_NotANumber(t *testing.T) {
	// Terraform itself refuses a string that is not a number before the
	// provider is called.
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
output "test" {
  value = provider::onomondo::format_bytes("1.5 GiB")
}
`,
				ExpectError: wrappedText(`Invalid function argument`),
			},
		},
	})
}

func TestFormatBytesFunction_Null(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
output "test" {
  value = provider::onomondo::format_bytes(null)
}
`,
				ExpectError: wrappedText(`argument must not be null`),
			},
		},
	})
}

// TestFormatBytesFunction_Unknown checks that an argument known only after
// apply gives an unknown result in the plan and the formatted value after
// apply.
func TestFormatBytesFunction_Unknown(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// terraform_data's id (a 36-character UUID) is unknown until
				// apply: 36 * 2^30 / 24 = 1.5 GiB.
				Config: `
resource "terraform_data" "later" {}

output "test" {
  value = provider::onomondo::format_bytes(length(terraform_data.later.id) * 1073741824 / 24)
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownOutputValue("test"),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("test", knownvalue.StringExact("1.50 GiB")),
				},
			},
		},
	})
}
