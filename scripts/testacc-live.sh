#!/usr/bin/env bash
# The live suite (TestAcc*): read-only checks against the real Onomondo API
# with your key, for maintainers who have one. It reads last month of the
# key's organisation twice (totals must equal the sums of every map, and the
# two reads must agree) and asks for a SIM that does not exist (404).
#
#   ONOMONDO_API_KEY=onok_... bash scripts/testacc-live.sh   # or: make testacc-live
#
# ONOMONDO_BASE_URL may point it at another deployment (or at the fake API:
# `go run ./internal/fakeapi/cmd/onomondo-fake-api` prints its URL and key),
# ONOMONDO_ACC_MONTH=YYYY-MM picks the month instead of the last one. Without a key every
# live test skips (and says why); the rest of the suite never calls the real
# API (scripts/test.sh).
. "$(dirname "$0")/lib.sh"

ensure_terraform
if [[ -z "${ONOMONDO_API_KEY:-}" ]]; then
  log "ONOMONDO_API_KEY is not set: the live tests will skip"
fi
export TF_ACC=1
export TF_CLI_CONFIG_FILE="$REPO_ROOT/scripts/test.tfrc"
export CHECKPOINT_DISABLE=1
cd "$REPO_ROOT"
go test -count=1 -timeout 30m -run '^TestAcc' -v "$@" ./internal/provider/
