#!/usr/bin/env bash
# Runs the provider's acceptance suite (data sources, every fault, provider
# settings) with TF_LOG=TRACE, capturing terraform's log and the provider's
# own log lines (TF_ACC_LOG_PATH), the test output (diagnostics) and every
# test working directory (state, plans), then fails if the test API key, or
# its secret part, appears anywhere in them.
#
#   scripts/leak-check.sh                        # go test ./internal/provider/
#   scripts/leak-check.sh bash scripts/test.sh   # any test command, under the same capture
#
# .ci/run passes the README's test command, so the whole suite runs once and
# is both the test step and the leak check.
. "$(dirname "$0")/lib.sh"

ensure_terraform
acc_cli_env "$TF"
out="$REPO_ROOT/.build/leak-check"
rm -rf "$out"; mkdir -p "$out/work"
key="$(sed -n 's/^const testAPIKey = "\(.*\)"$/\1/p' "$REPO_ROOT/internal/provider/provider_test.go")"
[[ -n "$key" ]] || { log "could not read testAPIKey from internal/provider/provider_test.go"; exit 1; }
secret="${key#*.}"

if (($# == 0)); then
  set -- go test -count=1 -timeout 20m -skip '^TestAcc' -v ./internal/provider/
fi
log "$* with TF_LOG=TRACE under $TF_CLI_VERSION (logs in $out)"
status=0
(
  cd "$REPO_ROOT"
  unset ONOMONDO_API_KEY ONOMONDO_BASE_URL
  TF_ACC=1 TF_LOG=TRACE TF_ACC_LOG_PATH="$out/trace.log" \
  TF_ACC_PERSIST_WORKING_DIR=1 TF_ACC_TEMP_DIR="$out/work" \
  TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc" CHECKPOINT_DISABLE=1 \
    "$@" >"$out/test-output.txt" 2>&1
) || status=$?
# Each package's result line, and any failure, on the console.
grep -E '^(ok|FAIL|--- FAIL|panic:)|^\?' "$out/test-output.txt" >&2 || true
if [[ $status -ne 0 ]]; then
  tail -n 60 "$out/test-output.txt"
  log "the tests failed under TF_LOG=TRACE (whole output: $out/test-output.txt)"; exit 1
fi

# The capture must hold the provider's own debug lines and diagnostics, or
# finding no key would prove nothing.
grep -q 'Onomondo API request' "$out/trace.log" || { log "trace.log has no provider debug lines"; exit 1; }
grep -q 'Onomondo API server error' "$out/test-output.txt" "$out/trace.log" || { log "no error diagnostics were captured"; exit 1; }
files=$(find "$out" -type f | wc -l)
bytes=$(du -sb "$out" | cut -f1)
# The tests write the key into their own .tf configuration (their input);
# everything Terraform and the provider produced from it is searched.
if grep -rlIF --exclude="*.tf" -e "$key" -e "$secret" "$out" >"$out/leaks.txt" 2>/dev/null; then
  log "the API key leaked into:"; cat "$out/leaks.txt" >&2; exit 1
fi
log "no trace of the API key in $files files ($bytes bytes): logs, diagnostics, state, plans"
rm -rf "$out"
