// Package examples holds the Terraform configurations the documentation
// shows (tfplugindocs reads them) and the demo, the guides' alarm and
// policy. Its test checks that every one of them is valid against the
// provider built from this repository, and formatted.
package examples

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesValidate runs `terraform validate` (with the directory's
// tests/*.tftest.hcl) on a copy of every directory holding .tf files,
// offline: a CLI configuration's dev_overrides point at a provider built
// here. The documentation's snippets leave out the required_providers block
// to stay short; without one, terraform would look for hashicorp/onomondo
// and find no provider functions, so the copy gets one. Then `terraform fmt
// -check -recursive` over the tree.
func TestExamplesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (bash scripts/test.sh does)")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no terraform on PATH and TF_ACC_TERRAFORM_PATH unset: run bash scripts/test.sh, which provides one")
		}
	}
	if why := withoutFunctions(t, cli); why != "" {
		t.Skip("the examples call provider functions: " + why)
	}

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-onomondo"), "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(t.TempDir(), "dev.tfrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"onomondo/onomondo\" = %q\n  }\n}\ndisable_checkpoint = true\n", bin)
	if err := os.WriteFile(rc, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	terraform := func(t *testing.T, dir string, args ...string) {
		t.Helper()
		cmd := exec.Command(cli, append([]string{"-chdir=" + dir}, args...)...)
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
	}

	dirs := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") {
			dirs[filepath.Dir(path)] = true
		}
		return err
	})
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no example directories found (%v)", err)
	}
	t.Run("fmt", func(t *testing.T) {
		t.Parallel()
		terraform(t, ".", "fmt", "-check", "-recursive", "-diff", "-no-color")
	})
	for dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			if !declaresRequiredProviders(t, work) {
				block := "terraform {\n  required_providers {\n    onomondo = {\n      source = \"onomondo/onomondo\"\n    }\n  }\n}\n"
				if err := os.WriteFile(filepath.Join(work, "zz_required_providers.tf"), []byte(block), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			terraform(t, work, "get", "-no-color") // the local modules validate needs
			terraform(t, work, "validate", "-no-color")
		})
	}
}

// declaresRequiredProviders reports whether a .tf file of dir (not its
// subdirectories) has a required_providers block.
func declaresRequiredProviders(t *testing.T, dir string) bool {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte("required_providers")) {
			return true
		}
	}
	return false
}

// withoutFunctions says why cli cannot parse provider-defined functions
// (Terraform before 1.8, OpenTofu before 1.7), or "" when it can.
func withoutFunctions(t *testing.T, cli string) string {
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	first, _, _ := bytes.Cut(out, []byte("\n"))
	var product string
	var major, minor int
	if _, err := fmt.Sscanf(string(first), "%s v%d.%d", &product, &major, &minor); err != nil {
		t.Fatalf("%s version: unexpected first line %q", cli, first)
	}
	minimum := 8
	if product == "OpenTofu" {
		minimum = 7
	}
	if major == 1 && minor < minimum {
		return fmt.Sprintf("%s is %s", cli, first)
	}
	return ""
}
