package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// testCLI is the Terraform or OpenTofu binary the acceptance tests run
// under: the one terraform-plugin-testing picks, TF_ACC_TERRAFORM_PATH when
// set (the CLI matrix of scripts/test-matrix.sh), else terraform on PATH.
type testCLI struct {
	path         string
	product      string // "Terraform" or "OpenTofu"
	major, minor int
}

var (
	testCLIOnce   sync.Once
	testCLIResult testCLI
	testCLIErr    error
)

// cliUnderTest finds and identifies the CLI once per test binary. Both
// products report their own version as "terraform_version" in
// `version -json`, so the first line of `version` ("Terraform v1.8.5",
// "OpenTofu v1.12.6") is what tells them apart.
func cliUnderTest() (testCLI, error) {
	testCLIOnce.Do(func() {
		path := os.Getenv("TF_ACC_TERRAFORM_PATH")
		if path == "" {
			var err error
			if path, err = exec.LookPath("terraform"); err != nil {
				testCLIErr = fmt.Errorf("no terraform on PATH and TF_ACC_TERRAFORM_PATH unset: run the suite through scripts/test.sh, which provides one")
				return
			}
		}
		cmd := exec.Command(path, "version")
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
		out, err := cmd.Output()
		if err != nil {
			testCLIErr = fmt.Errorf("%s version: %w", path, err)
			return
		}
		first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		var c testCLI
		var v string
		if _, err := fmt.Sscanf(first, "%s %s", &c.product, &v); err != nil {
			testCLIErr = fmt.Errorf("%s version: unexpected first line %q", path, first)
			return
		}
		if _, err := fmt.Sscanf(strings.TrimPrefix(v, "v"), "%d.%d", &c.major, &c.minor); err != nil {
			testCLIErr = fmt.Errorf("%s version: no version number in %q", path, first)
			return
		}
		if c.product != "Terraform" && c.product != "OpenTofu" {
			testCLIErr = fmt.Errorf("%s version: neither Terraform nor OpenTofu: %q", path, first)
			return
		}
		c.path = path
		testCLIResult = c
	})
	return testCLIResult, testCLIErr
}

// mustCLIUnderTest is cliUnderTest for tests that need the answer.
func mustCLIUnderTest(t *testing.T) testCLI {
	t.Helper()
	c, err := cliUnderTest()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c testCLI) atLeast(major, minor int) bool {
	return c.major > major || (c.major == major && c.minor >= minor)
}

// hasFunctions reports whether the CLI supports provider-defined functions:
// Terraform 1.8 and later, OpenTofu 1.7 and later.
func (c testCLI) hasFunctions() bool {
	if c.product == "OpenTofu" {
		return c.atLeast(1, 7)
	}
	return c.atLeast(1, 8)
}

// providerAddress is the address the CLI gives source "onomondo/onomondo":
// each CLI resolves a source without a host against its own registry.
func (c testCLI) providerAddress() string {
	if c.product == "OpenTofu" {
		return "registry.opentofu.org/onomondo/onomondo"
	}
	return "registry.terraform.io/onomondo/onomondo"
}

// functionVersionChecks skips the function tests, with the reason, on a CLI
// without provider-defined functions. tfversion.SkipBelow(1.8.0) alone
// would get OpenTofu wrong: tofu reports its own version number, and
// OpenTofu 1.7 already has functions.
var functionVersionChecks = []tfversion.TerraformVersionCheck{functionsCheck{}}

type functionsCheck struct{}

var _ tfversion.TerraformVersionCheck = functionsCheck{}

func (functionsCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	c, err := cliUnderTest()
	if err != nil {
		resp.Error = err
		return
	}
	resp.Skip = functionsSkipReason(c, req)
}

// functionsSkipReason says why the function tests cannot run on CLI c,
// which reports req.TerraformVersion, or "" when they can.
func functionsSkipReason(c testCLI, req tfversion.CheckTerraformVersionRequest) string {
	minimum := tfversion.Version1_8_0
	if c.product == "OpenTofu" {
		minimum = tfversion.Version1_7_0
	}
	// Core(): a prerelease of the minimum counts as the minimum, as in
	// tfversion.SkipBelow.
	if !req.TerraformVersion.Core().LessThan(minimum) {
		return ""
	}
	return fmt.Sprintf("provider-defined functions need Terraform 1.8 or OpenTofu 1.7; %s is %s %s", c.path, c.product, req.TerraformVersion)
}

// TestFunctionsSkipReason: the function tests skip exactly on the CLIs
// without provider functions, OpenTofu 1.7 included, where
// tfversion.SkipBelow(1.8.0) would have skipped them. Needs no CLI.
func TestFunctionsSkipReason(t *testing.T) {
	cases := []struct {
		product string
		version string
		skip    bool
	}{
		{"Terraform", "1.5.0", true},
		{"Terraform", "1.7.0", true},
		{"Terraform", "1.8.0", false},
		{"Terraform", "1.11.0", false},
		{"OpenTofu", "1.6.0", true},
		{"OpenTofu", "1.7.0", false},
		{"OpenTofu", "1.12.0", false},
	}
	versions := map[string]tfversion.CheckTerraformVersionRequest{
		"1.5.0":  {TerraformVersion: tfversion.Version1_5_0},
		"1.6.0":  {TerraformVersion: tfversion.Version1_6_0},
		"1.7.0":  {TerraformVersion: tfversion.Version1_7_0},
		"1.8.0":  {TerraformVersion: tfversion.Version1_8_0},
		"1.11.0": {TerraformVersion: tfversion.Version1_11_0},
		"1.12.0": {TerraformVersion: tfversion.Version1_12_0},
	}
	for _, c := range cases {
		cli := testCLI{path: "/bin/" + c.product, product: c.product}
		got := functionsSkipReason(cli, versions[c.version])
		if (got != "") != c.skip {
			t.Errorf("%s %s: skip reason %q, want skip=%t", c.product, c.version, got, c.skip)
		}
		if c.skip && !strings.Contains(got, c.product+" "+c.version) {
			t.Errorf("%s %s: the reason %q does not name the CLI and its version", c.product, c.version, got)
		}
	}
	// What the custom check is for: SkipBelow(1.8.0) skips OpenTofu 1.7.
	var resp tfversion.CheckTerraformVersionResponse
	tfversion.SkipBelow(tfversion.Version1_8_0).CheckTerraformVersion(context.Background(), versions["1.7.0"], &resp)
	if resp.Skip == "" {
		t.Error("tfversion.SkipBelow(1.8.0) no longer skips version 1.7.0: functionsCheck may be simpler now")
	}
}
