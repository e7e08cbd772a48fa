#!/usr/bin/env bash
# The usage alarm's gate: runs `terraform plan` in this folder, reads the
# saved plan back as JSON, and turns both into one exit code a scheduler can
# act on, and a Markdown summary people can read. Extra arguments go to
# terraform plan (e.g. -var month=2025-03). Needs terraform (or OpenTofu),
# jq, and ONOMONDO_API_KEY in the environment.
#
#   exit 0  every check passed, on usage that was read
#   exit 3  a warning: a check block failed (the plan itself succeeded)
#   exit 4  nothing was read: a usage read of a period (or window) not
#           begun, or a read of the whole fleet without a single usage
#           record (a wrong month, a fleet silent for the whole window, a
#           key that sees none of the fleet's SIMs); never "under the limit"
#   exit 1  a hard stop: the plan failed (a limit's precondition, a failed
#           read, an invalid argument), or it checked nothing (a usage read
#           deferred to apply, a check left unknown)
#
# Environment:
#   TF_CLI               the CLI to run: terraform (the default), tofu, or a
#                        path to either
#   GITHUB_STEP_SUMMARY  set by GitHub Actions: the summary is appended there
#   USAGE_ALARM_SUMMARY  elsewhere, the file the summary is written to
#                        (default usage-alarm-summary.md)
#
# It leaves plan.out and plan.json behind for a policy engine.
set -uo pipefail

tf="${TF_CLI:-terraform}"
summary_file="${GITHUB_STEP_SUMMARY:-${USAGE_ALARM_SUMMARY:-usage-alarm-summary.md}}"
if ! command -v "$tf" >/dev/null 2>&1; then
  echo "usage alarm: TF_CLI=$tf is not a command: set TF_CLI to terraform, tofu or the path of either" >&2
  exit 1
fi

# finish CODE HEADLINE DETAIL writes the summary and exits with CODE.
finish() {
  summary "$@" || echo "usage alarm: could not write the summary to $summary_file" >&2
  exit "$1"
}

# summary CODE HEADLINE DETAIL renders the Markdown summary from plan.json
# (when there is one): the outcome, the fleet against its limits, every
# breach, the last 24 hours, the 10 biggest SIMs, each tag's total and the
# SIMs at their own data limit, from the root module's output "summary".
summary() {
  local plan='{}'
  [[ -s plan.json ]] && plan="$(cat plan.json)"
  local out
  out="$(jq -r --arg code "$1" --arg headline "$2" --arg detail "$3" '
    def cell: tostring | gsub("\\|"; "\\|") | gsub("\n"; " ");
    def blank_if_null: if . == null or . == "" then "" else cell end;
    (.planned_values.outputs.summary.value // null) as $s
    | [.checks[]? | .instances[]? | select(.status == "fail")
        | "- `\(.address.to_display)`: \([.problems[]?.message] | join("; ") | cell)"] as $breaches
    | [.checks[]? | .instances[]? | select(.status == "unknown" or .status == "error")
        | "- `\(.address.to_display)`: \(.status)"] as $unchecked
    | [
        "## Usage alarm\(if $s then " for \($s.month)" else "" end): \($headline)",
        "",
        "\($detail) (exit \($code))",
        "",
        if $s == null then
          "The plan holds no usage summary (output `summary` of the root module), so no numbers are shown."
        elif $s.nothing_read then
          "**Nothing was read:** the fleet read holds no usage record for \($s.month). That is not \"under the limit\"."
        else
          ( "**Fleet:** \($s.total) used in \($s.month), \($s.percent_of_limit)% of the hard limit of \($s.limit) (warning level \($s.warning)).",
            "",
            "`\($s.bar)` \($s.percent_of_limit)%",
            "",
            if $s.in_progress then "At the pace so far: \($s.projected) by the end of \($s.month)."
            else "\($s.month) has ended: its usage is final." end,
            "",
            "Read: \($s.records) usage records of \($s.sims_read) SIMs." )
        end,
        "",
        "### Breaches",
        "",
        if ($breaches | length) == 0 then "None." else $breaches[] end,
        if ($unchecked | length) > 0 then ("", "Not evaluated, so not checked:", "", $unchecked[]) else empty end,
        ($s.last_24h // null) as $d
        | if $d == null then empty else (
          "",
          "### The last 24 hours",
          "",
          if $d.nothing_read then
            "**Nothing was read** from \($d.since) to \($d.until): the fleet read holds no usage record in those 24 hours. That is not \"no runaway SIM\"."
          else (
            "From \($d.since) to \($d.until): \($d.total) used by \($d.sims_read) SIMs.",
            "",
            if ($d.runaway | length) == 0 then "No SIM used more than the 24-hour limit of \($d.limit)." else (
              "| SIM | Label | Used | |",
              "|-----|-------|-----:|---|",
              ($d.runaway[] | "| \(.id) | \(.label | blank_if_null) | \(.used) | over the 24-hour limit of \($d.limit) |")
            ) end
          ) end
        ) end,
        if $s == null or $s.nothing_read then empty else (
          "",
          "### The \($s.top_sims | length) biggest SIMs in \($s.month)",
          "",
          if ($s.top_sims | length) == 0 then "None: no SIM has usage." else (
            "| # | SIM | Label | Used | |",
            "|--:|-----|-------|-----:|---|",
            ($s.top_sims | to_entries[] | "| \(.key + 1) | \(.value.id) | \(.value.label | blank_if_null) | \(.value.used) | \(if .value.over then "over the per-SIM limit of \($s.per_sim)" else "" end) |")
          ) end,
          "",
          "### Tags in \($s.month)",
          "",
          if ($s.tags | length) == 0 then "No SIM carries a tag." else (
            "| Tag | SIMs | Used |",
            "|-----|-----:|-----:|",
            ($s.tags[] | "| \(.name | cell) | \(.sims) | \(.used) |")
          ) end
        ) end,
        if $s == null then empty else (
          "",
          "### SIMs at their own data limit",
          "",
          "The data limit Onomondo sets on each SIM, in the current period of that limit: `blocked` at the limit until it resets, `alert` from the alert threshold on.",
          "",
          if ($s.sims_at_limit | length) == 0 then "None." else (
            "| SIM | Label | State | Used | Limit | % | Period |",
            "|-----|-------|-------|-----:|------:|--:|--------|",
            ($s.sims_at_limit[] | (($s.data_limits // {})[.id] // {}) as $l
              | "| \(.id) | \(.label | blank_if_null) | \(.state) | \($l.used | blank_if_null) | \($l.total | blank_if_null) | \($l.percent | blank_if_null) | \($l.period | blank_if_null) |")
          ) end
        ) end
      ] | join("\n")' <<<"$plan")" || return 1
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    printf '%s\n' "$out" >>"$summary_file"
  else
    printf '%s\n' "$out" >"$summary_file"
  fi
}

rm -f plan.out plan.json
"$tf" plan -input=false -detailed-exitcode -out=plan.out "$@"
code=$?
# A failed plan is still written when Terraform got far enough (a failed
# read or condition); its JSON says "errored": true. Keep it for the record.
if [[ -f plan.out ]]; then
  "$tf" show -json plan.out >plan.json || finish 1 "the plan could not be read" "\`$tf show -json plan.out\` failed."
fi
# -detailed-exitcode: 0 no changes, 2 changes (outputs without saved state
# always show as changes, so 2 is the usual success), 1 the plan failed.
if [[ $code -ne 0 && $code -ne 2 ]]; then
  echo "usage alarm: $(basename "$tf") plan failed (exit $code): see its errors above" >&2
  finish 1 "hard stop" "The plan failed: a hard limit, a failed API read or an invalid argument; the job log shows terraform's errors."
fi
[[ -s plan.json ]] || finish 1 "no plan" "terraform plan wrote no plan."

# Never read numbers or check results from a plan without errored == false:
# an errored plan is still written, with every check on a failed read
# "unknown", which a gate looking only for "fail" would let through.
if ! jq -e '.errored == false' plan.json >/dev/null; then
  if jq -e 'has("errored")' plan.json >/dev/null; then
    echo "usage alarm: the plan errored" >&2
    finish 1 "hard stop" "The plan errored."
  fi
  echo "usage alarm: the plan JSON says nothing about errors (Terraform 1.5 writes no \"errored\"): use a newer Terraform" >&2
  finish 1 "unsupported terraform" "The plan JSON has no \"errored\": use Terraform 1.8 or later, or OpenTofu."
fi

# A usage read whose arguments are known only at apply (timestamp() instead
# of plantimestamp()) is not done by the plan: nothing was checked.
deferred="$(jq -r '.resource_changes[]?
  | select(.mode == "data" and (.type | startswith("onomondo_"))
      and (.action_reason == "read_because_config_unknown" or .action_reason == "read_because_dependency_pending"))
  | "\(.address) is read only at apply (\(.action_reason))"' plan.json)"
if [[ -n "$deferred" ]]; then
  printf '%s\n' "$deferred" | sed 's/^/usage alarm: /; s/$/: this plan checked nothing of it/' >&2
  finish 1 "checked nothing" "A usage read was deferred to apply, so this plan read no usage: for the current month use plantimestamp(), not timestamp()."
fi

# "unknown" or "error": the check could not be evaluated, so it checked nothing.
unchecked="$(jq -r '.checks[]? | .instances[]? | select(.status == "unknown" or .status == "error")
  | "\(.address.to_display): \(.status)"' plan.json)"
if [[ -n "$unchecked" ]]; then
  printf '%s\n' "$unchecked" | sed 's/^/usage alarm: not evaluated: /' >&2
  finish 1 "checked nothing" "Some checks could not be evaluated."
fi

# Nothing read: a usage read of a period (time) or window (since, until)
# that had not begun at the time of the plan, whatever its filters; or, once
# begun, a read of the whole fleet (no sim_id, country or tag filter) with
# no usage record. Neither is "under the limit". A read narrowed to one SIM
# or country may find nothing in a quiet month, and so may a read of tags:
# the provider fails a read of a tag that no SIM carries, so a tag read saw
# its SIMs, and they used nothing.
nothing="$(jq -r '
  # Seconds since 1970 of an RFC 3339 time: Z or an offset, with or
  # without fractions of a second.
  def epoch: ascii_upcase | sub("\\.[0-9]+"; "")
    | if endswith("Z") then fromdateiso8601
      else capture("^(?<t>.{19})(?<s>[+-])(?<h>[0-9]{2}):(?<m>[0-9]{2})$")
        | (.t + "Z" | fromdateiso8601) - (if .s == "+" then 1 else -1 end) * ((.h | tonumber) * 3600 + (.m | tonumber) * 60)
      end;
  (.timestamp // "") as $now
  | .prior_state.values.root_module | recurse(.child_modules[]?) | .resources[]?
  | select(.mode == "data" and .type == "onomondo_usage" and .values.record_count == 0)
  | .values as $v
  | (if $v.time != null then $v.time elif $v.since != null then "the window from \($v.since) to \($v.until)" else "its period" end) as $what
  | (if $v.time != null then $v.time + ({"4": "-01-01", "7": "-01", "10": ""}[$v.time | length | tostring] // "") + "T00:00:00Z"
     else $v.since end) as $start
  | if $start != null and $now != "" and ($now | epoch) <= ($start | epoch)
    then "\(.address) read nothing: \($what) has not begun at \($now)"
    elif $v.sim_id == null and $v.country_code == null and $v.tag_names == null and $v.tag_ids == null
    then "\(.address) read no usage record of the fleet in \($what)"
    else empty end' plan.json)"
if [[ -n "$nothing" ]]; then
  printf '%s\n' "$nothing" | sed 's/^/usage alarm: nothing was read: /' >&2
  finish 4 "nothing was read" "A usage read holds nothing: a period not begun, or a read of the whole fleet without a single usage record (a wrong month, a fleet silent for the whole window, or an API key that sees none of the fleet's SIMs)."
fi

# "fail": a check block's assertion failed, a warning.
failed="$(jq -r '.checks[]? | .instances[]? | select(.status == "fail")
  | "\(.address.to_display): \([.problems[]?.message] | join("; "))"' plan.json)"
if [[ -n "$failed" ]]; then
  printf '%s\n' "$failed" | sed 's/^/usage alarm: warning: /' >&2
  finish 3 "warning" "A check failed: the plan succeeded, and the breaches below are warnings."
fi

echo "usage alarm: every check passed"
finish 0 "every check passed" "Every check passed on the usage read."
