#!/usr/bin/env bash
# Runs the README's test command (bash scripts/test.sh, with this script's
# arguments) with TF_LOG=TRACE, capturing terraform's log and the provider's
# own log lines (TF_ACC_LOG_PATH), the test output and every test's working
# directory (state, plans), then fails if an API key the tests gave
# terraform appears anywhere in them. .ci/run runs the suite this way once:
# it is both the test step and the leak check.
#
# The keys come from the terraform runs themselves: a `terraform` first on
# PATH records the ONOMONDO_API_KEY of each run and execs the real one, so
# the check follows whatever key the tests use without reading their source.
. "$(dirname "$0")/lib.sh"
unset TF_CLI
ensure_terraform
out="$REPO_ROOT/.build/leak-check" keys="$REPO_ROOT/.build/leak-keys"
rm -rf "$out" "$keys" && mkdir -p "$out/work" "$keys/bin"
printf '#!/bin/sh\n[ -z "$ONOMONDO_API_KEY" ] || printf "%%s\\n" "$ONOMONDO_API_KEY" >>"%s"\nexec "%s" "$@"\n' \
  "$keys/seen" "$TF" >"$keys/bin/terraform"
chmod +x "$keys/bin/terraform"
log "bash scripts/test.sh $* under TF_LOG=TRACE (logs in $out)"
status=0
PATH="$keys/bin:$PATH" TF_LOG=TRACE TF_ACC_LOG_PATH="$out/trace.log" \
  TF_ACC_PERSIST_WORKING_DIR=1 TF_ACC_TEMP_DIR="$out/work" \
  bash "$REPO_ROOT/scripts/test.sh" "$@" >"$out/test-output.txt" 2>&1 || status=$?
# Each package's result line, and any failure, on the console.
grep -E '^(ok|FAIL|--- FAIL|panic:)|^\?' "$out/test-output.txt" >&2 || true
if ((status != 0)); then
  tail -n 80 "$out/test-output.txt"
  log "the tests failed (whole output: $out/test-output.txt)"; exit 1
fi
# Finding no key proves something only if the capture holds the provider's
# debug lines, its error diagnostics and at least one key.
grep -q 'Onomondo API request' "$out/trace.log" || { log "trace.log has no provider debug lines"; exit 1; }
grep -q 'Onomondo API server error' "$out/test-output.txt" "$out/trace.log" || { log "no error diagnostics were captured"; exit 1; }
# Each key, and its secret (after the first dot); shorter than 8 characters,
# it would match ordinary text.
touch "$keys/seen"
sort -u "$keys/seen" | while read -r k; do
  for n in "$k" "${k#*.}"; do if ((${#n} >= 8)); then printf '%s\n' "$n"; fi; done
done | sort -u >"$keys/needles"
[[ -s "$keys/needles" ]] || { log "no terraform run was given an API key: the check would prove nothing"; exit 1; }
# The tests' own .tf files are their input; everything produced from them is searched.
if grep -rlIF --exclude='*.tf' -f "$keys/needles" "$out" >"$keys/leaks"; then
  log "an API key leaked into:"; cat "$keys/leaks" >&2; exit 1
fi
log "no trace of the $(sort -u "$keys/seen" | wc -l) key(s) given to $(wc -l <"$keys/seen") terraform runs in $(find "$out" -type f | wc -l) files ($(du -sh "$out" | cut -f1)): logs, diagnostics, state, plans"
rm -rf "$out" "$keys"
