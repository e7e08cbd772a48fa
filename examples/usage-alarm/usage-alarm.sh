#!/usr/bin/env bash
# The usage alarm's gate: runs `terraform plan` in this folder, reads the
# saved plan back as JSON, and turns both into one exit code a scheduler can
# act on. Extra arguments go to terraform plan (e.g. -var month=2025-03).
# Needs terraform, jq, and ONOMONDO_API_KEY in the environment.
#
#   exit 0  every check passed
#   exit 3  a warning: a check block failed (the plan itself succeeded)
#   exit 1  a hard stop: the plan failed (a limit's precondition, a failed
#           read, an invalid argument), or it checked nothing (a usage read
#           deferred to apply, a check left unknown)
#
# It leaves plan.out and plan.json behind for a policy engine.
set -uo pipefail

rm -f plan.out plan.json
terraform plan -input=false -detailed-exitcode -out=plan.out "$@"
code=$?
# A failed plan is still written when Terraform got far enough (a failed
# read or condition); its JSON says "errored": true. Keep it for the record.
if [[ -f plan.out ]]; then
  terraform show -json plan.out >plan.json || exit 1
fi
# -detailed-exitcode: 0 no changes, 2 changes (outputs without saved state
# always show as changes), 1 the plan failed.
if [[ $code -ne 0 && $code -ne 2 ]]; then
  echo "usage alarm: terraform plan failed (exit $code): see its errors above" >&2
  exit 1
fi

# Never read numbers or check results from a plan without errored == false:
# an errored plan is still written, with every check on a failed read
# "unknown", which a gate looking only for "fail" would let through.
if ! jq -e '.errored == false' plan.json >/dev/null; then
  if jq -e 'has("errored")' plan.json >/dev/null; then
    echo "usage alarm: the plan errored" >&2
  else
    echo "usage alarm: the plan JSON says nothing about errors (Terraform 1.5 writes no \"errored\"): use a newer Terraform" >&2
  fi
  exit 1
fi

# A usage read whose arguments are known only at apply (timestamp() instead
# of plantimestamp()) is not done by the plan: nothing was checked.
deferred="$(jq -r '.resource_changes[]?
  | select(.mode == "data" and (.type | startswith("onomondo_"))
      and (.action_reason == "read_because_config_unknown" or .action_reason == "read_because_dependency_pending"))
  | "\(.address) is read only at apply (\(.action_reason))"' plan.json)"
if [[ -n "$deferred" ]]; then
  printf '%s\n' "$deferred" | sed 's/^/usage alarm: /; s/$/: this plan checked nothing of it/' >&2
  exit 1
fi

# "unknown" or "error": the check could not be evaluated, so it checked nothing.
unchecked="$(jq -r '.checks[]? | .instances[]? | select(.status == "unknown" or .status == "error")
  | "\(.address.to_display): \(.status)"' plan.json)"
if [[ -n "$unchecked" ]]; then
  printf '%s\n' "$unchecked" | sed 's/^/usage alarm: not evaluated: /' >&2
  exit 1
fi

# "fail": a check block's assertion failed, a warning.
failed="$(jq -r '.checks[]? | .instances[]? | select(.status == "fail")
  | "\(.address.to_display): \([.problems[]?.message] | join("; "))"' plan.json)"
if [[ -n "$failed" ]]; then
  printf '%s\n' "$failed" | sed 's/^/usage alarm: warning: /' >&2
  exit 3
fi

echo "usage alarm: every check passed"
