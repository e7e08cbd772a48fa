#!/usr/bin/env bash
# Checks the release configuration (.goreleaser.yml) with `goreleaser check`:
#
#   scripts/release-check.sh
#
# goreleaser is pinned ($GORELEASER_VERSION in scripts/lib.sh) and built from
# source once per machine into $TOOLS_CACHE (outside the clone). Also checks
# that terraform-registry-manifest.json declares protocol version 6.0, the
# one main.go serves.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GORELEASER="$(cached_tool goreleaser)"
log "using $GORELEASER ($("$GORELEASER" --version 2>/dev/null | sed -n 's/^GitVersion:[[:space:]]*//p' | head -n1))"

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
