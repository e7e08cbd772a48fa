// Package tfrun is what the end-to-end benchmarks share to run the real
// terraform binary on the provider built from the repository: the build,
// a CLI configuration whose dev_overrides point at it, and an environment
// free of anything that would change how terraform or the provider behave.
package tfrun

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// BuildProvider builds the provider from the repository at root into the
// file out.
func BuildProvider(root, out string) error {
	build := exec.Command("go", "build", "-o", out, "-ldflags", "-X main.version=0.0.0-bench", ".")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	return nil
}

// WriteCLIConfig writes a terraform CLI configuration to path whose
// dev_overrides take onomondo/onomondo from the folder binDir.
func WriteCLIConfig(path, binDir string) error {
	return os.WriteFile(path, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "onomondo/onomondo" = %q
  }
}
disable_checkpoint = true
`, binDir)), 0o644)
}

// CleanEnv is the environment without anything that would change how
// terraform or the provider behave (logging, other CLI configuration,
// credentials) or the benchmarks' own variables (prefix BENCH_E2E_).
func CleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "ONOMONDO_") || strings.HasPrefix(k, "BENCH_E2E_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// Workdir is a benchmark's working folder: Dir, made afresh, with Bin for
// the provider's binary; the repository's absolute path; and the terraform
// binary on PATH.
type Workdir struct {
	Root, Dir, Bin, Terraform string
	keep                      bool
}

// Done removes the working folder, unless it is to be kept.
func (w Workdir) Done() {
	if !w.keep {
		_ = os.RemoveAll(w.Dir)
	}
}

// NewWorkdir makes dir afresh (default <repo>/.build/run/<name>) with a
// bin folder, and finds terraform. Done removes the folder unless keep.
func NewWorkdir(repo, dir, name string, keep bool) (Workdir, error) {
	root, err := filepath.Abs(repo)
	if err != nil {
		return Workdir{}, err
	}
	w := Workdir{Root: root, Dir: dir, keep: keep}
	if w.Dir == "" {
		w.Dir = filepath.Join(root, ".build", "run", name)
	}
	w.Bin = filepath.Join(w.Dir, "bin")
	if err := os.RemoveAll(w.Dir); err != nil {
		return w, err
	}
	if err := os.MkdirAll(w.Bin, 0o755); err != nil {
		return w, err
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return w, fmt.Errorf("terraform is not on PATH: %w", err)
	}
	w.Terraform = tf
	return w, nil
}
