package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestBinary_ProvidersSchemaJSON builds the provider binary, installs it with
// dev_overrides and asks the real terraform binary for its schema, as a user
// would with `terraform providers schema -json`. It proves the registry
// address, protocol 6 serving, and that api_key is marked sensitive.
func TestBinary_ProvidersSchemaJSON(t *testing.T) {
	bt := newBinaryTerraform(t)
	work := bt.workdir(t, "schema", `terraform {
  required_providers {
    onomondo = { source = "onomondo/onomondo" }
  }
}
`)
	out, stderr, err := bt.run(t, work, nil, "providers", "schema", "-json")
	if err != nil {
		t.Fatalf("terraform providers schema -json: %v\n%s", err, stderr)
	}
	var schema struct {
		ProviderSchemas map[string]struct {
			Provider struct {
				Block struct {
					Attributes map[string]struct {
						Sensitive bool `json:"sensitive"`
						Optional  bool `json:"optional"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"provider"`
			DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
			Functions         map[string]json.RawMessage `json:"functions"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &schema); err != nil {
		t.Fatalf("schema JSON: %v", err)
	}
	cli := mustCLIUnderTest(t)
	p, ok := schema.ProviderSchemas[cli.providerAddress()]
	if !ok {
		t.Fatalf("no schema for %s in %s", cli.providerAddress(), out)
	}
	if a := p.Provider.Block.Attributes["api_key"]; !a.Sensitive || !a.Optional {
		t.Errorf("api_key: sensitive=%t optional=%t, want both true", a.Sensitive, a.Optional)
	}
	for _, ds := range []string{"onomondo_usage", "onomondo_sim_usage", "onomondo_tag_usage"} {
		if _, ok := p.DataSourceSchemas[ds]; !ok {
			t.Errorf("data source %s missing", ds)
		}
	}
	if !cli.hasFunctions() {
		return // provider-defined functions: Terraform 1.8, OpenTofu 1.7
	}
	for _, fn := range []string{"parse_bytes", "format_bytes"} {
		if _, ok := p.Functions[fn]; !ok {
			t.Errorf("function %s missing", fn)
		}
	}
}

// binaryTerraform runs the real terraform binary on the provider binary built
// from this repository (installed through dev_overrides), as a user would.
type binaryTerraform struct {
	tf  string // terraform binary
	dir string // temp dir holding bin/, the CLI config and workdirs
	rc  string // CLI config with dev_overrides to dir/bin
}

func newBinaryTerraform(t *testing.T) *binaryTerraform {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the real terraform binary: set TF_ACC=1 (scripts/test.sh does)")
	}
	// The same CLI terraform-plugin-testing uses: TF_ACC_TERRAFORM_PATH when
	// set (the CLI matrix), else terraform on PATH.
	tf := mustCLIUnderTest(t).path
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-onomondo"), "github.com/onomondo/terraform-provider-onomondo")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "dev.tfrc")
	writeFile(t, rc, `provider_installation {
  dev_overrides {
    "onomondo/onomondo" = "`+bin+`"
  }
}
disable_checkpoint = true
`)
	return &binaryTerraform{tf: tf, dir: dir, rc: rc}
}

// workdir writes main.tf into a fresh working directory.
func (b *binaryTerraform) workdir(t *testing.T, name, config string) string {
	t.Helper()
	work := filepath.Join(b.dir, name)
	writeFile(t, filepath.Join(work, "main.tf"), config)
	return work
}

// command prepares terraform -chdir=work args... with the CLI config and
// extra environment; the caller runs it.
func (b *binaryTerraform) command(work string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(b.tf, append([]string{"-chdir=" + work}, args...)...)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+b.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// maxTerraformRun caps one terraform command of a test: a provider that
// hangs fails the test instead of stalling the suite.
const maxTerraformRun = 3 * time.Minute

// run runs terraform and returns its stdout and stderr. Past
// maxTerraformRun terraform is interrupted (then killed) and run fails.
func (b *binaryTerraform) run(t *testing.T, work string, env []string, args ...string) ([]byte, []byte, error) {
	t.Helper()
	cmd := b.command(work, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	timer := time.AfterFunc(maxTerraformRun, func() {
		_ = cmd.Process.Signal(os.Interrupt)
		time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
	})
	err := cmd.Wait()
	if !timer.Stop() {
		return stdout.Bytes(), stderr.Bytes(), fmt.Errorf("terraform %s ran past %s and was interrupted: %v", args[0], maxTerraformRun, err)
	}
	return stdout.Bytes(), stderr.Bytes(), err
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
