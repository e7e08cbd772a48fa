#!/usr/bin/env bash
# The CLI matrix: runs the acceptance tests of the data sources, the
# provider block and the provider functions under every CLI of the matrix
# (CLI_MATRIX in scripts/lib.sh: Terraform 1.5.7 and 1.8.5, OpenTofu 1.12.6,
# each built once per machine by scripts/clis.sh) and the terraform on PATH,
# then prints a table: CLI, version, passed, skipped, failed.
#
#   scripts/test-matrix.sh                       # PATH terraform + CLI_MATRIX
#   scripts/test-matrix.sh tofu-1.12.6 terraform # only these (TF_CLI values)
#   MATRIX_RUN='^TestProvider_' scripts/test-matrix.sh   # another -run regexp
#   MATRIX_TABLE=/tmp/matrix.md scripts/test-matrix.sh   # also write the table
#
# Each CLI runs through terraform-plugin-testing's TF_ACC_TERRAFORM_PATH
# (never TF_ACC_TERRAFORM_VERSION, which downloads); OpenTofu also gets
# TF_ACC_PROVIDER_NAMESPACE and a CLI config file that exists (acc_cli_env in
# scripts/lib.sh). The fault, binary and benchmark suites stay on the PATH
# CLI (scripts/test.sh, scripts/bench.sh). Tests a CLI is too old for skip
# with the reason, which is printed below the table.
#
# Fails when a test fails, when a CLI ran a different number of tests from
# the others, when a CLI with provider functions (Terraform 1.8, OpenTofu
# 1.7) skipped a function test, or when one without them ran one.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

run="${MATRIX_RUN:-^(TestUsageDataSource_|TestSimUsageDataSource_|TestTagUsageDataSource_|TestSimsDataSource_|TestSimDataSource_|TestProvider_|TestAPIErrors_|TestFormatBytesFunction_|TestParseBytesFunction_)}"
functions_re='^Test(FormatBytes|ParseBytes)Function_'
if (($# == 0)); then set -- terraform "${CLI_MATRIX[@]}"; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# summarize JSON LEAVES FAILED_OUTPUT reads `go test -json` output and
# prints "passed skipped failed package_failures", counting leaf tests (a
# test with subtests counts through its subtests). LEAVES gets one line per
# leaf test, "pass|skip|fail<TAB>name<TAB>the last line it printed itself"
# (for a skip, the reason); FAILED_OUTPUT the output of the failed tests and
# of the package.
summarize() {
  awk -v leaves="$2" -v failed="$3" '
    function field(name,    re) {
      re = "\"" name "\":\"([^\"\\\\]|\\\\.)*\""
      if (!match($0, re)) return ""
      return substr($0, RSTART + length(name) + 4, RLENGTH - length(name) - 5)
    }
    function unescape(s) {
      gsub(/\\n$/, "", s); gsub(/\\t/, "\t", s); gsub(/\\"/, "\"", s)
      gsub(/\\u003c/, "<", s); gsub(/\\u003e/, ">", s); gsub(/\\u0026/, "\\&", s); gsub(/\\\\/, "\\", s)
      return s
    }
    {
      action = field("Action"); test = field("Test")
      if (action == "output") {
        out = unescape(field("Output"))
        outs[test] = outs[test] out "\n"
        # The last line a test printed itself ("    file.go:12: message"):
        # for a skip, its reason.
        if (test != "" && out ~ /^ +[A-Za-z0-9_]+\.go:[0-9]+: /) {
          sub(/^ +[A-Za-z0-9_]+\.go:[0-9]+: /, "", out); gsub(/\t/, " ", out); why[test] = out
        }
      }
      if (test == "") { if (action == "fail") pkgfail++; next }
      if (action == "pass" || action == "fail" || action == "skip") result[test] = action
    }
    END {
      for (t in result) { p = t; while (sub(/\/[^\/]*$/, "", p)) parent[p] = 1 }
      printf "" > leaves; printf "" > failed
      for (t in result) {
        if (result[t] == "fail") printf "%s", outs[t] > failed
        if (t in parent) continue
        n[result[t]]++
        printf "%s\t%s\t%s\n", result[t], t, why[t] > leaves
      }
      if (pkgfail) printf "%s", outs[""] > failed
      printf "%d %d %d %d\n", n["pass"], n["skip"], n["fail"], pkgfail
    }' "$1"
}

rows=()
notes=()
bad=()
seen=()
first_total=""
for spec in "$@"; do
  label="$spec"
  [[ "$spec" == terraform || "$spec" == tofu ]] && label="$spec (PATH)"
  path="$(resolve_cli "$spec")" || { bad+=("$spec: could not provide the CLI"); continue; }
  if [[ "$label" == *"(PATH)" && "$path" == "$TOOLS_CACHE/"* ]]; then
    # No terraform of the machine's: the fallback build (ensure_terraform).
    label="$spec (none on PATH: the cached build)"
  fi
  dup=""
  for s in "${seen[@]}"; do [[ "$s" == "$path" ]] && dup=1; done
  if [[ -n "$dup" ]]; then
    log "$label is $path, already in the matrix: not run twice"
    continue
  fi
  seen+=("$path")
  version="$(cli_version "$path")"
  json="$tmp/$(printf '%s' "$spec" | tr -c 'A-Za-z0-9.-' '_').json"
  log "[$(date -u +%H:%M:%S)] $label: $version ($path): go test -run '$run' ./internal/provider/"
  start=$SECONDS
  status=0
  (
    acc_cli_env "$path"
    export TF_ACC=1 CHECKPOINT_DISABLE=1
    unset ONOMONDO_API_KEY ONOMONDO_BASE_URL
    go test -json -count=1 -timeout 20m -run "$run" ./internal/provider/ >"$json" 2>"$json.stderr"
  ) || status=$?
  elapsed=$((SECONDS - start))
  read -r passed skipped failed pkgfail < <(summarize "$json" "$json.leaves" "$json.failed")
  total=$((passed + skipped + failed))
  log "$label: $passed passed, $skipped skipped, $failed failed in ${elapsed}s"

  if ((status != 0 || failed > 0 || pkgfail > 0)); then
    bad+=("$label: go test exit $status, $failed failed")
    tail -n 200 "$json.failed" >&2
    cat "$json.stderr" >&2
  fi
  if ((total == 0)); then
    bad+=("$label: no test matched -run '$run'")
  elif [[ -z "$first_total" ]]; then
    first_total="$total"
  elif ((total != first_total)); then
    bad+=("$label: ran $total tests, the first CLI $first_total")
  fi
  # Provider functions: run exactly where the CLI has them.
  fn_total="$(awk -F'\t' -v re="$functions_re" '$2 ~ re' "$json.leaves" | wc -l)"
  fn_skipped="$(awk -F'\t' -v re="$functions_re" '$1 == "skip" && $2 ~ re' "$json.leaves" | wc -l)"
  if cli_has_functions "$path"; then
    ((fn_skipped == 0)) || bad+=("$label: $version has provider functions, yet $fn_skipped function tests skipped")
  elif ((fn_skipped != fn_total)); then
    bad+=("$label: $version has no provider functions, yet $((fn_total - fn_skipped)) of $fn_total function tests ran")
  fi
  while IFS=$'\t' read -r result name reason; do
    [[ "$result" == skip ]] && notes+=("$label|$name|$reason")
  done <"$json.leaves"
  rows+=("$label|$version|$passed|$skipped|$failed|${elapsed}s")
done

table="$tmp/table.md"
{
  echo "CLI matrix: go test -run '$run' ./internal/provider/"
  echo
  echo "| CLI | version | passed | skipped | failed | time |"
  echo "|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    IFS='|' read -r l v p s f e <<<"$r"
    echo "| $l | $v | $p | $s | $f | $e |"
  done
  if ((${#notes[@]} > 0)); then
    echo
    echo "Skipped, with the reason each test gave:"
    # One line per CLI and reason, with the number of tests.
    printf '%s\n' "${notes[@]}" | awk -F'|' '{
      key = $1 ": " $3; if (!(key in n)) order[++k] = key; n[key]++
    } END { for (i = 1; i <= k; i++) printf "- %s (%d tests)\n", order[i], n[order[i]] }'
  fi
} >"$table"
echo
cat "$table"
[[ -n "${MATRIX_TABLE:-}" ]] && cp "$table" "$MATRIX_TABLE"

if ((${#bad[@]} > 0)); then
  echo
  for b in "${bad[@]}"; do log "FAILED: $b"; done
  exit 1
fi
log "every CLI of the matrix passed"
