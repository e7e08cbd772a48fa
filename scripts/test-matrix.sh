#!/usr/bin/env bash
# The CLI matrix (make testmatrix): the acceptance tests whose behaviour
# depends on the CLI, under each pinned CLI (scripts/lib.sh, CLI_MATRIX:
# Terraform 1.5.7 and 1.8.5, OpenTofu 1.12.6, each built once per machine),
# then a table: CLI, version, passed, skipped, failed, time. The terraform
# on PATH runs the whole suite instead (bash scripts/test.sh).
#
#   bash scripts/test-matrix.sh                  # every CLI of the matrix
#   bash scripts/test-matrix.sh tofu-1.12.6      # only these (TF_CLI values)
#
# What depends on the CLI, and so runs here (MATRIX_RUN overrides):
#   TestProvider_*        how the CLI hands the provider block, the
#                         environment and unknown values to the provider
#   Test*Function_*       provider functions (Terraform 1.8, OpenTofu 1.7),
#                         and how the CLI passes null, unknown and
#                         plantimestamp() arguments
#   onomondo_usage read during plan (MultiPageTotalsMatchTheFleet), typed
#   nested records in state (RecordsAreTyped), errors on the attribute at
#   plan time (InvalidInputRefusedAtPlanTime), a read deferred to apply by an
#   unknown argument (UnknownArgumentDefersTheRead), plantimestamp()
#   (PlanTimestampMonth)
#   the docs' patterns run as written (RunawaySIMsExample, HardStopExample,
#   ThisMonthPerTag, OverNinetyPercentOfDataLimit): preconditions, for
#   expressions, functions, plantimestamp() on the oldest CLIs the docs name.
# The rest (faults, paging, windows, tags, SMS, API errors, the data
# sources' readings of the API) is the provider's and the client's own
# behaviour, the same under every CLI. A test named here that no longer
# exists fails the run.
#
# Fails when a test fails, when the CLIs ran different numbers of tests, or
# when a CLI with provider functions skipped a test (a misread version must
# not drop tests silently); on a CLI without them, the tests that call
# functions skip, and their names are printed.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

named=(TestUsageDataSource_{MultiPageTotalsMatchTheFleet,RecordsAreTyped,InvalidInputRefusedAtPlanTime,UnknownArgumentDefersTheRead,PlanTimestampMonth,RunawaySIMsExample}
  TestSimDataSource_HardStopExample TestSimsDataSource_{ThisMonthPerTag,OverNinetyPercentOfDataLimit})
named_re="$(IFS='|' && echo "${named[*]}")"
run="${MATRIX_RUN:-^(TestProvider_|Test[A-Za-z]+Function_|(${named_re})$)}"
listed="$(go test -list "^(${named_re})$" ./internal/provider/)"
for t in "${named[@]}"; do
  grep -qx "$t" <<<"$listed" || { log "$t is gone: update scripts/test-matrix.sh"; exit 1; }
done
(($#)) || set -- "${CLI_MATRIX[@]}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# count RESULT: top-level tests with that result in the output.
count() { grep -c "^--- $1: " "$out" || true; }
rows=() bad=() first=""
for cli in "$@"; do
  start=$SECONDS status=0
  TF_CLI="$cli" bash scripts/test.sh -v -run "$run" ./internal/provider/ >"$out" 2>&1 || status=$?
  pass="$(count PASS)" skip="$(count SKIP)" fail="$(count FAIL)"
  version="$(cli_version "$(resolve_cli "$cli")")"
  rows+=("| $cli | $version | $pass | $skip | $fail | $((SECONDS - start))s |")
  if ((status != 0)); then
    { grep -E -B30 -A3 '^(--- FAIL|panic:)' "$out" || tail -n 30 "$out"; } | tail -n 150 >&2
    bad+=("$cli: go test failed")
  fi
  total=$((pass + skip + fail))
  first="${first:-$total}"
  ((total > 0 && total == first)) || bad+=("$cli: ran $total tests, the first CLI $first")
  if cli_has_functions "$(resolve_cli "$cli")"; then
    ((skip == 0)) || bad+=("$cli has provider functions, yet skipped $skip tests")
  fi
  log "$cli ($version): $pass passed, $skip skipped, $fail failed in $((SECONDS - start))s"
  if ((skip > 0)); then log "  skipped: $(grep '^--- SKIP' "$out" | cut -d' ' -f3 | paste -sd' ')"; fi
done
printf "\nCLI matrix: go test -run '%s' ./internal/provider/\n\n| CLI | version | passed | skipped | failed | time |\n|---|---|---|---|---|---|\n" "$run"
printf '%s\n' "${rows[@]}"
((${#bad[@]} == 0)) || { printf 'FAILED: %s\n' "${bad[@]}" >&2; exit 1; }
