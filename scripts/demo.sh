#!/usr/bin/env bash
# The offline demo: builds the provider and the fake Onomondo API, starts the
# fake on a loopback port, and applies examples/demo with terraform through
# scripts/dev.tfrc, printing usage totals read from the fake, the month's
# usage per tag, the SIMs over 90% of their own data limit and the SIMs
# over an SMS limit on one day. Needs no
# network and leaves nothing behind (set DEMO_KEEP=1 to keep the working
# directory .build/run/demo for a look at the state).
#
# TF_CLI=tofu runs it under OpenTofu (the tofu on PATH, else OpenTofu 1.12.6
# built once from source); the dev_overrides key "onomondo/onomondo" of
# scripts/dev.tfrc matches registry.opentofu.org/onomondo/onomondo there.
# See ensure_terraform in scripts/lib.sh for every TF_CLI value.
. "$(dirname "$0")/lib.sh"

ensure_terraform
build_provider
log "building the fake Onomondo API into bin/"
(cd "$REPO_ROOT" && go build -o bin/onomondo-fake-api ./internal/fakeapi/cmd/onomondo-fake-api)

dir="$(workdir demo)"
cp "$REPO_ROOT"/examples/demo/*.tf "$dir/"
fake_pid=""
cleanup() {
  if [[ -n "$fake_pid" ]]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  if [[ "${DEMO_KEEP:-}" != "1" ]]; then rm -rf "$dir"; fi
}
trap cleanup EXIT

"$REPO_ROOT/bin/onomondo-fake-api" -listen 127.0.0.1:0 -url-file "$dir/fake-url" 2>"$dir/fake-api.log" &
fake_pid=$!
for _ in $(seq 1 100); do [[ -s "$dir/fake-url" ]] && break; sleep 0.1; done
[[ -s "$dir/fake-url" ]] || { log "the fake API did not start:"; cat "$dir/fake-api.log" >&2; exit 1; }

export ONOMONDO_BASE_URL="$(cat "$dir/fake-url")"
export ONOMONDO_API_KEY="onok_demo.fakeapikey" # the fake API's demo key, not a real one
export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/dev.tfrc"
export CHECKPOINT_DISABLE=1
log "fake Onomondo API at $ONOMONDO_BASE_URL"
log "$(basename "$TF") apply in $dir with $TF_CLI_VERSION (data sources only: nothing is created)"
"$TF" -chdir="$dir" apply -auto-approve -input=false -no-color
log "the fake API served $(grep -c ' /usage' "$dir/fake-api.log" || true) usage, $(grep -c ' /sims' "$dir/fake-api.log" || true) SIM and $(grep -c ' /sms/usage/' "$dir/fake-api.log" || true) SMS requests"
