// Package tfrun is what the end-to-end benchmarks share to run the real
// terraform binary on the provider built from the repository: the build,
// a CLI configuration whose dev_overrides point at it, and an environment
// free of anything that would change how terraform or the provider behave.
package tfrun

import (
	"fmt"
	"os"
	"os/exec"
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
