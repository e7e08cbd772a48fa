package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

// testAPIKey is the key the fake API accepts in tests. Tests assert that it
// never shows up in logs, diagnostics or state.
const testAPIKey = "onok_testkey01.Z3JlZW4tdGVzdC1zZWNyZXQ"

// testAccProtoV6ProviderFactories runs the provider in process for
// terraform-plugin-testing; the real terraform binary on PATH drives it.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"onomondo": providerserver.NewProtocol6WithError(New("test")()),
}

func TestMain(m *testing.M) {
	// The machine may point TF_CLI_CONFIG_FILE at a missing file; tests need
	// no CLI configuration at all (the provider runs in process).
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			os.Setenv("TF_CLI_CONFIG_FILE", os.DevNull)
		}
	}
	// The live suite (live_test.go) reads the real API with the key and
	// base URL the environment held before the fake's replace them.
	liveAPIKey, liveBaseURL = os.Getenv(EnvAPIKey), os.Getenv(EnvBaseURL)
	// The key reaches the provider the recommended way, through the
	// environment, so it is in no configuration the test harness logs; the
	// leak check (scripts/leak-check.sh) then looks for it everywhere.
	// Tests that need another key or none use t.Setenv.
	os.Setenv(EnvAPIKey, testAPIKey)
	os.Unsetenv(EnvBaseURL)
	os.Exit(m.Run())
}

// newFake starts a fake Onomondo API on loopback for one test.
func newFake(t *testing.T, opts fakeapi.Options) (*fakeapi.Server, string) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testAPIKey
	}
	srv, ts := fakeapi.NewTestServer(opts)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// providerBlock is a provider "onomondo" block pointing at a fake API, with
// extra settings appended. The key comes from ONOMONDO_API_KEY (TestMain).
func providerBlock(baseURL string, extra ...string) string {
	return `
provider "onomondo" {
  base_url = "` + baseURL + `"
  ` + strings.Join(extra, "\n  ") + `
}
`
}
