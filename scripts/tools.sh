#!/usr/bin/env bash
# Prints the path of each tool named (scripts/lib.sh, cached_tool), building
# it from source first when it is not in the tools cache yet; with no names,
# every tool .ci/run needs (golangci-lint, goreleaser, actionlint, OPA,
# conftest and the CLI matrix; cold, about 28 CPU-minutes):
#
#   bash scripts/tools.sh                      # make tools
#   bash scripts/tools.sh clis                 # make clis: the CLI matrix
#   "$(bash scripts/tools.sh golangci-lint)" run ./...
. "$(dirname "$0")/lib.sh"
[[ "${1:-}" == clis ]] && set -- "${CLI_MATRIX[@]}"
for name in "${@:-${ALL_TOOLS[@]}}"; do cached_tool "$name"; done
