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

// wrappedText matches text in Terraform's error output even where Terraform
// wrapped the line: every run of white space in text matches white space
// and the "│" of Terraform's diagnostic frame.
func wrappedText(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `[\s│]+`))
}

func TestParseBytesFunction_Valid(t *testing.T) {
	cases := []struct {
		name  string
		input string
		want  int64
	}{
		// Bare numbers and B.
		{"bare", "1024", 1024},
		{"zero", "0", 0},
		{"bytes", "512 B", 512},
		{"bytes_nospace", "512B", 512},
		// Decimal family.
		{"kb", "2 kB", 2000},
		{"kb_upper", "2 KB", 2000},
		{"mb", "500 MB", 500000000},
		{"mb_lower_prefix", "500 mB", 500000000},
		{"gb", "3 GB", 3000000000},
		{"tb", "4 TB", 4000000000000},
		{"pb", "5 PB", 5000000000000000},
		{"eb", "9 EB", 9000000000000000000},
		{"mb_fraction", "0.5 MB", 500000},
		// Binary family.
		{"kib", "1 KiB", 1024},
		{"kib_lower", "1 kiB", 1024},
		{"kib_upper_i", "1 KIB", 1024},
		{"mib", "1 MiB", 1048576},
		{"gib_fraction_nospace", "1.5GiB", 1610612736},
		{"gib_lower", "1.5 giB", 1610612736},
		{"tib", "2 TiB", 2199023255552},
		{"pib", "1 PiB", 1125899906842624},
		{"eib", "7 EiB", 8070450532247928832},
		{"kib_rounded", "1.01 KiB", 1034},
		// Spacing.
		{"spaces_around", "  500 MB  ", 500000000},
		{"many_spaces", "500    MB", 500000000},
		{"tab", "500\tMB", 500000000},
		// Boundary.
		{"max_int64", "9223372036854775807", 9223372036854775807},
	}

	var config strings.Builder
	var checks []statecheck.StateCheck
	for _, c := range cases {
		fmt.Fprintf(&config, "output %q {\n  value = provider::onomondo::parse_bytes(%q)\n}\n\n", c.name, c.input)
		checks = append(checks, statecheck.ExpectKnownOutputValue(c.name, knownvalue.Int64Exact(c.want)))
	}
	// The canonical shape of a threshold.
	config.WriteString(`output "threshold" {
  value = 600000000 > provider::onomondo::parse_bytes("500 MB")
}
`)
	checks = append(checks, statecheck.ExpectKnownOutputValue("threshold", knownvalue.Bool(true)))

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

func TestParseBytesFunction_Refusals(t *testing.T) {
	cases := []struct {
		name  string
		input string
		want  string // text of the error, matched across line wraps
	}{
		{"bits_mb", "500 Mb", `cannot parse "500 Mb" as a byte size: a lower-case "b" means bits; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)`},
		{"bits_all_lower", "500 mb", `cannot parse "500 mb" as a byte size: a lower-case "b" means bits`},
		{"bits_binary", "1.5 gib", `a lower-case "b" means bits; use "GB" (10^9 bytes) or "GiB" (2^30 bytes)`},
		{"bits_alone", "8 b", `a lower-case "b" means bits; use "B" for bytes`},
		{"ambiguous_m", "5 M", `cannot parse "5 M" as a byte size: unit "M" is ambiguous; use "MB" (10^6 bytes) or "MiB" (2^20 bytes)`},
		{"ambiguous_k", "5 K", `unit "K" is ambiguous; use "kB" (10^3 bytes) or "KiB" (2^10 bytes)`},
		{"missing_b", "5 Mi", `unit "Mi" is missing the final "B"; use "MiB" (2^20 bytes)`},
		{"unknown_unit", "5 bytes", `cannot parse "5 bytes" as a byte size: unknown unit "bytes"`},
		{"garbage", "lots", `cannot parse "lots" as a byte size: expected a number`},
		{"empty", "", `cannot parse "" as a byte size: the value is empty`},
		{"negative", "-1 KiB", `cannot parse "-1 KiB" as a byte size: negative sizes are not allowed`},
		{"exponent", "1e6", `cannot parse "1e6" as a byte size: exponents are not supported`},
		{"separator", "1,000 MB", `digit separators`},
		{"half_byte", "0.5 B", `cannot parse "0.5 B" as a byte size: the value is not a whole number of bytes (it is 0.5 bytes)`},
		{"overflow", "9223372036854775808", `larger than the maximum of 9223372036854775807 bytes`},
		{"overflow_eib", "8 EiB", `cannot parse "8 EiB" as a byte size: the size is larger than the maximum`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   functionVersionChecks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: fmt.Sprintf("output \"test\" {\n  value = provider::onomondo::parse_bytes(%q)\n}\n", c.input),
						// The error is on the argument, from the provider.
						ExpectError: regexp.MustCompile(`Invalid function argument[\s\S]*` + wrappedText(c.want).String()),
					},
				},
			})
		})
	}
}

func TestParseBytesFunction_Null(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
output "test" {
  value = provider::onomondo::parse_bytes(null)
}
`,
				ExpectError: wrappedText(`argument must not be null`),
			},
		},
	})
}

// TestParseBytesFunction_Unknown checks that an argument known only after
// apply gives an unknown result in the plan and the parsed value after apply.
func TestParseBytesFunction_Unknown(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// terraform_data's id is unknown until apply; substr(id, 0, 0)
				// is "" once known.
				Config: `
resource "terraform_data" "later" {}

output "test" {
  value = provider::onomondo::parse_bytes("${substr(terraform_data.later.id, 0, 0)}1.5 GiB")
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownOutputValue("test"),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("test", knownvalue.Int64Exact(1610612736)),
				},
			},
		},
	})
}
