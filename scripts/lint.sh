#!/usr/bin/env bash
# Runs golangci-lint with the repository's .golangci.yml:
#
#   scripts/lint.sh            # golangci-lint run ./...
#   scripts/lint.sh --fix      # extra arguments go to `golangci-lint run`
#
# Installs golangci-lint v2.15.0 with `go install` into $(go env GOPATH)/bin
# when it is missing or another version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GOLANGCI_LINT_VERSION="2.15.0"
GOLANGCI_LINT="$GOBIN_DIR/golangci-lint"

installed=""
if [[ -x "$GOLANGCI_LINT" ]]; then
  installed="$("$GOLANGCI_LINT" version --short 2>/dev/null || true)"
fi
if [[ "$installed" != "$GOLANGCI_LINT_VERSION" ]]; then
  log "installing golangci-lint v$GOLANGCI_LINT_VERSION (found: ${installed:-none})"
  go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION"
fi
log "using $GOLANGCI_LINT ($("$GOLANGCI_LINT" version --short))"

cd "$REPO_ROOT"
log "verifying .golangci.yml"
"$GOLANGCI_LINT" config verify
log "golangci-lint run${*:+ $*} ./..."
"$GOLANGCI_LINT" run "$@" ./...
log "lint clean"
