#!/usr/bin/env bash
# The whole test suite: unit tests, and acceptance tests that drive the
# provider through a real terraform binary against the in-process fake
# Onomondo API. Needs no network. Arguments go to `go test`; packages
# default to ./... (bash scripts/test.sh -run TestUsageDataSource -v
# ./internal/provider/).
#
# TF_CLI picks the CLI (scripts/lib.sh, resolve_cli): the terraform on PATH
# by default, else Terraform 1.8.5 built once from source; TF_CLI=tofu for
# OpenTofu, TF_CLI=terraform-1.5.7 for a pinned build of the CLI matrix.
. "$(dirname "$0")/lib.sh"

ensure_terraform
acc_cli_env "$TF"
export TF_ACC=1 CHECKPOINT_DISABLE=1
unset ONOMONDO_API_KEY ONOMONDO_BASE_URL
cd "$REPO_ROOT"
pkgs=(./...)
for arg in "$@"; do [[ "$arg" == ./* ]] && pkgs=(); done
log "go test $* ${pkgs[*]} ($TF_CLI_VERSION)"
go test -count=1 -timeout 30m "$@" "${pkgs[@]}"
