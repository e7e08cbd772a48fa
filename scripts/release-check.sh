#!/usr/bin/env bash
# Checks the release configuration (.goreleaser.yml) with `goreleaser check`:
#
#   scripts/release-check.sh
#
# Installs goreleaser v2.16.0 with `go install` into $(go env GOPATH)/bin when
# it is missing or another version. Also checks that
# terraform-registry-manifest.json declares protocol version 6.0, the one
# main.go serves.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GORELEASER_VERSION="2.16.0"
GORELEASER="$GOBIN_DIR/goreleaser"

installed=""
if [[ -x "$GORELEASER" ]]; then
  installed="$("$GORELEASER" --version 2>/dev/null | sed -n 's/^GitVersion:[[:space:]]*v\{0,1\}//p' | head -n1 || true)"
fi
if [[ "$installed" != "$GORELEASER_VERSION" ]]; then
  log "installing goreleaser v$GORELEASER_VERSION (found: ${installed:-none})"
  go install "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION"
fi
log "using $GORELEASER (v$GORELEASER_VERSION)"

cd "$REPO_ROOT"
log "checking terraform-registry-manifest.json"
manifest="terraform-registry-manifest.json"
compact="$(tr -d ' \t\r\n' <"$manifest")"
if [[ "$compact" != *'"version":1'* || "$compact" != *'"protocol_versions":["6.0"]'* ]]; then
  log "FAILED: $manifest must declare \"version\": 1 and \"protocol_versions\": [\"6.0\"]"
  exit 1
fi

log "goreleaser check"
"$GORELEASER" check
log "release configuration is valid"
