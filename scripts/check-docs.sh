#!/usr/bin/env bash
# Regenerates docs/ from templates/, examples/ and the provider schema with
# tfplugindocs (a `tool` of go.mod), fails when that changed anything under
# docs/ (the committed docs are stale, or a generated file is not committed),
# then runs `tfplugindocs validate`:
#
#   scripts/check-docs.sh
#
# Offline: tfplugindocs builds the provider from source, installs it into a
# temporary plugin directory and runs `terraform init -plugin-dir` and
# `terraform providers schema -json` there with the terraform on PATH, so it
# needs neither the Terraform Registry nor a Terraform download. It needs
# Terraform 1.8 or later (function pages); with none on PATH, the scripts
# provide Terraform 1.8.5 (ensure_terraform in scripts/lib.sh). TF_CLI may
# name another Terraform (TF_CLI=terraform-1.8.5), not OpenTofu:
# tfplugindocs runs terraform.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# No dev_overrides here: tfplugindocs installs the provider itself.
export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
export CHECKPOINT_DISABLE=1

ensure_terraform
if cli_is_opentofu "$TF"; then
  log "tfplugindocs runs Terraform, not OpenTofu (TF_CLI=${TF_CLI:-}): run this script with a Terraform >= 1.8"
  exit 1
fi
# tfplugindocs takes the first terraform on PATH: make it this one.
PATH="$(dirname "$TF"):$PATH"
export PATH
cd "$REPO_ROOT"
if ! terraform_at_least 1 8; then
  # Before 1.8 `terraform providers schema -json` has no functions, so the
  # function pages could not be generated: comparing would report them stale.
  log "$TF_CLI_VERSION predates provider functions (1.8): cannot regenerate docs/functions; use Terraform >= 1.8 (TF_CLI=terraform-1.8.5 builds one) to check docs/"
  exit 1
fi

log "generating docs/ with tfplugindocs"
go tool tfplugindocs generate --provider-name onomondo

log "checking that docs/ is up to date and committed"
changes="$(git status --porcelain --untracked-files=all -- docs/)"
if [[ -n "$changes" ]]; then
  printf '%s\n' "$changes" >&2
  git --no-pager diff -- docs/ >&2 || true
  log "FAILED: docs/ differs from what templates/, examples/ and the schema generate."
  log "Run scripts/check-docs.sh (or go tool tfplugindocs generate --provider-name onomondo) and commit docs/."
  exit 1
fi

log "validating docs/ with tfplugindocs"
go tool tfplugindocs validate --provider-name onomondo

log "docs/ is up to date and valid"
