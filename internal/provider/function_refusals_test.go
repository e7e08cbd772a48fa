package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// functionRefusal is a call of a provider function that Terraform must
// refuse on an argument, and the text of the error.
type functionRefusal struct {
	name string
	args string // HCL arguments
	want string // text of the error, matched across line wraps
}

// testFunctionRefusals plans `provider::onomondo::<function>(<args>)` for
// each case, each in its own parallel subtest, and expects Terraform's
// "Invalid function argument" error with the case's text.
func testFunctionRefusals(t *testing.T, function string, cases []functionRefusal) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   functionVersionChecks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("output \"test\" {\n  value = provider::onomondo::%s(%s)\n}\n", function, c.args),
					ExpectError: regexp.MustCompile(`Invalid function argument[\s\S]*` + wrappedText(c.want).String()),
				}},
			})
		})
	}
}
