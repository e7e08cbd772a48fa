#!/usr/bin/env bash
# Validates every example configuration under examples/ against the provider
# built from this repository, offline:
#
#   scripts/validate-examples.sh
#
# For each directory under examples/ that holds .tf files, the directory
# (with its subfolders, for local modules) is copied into a clean working
# directory .build/run/validate-<flat-name>, `terraform get` installs the
# local modules it calls, and `terraform validate` runs there (with its
# tests/*.tftest.hcl files) with scripts/dev.tfrc, whose dev_overrides
# point onomondo/onomondo at bin/. With dev_overrides no `terraform init` is
# needed (nor possible offline): validate loads the provider straight from
# bin/, as long as the configuration declares the provider's source
# (onomondo/onomondo) in required_providers. The documentation snippets
# (examples/data-sources/*, examples/functions/*) leave that block out to stay
# short, so for a directory whose files declare no required_providers the
# script adds one, in a file of the working directory only. Without it
# Terraform would look for hashicorp/onomondo and ask for `terraform init`.
#
# Finally `terraform fmt -check -recursive examples` must pass. The script
# exits non-zero when any example fails, naming each one. TF_CLI picks the
# CLI (ensure_terraform in scripts/lib.sh), e.g. TF_CLI=tofu.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/dev.tfrc"
export CHECKPOINT_DISABLE=1

ensure_terraform
build_provider

cd "$REPO_ROOT"
failed=()

# Every directory under examples/ with .tf files directly in it, sorted.
mapfile -t dirs < <(find examples -type f -name '*.tf' -printf '%h\n' | sort -u)
if [[ ${#dirs[@]} -eq 0 ]]; then
  log "no example directories found under examples/"
  exit 1
fi

functions_ok=1
if ! cli_has_functions "$TF"; then
  functions_ok=0
  log "$TF_CLI_VERSION predates provider-defined functions (Terraform 1.8, OpenTofu 1.7): examples that call provider::onomondo:: are neither validated nor fmt-checked here (it cannot parse them)"
fi

for example in "${dirs[@]}"; do
  if [[ $functions_ok -eq 0 ]] && grep -qs 'provider::onomondo::' "$example"/*.tf; then
    log "not validating $example with this terraform (uses provider functions)"
    continue
  fi
  flat="${example#examples/}"
  flat="${flat//\//-}"
  dir="$(workdir "validate-$flat")"
  cp -R "$example"/. "$dir"/
  if ! grep -qs 'required_providers' "$dir"/*.tf; then
    cat >"$dir/zz_validate_required_providers.tf" <<'EOF'
# Added by scripts/validate-examples.sh: the example declares no
# required_providers, so Terraform would otherwise assume hashicorp/onomondo.
terraform {
  required_providers {
    onomondo = {
      source = "onomondo/onomondo"
    }
  }
}
EOF
  fi
  log "validating $example"
  if grep -qs '^module ' "$dir"/*.tf && ! out="$("$TF" -chdir="$dir" get -no-color 2>&1)"; then
    printf '%s\n' "$out" >&2
    log "FAILED: $example ($(basename "$TF") get)"
    failed+=("$example")
    continue
  fi
  if ! out="$("$TF" -chdir="$dir" validate -no-color 2>&1)"; then
    printf '%s\n' "$out" >&2
    log "FAILED: $example"
    failed+=("$example")
  fi
done

if [[ $functions_ok -eq 1 ]]; then
  log "checking $(basename "$TF") fmt -check -recursive examples"
  if ! "$TF" fmt -check -recursive -diff -no-color examples >&2; then
    log "FAILED: terraform fmt (run: terraform fmt -recursive examples)"
    failed+=("terraform fmt")
  fi
else
  # An older CLI cannot even parse provider::onomondo:: calls: it checks the
  # formatting of the files without them.
  mapfile -t plain < <(grep -rL --include='*.tf' 'provider::onomondo::' examples | sort)
  log "checking $(basename "$TF") fmt -check on the ${#plain[@]} example files that call no provider function"
  if ! "$TF" fmt -check -diff -no-color "${plain[@]}" >&2; then
    log "FAILED: terraform fmt (run: terraform fmt -recursive examples)"
    failed+=("terraform fmt")
  fi
fi

if [[ ${#failed[@]} -gt 0 ]]; then
  log "${#failed[@]} failure(s): ${failed[*]}"
  exit 1
fi
log "all ${#dirs[@]} example directories are valid and formatted"
