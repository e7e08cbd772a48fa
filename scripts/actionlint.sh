#!/usr/bin/env bash
# Checks GitHub Actions workflow files with actionlint (pinned,
# $ACTIONLINT_VERSION in scripts/lib.sh, built from source once per machine
# into $TOOLS_CACHE):
#
#   scripts/actionlint.sh                          # .github/workflows/*.yml
#   scripts/actionlint.sh examples/ci/plan.yml     # any workflow files
#
# actionlint checks workflow syntax, expressions, job and step references,
# the inputs of well-known actions and the `run:` scripts (with shellcheck
# when one is on PATH; none is needed).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ACTIONLINT="$(cached_tool actionlint)"
files=()
for f in "$@"; do
  # A relative path is taken from here, else from the repository root.
  [[ -f "$f" || "$f" == /* ]] || f="$REPO_ROOT/$f"
  [[ -f "$f" ]] || { log "no such file: $f"; exit 1; }
  files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
cd "$REPO_ROOT"
if ((${#files[@]} == 0)); then
  shopt -s nullglob
  files=(.github/workflows/*.yml .github/workflows/*.yaml)
  shopt -u nullglob
fi
if ((${#files[@]} == 0)); then
  log "no workflow files to check"
  exit 1
fi
log "actionlint $("$ACTIONLINT" -version | head -n1): ${files[*]}"
"$ACTIONLINT" -no-color "${files[@]}"
log "workflows clean"
