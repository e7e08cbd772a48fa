package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

func TestProviderSchema_APIKeyIsSensitive(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	a, ok := resp.Schema.Attributes["api_key"]
	if !ok || !a.IsSensitive() || !a.IsOptional() {
		t.Fatalf("api_key must be an optional, sensitive attribute: %+v", a)
	}
}

func TestProvider_InvalidSettingsRefused(t *testing.T) {
	t.Setenv(EnvAPIKey, "")
	srv, url := newFake(t, fakeapi.Options{})
	ds := `
data "onomondo_usage" "x" { time = "2025" }`
	block := func(body string) string { return "provider \"onomondo\" {\n" + body + "\n}\n" + ds }
	steps := []resource.TestStep{
		{Config: block(`base_url = "http://api.example.com"
api_key = "k"`), ExpectError: regexp.MustCompile(`(?s)plain http to a host that is not loopback`)},
		{Config: block(`base_url = "api.onomondo.com"
api_key = "k"`), ExpectError: regexp.MustCompile(`not an absolute URL`)},
		{Config: block(`base_url = "` + url + `"
api_key = "Bearer onok_x.y"`), ExpectError: regexp.MustCompile(`(?s)starts with "Bearer "`)},
		{Config: block(`base_url = "` + url + `"
api_key = "onok_x.y\n"`), ExpectError: regexp.MustCompile(`(?s)trailing\s+whitespace`)},
		{Config: block(`base_url = "` + url + `"
api_key = ""`), ExpectError: regexp.MustCompile(`(?s)API key is empty`)},
		{Config: block(`base_url = "` + url + `"`), ExpectError: regexp.MustCompile(`(?s)Missing Onomondo API key.*ONOMONDO_API_KEY`)},
		{Config: block(`base_url = "` + url + `"
api_key = "k"
request_timeout = "soon"`), ExpectError: regexp.MustCompile(`"soon" is not a duration`)},
		{Config: block(`base_url = "` + url + `"
api_key = "k"
request_timeout = "10ms"`), ExpectError: regexp.MustCompile(`outside the allowed range`)},
		{Config: block(`base_url = "` + url + `"
api_key = "k"
max_retries = -1`), ExpectError: regexp.MustCompile(`max_retries.*between 0 and 20`)},
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	noRequests(t, srv)
}

func TestProvider_EnvironmentFallbacks(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{})
	t.Setenv(EnvAPIKey, testAPIKey)
	t.Setenv(EnvBaseURL, url)
	want := sumRecords(selectRecords(srv.Fleet(), "2025-01-05", ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "onomondo" {}
data "onomondo_usage" "x" {
  time            = "2025-01-05"
  include_records = false
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onomondo_usage.x", tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(want.total)),
			},
		}},
	})
	for _, r := range srv.Requests() {
		if !r.Authorized {
			t.Errorf("request %s?%s was not authorized with the key from %s", r.Path, r.RawQuery, EnvAPIKey)
		}
		if !regexp.MustCompile(`^terraform-provider-onomondo/test terraform/\d+\.\d+\.\d+`).MatchString(r.UserAgent) {
			t.Errorf("User-Agent %q", r.UserAgent)
		}
	}
}

// configAPIKey is a key set in the provider block itself, to prove that path;
// the leak check covers testAPIKey, which tests pass through the environment.
const configAPIKey = "onok_cfgkey.Y29uZmlnLWtleS1zZWNyZXQ"

func TestProvider_APIKeyFromConfigWinsOverEnvironment(t *testing.T) {
	srv, url := newFake(t, fakeapi.Options{APIKey: configAPIKey})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url, `api_key = "`+configAPIKey+`"`) + `
data "onomondo_usage" "x" {
  time            = "2025-01-05"
  include_records = false
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onomondo_usage.x", tfjsonpath.New("total_bytes"),
					knownvalue.Int64Exact(sumRecords(selectRecords(srv.Fleet(), "2025-01-05", "")).total)),
			},
		}},
	})
}

func TestProvider_EnvironmentBaseURLChecked(t *testing.T) {
	t.Setenv(EnvAPIKey, testAPIKey)
	t.Setenv(EnvBaseURL, "http://198.51.100.7")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "onomondo_usage" "x" { time = "2025" }`,
			ExpectError: regexp.MustCompile(`(?s)Invalid base URL in ONOMONDO_BASE_URL.*plain http`),
		}},
	})
}

func TestProvider_UnknownAPIKeyRefused(t *testing.T) {
	_, url := newFake(t, fakeapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "key" { input = "onok_x.y" }
provider "onomondo" {
  base_url = "` + url + `"
  api_key  = terraform_data.key.output
}
data "onomondo_usage" "x" { time = "2025" }`,
			ExpectError: regexp.MustCompile(`(?s)Unknown API key`),
		}},
	})
}
