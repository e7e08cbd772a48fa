package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
)

// TestRegistryManifest: the manifest goreleaser publishes beside each
// release declares the plugin protocol main serves, or the registries would
// offer the provider to CLIs it cannot talk to.
func TestRegistryManifest(t *testing.T) {
	src, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(src, &m); err != nil {
		t.Fatalf("terraform-registry-manifest.json: %v", err)
	}
	want := []string{fmt.Sprintf("%d.0", protocolVersion)}
	if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, want) {
		t.Errorf("terraform-registry-manifest.json declares version %d, protocol_versions %q; want 1 and %q", m.Version, m.Metadata.ProtocolVersions, want)
	}
}
