package provider

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/onomondo/terraform-provider-onomondo/internal/fakeapi"
)

const binaryUsageConfig = `
terraform {
  required_providers {
    onomondo = { source = "onomondo/onomondo" }
  }
}
provider "onomondo" {
  max_retries = 0
}
data "onomondo_usage" "feb" {
  time            = "2025-02"
  limit           = 1000
  include_records = false
}
data "onomondo_sim_usage" "one" {
  sim_id = "000005840"
  time   = "2025-02-10"
}
output "total" {
  value = data.onomondo_usage.feb.total_bytes
}
`

// TestBinary_KeyNeverLeaks runs plan, show -json, apply and a failing plan
// with TF_LOG=TRACE through the real binaries, then looks for the API key in
// everything they left: the log (terraform's and the provider's own lines),
// stdout and stderr (diagnostics), the plan JSON and the state.
func TestBinary_KeyNeverLeaks(t *testing.T) {
	bt := newBinaryTerraform(t)
	// Once failing is set, a proxy's HTML error page that echoes the
	// request's Authorization header: the worst case for a leak.
	var failing atomic.Bool
	_, url := behind(t, func(fake *fakeapi.Server, w http.ResponseWriter, r *http.Request) {
		if !failing.Load() {
			fake.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = fmt.Fprintf(w, "<html><h1>502 Bad Gateway</h1>for %s</html>", r.Header.Get("Authorization"))
	})
	work := bt.workdir(t, "leak", binaryUsageConfig)
	logFile := filepath.Join(bt.dir, "trace.log")
	env := []string{
		"ONOMONDO_API_KEY=" + testAPIKey,
		"ONOMONDO_BASE_URL=" + url,
		"TF_LOG=TRACE",
		"TF_LOG_PATH=" + logFile,
	}
	var captured bytes.Buffer
	collect := func(what string, out, errOut []byte) {
		captured.WriteString("\n--- " + what + " ---\n")
		captured.Write(out)
		captured.Write(errOut)
	}

	out, errOut, err := bt.run(t, work, env, "plan", "-input=false", "-no-color", "-out=plan.bin")
	collect("plan", out, errOut)
	if err != nil {
		t.Fatalf("plan: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err = bt.run(t, work, env, "show", "-json", "plan.bin")
	collect("show -json", out, errOut)
	if err != nil || !bytes.Contains(out, []byte(`"total_bytes"`)) {
		t.Fatalf("show -json: %v\n%s", err, errOut)
	}
	out, errOut, err = bt.run(t, work, env, "apply", "-input=false", "-no-color", "plan.bin")
	collect("apply", out, errOut)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, errOut)
	}
	state, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	collect("state", state, nil)

	// A failure, with the key echoed in the answer.
	failing.Store(true)
	out, errOut, err = bt.run(t, work, env, "plan", "-input=false", "-no-color")
	collect("failing plan", out, errOut)
	if err == nil || !bytes.Contains(errOut, []byte("HTTP 502")) {
		t.Fatalf("the failing plan did not fail with the 502: %v\n%s", err, errOut)
	}

	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	collect("TF_LOG=TRACE log", logs, nil)
	// The capture must really hold the provider's own debug lines, or the
	// check below proves nothing.
	for _, want := range []string{"Onomondo API request", "[TRACE]", "provider.terraform-provider-onomondo"} {
		if !bytes.Contains(logs, []byte(want)) {
			t.Fatalf("the TRACE log lacks %q: logging was not captured", want)
		}
	}
	secret := testAPIKey[strings.Index(testAPIKey, ".")+1:]
	for _, needle := range []string{testAPIKey, secret} {
		if i := bytes.Index(captured.Bytes(), []byte(needle)); i >= 0 {
			start := max(0, i-300)
			t.Fatalf("the API key (or its secret part) leaked:\n...%s", captured.Bytes()[start:i])
		}
	}
	t.Logf("checked %d bytes of logs, output, plan JSON and state", captured.Len())
}

// TestBinary_InterruptDuringRateLimitWait sends SIGINT to terraform while
// the provider waits out a long rate-limit reset, and expects terraform to
// end promptly rather than after the reset.
func TestBinary_InterruptDuringRateLimitWait(t *testing.T) {
	bt := newBinaryTerraform(t)
	// Every usage read is answered 429 with a reset a minute away: the
	// provider waits for it (a plausible reset, under the 65 s cap).
	var limited atomic.Bool
	_, url := behind(t, func(fake *fakeapi.Server, w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/usage") {
			fake.ServeHTTP(w, r)
			return
		}
		w.Header().Set("X-Ratelimit-Limit", "600")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(time.Now().Add(60*time.Second).Unix(), 10))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":"rate_limit_exceeded"}`))
		limited.Store(true)
	})
	work := bt.workdir(t, "interrupt", binaryUsageConfig)
	cmd := bt.command(work, []string{"ONOMONDO_API_KEY=" + testAPIKey, "ONOMONDO_BASE_URL=" + url}, "plan", "-input=false", "-no-color")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	deadline := time.Now().Add(30 * time.Second)
	for !limited.Load() {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the provider never reached the rate-limit wait\n%s%s", stdout.String(), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // well inside the 60 s wait
	// The check for a provider left behind must be able to see one: while
	// the provider waits, it is there.
	if pids := processesUnder(t, bt.dir); len(pids) == 0 {
		_ = cmd.Process.Kill()
		t.Fatalf("no provider process found under %s while it waits: the leftover check below would prove nothing", bt.dir)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		took := time.Since(sent)
		t.Logf("terraform ended %s after SIGINT: %v", took.Round(time.Millisecond), err)
		if err == nil {
			t.Errorf("an interrupted plan exited 0\n%s%s", stdout.String(), stderr.String())
		}
		if took > 2*time.Second {
			t.Errorf("terraform took %s to end after SIGINT, want at most 2s", took)
		}
		// And no provider process is left behind, still waiting.
		time.Sleep(time.Second)
		if pids := processesUnder(t, bt.dir); len(pids) > 0 {
			t.Errorf("provider process(es) %v still running after terraform ended", pids)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform still running 30 s after SIGINT (the reset was 60 s away)\n%s%s", stdout.String(), stderr.String())
	}
}

// processesUnder lists the pids whose executable lies under dir. It fails
// the test where the processes cannot be listed (no /proc).
func processesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var pids []string
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatalf("cannot list processes to look for a provider left behind: %v", err)
	}
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err == nil && strings.HasPrefix(exe, dir) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}
