#!/usr/bin/env bash
# The randomized fault run: CHAOS_SEEDS seeds (default 30; `make chaos` runs
# 200), each a ~50-page read against the fake API with a seeded random mix of
# 5xx answers (with and without Retry-After), connections reset mid-body,
# 429s in every header style, clock skew and stripped rate-limit headers.
# Every seed must end with the exact totals or a clear error, in bounded
# time: a wrong number, a hang or an unclear error fails the run. Prints the
# figures (seeds, exact reads, clear errors, wrong numbers, hangs, longest
# read, what was injected).
#
#   bash scripts/chaos.sh                       # 30 seeds
#   CHAOS_SEEDS=200 bash scripts/chaos.sh       # make chaos
#   CHAOS_FIRST_SEED=17 CHAOS_SEEDS=1 bash scripts/chaos.sh   # replay one seed
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
export CHAOS_SEEDS="${CHAOS_SEEDS:-30}"
log "randomized fault run: $CHAOS_SEEDS seeds"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
go test -count=1 -timeout 30m -run '^TestChaos$' -v ./internal/onomondo/ >"$out" 2>&1 || status=$?
grep -E 'seed [0-9]+: ' "$out" || true
grep -E '^chaos: ' "$out" || { tail -n 40 "$out"; log "the chaos run printed no figures"; exit 1; }
if [[ $status -ne 0 ]]; then
  tail -n 40 "$out"
  log "FAILED: the randomized fault run"
  exit 1
fi
log "randomized fault run passed"
