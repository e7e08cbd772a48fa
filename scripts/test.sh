#!/usr/bin/env bash
# The whole test suite: unit tests, and acceptance tests that drive the
# provider through a real terraform binary against the in-process fake
# Onomondo API. Needs no network. Extra arguments go to `go test`
# (e.g. scripts/test.sh -run TestUsageDataSource -v).
#
# TF_CLI picks the CLI (scripts/lib.sh, ensure_terraform): the terraform on
# PATH by default; TF_CLI=tofu runs the suite under OpenTofu (the tofu on
# PATH, else OpenTofu 1.12.6 built once from source), TF_CLI=terraform-1.5.7
# under a pinned build of the CLI matrix (scripts/clis.sh).
. "$(dirname "$0")/lib.sh"

ensure_terraform
export TF_ACC=1
export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
export CHECKPOINT_DISABLE=1
unset ONOMONDO_API_KEY ONOMONDO_BASE_URL
acc_cli_env "$TF"
cd "$REPO_ROOT"
log "go test ./... (unit and acceptance tests, $TF_CLI_VERSION)"
go test -count=1 -timeout 30m "$@" ./...
