#!/usr/bin/env bash
# The whole test suite: unit tests, and acceptance tests that drive the
# provider through a real terraform binary against the in-process fake
# Onomondo API. Needs no network. Extra arguments go to `go test`
# (e.g. scripts/test.sh -run TestUsageDataSource -v).
. "$(dirname "$0")/lib.sh"

ensure_terraform
export TF_ACC=1
export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
export CHECKPOINT_DISABLE=1
unset ONOMONDO_API_KEY ONOMONDO_BASE_URL TF_ACC_TERRAFORM_VERSION TF_ACC_TERRAFORM_PATH
cd "$REPO_ROOT"
log "go test ./... (unit and acceptance tests, terraform $(terraform version | head -n1 | awk '{print $2}'))"
go test -count=1 -timeout 30m "$@" ./...
