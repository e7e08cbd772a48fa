# Shared shell helpers for the scripts in this folder. Source it:
#   . "$(dirname "$0")/lib.sh"
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

log() { printf '==> %s\n' "$*" >&2; }

# A TF_CLI_CONFIG_FILE that does not exist makes every terraform command
# warn; use the project's neutral CLI config instead. Scripts that need
# dev_overrides set scripts/dev.tfrc themselves.
if [[ -z "${TF_CLI_CONFIG_FILE:-}" || ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
  export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
fi

# build_provider builds the provider into bin/ (where scripts/dev.tfrc points).
build_provider() {
  (cd "$REPO_ROOT" && go build -o bin/terraform-provider-onomondo -ldflags "-X main.version=0.0.0-dev" .)
}

# workdir NAME makes a clean terraform working directory .build/run/NAME, at
# the depth scripts/dev.tfrc expects, and prints its path.
workdir() {
  local dir="$REPO_ROOT/.build/run/$1"
  rm -rf "$dir" && mkdir -p "$dir" && printf '%s\n' "$dir"
}

# Tools built from source once per machine into $TOOLS_CACHE/NAME-VERSION/,
# outside the clone, so a fresh clone on the same machine reuses them.
# `cached_tool NAME` builds NAME if needed and prints its path
# (scripts/tools.sh does it for the make targets and .ci/run).
TOOLS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-onomondo/tools"
export TOOLS_CACHE
# The CLI matrix (make testmatrix), besides the terraform on PATH:
#   terraform-1.5.7  the oldest Terraform we support (no provider functions)
#   terraform-1.8.5  the first with provider functions; the newest that
#                    builds from the module proxy; the fallback when no
#                    terraform is on PATH (tfplugindocs needs >= 1.8)
#   tofu-1.12.6      OpenTofu
CLI_MATRIX=(terraform-1.5.7 terraform-1.8.5 tofu-1.12.6)
FALLBACK_TERRAFORM="terraform-1.8.5"
# Every tool, in the order .ci/run needs them.
ALL_TOOLS=(golangci-lint goreleaser actionlint opa conftest "${CLI_MATRIX[@]}")

cached_tool() {
  case "$1" in
    golangci-lint) _go_install "$1" v2.15.0 github.com/golangci/golangci-lint/v2/cmd/golangci-lint ;;
    goreleaser) _go_install "$1" v2.16.0 github.com/goreleaser/goreleaser/v2 ;; # newer needs Go 1.27
    actionlint) _go_install "$1" v1.7.12 github.com/rhysd/actionlint/cmd/actionlint ;;
    opa) _go_install "$1" v1.22.3 github.com/open-policy-agent/opa ;;
    conftest) _go_install "$1" v0.71.1 github.com/open-policy-agent/conftest ;;
    terraform-1.5.7) _go_install terraform v1.5.7 github.com/hashicorp/terraform ;;
    terraform-1.8.5) _go_install terraform v1.8.5 github.com/hashicorp/terraform \
      -ldflags "-X github.com/hashicorp/terraform/version.dev=no" ;;
    # `go install .../cmd/tofu@v1.12.6` refuses OpenTofu's replace
    # directives: built in its module-cache folder instead.
    tofu-1.12.6) _go_install tofu v1.12.6 github.com/opentofu/opentofu ./cmd/tofu \
      -ldflags "-X github.com/opentofu/opentofu/version.dev=no" ;;
    *) log "unknown tool '$1' (known: ${ALL_TOOLS[*]})"; return 1 ;;
  esac
}

# _go_install NAME VERSION PATH [./PKG] [FLAGS...] runs `go install
# PATH@VERSION` (or, with ./PKG, `go build ./PKG` in module PATH@VERSION's
# folder of the module cache) into $TOOLS_CACHE/NAME-VERSION/NAME unless it
# is there, and prints the binary's path. The build goes to a temporary
# folder moved into place whole, so a failed or stopped build never looks
# installed.
_go_install() {
  local name="$1" version="$2" path="$3" pkg=""
  shift 3
  if [[ "${1:-}" == ./* ]]; then pkg="$1" && shift; fi
  local dir="$TOOLS_CACHE/$name-$version" tmp
  if [[ ! -x "$dir/$name" ]]; then
    log "building $name $version from source into $dir (once per machine)"
    mkdir -p "$TOOLS_CACHE"
    tmp="$(mktemp -d "$TOOLS_CACHE/.build-$name-$version.XXXXXX")"
    # Outside any module, so no go.mod is touched.
    if [[ -z "$pkg" ]]; then
      (cd "$tmp" && GOBIN="$tmp" go install "$@" "$path@$version" >&2)
    else
      (cd "$tmp" && go mod download "$path@$version" &&
        cd "$(go env GOMODCACHE)/$path@$version" && go build -o "$tmp/$name" "$@" "$pkg" >&2)
    fi || { rm -rf "$tmp"; log "building $name $version failed"; return 1; }
    mkdir -p "$dir" && mv -f "$tmp/$name" "$dir/$name" && rm -rf "$tmp"
  fi
  printf '%s\n' "$dir/$name"
}

# resolve_cli SPEC prints the path of the CLI that SPEC (TF_CLI) names:
#   terraform  the terraform on PATH; none there: the cached $FALLBACK_TERRAFORM
#   tofu       the tofu on PATH; none there: the cached tofu-1.12.6
#   terraform-1.5.7, terraform-1.8.5, tofu-1.12.6   that build
#   /a/path    that binary
resolve_cli() {
  case "$1" in
    terraform | tofu)
      command -v "$1" 2>/dev/null ||
        if [[ "$1" == terraform ]]; then cached_tool "$FALLBACK_TERRAFORM"; else cached_tool tofu-1.12.6; fi ;;
    */*) [[ -x "$1" ]] && printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")" ;;
    *) cached_tool "$1" ;;
  esac
}

# cli_version CLI prints "Terraform 1.5.7" or "OpenTofu 1.12.6" (both report
# their own version as "terraform_version" in `version -json`, so the first
# line of `version` is what tells them apart).
cli_version() {
  CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null | sed -En '1s/^([A-Za-z]+) v?([^ ]+).*/\1 \2/p'
}
cli_is_opentofu() { [[ "$(cli_version "$1")" == OpenTofu* ]]; }
# cli_at_least CLI MAJOR MINOR
cli_at_least() {
  local v major minor
  v="$(cli_version "$1")" && v="${v#* }" && major="${v%%.*}" && minor="${v#*.}" && minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] && ((major > $2 || (major == $2 && minor >= $3)))
}
# cli_has_functions CLI: provider-defined functions (Terraform 1.8, OpenTofu 1.7).
cli_has_functions() {
  if cli_is_opentofu "$1"; then cli_at_least "$1" 1 7; else cli_at_least "$1" 1 8; fi
}

# ensure_terraform picks the CLI a script runs, by TF_CLI (default
# "terraform"; see resolve_cli), and exports TF (its path) and
# TF_CLI_VERSION. When TF_CLI is terraform and none is on PATH, the cached
# Terraform 1.8.5 is built once and put first on PATH, so that everything
# run from here on (tfplugindocs, the benchmarks, the guides) finds it.
ensure_terraform() {
  local spec="${TF_CLI:-terraform}"
  TF="$(resolve_cli "$spec")" || { log "could not provide the CLI TF_CLI=$spec"; exit 1; }
  TF_CLI_VERSION="$(cli_version "$TF")"
  [[ -n "$TF_CLI_VERSION" ]] || { log "$TF does not answer '$TF version'"; exit 1; }
  export TF TF_CLI_VERSION
  if [[ "$spec" == terraform && "$TF" == "$TOOLS_CACHE/"* ]]; then
    log "no terraform on PATH: using $TF, built from source, first on PATH for this run"
    export PATH="$(dirname "$TF"):$PATH"
  fi
  log "using $TF ($TF_CLI_VERSION)"
}

# terraform_at_least MAJOR MINOR: whether ensure_terraform's CLI is at least that.
terraform_at_least() { cli_at_least "$TF" "$1" "$2"; }

# acc_cli_env CLI exports what terraform-plugin-testing needs to run the
# acceptance tests under CLI: TF_ACC_TERRAFORM_PATH (never
# TF_ACC_TERRAFORM_VERSION: it downloads), and for OpenTofu a real provider
# namespace (tofu refuses the default reattach address
# registry.terraform.io/-/onomondo).
acc_cli_env() {
  unset TF_ACC_TERRAFORM_VERSION TF_ACC_PROVIDER_NAMESPACE
  export TF_ACC_TERRAFORM_PATH="$1"
  if cli_is_opentofu "$1"; then export TF_ACC_PROVIDER_NAMESPACE=hashicorp; fi
}
