#!/usr/bin/env bash
# Runs what the guides (docs/guides/) tell people to copy and type, for real
# and offline, under Terraform and under OpenTofu, and fails when anything
# behaves other than the guides say:
#
#   scripts/check-guides.sh
#
# Once, shared by both CLIs:
#  - the OPA policy (examples/policy): `opa fmt`, `opa check --strict` and
#    its unit tests under `opa test` and `conftest verify`, with OPA v1.22.3
#    and conftest v0.71.1 built once per machine into the tools cache
#    (scripts/lib.sh, cached_tool);
#  - the provider built into bin/ and laid out as a filesystem mirror (as
#    release 0.0.1, under registry.terraform.io and registry.opentofu.org),
#    which a CLI configuration offers to `terraform init` in place of the
#    registry: the guides' own `terraform init` then runs as written;
#  - the fake Onomondo API on loopback, started once, and a second one
#    whose SIMs' data limits count a month without usage (so that no SIM is
#    at its own limit, for the case "under the limits");
#  - the CI files the guide shows (examples/usage-alarm/ci): both parse as
#    YAML and run the gate as the guide says; actionlint on the workflow.
#
# Then for each CLI (TF_CLI, default the terraform on PATH, and OpenTofu:
# the tofu on PATH or the cached tofu-1.12.6; GUIDES_CLIS="terraform tofu"
# names them instead):
#  1. The usage alarm (examples/usage-alarm), initialised with the guide's
#     own `terraform init`, through its gate usage-alarm.sh (TF_CLI set to
#     the CLI) in nine cases: under the limits, over them, over the hard
#     limit, a wrong API key, a read deferred to apply by timestamp(),
#     nothing read (a month without usage), a month not begun, a window
#     not begun, and with the SMS alarm of examples/sms-alarm beside it, as
#     the guide says. For each
#     case the gate's exit code, the policy's exact set of deny messages on
#     the plan JSON the CLI wrote (with the same limits file), the exit code
#     of the guide's `opa eval --fail-defined`, the same messages and the
#     exit code from `conftest test`, and for three cases the
#     gate's Markdown summary against its golden file
#     (examples/usage-alarm/testdata/summary-*.md; GUIDES_UPDATE_GOLDEN=1
#     rewrites them) are asserted.
#  2. Every command in a ```shell block of templates/guides/*.md.tmpl runs
#     as written (OpenTofu: with `tofu` for a leading `terraform`; commands
#     naming tofu run under OpenTofu only) in a folder laid out as the guide
#     says, against the fake API, with its exit code asserted; where the
#     guide shows the output (a ```text block after a
#     {{/* output: NAME */ -}} marker), the output must match it line for
#     line. A guide command that no pass ran fails the check.
#  3. What README.md says about a local build of the provider offline:
#     with dev_overrides, no `terraform init` (`terraform get` for local
#     modules, then plan); or `terraform init -plugin-dir` on a mirror.
#
# Needs Terraform >= 1.8 (provider functions; mock_provider needs 1.7) and
# jq (the gate's; installed with apt-get when missing).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export CHECKPOINT_DISABLE=1
unset ONOMONDO_API_KEY ONOMONDO_BASE_URL TF_VAR_month GITHUB_STEP_SUMMARY USAGE_ALARM_SUMMARY TF_CLI_ARGS

start_time=$SECONDS
# The CLIs to run the guides under: by default the TF_CLI one and OpenTofu.
if [[ -n "${GUIDES_CLIS:-}" ]]; then
  read -ra cli_specs <<<"$GUIDES_CLIS"
else
  cli_specs=("${TF_CLI:-terraform}" tofu)
fi
clis=()
for spec in "${cli_specs[@]}"; do
  TF_CLI="$spec" ensure_terraform
  if ! cli_has_functions "$TF"; then
    log "$TF_CLI_VERSION predates provider functions, which the guides' examples use: give Terraform >= 1.8 or OpenTofu >= 1.7"
    exit 1
  fi
  for c in "${clis[@]}"; do [[ "$(cli_version "$c")" == "$TF_CLI_VERSION" ]] && continue 2; done
  clis+=("$TF")
done

if ! command -v jq >/dev/null 2>&1; then
  log "jq (used by examples/usage-alarm/usage-alarm.sh) is missing: installing it with apt-get"
  apt-get update -qq >&2 && apt-get install -y -qq jq >&2
fi
opa="$(cached_tool opa)"
log "using $("$opa" version | head -n1) at $opa"
conftest="$(cached_tool conftest)"
build_provider
log "building the fake Onomondo API into bin/"
(cd "$REPO_ROOT" && go build -o bin/onomondo-fake-api ./internal/fakeapi/cmd/onomondo-fake-api)

failures=0
fail() {
  log "FAILED: $*"
  failures=$((failures + 1))
}

# add_time KEY T0 adds the wall time since $EPOCHREALTIME was T0 to
# times[KEY], printed at the end.
declare -A times=()
add_time() {
  times[$1]="$(awk -v a="${times[$1]:-0}" -v t0="$2" -v t1="$EPOCHREALTIME" 'BEGIN { printf "%.1f", a + t1 - t0 }')"
}

root="$(workdir guides)"
fake_pids=()
cleanup() {
  local pid
  for pid in "${fake_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [[ "${GUIDES_KEEP:-}" != "1" ]]; then rm -rf "$root"; fi
}
trap cleanup EXIT

# --- Once: the policy on its own ------------------------------------------
policy="$REPO_ROOT/examples/policy"
log "opa fmt, opa check --strict, opa test and conftest verify on examples/policy"
if unformatted="$("$opa" fmt --list "$policy")" && [[ -z "$unformatted" ]]; then :; else
  fail "opa fmt would change: $unformatted (run: opa fmt -w examples/policy)"
fi
"$opa" check --strict "$policy" || fail "opa check --strict examples/policy"
"$opa" test "$policy" >&2 || fail "opa test examples/policy"
"$conftest" verify --no-color --policy "$policy" >&2 || fail "conftest verify --policy examples/policy"

# --- Once: the CI files the guide shows -----------------------------------
ci="$REPO_ROOT/examples/usage-alarm/ci"
log "the guide's CI files parse, run the gate and keep its summary"
gitlab_ok="$("$opa" eval -f raw -i "$ci/gitlab-ci.yml" \
  'count([1 | j := input["usage-alarm"]; j.script == ["./usage-alarm.sh"]; j.allow_failure.exit_codes == [3]; j.resource_group != ""; "usage-alarm/usage-alarm-summary.md" in j.artifacts.paths]) == 1')" ||
  fail "examples/usage-alarm/ci/gitlab-ci.yml does not parse"
[[ "$gitlab_ok" == "true" ]] || fail "gitlab-ci.yml: job usage-alarm must run ./usage-alarm.sh, allow exit code 3 (only), use a resource_group and keep usage-alarm-summary.md"
github_ok="$("$opa" eval -f raw -i "$ci/github-actions.yml" \
  'count([1 | j := input.jobs["usage-alarm"]; some s in j.steps; s.run == "./usage-alarm.sh"; contains(j.env.ONOMONDO_API_KEY, "secrets.ONOMONDO_API_KEY"); input.on.schedule[0].cron != ""]) == 1')" ||
  fail "examples/usage-alarm/ci/github-actions.yml does not parse"
[[ "$github_ok" == "true" ]] || fail "github-actions.yml: job usage-alarm must run ./usage-alarm.sh on a schedule with ONOMONDO_API_KEY from secrets"
bash -n "$REPO_ROOT/examples/usage-alarm/usage-alarm.sh" || fail "usage-alarm.sh: bash -n"
(cd "$REPO_ROOT" && "$(bash scripts/tools.sh actionlint)" examples/usage-alarm/ci/github-actions.yml) ||
  fail "actionlint examples/usage-alarm/ci/github-actions.yml"

# --- Once: the provider as a release in a filesystem mirror ---------------
# 0.0.1, not the build's 0.0.0-dev: without a version constraint, init
# never picks a pre-release ("no available releases match").
platform="$(go env GOOS)_$(go env GOARCH)"
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$root/mirror/$host/onomondo/onomondo/0.0.1/$platform"
  cp "$REPO_ROOT/bin/terraform-provider-onomondo" "$root/mirror/$host/onomondo/onomondo/0.0.1/$platform/"
done
cat >"$root/mirror.tfrc" <<EOF
# The registry, for this check: onomondo/onomondo from a local mirror.
provider_installation {
  filesystem_mirror {
    path = "$root/mirror"
  }
}
disable_checkpoint = true
EOF
cat >"$root/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "onomondo/onomondo" = "$REPO_ROOT/bin"
  }
  direct {}
}
disable_checkpoint = true
EOF

# --- Once: the fake API ----------------------------------------------------
# start_fake NAME [ARGS...] starts a fake API that logs to $root/NAME.log
# and writes its base URL to $root/NAME-url.
start_fake() {
  local name="$1"
  shift
  "$REPO_ROOT/bin/onomondo-fake-api" -listen 127.0.0.1:0 -url-file "$root/$name-url" "$@" 2>"$root/$name.log" &
  fake_pids+=("$!")
  for _ in $(seq 1 100); do [[ -s "$root/$name-url" ]] && break; sleep 0.1; done
  [[ -s "$root/$name-url" ]] || { log "the fake API did not start:"; cat "$root/$name.log" >&2; exit 1; }
}
fake_pids=()
start_fake fake-api
ONOMONDO_BASE_URL="$(cat "$root/fake-api-url")"
export ONOMONDO_BASE_URL
# The same fleet, with data limits counting May 2025, which has no usage:
# no SIM is at its own limit.
start_fake fake-api-no-sim-at-limit -period 2025-05
no_sim_at_limit_url="$(cat "$root/fake-api-no-sim-at-limit-url")"
fake_key="onok_demo.fakeapikey" # the fake API's demo key, not a real one
export TF_CLI_CONFIG_FILE="$root/mirror.tfrc"
log "fake Onomondo API at $ONOMONDO_BASE_URL"

# limits PER_SIM PER_SIM_24H WARNING HARD prints a limits file: per SIM in
# the month, per SIM in 24 hours, fleet warning,
# fleet hard limit, in bytes.
limits() {
  printf '{"onomondo_limits": {"per_sim_bytes": %s, "per_sim_24h_bytes": %s, "fleet_warning_bytes": %s, "fleet_bytes": %s}}\n' "$1" "$2" "$3" "$4"
}

# --- The guides' commands ----------------------------------------------------
# Every command of every ```shell block of the guides' templates, one a line
# (continuation lines joined).
guide_commands() {
  awk '
    /^[[:space:]]*```shell[[:space:]]*$/ { inblock = 1; cmd = ""; next }
    /^[[:space:]]*```/ { inblock = 0; next }
    inblock {
      line = $0
      sub(/^[[:space:]]+/, "", line)
      if (cmd != "") cmd = cmd " " line; else cmd = line
      if (cmd ~ /\\$/) { sub(/[[:space:]]*\\$/, "", cmd); next }
      if (cmd !~ /^[[:space:]]*(#|$)/) print cmd
      cmd = ""
    }' "$@"
}
guides=("$REPO_ROOT"/templates/guides/*.md.tmpl)
declare -A ran=()

# guide_text GUIDE NAME prints the ```text block after the marker
# {{/* output: NAME */ -}} in templates/guides/GUIDE.md.tmpl.
guide_text() {
  awk -v name="$2" '
    index($0, "{{/* output: " name " */") { found = 1; next }
    found && /^```text[[:space:]]*$/ { inblock = 1; next }
    inblock && /^```/ { exit }
    inblock { print }' "$REPO_ROOT/templates/guides/$1.md.tmpl"
}

# guide_cmd GUIDE WANT_EXIT COMMAND runs COMMAND, which must be a command of
# a ```shell block of templates/guides/GUIDE.md.tmpl (or of README.md when
# GUIDE is README), as written, in the current folder, under the pass's CLI
# (cli_kind); its output goes to $last_out. Under OpenTofu a leading
# `terraform` is run as `tofu`, and the gate with TF_CLI=tofu; a command
# that names tofu runs only under OpenTofu.
last_out=""
guide_cmd() {
  local guide="$1" want="$2" cmd="$3" file got=0 run="$3"
  if [[ "$guide" == README ]]; then file="$REPO_ROOT/README.md"; else file="$REPO_ROOT/templates/guides/$guide.md.tmpl"; fi
  if ! sed 's/^```sh$/```shell/' "$file" | guide_commands /dev/stdin | grep -qxF -- "$cmd"; then
    fail "$guide: no command \"$cmd\" in a shell block of $file"
    return
  fi
  if [[ "$cmd" == *tofu* && "$cli_kind" != tofu ]]; then return; fi
  # As the CI guide says: under OpenTofu, tofu for terraform, and the gate
  # told so.
  [[ "$cli_kind" == tofu ]] && run="$(sed -E 's/^terraform /tofu /; s|^\./usage-alarm\.sh|TF_CLI=tofu ./usage-alarm.sh|' <<<"$cmd")"
  ran["$cmd"]=1
  log "[$cli_kind] $guide: \$ $run"
  local t0=$EPOCHREALTIME
  PATH="$shims:$PATH" bash -c "$run" >"$root/command.out" 2>&1 || got=$?
  add_time "$cli_kind: $guide" "$t0"
  last_out="$(sed 's/\x1b\[[0-9;]*m//g' "$root/command.out")"
  if [[ "$got" != "$want" ]]; then
    printf '%s\n' "$last_out" >&2
    fail "[$cli_kind] $guide: \"$run\" exited $got, want $want"
  fi
}

# guide_output GUIDE NAME compares $last_out with the guide's text block NAME.
guide_output() {
  local want
  want="$(guide_text "$1" "$2")"
  if [[ -z "$want" ]]; then
    fail "$1: no \`\`\`text block after {{/* output: $2 */}}"
  elif [[ "$last_out" != "$want" ]]; then
    fail "[$cli_kind] $1: the output differs from the guide's block $2 (- guide, + got):"
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$last_out") >&2 || true
  fi
}

# --- One pass: the cases and the guides under one CLI ---------------------
run_pass() {
  local tf="$1"
  cli_kind=terraform
  cli_is_opentofu "$tf" && cli_kind=tofu
  local pass="$root/$cli_kind" pass_start=$SECONDS
  log "=== $(cli_version "$tf") ($tf)"
  mkdir -p "$pass/bin"
  shims="$pass/bin"
  ln -sf "$tf" "$shims/$cli_kind"
  ln -sf "$opa" "$shims/opa"
  ln -sf "$conftest" "$shims/conftest"

  # The usage alarm as the CI guide lays it out, with the policy beside it
  # as the OPA guide lays it out.
  dir="$pass/usage-alarm"
  mkdir -p "$dir"
  cp -R "$REPO_ROOT/examples/usage-alarm/." "$dir/"
  rm -rf "$dir/testdata"
  cp -R "$policy" "$dir/policy"
  cd "$dir"
  export ONOMONDO_API_KEY="$fake_key"
  guide_cmd usage-alarms-in-ci 0 "terraform init"

  # 1. The cases through the gate.
  # Under every limit, on a fake whose SIMs' data limits count a month
  # without usage, so that no SIM is at its own limit either.
  ONOMONDO_BASE_URL="$no_sim_at_limit_url" \
    run_case under "$fake_key" 0 "$(limits 1000000000 1000000000 3000000000 4000000000)" -var month=2025-03 </dev/null

  # Over the per-SIM limit, the 24-hour limit (in March's last 24 hours)
  # and the warning level, with SIMs at their own data limit: the checks
  # warn (exit 3), the policy names every SIM over its limit and every
  # failed check.
  run_case over "$fake_key" 3 "$(limits 100000000 10000000 2000000000 4000000000)" -var month=2025-03 <<'EOF'
SIM 000006082 used 342.79 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006204 used 716.02 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006413 used 412.00 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006527 used 216.76 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006624 used 226.80 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
SIM 000006793 used 247.37 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 100.00 MB
module.usage.check.fleet_budget failed: The fleet used 2.84 GB in 2025-03, over 2.00 GB (the warning level).
module.usage.check.per_sim_limit failed: SIMs over 100.00 MB in 2025-03: 000006082 (342.79 MB), 000006204 (716.02 MB), 000006413 (412.00 MB), 000006527 (216.76 MB), 000006624 (226.80 MB), 000006793 (247.37 MB).
module.usage.check.runaway_sims failed: SIMs over 10.00 MB in the 24 hours to 2025-04-01T00:00:00Z: 000006204 (23.38 MB), 000006413 (10.55 MB), 000006527 (14.84 MB), 000006624 (13.12 MB).
module.usage.check.sims_within_their_own_limit failed: SIMs at their own data limit: gateway-03 (blocked), 000006204 (blocked), gateway-30 (blocked), tracker-46 (blocked), gateway-01 (alert), router-13 (alert).
EOF

  # Over the hard limit: the output precondition fails the plan (exit 1),
  # and every check still reports its own result (a postcondition on the
  # data source would have left them unknown).
  run_case hard-stop "$fake_key" 1 "$(limits 1000000000 1000000000 2000000000 2500000000)" -var month=2025-03 <<'EOF'
module.usage.check.fleet_budget failed: The fleet used 2.84 GB in 2025-03, over 2.00 GB (the warning level).
module.usage.check.sims_within_their_own_limit failed: SIMs at their own data limit: gateway-03 (blocked), 000006204 (blocked), gateway-30 (blocked), tracker-46 (blocked), gateway-01 (alert), router-13 (alert).
module.usage.output.fleet_total_bytes failed: The fleet used 2.84 GB in 2025-03, over the hard limit of 2.50 GB.
the fleet used 2.84 GB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the fleet limit of 2.50 GB
the plan errored: Terraform could not finish it (a failed API read, a failed condition or an invalid argument), so its usage and checks are incomplete; see the errors terraform plan printed
EOF

  # A wrong API key: the reads fail with 401, the plan errors (exit 1),
  # every check on them is unknown; a gate that looked only for "fail"
  # would pass it.
  run_case wrong-key "onok_wrong.key" 1 "" -var month=2025-03 <<'EOF'
module.usage.check.fleet_budget was not evaluated (unknown)
module.usage.check.fleet_pace was not evaluated (unknown)
module.usage.check.last_24h_was_read was not evaluated (unknown)
module.usage.check.per_sim_limit was not evaluated (unknown)
module.usage.check.runaway_sims was not evaluated (unknown)
module.usage.check.sims_within_their_own_limit was not evaluated (unknown)
module.usage.check.usage_was_read was not evaluated (unknown)
module.usage.output.fleet_total_bytes was not evaluated (unknown)
the plan errored: Terraform could not finish it (a failed API read, a failed condition or an invalid argument), so its usage and checks are incomplete; see the errors terraform plan printed
EOF

  # Nothing read: a month the API has no usage for (the fake's fleet starts
  # in 2025-01), nor for its last 24 hours. Every limit holds, trivially;
  # the gate says "nothing was read" (exit 4) and the policy says so in its
  # own words, for the month and for the window.
  run_case nothing-read "$fake_key" 4 "" -var month=2024-12 <<'EOF'
module.usage.check.last_24h_was_read failed: Nothing was read from 2024-12-31T00:00:00Z to 2025-01-01T00:00:00Z: the API returned no usage record of the fleet in those 24 hours. That is not "no runaway SIM": the fleet was silent for a whole day, or the API key sees none of its SIMs.
module.usage.check.sims_within_their_own_limit failed: SIMs at their own data limit: gateway-03 (blocked), 000006204 (blocked), gateway-30 (blocked), tracker-46 (blocked), gateway-01 (alert), router-13 (alert).
module.usage.check.usage_was_read failed: Nothing was read for 2024-12: the API returned no usage record of the fleet in that month. That is not "under the limit": check the month, and that the API key sees the fleet's SIMs.
module.usage.data.onomondo_usage.fleet read nothing for 2024-12: the fleet has no usage record in it, which is not under the limit (a wrong month, or an API key that sees none of the fleet's SIMs)
module.usage.data.onomondo_usage.last_24h read nothing in the window from 2024-12-31T00:00:00Z to 2025-01-01T00:00:00Z: the fleet has no usage record in it, which is not under the limit (a fleet silent for the whole window, or an API key that sees none of the fleet's SIMs)
EOF
  gate_said nothing-read "usage alarm: nothing was read: module.usage.data.onomondo_usage.last_24h read no usage record of the fleet in the window from 2024-12-31T00:00:00Z to 2025-01-01T00:00:00Z"

  # A month not begun is nothing read too, said as such; its last 24 hours
  # are those up to the plan, in which the fake has no usage either (@AT@:
  # the plan's timestamp, @SINCE@ 24 hours before it).
  run_case not-begun "$fake_key" 4 "" -var month=2099-12 <<'EOF'
module.usage.check.last_24h_was_read failed: Nothing was read from @SINCE@ to @AT@: the API returned no usage record of the fleet in those 24 hours. That is not "no runaway SIM": the fleet was silent for a whole day, or the API key sees none of its SIMs.
module.usage.check.sims_within_their_own_limit failed: SIMs at their own data limit: gateway-03 (blocked), 000006204 (blocked), gateway-30 (blocked), tracker-46 (blocked), gateway-01 (alert), router-13 (alert).
module.usage.check.usage_was_read failed: Nothing was read for 2099-12: the month has not begun at @AT@, so it has no usage yet.
module.usage.data.onomondo_usage.fleet read nothing: 2099-12 has not begun at @AT@, the time of the plan
module.usage.data.onomondo_usage.last_24h read nothing in the window from @SINCE@ to @AT@: the fleet has no usage record in it, which is not under the limit (a fleet silent for the whole window, or an API key that sees none of the fleet's SIMs)
EOF

  # A window not begun: the last 24 hours' read moved to start an hour
  # after the plan, written at -05:00 so that its text sorts before the
  # plan's time (an override file in this copy only): the gate and the
  # policy must compare instants, not strings. The month was read; the
  # window read nothing, which the gate, the policy and the module's check
  # each say in their own words.
  local w_since w_until
  w_since="$(TZ=Etc/GMT+5 date -d '+1 hour' +%Y-%m-%dT%H:%M:%S-05:00)"
  w_until="$(date -u -d '+25 hours' +%Y-%m-%dT%H:%M:%SZ)"
  printf 'data "onomondo_usage" "last_24h" {\n  since = "%s"\n  until = "%s"\n}\n' "$w_since" "$w_until" \
    >"$dir/modules/monthly-usage/zz_window_override.tf"
  run_case window-not-begun "$fake_key" 4 "" -var month=2025-03 <<EOF
SIM 000006204 used 716.02 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 500.00 MB
module.usage.check.last_24h_was_read failed: Nothing was read from $w_since to $w_until: the API returned no usage record of the fleet in those 24 hours. That is not "no runaway SIM": the fleet was silent for a whole day, or the API key sees none of its SIMs.
module.usage.check.per_sim_limit failed: SIMs over 500.00 MB in 2025-03: 000006204 (716.02 MB).
module.usage.check.sims_within_their_own_limit failed: SIMs at their own data limit: gateway-03 (blocked), 000006204 (blocked), gateway-30 (blocked), tracker-46 (blocked), gateway-01 (alert), router-13 (alert).
module.usage.data.onomondo_usage.last_24h read nothing: the window from $w_since to $w_until has not begun at @AT@, the time of the plan
EOF
  gate_said window-not-begun "usage alarm: nothing was read: module.usage.data.onomondo_usage.last_24h read nothing: the window from $w_since to $w_until has not begun at @AT@"
  rm -f "$dir/modules/monthly-usage/zz_window_override.tf"

  # timestamp() instead of plantimestamp(): the reads of the month and of
  # its last 24 hours move to apply, the plan succeeds having read no usage;
  # the gate and the policy refuse it. (An override file replaces the
  # module's month in this copy only.)
  cat >"$dir/zz_timestamp_override.tf" <<'EOF'
module "usage" {
  month = formatdate("YYYY-MM", timestamp())
}
EOF
  local before
  before="$(grep -c ' /usage' "$root/fake-api.log" || true)"
  run_case deferred "$fake_key" 1 "" <<'EOF'
module.usage.check.fleet_budget was not evaluated (unknown)
module.usage.check.fleet_pace was not evaluated (unknown)
module.usage.check.last_24h_was_read was not evaluated (unknown)
module.usage.check.per_sim_limit was not evaluated (unknown)
module.usage.check.runaway_sims was not evaluated (unknown)
module.usage.check.sims_within_their_own_limit failed: SIMs at their own data limit: gateway-03 (blocked), 000006204 (blocked), gateway-30 (blocked), tracker-46 (blocked), gateway-01 (alert), router-13 (alert).
module.usage.check.usage_was_read was not evaluated (unknown)
module.usage.data.onomondo_usage.fleet is read only at apply (read_because_config_unknown): this plan holds none of its usage; for the current month use formatdate("YYYY-MM", plantimestamp()), not timestamp()
module.usage.data.onomondo_usage.last_24h is read only at apply (read_because_config_unknown): this plan holds none of its usage; for the current month use formatdate("YYYY-MM", plantimestamp()), not timestamp()
module.usage.output.fleet_total_bytes was not evaluated (unknown)
module.usage.var.month was not evaluated (unknown)
EOF
  if [[ "$(grep -c ' /usage' "$root/fake-api.log" || true)" != "$before" ]]; then
    fail "[$cli_kind] case deferred: the plan sent usage requests, so the reads were not deferred"
  fi
  rm -f "$dir/zz_timestamp_override.tf"

  # The SMS alarm beside the alarm's main.tf, as the guide says: March 2025
  # warns as with the shipped limits alone, and the SMS of today and of
  # this month (the fake has none now) pass.
  cp "$REPO_ROOT/examples/sms-alarm/sms.tf" "$dir/sms.tf"
  run_case with-sms "$fake_key" 3 "" -var month=2025-03 <<'EOF'
SIM 000006204 used 716.02 MB in 2025-03 (module.usage.data.onomondo_usage.fleet), over the per-SIM limit of 500.00 MB
check.sms_this_month_was_read failed: No SMS was read for @MONTH@: that is not "no failed SMS". Check that the API key sees the fleet's SIMs.
module.usage.check.per_sim_limit failed: SIMs over 500.00 MB in 2025-03: 000006204 (716.02 MB).
module.usage.check.sims_within_their_own_limit failed: SIMs at their own data limit: gateway-03 (blocked), 000006204 (blocked), gateway-30 (blocked), tracker-46 (blocked), gateway-01 (alert), router-13 (alert).
EOF
  # The fake has no SMS this month: "nothing read", not 0% failed.
  if ! jq -e '.planned_values.outputs.sms_failed_percent.value == "nothing read" and .planned_values.outputs.sims_in_an_sms_loop.value == {}' "$dir/with-sms.plan.json" >/dev/null; then
    fail "[$cli_kind] case with-sms: the plan holds no SMS alarm outputs"
  fi
  rm -f "$dir/sms.tf"

  # 2. The guides' commands as written. The CI guide: the alarm this month
  # (the fake has no usage now: nothing read, exit 4) and in March 2025
  # (SIMs over the shipped 500 MB: a warning, exit 3).
  rm -f plan.out plan.json usage-alarm-summary.md
  guide_cmd usage-alarms-in-ci 4 "./usage-alarm.sh"
  [[ -s usage-alarm-summary.md ]] || fail "[$cli_kind] ./usage-alarm.sh wrote no usage-alarm-summary.md"
  guide_cmd usage-alarms-in-ci 0 "tofu init"
  guide_cmd usage-alarms-in-ci 4 "TF_CLI=tofu ./usage-alarm.sh"
  guide_cmd usage-alarms-in-ci 3 "./usage-alarm.sh -var month=2025-03"

  # The OPA guide: its plan on the alarm of March 2025 with limits lowered
  # to fit the fake's small fleet (those of the "over" case), then its
  # `opa eval` on that plan and on the plans of the wrong-key and
  # nothing-read cases (the same plans the guide's commands would write,
  # already written above).
  limits 100000000 10000000 2000000000 4000000000 >limits.json
  rm -f plan.out plan.json
  TF_VAR_month=2025-03 guide_cmd policy-as-code-with-opa 0 "terraform plan -out=plan.out"
  guide_cmd policy-as-code-with-opa 0 "terraform show -json plan.out > plan.json"
  local scenario
  for scenario in over wrong-key nothing-read; do
    if [[ "$scenario" != over ]]; then
      cp "$scenario.plan.json" plan.json
      cp "$REPO_ROOT/examples/usage-alarm/limits.json" limits.json
    fi
    guide_cmd policy-as-code-with-opa 1 "opa eval --fail-defined -f raw -d policy/ -d limits.json -i plan.json 'data.main.deny[msg]'"
    guide_output policy-as-code-with-opa "policy-$scenario"
    # conftest: the same messages, each behind "FAIL - plan.json - main - ".
    local opa_said="$last_out"
    guide_cmd policy-as-code-with-opa 1 "conftest test plan.json --policy policy/ --data limits.json"
    if [[ "$(sed -n 's/^FAIL - plan\.json - main - //p' <<<"$last_out" | sort)" != "$(sort <<<"$opa_said")" ]]; then
      printf '%s\n' "$last_out" >&2
      fail "[$cli_kind] policy-as-code-with-opa: conftest test on the $scenario plan did not fail with OPA's messages"
    fi
  done
  guide_cmd policy-as-code-with-opa 0 "opa test policy/"
  guide_output policy-as-code-with-opa opa-test

  # The testing guide: terraform test in the threshold module.
  local mod="$pass/monthly-usage"
  mkdir -p "$mod"
  cp -R "$REPO_ROOT/examples/usage-alarm/modules/monthly-usage/." "$mod/"
  cd "$mod"
  guide_cmd testing-your-thresholds 0 "terraform init"
  guide_cmd testing-your-thresholds 0 "terraform test"
  if [[ "$cli_kind" == terraform ]]; then
    guide_output testing-your-thresholds terraform-test
  elif ! grep -qx 'Success! 11 passed, 0 failed.' <<<"$last_out"; then
    printf '%s\n' "$last_out" >&2
    fail "[$cli_kind] terraform test: want \"Success! 11 passed, 0 failed.\""
  fi

  # 3. README: a local build, offline. With dev_overrides: no init, only
  # `terraform get` for the local modules, then plan.
  local dev="$pass/dev-overrides"
  mkdir -p "$dev"
  cp -R "$REPO_ROOT/examples/usage-alarm/." "$dev/"
  cd "$dev"
  local t0=$EPOCHREALTIME
  if ! out="$(TF_CLI_CONFIG_FILE="$root/dev.tfrc" PATH="$shims:$PATH" bash -c "$cli_kind get && $cli_kind plan -var month=2025-03 -no-color" 2>&1)"; then
    printf '%s\n' "$out" >&2
    fail "[$cli_kind] README: with dev_overrides, get and plan without init"
  fi
  # Or a mirror: init -plugin-dir, as for a release.
  rm -rf .terraform .terraform.lock.hcl
  if ! out="$(TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc" "$tf" init -no-color -plugin-dir="$root/mirror" 2>&1)" ||
    ! grep -q 'version = "0.0.1"' .terraform.lock.hcl; then
    printf '%s\n' "$out" >&2
    fail "[$cli_kind] README: init -plugin-dir on a mirror"
  fi
  add_time "$cli_kind: README's local build" "$t0"
  cd "$REPO_ROOT"
  log "=== $(cli_version "$tf"): $((SECONDS - pass_start))s"
}

# gate_said NAME LINE fails unless the gate's log of case NAME has LINE
# (@AT@ stands for the plan's timestamp).
gate_said() {
  local line="${2//@AT@/$(jq -r .timestamp "$dir/$1.plan.json")}"
  grep -qxF -- "$line" "$dir/$1.log" || fail "[$cli_kind] case $1: the gate did not say: $line"
}

# run_case NAME KEY WANT_GATE_EXIT LIMITS_JSON [terraform plan args...] runs
# the gate with LIMITS_JSON as its limits file (the shipped limits.json
# when empty), then the policy with the same file, and compares the sorted
# deny messages with stdin (@AT@ stands for the plan's timestamp, @SINCE@
# for 24 hours before it, @MONTH@ for its month).
run_case() {
  local name="$1" key="$2" want_exit="$3" limits_json="$4"
  shift 4
  local want got gate_exit=0 opa_exit=0 limits_file="limits.json"
  want="$(cat)"
  if [[ -n "$limits_json" ]]; then
    limits_file="$name.limits.json"
    printf '%s\n' "$limits_json" >"$dir/$limits_file"
  fi
  log "[$cli_kind] case $name: usage-alarm.sh $*"
  # GITHUB_STEP_SUMMARY: appended to (the "under" case checks it is not
  # overwritten); otherwise USAGE_ALARM_SUMMARY names the file.
  local summary_env=(USAGE_ALARM_SUMMARY="$dir/$name.summary.md")
  if [[ "$name" == under ]]; then
    printf 'an earlier step\n' >"$dir/$name.step-summary.md"
    summary_env=(GITHUB_STEP_SUMMARY="$dir/$name.step-summary.md")
  fi
  local t0=$EPOCHREALTIME
  (cd "$dir" && env "${summary_env[@]}" TF_CLI="$TF_PATH" ONOMONDO_API_KEY="$key" \
    ./usage-alarm.sh -no-color -var "limits_file=$limits_file" "$@") >"$dir/$name.log" 2>&1 || gate_exit=$?
  add_time "$cli_kind: the gate's cases" "$t0"
  if [[ $gate_exit -ne $want_exit ]]; then
    cat "$dir/$name.log" >&2
    fail "[$cli_kind] case $name: usage-alarm.sh exited $gate_exit, want $want_exit"
  fi
  grep '^usage alarm:' "$dir/$name.log" >&2 || true
  if [[ ! -s "$dir/plan.json" ]]; then
    fail "[$cli_kind] case $name: no plan.json"
    return
  fi
  mv "$dir/plan.json" "$dir/$name.plan.json"
  rm -f "$dir/plan.out"
  local at
  at="$(jq -r .timestamp "$dir/$name.plan.json")"
  want="${want//@AT@/$at}"
  want="${want//@MONTH@/${at:0:7}}"
  want="${want//@SINCE@/$(date -u -d "@$(($(date -u -d "$at" +%s) - 86400))" +%Y-%m-%dT%H:%M:%SZ)}"
  got="$("$opa" eval -f raw -d "$policy/onomondo_usage.rego" -d "$dir/$limits_file" -i "$dir/$name.plan.json" 'concat("\n", sort(data.main.deny))')"
  if [[ "$got" != "$want" ]]; then
    fail "[$cli_kind] case $name: the policy's deny messages differ (- want, + got):"
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2 || true
  else
    printf '%s\n' "${got:-(none)}" | sed 's/^/    deny: /' >&2
  fi
  # The guide's gate: exit 1 exactly when there is a deny.
  "$opa" eval --fail-defined -f raw -d "$policy/onomondo_usage.rego" -d "$dir/$limits_file" -i "$dir/$name.plan.json" 'data.main.deny[msg]' >/dev/null || opa_exit=$?
  if [[ -z "$want" && $opa_exit -ne 0 ]] || [[ -n "$want" && $opa_exit -ne 1 ]]; then
    fail "[$cli_kind] case $name: opa eval --fail-defined exited $opa_exit"
  fi
  # Conftest, as the guide offers: the same messages; exit 1 on any.
  local conftest_exit=0 conftest_got
  conftest_got="$("$conftest" test -o json --policy "$policy/onomondo_usage.rego" --data "$dir/$limits_file" "$dir/$name.plan.json")" || conftest_exit=$?
  conftest_got="$(jq -r '[.[].failures[]?.msg] | sort | join("\n")' <<<"$conftest_got")"
  if [[ "$conftest_got" != "$got" ]]; then
    fail "[$cli_kind] case $name: conftest's deny messages differ from OPA's (- opa, + conftest):"
    diff <(printf '%s\n' "$got") <(printf '%s\n' "$conftest_got") >&2 || true
  fi
  if [[ -z "$want" && $conftest_exit -ne 0 ]] || [[ -n "$want" && $conftest_exit -ne 1 ]]; then
    fail "[$cli_kind] case $name: conftest test exited $conftest_exit"
  fi
  # The summary: always written; appended to GITHUB_STEP_SUMMARY; for some
  # cases equal to its golden file.
  local summary="$dir/$name.summary.md"
  if [[ "$name" == under ]]; then
    if [[ "$(head -n1 "$dir/$name.step-summary.md")" != "an earlier step" ]] ||
      ! grep -q '^## Usage alarm for 2025-03: every check passed$' "$dir/$name.step-summary.md"; then
      fail "[$cli_kind] case $name: the summary was not appended to GITHUB_STEP_SUMMARY"
    fi
    return
  fi
  [[ -s "$summary" ]] || { fail "[$cli_kind] case $name: no summary written"; return; }
  local golden="$REPO_ROOT/examples/usage-alarm/testdata/summary-$name.md"
  case "$name" in
    over | hard-stop | nothing-read)
      if [[ "${GUIDES_UPDATE_GOLDEN:-}" == 1 ]]; then
        mkdir -p "$(dirname "$golden")"
        cp "$summary" "$golden"
        log "wrote $golden"
      elif ! diff -u "$golden" "$summary" >&2; then
        fail "[$cli_kind] case $name: the summary differs from $golden (GUIDES_UPDATE_GOLDEN=1 rewrites it)"
      fi
      ;;
  esac
}

for TF_PATH in "${clis[@]}"; do
  run_pass "$TF_PATH"
done

# Every command the guides show ran under at least one CLI (those naming
# tofu: when OpenTofu was one of them).
tofu_ran=0
for c in "${clis[@]}"; do cli_is_opentofu "$c" && tofu_ran=1; done
while IFS= read -r cmd; do
  [[ "$cmd" == *tofu* && $tofu_ran -eq 0 ]] && continue
  [[ -n "${ran[$cmd]:-}" ]] || fail "a command of the guides that no pass ran: $cmd (add it to scripts/check-guides.sh)"
done < <(guide_commands "${guides[@]}" | sort -u)

log "wall time (s) by part:"
for k in "${!times[@]}"; do printf '  %6s  %s\n' "${times[$k]}" "$k"; done | sort -k2 >&2
printf '  %6s  total\n' "$((SECONDS - start_time))" >&2

if ((failures > 0)); then
  log "$failures failure(s)"
  exit 1
fi
log "the guides' policy, usage alarm, commands and CI files work as documented under: $(for c in "${clis[@]}"; do printf '%s; ' "$(cli_version "$c")"; done)$((SECONDS - start_time))s"
