# Shared shell helpers for the scripts in this folder. Source it:
#   . "$(dirname "$0")/lib.sh"
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
GOBIN_DIR="$(go env GOPATH)/bin"
case ":$PATH:" in *":$GOBIN_DIR:"*) ;; *) export PATH="$PATH:$GOBIN_DIR" ;; esac

log() { printf '==> %s\n' "$*" >&2; }

# A TF_CLI_CONFIG_FILE that does not exist makes every terraform command
# warn; use the project's neutral CLI config instead. Scripts that need
# dev_overrides set scripts/dev.tfrc themselves.
if [[ -z "${TF_CLI_CONFIG_FILE:-}" || ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
  export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
fi

# ensure_terraform puts a terraform binary on PATH. Where none is installed it
# builds Terraform v1.5.7 from source with the Go toolchain (about two
# minutes), since release downloads may be unreachable.
ensure_terraform() {
  if command -v terraform >/dev/null 2>&1; then
    log "using $(command -v terraform) ($(terraform version | head -n1))"
    return
  fi
  log "no terraform on PATH: building github.com/hashicorp/terraform@v1.5.7 from source into $GOBIN_DIR (about two minutes)"
  go install github.com/hashicorp/terraform@v1.5.7
  command -v terraform >/dev/null 2>&1 || { log "terraform still not found after go install"; exit 1; }
  log "built $(terraform version | head -n1)"
}

# terraform_at_least MAJOR MINOR: whether the terraform on PATH is at least
# MAJOR.MINOR (provider-defined functions need 1.8).
terraform_at_least() {
  local v
  v="$(terraform version -json | sed -n 's/.*"terraform_version": *"\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n1)"
  local major="${v%%.*}" minor="${v#*.}"
  [[ -n "$v" ]] && { (( major > $1 )) || { (( major == $1 )) && (( minor >= $2 )); }; }
}

# build_provider builds the provider into bin/ (where scripts/dev.tfrc points).
build_provider() {
  log "building terraform-provider-onomondo into bin/"
  (cd "$REPO_ROOT" && go build -o bin/terraform-provider-onomondo -ldflags "-X main.version=0.0.0-dev" .)
}

# workdir NAME makes a clean terraform working directory .build/run/NAME, at
# the depth scripts/dev.tfrc expects, and prints its path.
workdir() {
  local dir="$REPO_ROOT/.build/run/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# TOOLS_CACHE holds tools built from source, outside the clone, one folder
# per tool and version, so a later run on the same machine (a fresh clone
# included) reuses them, while a fresh machine builds them once.
TOOLS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-onomondo/tools"
export TOOLS_CACHE

# go_tool_cached NAME VERSION PACKAGE [GO-INSTALL-FLAGS...] builds PACKAGE@VERSION
# with `go install` into $TOOLS_CACHE/NAME-VERSION/ unless it is already
# there, and prints the binary's path. Progress goes to stderr.
#   opa="$(go_tool_cached opa v1.22.3 github.com/open-policy-agent/opa)"
go_tool_cached() {
  local name="$1" version="$2" pkg="$3"
  shift 3
  local dir="$TOOLS_CACHE/$name-$version"
  local bin="$dir/$(basename "$pkg")"
  [[ "$(basename "$pkg")" =~ ^v[0-9]+$ ]] && bin="$dir/$name" # .../v2 module paths
  if [[ ! -x "$bin" ]]; then
    log "building $name $version from source into $dir (once per machine)"
    mkdir -p "$dir"
    GOBIN="$dir" go install "$@" "$pkg@$version" >&2
    [[ -x "$bin" ]] || bin="$dir/$name"
    [[ -x "$bin" ]] || { log "go install $pkg@$version left no binary in $dir"; return 1; }
  fi
  printf '%s\n' "$bin"
}
