#!/usr/bin/env bash
# Provides the pinned Terraform and OpenTofu CLIs of the acceptance matrix
# (CLI_MATRIX in scripts/lib.sh): builds each from the Go module proxy once
# per machine into $TOOLS_CACHE (outside the clone; a later run, a fresh
# clone included, reuses it), then prints one line per CLI:
# name, version, path.
#
#   scripts/clis.sh                    # every CLI of the matrix
#   scripts/clis.sh tofu-1.12.6        # only these
#
# Cold, on 2 cores: Terraform 1.5.7 and 1.8.5 about two minutes each,
# OpenTofu 1.12.6 three to four. Release downloads are not needed (nor
# reachable here): Terraform 1.5.7 and 1.8.5 build with `go install`; OpenTofu
# builds from its module-cache folder (its go.mod has replace directives).
# To run a script under one of them: TF_CLI=tofu-1.12.6 scripts/test.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if (($# == 0)); then set -- "${CLI_MATRIX[@]}"; fi
for name in "$@"; do
  start=$SECONDS
  path="$(cached_cli "$name")"
  version="$(cli_version "$path")"
  [[ -n "$version" ]] || { log "$path does not answer '$path version'"; exit 1; }
  log "$name ready in $((SECONDS - start))s: $version"
  printf '%-16s %-18s %s\n' "$name" "$version" "$path"
done
