package provider

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// entries is the expected result of top: key, value, key, value, ...
func entries(kv ...any) knownvalue.Check {
	var list []knownvalue.Check
	for i := 0; i < len(kv); i += 2 {
		var value knownvalue.Check
		switch v := kv[i+1].(type) {
		case int64:
			value = knownvalue.Int64Exact(v)
		case int:
			value = knownvalue.Int64Exact(int64(v))
		case float64:
			value = knownvalue.Float64Exact(v)
		}
		list = append(list, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"key":   knownvalue.StringExact(kv[i].(string)),
			"value": value,
		}))
	}
	if list == nil {
		return knownvalue.ListSizeExact(0)
	}
	return knownvalue.ListExact(list)
}

func TestTopFunction_Valid(t *testing.T) {
	const sims = `{ "000000003" = 30, "000000001" = 50, "000000002" = 50, "000000004" = 7, "000000005" = 50 }`
	cases := []struct {
		name string
		args string
		want knownvalue.Check
	}{
		{"largest_first", `{ a = 1, b = 3, c = 2 }, 2`, entries("b", 3, "c", 2)},
		// Equal values: keys in ascending order, whatever the map's order.
		{"ties_by_key", sims + `, 4`, entries("000000001", 50, "000000002", 50, "000000005", 50, "000000003", 30)},
		{"tie_cut_by_key", sims + `, 2`, entries("000000001", 50, "000000002", 50)},
		// n larger than the map: every entry.
		{"n_larger_than_the_map", `{ a = 1, b = 3 }, 10`, entries("b", 3, "a", 1)},
		{"n_zero", `{ a = 1 }, 0`, entries()},
		{"n_huge", `{ a = 1 }, 1e30`, entries("a", 1)},
		{"empty_map", `{}, 3`, entries()},
		// Any Terraform number: fractions, negatives, beyond int64, exactly.
		{"fractions", `{ a = 0.5, b = -2, c = 0.25 }, 3`, entries("a", 0.5, "c", 0.25, "b", -2.0)},
		{"big", `{ a = 9223372036854775807, b = 9223372036854775806 }, 1`, entries("a", int64(9223372036854775807))},
		{"string_numbers", `{ a = "10", b = "9" }, 1`, entries("a", 10)},
	}

	config := ""
	var checks []statecheck.StateCheck
	for _, c := range cases {
		config += fmt.Sprintf("output %q {\n  value = provider::onomondo::top(%s)\n}\n\n", c.name, c.args)
		checks = append(checks, statecheck.ExpectKnownOutputValue(c.name, c.want))
	}
	// What it is for: the ids and the readable sizes of the biggest users.
	config += `output "report" {
  value = [for e in provider::onomondo::top({ "000000001" = 1500000000, "000000002" = 2000 }, 10) :
  "${e.key} ${provider::onomondo::format_bytes(e.value, "si")}"]
}
`
	checks = append(checks, statecheck.ExpectKnownOutputValue("report", knownvalue.ListExact([]knownvalue.Check{
		knownvalue.StringExact("000000001 1.50 GB"), knownvalue.StringExact("000000002 2.00 kB"),
	})))

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
		}},
	})
}

func TestTopFunction_Refusals(t *testing.T) {
	testFunctionRefusals(t, "top", []functionRefusal{
		{"negative_n", `{ a = 1 }, -1`, "n is -1: top returns the n largest entries, so n must be 0 or more"},
		{"null_value", `{ a = 1, b = null }, 1`, `the value of "b" is null: every value must be a number`},
		{"fractional_n", `{ a = 1 }, 1.5`, "n is 1.5: top returns the n largest entries, so n must be a whole number"},
		{"not_numbers", `{ a = "x" }, 1`, `Invalid value for "map" parameter: a number is required.`},
		{"null_map", `null, 1`, `argument must not be null`},
	})
}

// The 10 biggest SIMs of a month from one fleet read, against the fake's
// records sorted in the test.
func TestTopFunction_BiggestSIMsOfAFleetRead(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	s := sumRecords(selectRecords(srv.Fleet(), "2025-03", ""))
	type kv struct {
		id    string
		bytes int64
	}
	var all []kv
	for id, b := range s.bySim {
		all = append(all, kv{id, b})
	}
	slices.SortFunc(all, func(a, b kv) int {
		if c := cmp.Compare(b.bytes, a.bytes); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	if len(all) < 11 {
		t.Fatalf("the fake's 2025-03 has %d SIMs with usage; the test needs more than 10", len(all))
	}
	var want []any
	for _, e := range all[:10] {
		want = append(want, e.id, e.bytes)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "onomondo_usage" "march" {
  time            = "2025-03"
  include_records = false
}

output "top10" {
  value = provider::onomondo::top(data.onomondo_usage.march.bytes_by_sim, 10)
}
`,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("top10", entries(want...))},
		}},
	})
}
