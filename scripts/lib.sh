# Shared shell helpers for the scripts in this folder. Source it:
#   . "$(dirname "$0")/lib.sh"
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
# Tools the scripts build (terraform when none is on PATH, the linters,
# goreleaser, the CLI matrix) live in $TOOLS_CACHE below, never in
# $(go env GOPATH)/bin, which is not put on PATH here either.

log() { printf '==> %s\n' "$*" >&2; }

# A TF_CLI_CONFIG_FILE that does not exist makes every terraform command
# warn; use the project's neutral CLI config instead. Scripts that need
# dev_overrides set scripts/dev.tfrc themselves.
if [[ -z "${TF_CLI_CONFIG_FILE:-}" || ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
  export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
fi

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
# there, and prints the binary's path. Progress goes to stderr. The build goes
# to a temporary folder first and is moved into place whole, so a build that
# fails or is stopped half way leaves nothing that looks installed, and two
# runs building the same tool at once do not see each other's half-written
# binary.
#   opa="$(go_tool_cached opa v1.22.3 github.com/open-policy-agent/opa)"
#   tf="$(go_tool_cached terraform v1.8.5 github.com/hashicorp/terraform -ldflags "-X ...")"
go_tool_cached() {
  local name="$1" version="$2" pkg="$3"
  shift 3
  local dir="$TOOLS_CACHE/$name-$version"
  local base
  base="$(basename "$pkg")"
  [[ "$base" =~ ^v[0-9]+$ ]] && base="$name" # .../v2 module paths
  if [[ ! -x "$dir/$base" ]]; then
    log "building $name $version from source into $dir (once per machine)"
    mkdir -p "$TOOLS_CACHE"
    local tmp
    tmp="$(mktemp -d "$TOOLS_CACHE/.build-$name-$version.XXXXXX")"
    # Outside any module: go install pkg@version never touches a go.mod.
    if ! (cd "$tmp" && GOBIN="$tmp/bin" go install "$@" "$pkg@$version" >&2); then
      rm -rf "$tmp"
      log "go install $pkg@$version failed"
      return 1
    fi
    _cache_move_in "$tmp" "$dir" "$base" || return 1
  fi
  printf '%s\n' "$dir/$base"
}

# go_module_build_cached NAME VERSION MODULE PACKAGE [GO-BUILD-FLAGS...]
# builds PACKAGE (a path inside MODULE, such as ./cmd/tofu) with `go build`
# in MODULE@VERSION's folder of the module cache, into
# $TOOLS_CACHE/NAME-VERSION/NAME, unless it is already there, and prints the
# binary's path. For modules whose go.mod has replace directives, which
# `go install PACKAGE@VERSION` refuses (OpenTofu).
#   tofu="$(go_module_build_cached tofu v1.12.6 github.com/opentofu/opentofu ./cmd/tofu)"
go_module_build_cached() {
  local name="$1" version="$2" module="$3" pkg="$4"
  shift 4
  local dir="$TOOLS_CACHE/$name-$version"
  if [[ ! -x "$dir/$name" ]]; then
    log "building $name $version ($module $pkg) from source into $dir (once per machine)"
    mkdir -p "$TOOLS_CACHE"
    local tmp src
    tmp="$(mktemp -d "$TOOLS_CACHE/.build-$name-$version.XXXXXX")"
    # Downloaded outside any module, so no go.mod or go.sum is touched.
    src="$(cd "$tmp" && go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p')"
    if [[ -z "$src" || ! -d "$src" ]]; then
      rm -rf "$tmp"
      log "go mod download $module@$version gave no module folder"
      return 1
    fi
    if ! (cd "$src" && go build -o "$tmp/bin/$name" "$@" "$pkg" >&2); then
      rm -rf "$tmp"
      log "go build $pkg in $src failed"
      return 1
    fi
    _cache_move_in "$tmp" "$dir" "$name" || return 1
  fi
  printf '%s\n' "$dir/$name"
}

# _cache_move_in TMP DIR BINARY moves TMP/bin/BINARY to DIR/BINARY (a rename
# within $TOOLS_CACHE) and removes TMP.
_cache_move_in() {
  local tmp="$1" dir="$2" base="$3"
  if [[ ! -x "$tmp/bin/$base" ]]; then
    rm -rf "$tmp"
    log "the build left no $base binary"
    return 1
  fi
  mkdir -p "$dir"
  mv -f "$tmp/bin/$base" "$dir/$base"
  rm -rf "$tmp"
}

# Tools pinned for the scripts, each built once per machine into
# $TOOLS_CACHE by cached_tool NAME (which prints the binary's path).
GOLANGCI_LINT_VERSION="v2.15.0"
GORELEASER_VERSION="v2.16.0" # newer goreleaser needs Go 1.27
ACTIONLINT_VERSION="v1.7.12"
OPA_VERSION="v1.22.3"
# shellcheck disable=SC2034 # used by scripts/tools.sh
CACHED_TOOLS=(golangci-lint goreleaser actionlint opa)
cached_tool() {
  case "$1" in
    golangci-lint) go_tool_cached golangci-lint "$GOLANGCI_LINT_VERSION" github.com/golangci/golangci-lint/v2/cmd/golangci-lint ;;
    goreleaser) go_tool_cached goreleaser "$GORELEASER_VERSION" github.com/goreleaser/goreleaser/v2 ;;
    actionlint) go_tool_cached actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint ;;
    opa) go_tool_cached opa "$OPA_VERSION" github.com/open-policy-agent/opa ;;
    *) log "cached_tool: unknown tool $1"; return 1 ;;
  esac
}

# The Terraform CLI matrix: the CLIs the acceptance tests of the data
# sources, the provider block and the functions run under in CI
# (scripts/test-matrix.sh), besides the terraform on PATH. Release downloads
# are unreachable here, so each is built from source once per machine into
# $TOOLS_CACHE (scripts/clis.sh builds and lists them):
#   terraform-1.5.7  the oldest Terraform we support
#   terraform-1.8.5  the first with provider functions, the newest that
#                    builds from the module proxy, and the fallback when no
#                    terraform is on PATH (the docs check needs >= 1.8)
#   tofu-1.12.6      OpenTofu
CLI_MATRIX=(terraform-1.5.7 terraform-1.8.5 tofu-1.12.6)
FALLBACK_TERRAFORM="terraform-1.8.5"

# cached_cli NAME-VERSION builds (once) and prints the path of one CLI of
# the matrix. Cold, on 2 cores: Terraform ~2 min each, OpenTofu 3-4 min.
cached_cli() {
  case "$1" in
    terraform-1.5.7)
      go_tool_cached terraform v1.5.7 github.com/hashicorp/terraform ;;
    terraform-1.8.5)
      # Without version.dev=no it calls itself 1.8.5-dev.
      go_tool_cached terraform v1.8.5 github.com/hashicorp/terraform \
        -ldflags "-X github.com/hashicorp/terraform/version.dev=no" ;;
    tofu-1.12.6)
      # `go install .../cmd/tofu@v1.12.6` refuses its replace directives.
      go_module_build_cached tofu v1.12.6 github.com/opentofu/opentofu ./cmd/tofu \
        -ldflags "-X github.com/opentofu/opentofu/version.dev=no" ;;
    *) log "unknown CLI '$1' (known: ${CLI_MATRIX[*]})"; return 1 ;;
  esac
}

# resolve_cli SPEC prints the path of the CLI that SPEC names, building it
# when it is one of the matrix and not yet cached:
#   terraform  the terraform on PATH; none there: the cached $FALLBACK_TERRAFORM
#   tofu       the tofu on PATH; none there: the cached tofu-1.12.6
#   terraform-1.5.7, terraform-1.8.5, tofu-1.12.6   that build
#   /a/path    that binary
resolve_cli() {
  local spec="$1" found
  case "$spec" in
    terraform | tofu)
      if found="$(command -v "$spec" 2>/dev/null)"; then
        printf '%s\n' "$found"
      elif [[ "$spec" == terraform ]]; then
        cached_cli "$FALLBACK_TERRAFORM"
      else
        cached_cli tofu-1.12.6
      fi ;;
    */*)
      [[ -f "$spec" && -x "$spec" ]] || { log "TF_CLI=$spec is not an executable file"; return 1; }
      printf '%s/%s\n' "$(cd "$(dirname "$spec")" && pwd)" "$(basename "$spec")" ;;
    *) cached_cli "$spec" ;;
  esac
}

# cli_version CLI prints "Terraform 1.5.7" or "OpenTofu 1.12.6": the first
# line of `CLI version`, whose first word tells the two apart (both report
# their own version as "terraform_version" in `version -json`).
cli_version() {
  local out
  out="$(CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null)" || true
  sed -E 's/^([A-Za-z]+) v?([^ ]+).*/\1 \2/' <<<"${out%%$'\n'*}"
}

# cli_is_opentofu CLI: whether CLI is OpenTofu.
cli_is_opentofu() { [[ "$(cli_version "$1")" == OpenTofu* ]]; }

# cli_at_least CLI MAJOR MINOR: whether CLI's version is at least MAJOR.MINOR.
cli_at_least() {
  local v
  v="$(cli_version "$1" | awk '{print $2}')"
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  (( major > $2 )) || { (( major == $2 )) && (( minor >= $3 )); }
}

# cli_has_functions CLI: whether CLI supports provider-defined functions
# (Terraform 1.8, OpenTofu 1.7).
cli_has_functions() {
  if cli_is_opentofu "$1"; then cli_at_least "$1" 1 7; else cli_at_least "$1" 1 8; fi
}

# ensure_terraform picks the CLI a script runs, by TF_CLI (default
# "terraform"; see resolve_cli: tofu, terraform-1.5.7, a path, ...), and
# exports TF (its path) and TF_CLI_VERSION ("Terraform 1.11.4"). When TF_CLI
# is terraform and none is on PATH, the cached Terraform 1.8.5 is built once
# and its folder put first on PATH, so that everything run from here on
# (tfplugindocs, the benchmarks, later scripts of .ci/run) finds it.
ensure_terraform() {
  local spec="${TF_CLI:-terraform}"
  if [[ "$spec" == terraform ]] && ! command -v terraform >/dev/null 2>&1; then
    log "no terraform on PATH: using Terraform ${FALLBACK_TERRAFORM#terraform-} built from source (cached in $TOOLS_CACHE; the first build takes about two minutes), put first on PATH for this run"
  fi
  TF="$(resolve_cli "$spec")" || { log "could not provide the CLI TF_CLI=$spec"; exit 1; }
  TF_CLI_VERSION="$(cli_version "$TF")"
  [[ -n "$TF_CLI_VERSION" ]] || { log "$TF does not answer '$TF version'"; exit 1; }
  export TF TF_CLI_VERSION
  if [[ "$spec" == terraform ]] && ! command -v terraform >/dev/null 2>&1; then
    PATH="$(dirname "$TF"):$PATH"
    export PATH
  fi
  log "using $TF ($TF_CLI_VERSION)"
}

# terraform_at_least MAJOR MINOR: whether the CLI ensure_terraform picked is
# at least MAJOR.MINOR.
terraform_at_least() { cli_at_least "$TF" "$1" "$2"; }

# acc_cli_env CLI exports what terraform-plugin-testing needs to run the
# acceptance tests under CLI: TF_ACC_TERRAFORM_PATH (never
# TF_ACC_TERRAFORM_VERSION: it downloads), and for OpenTofu a real provider
# namespace (tofu refuses the default reattach address
# registry.terraform.io/-/onomondo) and a CLI config file that exists (tofu
# warns about a missing one on stdout, which breaks the version parse).
acc_cli_env() {
  unset TF_ACC_TERRAFORM_VERSION TF_ACC_PROVIDER_NAMESPACE
  export TF_ACC_TERRAFORM_PATH="$1"
  if cli_is_opentofu "$1"; then
    export TF_ACC_PROVIDER_NAMESPACE=hashicorp
  fi
  if [[ -z "${TF_CLI_CONFIG_FILE:-}" || ! -f "$TF_CLI_CONFIG_FILE" ]]; then
    export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
  fi
}
