#!/usr/bin/env bash
# Runs golangci-lint with the repository's .golangci.yml:
#
#   scripts/lint.sh            # golangci-lint run ./...
#   scripts/lint.sh --fix      # extra arguments go to `golangci-lint run`
#
# golangci-lint is pinned ($GOLANGCI_LINT_VERSION in scripts/lib.sh) and built
# from source once per machine into $TOOLS_CACHE (outside the clone).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GOLANGCI_LINT="$(cached_tool golangci-lint)"
log "using $GOLANGCI_LINT ($("$GOLANGCI_LINT" version --short))"

cd "$REPO_ROOT"
log "verifying .golangci.yml"
"$GOLANGCI_LINT" config verify
log "golangci-lint run${*:+ $*} ./..."
"$GOLANGCI_LINT" run "$@" ./...
log "lint clean"
