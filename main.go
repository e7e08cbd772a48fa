// Command terraform-provider-onomondo is the Terraform provider for the usage
// data of Onomondo, the IoT cellular (SIM) platform.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/onomondo/terraform-provider-onomondo/internal/provider"
)

// Generate docs/ from the schema, examples/ and templates/ (make generate).
//go:generate go tool tfplugindocs generate --provider-name onomondo

// protocolVersion is the plugin protocol served; terraform-registry-manifest.json
// declares it to the registries (TestRegistryManifest).
const protocolVersion = 6

// version is set at build time by -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	opts := providerserver.ServeOpts{
		Address:         "registry.terraform.io/onomondo/onomondo",
		Debug:           debug,
		ProtocolVersion: protocolVersion,
	}
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}
