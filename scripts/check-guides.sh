#!/usr/bin/env bash
# Runs what the guides (docs/guides/) tell people to copy, for real and
# offline, and fails when anything behaves other than the guides say:
#
#   scripts/check-guides.sh
#
# 1. The OPA policy (examples/policy): `opa fmt`, `opa check --strict` and
#    its unit tests (`opa test`), with OPA v1.22.3 built from source once per
#    machine into the tools cache (scripts/lib.sh, cached_tool).
# 2. The usage alarm (examples/usage-alarm) against the fake Onomondo API on
#    loopback, through its own gate script usage-alarm.sh (terraform plan
#    -detailed-exitcode, terraform show -json, jq) with the provider from bin/
#    via dev_overrides, in five cases: under the limits, over them, over the
#    hard limit, a wrong API key, and a read deferred to apply by
#    timestamp(). For each case the gate's exit code, and the policy's exact
#    set of deny messages on the plan JSON terraform wrote, are asserted,
#    as is the exit status of the guide's `opa eval --fail-defined` gate.
# 3. `terraform test` of the threshold module's .tftest.hcl files
#    (mock_provider, override_data: no API at all).
# 4. The CI files the guide shows (examples/usage-alarm/ci): both parse as
#    YAML and call the gate script as the guide says; the GitHub workflow
#    goes through scripts/actionlint.sh when the repository has it.
#
# Needs Terraform >= 1.8 on PATH (provider functions; mock_provider needs
# 1.7) and jq (the gate script's; installed with apt-get when missing).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export CHECKPOINT_DISABLE=1
unset ONOMONDO_API_KEY ONOMONDO_BASE_URL TF_VAR_month

ensure_terraform
if ! terraform_at_least 1 8; then
  log "terraform $(terraform version | head -n1) predates provider functions (1.8), which the guides' examples use: install Terraform >= 1.8"
  exit 1
fi
if ! command -v jq >/dev/null 2>&1; then
  log "jq (used by examples/usage-alarm/usage-alarm.sh) is missing: installing it with apt-get"
  apt-get update -qq >&2 && apt-get install -y -qq jq >&2
fi
opa="$(cached_tool opa)"
log "using $("$opa" version | head -n1) at $opa"
build_provider
log "building the fake Onomondo API into bin/"
(cd "$REPO_ROOT" && go build -o bin/onomondo-fake-api ./internal/fakeapi/cmd/onomondo-fake-api)

failures=0
fail() {
  log "FAILED: $*"
  failures=$((failures + 1))
}

# --- 1. The policy on its own -------------------------------------------
policy="$REPO_ROOT/examples/policy"
log "opa fmt, opa check --strict and opa test on examples/policy"
if unformatted="$("$opa" fmt --list "$policy")" && [[ -z "$unformatted" ]]; then :; else
  fail "opa fmt would change: $unformatted (run: opa fmt -w examples/policy)"
fi
"$opa" check --strict "$policy" || fail "opa check --strict examples/policy"
"$opa" test -v "$policy" >&2 || fail "opa test examples/policy"

# --- 2. The usage alarm against the fake API ----------------------------
dir="$(workdir guides-usage-alarm)"
cp -R "$REPO_ROOT/examples/usage-alarm/." "$dir/"
fake_pid=""
cleanup() {
  if [[ -n "$fake_pid" ]]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  if [[ "${GUIDES_KEEP:-}" != "1" ]]; then rm -rf "$dir" "$REPO_ROOT/.build/run/guides-terraform-test"; fi
}
trap cleanup EXIT

"$REPO_ROOT/bin/onomondo-fake-api" -listen 127.0.0.1:0 -url-file "$dir/.fake-url" 2>"$dir/.fake-api.log" &
fake_pid=$!
for _ in $(seq 1 100); do [[ -s "$dir/.fake-url" ]] && break; sleep 0.1; done
[[ -s "$dir/.fake-url" ]] || { log "the fake API did not start:"; cat "$dir/.fake-api.log" >&2; exit 1; }
ONOMONDO_BASE_URL="$(cat "$dir/.fake-url")"
export ONOMONDO_BASE_URL
fake_key="onok_demo.fakeapikey" # the fake API's demo key, not a real one
export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/dev.tfrc" # dev_overrides: bin/, three levels up
log "fake Onomondo API at $ONOMONDO_BASE_URL; the usage alarm in $dir"
terraform -chdir="$dir" get -no-color >/dev/null

# run_case NAME KEY WANT_GATE_EXIT LIMITS_JSON [terraform plan args...]
# runs the gate script, then the policy (with LIMITS_JSON as its data when
# not empty), and compares the sorted deny messages with stdin.
run_case() {
  local name="$1" key="$2" want_exit="$3" limits="$4"
  shift 4
  local want got gate_exit=0 opa_exit=0 data=(-d "$policy/onomondo_usage.rego")
  want="$(cat)"
  log "case $name: usage-alarm.sh $*"
  (cd "$dir" && ONOMONDO_API_KEY="$key" ./usage-alarm.sh -no-color "$@") >"$dir/$name.log" 2>&1 || gate_exit=$?
  if [[ $gate_exit -ne $want_exit ]]; then
    cat "$dir/$name.log" >&2
    fail "case $name: usage-alarm.sh exited $gate_exit, want $want_exit"
  fi
  grep '^usage alarm:' "$dir/$name.log" >&2 || true
  if [[ ! -s "$dir/plan.json" ]]; then
    fail "case $name: no plan.json"
    return
  fi
  mv "$dir/plan.json" "$dir/$name.plan.json"
  rm -f "$dir/plan.out"
  if [[ -n "$limits" ]]; then
    printf '%s\n' "$limits" >"$dir/$name.limits.json"
    data+=(-d "$dir/$name.limits.json")
  fi
  got="$("$opa" eval -f raw "${data[@]}" -i "$dir/$name.plan.json" 'concat("\n", sort(data.main.deny))')"
  if [[ "$got" != "$want" ]]; then
    fail "case $name: the policy's deny messages differ (- want, + got):"
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2 || true
  else
    printf '%s\n' "${got:-(none)}" | sed 's/^/    deny: /' >&2
  fi
  # The guide's gate: exit 1 exactly when there is a deny.
  "$opa" eval --fail-defined -f pretty "${data[@]}" -i "$dir/$name.plan.json" 'data.main.deny[msg]' >/dev/null || opa_exit=$?
  if [[ -z "$want" && $opa_exit -ne 0 ]] || [[ -n "$want" && $opa_exit -ne 1 ]]; then
    fail "case $name: opa eval --fail-defined exited $opa_exit"
  fi
}

# Under the limits: every check passes, no deny.
run_case under "$fake_key" 0 '{"onomondo_limits": {"per_sim_bytes": 1000000000, "fleet_bytes": 4000000000}}' \
  -var month=2025-03 -var 'per_sim_limit=1 GB' -var 'fleet_warning=3 GB' -var 'fleet_limit=4 GB' </dev/null

# Over the per-SIM limit and the warning level: the checks warn (exit 3),
# the policy names every SIM over its limit, and the fleet.
run_case over "$fake_key" 3 '{"onomondo_limits": {"per_sim_bytes": 100000000, "fleet_bytes": 2000000000}}' \
  -var month=2025-03 -var 'per_sim_limit=100 MB' -var 'fleet_warning=2 GB' -var 'fleet_limit=4 GB' <<'EOF'
SIM 000006082 used 342.79 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006204 used 716.02 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006413 used 412.00 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006527 used 216.76 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006624 used 226.80 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006793 used 247.37 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
module.usage.check.fleet_budget failed: The fleet used 2.84 GB in 2025-03, over 2.00 GB (the warning level).
module.usage.check.per_sim_limit failed: SIMs over 100.00 MB in 2025-03: 000006082 (342.79 MB), 000006204 (716.02 MB), 000006413 (412.00 MB), 000006527 (216.76 MB), 000006624 (226.80 MB), 000006793 (247.37 MB).
the fleet used 2.84 GB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the fleet limit of 2.00 GB
EOF

# Over the hard limit: the output precondition fails the plan (exit 1), and
# every check still reports its own result (a postcondition on the data
# source would have left them unknown).
run_case hard-stop "$fake_key" 1 '' \
  -var month=2025-03 -var 'per_sim_limit=1 GB' -var 'fleet_warning=2 GB' -var 'fleet_limit=2.5 GB' <<'EOF'
SIM 000006204 used 716.02 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 500.00 MB
module.usage.check.fleet_budget failed: The fleet used 2.84 GB in 2025-03, over 2.00 GB (the warning level).
module.usage.output.fleet_total_bytes failed: The fleet used 2.84 GB in 2025-03, over the hard limit of 2.50 GB.
the plan errored: Terraform could not finish it (a failed API read, a failed condition or an invalid argument), so its usage and checks are incomplete; see the errors terraform plan printed
EOF

# A wrong API key: the read fails with 401, the plan errors (exit 1), every
# check on it is unknown; a gate that looked only for "fail" would pass it.
run_case wrong-key "onok_wrong.key" 1 '' -var month=2025-03 <<'EOF'
module.usage.check.fleet_budget was not evaluated (unknown)
module.usage.check.per_sim_limit was not evaluated (unknown)
module.usage.output.fleet_total_bytes was not evaluated (unknown)
the plan errored: Terraform could not finish it (a failed API read, a failed condition or an invalid argument), so its usage and checks are incomplete; see the errors terraform plan printed
EOF

# timestamp() instead of plantimestamp(): the read moves to apply, the plan
# succeeds having read nothing; the gate and the policy refuse it. (An
# override file replaces the module's month in this working copy only.)
cat >"$dir/zz_timestamp_override.tf" <<'EOF'
module "usage" {
  month = formatdate("YYYY-MM", timestamp())
}
EOF
requests_before="$(grep -c ' /usage' "$dir/.fake-api.log" || true)"
run_case deferred "$fake_key" 1 '' <<'EOF'
module.usage.check.fleet_budget was not evaluated (unknown)
module.usage.check.per_sim_limit was not evaluated (unknown)
module.usage.data.onomondo_usage.fleet is read only at apply (read_because_config_unknown): this plan holds none of its usage; for the current month use formatdate("YYYY-MM", plantimestamp()), not timestamp()
module.usage.output.fleet_total_bytes was not evaluated (unknown)
module.usage.var.month was not evaluated (unknown)
EOF
if [[ "$(grep -c ' /usage' "$dir/.fake-api.log" || true)" != "$requests_before" ]]; then
  fail "case deferred: the plan sent requests, so the read was not deferred"
fi
rm -f "$dir/zz_timestamp_override.tf"

# --- 3. terraform test, offline ------------------------------------------
tdir="$(workdir guides-terraform-test)"
cp -R "$REPO_ROOT/examples/usage-alarm/modules/monthly-usage/." "$tdir/"
log "terraform test in examples/usage-alarm/modules/monthly-usage (mock_provider: no API, no key)"
if out="$(env -u ONOMONDO_BASE_URL terraform -chdir="$tdir" test -no-color 2>&1)"; then
  printf '%s\n' "$out" | grep -E '^(  run |tests/|Success|Failure)' >&2
  summary="$(printf '%s\n' "$out" | grep -E '^(Success|Failure)!' || true)"
  [[ "$summary" == "Success! 4 passed, 0 failed." ]] || fail "terraform test: \"$summary\", want 4 passed"
else
  printf '%s\n' "$out" >&2
  fail "terraform test"
fi

# --- 4. The CI files the guide shows --------------------------------------
ci="$REPO_ROOT/examples/usage-alarm/ci"
log "the guide's CI files parse and call the gate script"
gitlab_ok="$("$opa" eval -f raw -i "$ci/gitlab-ci.yml" \
  'count([1 | j := input["usage-alarm"]; j.script == ["./usage-alarm.sh"]; j.allow_failure.exit_codes == [3]; j.resource_group != ""]) == 1')" ||
  fail "examples/usage-alarm/ci/gitlab-ci.yml does not parse"
[[ "$gitlab_ok" == "true" ]] || fail "gitlab-ci.yml: job usage-alarm must run ./usage-alarm.sh, allow exit code 3 and use a resource_group"
github_ok="$("$opa" eval -f raw -i "$ci/github-actions.yml" \
  'count([1 | j := input.jobs["usage-alarm"]; some s in j.steps; s.run == "./usage-alarm.sh"; contains(j.env.ONOMONDO_API_KEY, "secrets.ONOMONDO_API_KEY"); input.on.schedule[0].cron != ""]) == 1')" ||
  fail "examples/usage-alarm/ci/github-actions.yml does not parse"
[[ "$github_ok" == "true" ]] || fail "github-actions.yml: job usage-alarm must run ./usage-alarm.sh on a schedule with ONOMONDO_API_KEY from secrets"
bash -n "$REPO_ROOT/examples/usage-alarm/usage-alarm.sh" || fail "usage-alarm.sh: bash -n"
if [[ -f "$REPO_ROOT/scripts/actionlint.sh" ]]; then
  bash "$REPO_ROOT/scripts/actionlint.sh" examples/usage-alarm/ci/github-actions.yml || fail "actionlint examples/usage-alarm/ci/github-actions.yml"
else
  log "scripts/actionlint.sh not in this tree: the GitHub workflow was only parsed, not linted"
fi

if ((failures > 0)); then
  log "$failures failure(s)"
  exit 1
fi
log "the guides' policy, usage alarm, terraform test and CI files work as documented"
