#!/usr/bin/env bash
# The randomized fault run (TestChaos): CHAOS_SEEDS seeds (default 30; `make
# chaos` runs 200), each a 50-page read through a seeded handler that mixes
# 5xx answers (with and without Retry-After), connections reset mid-body,
# 429s in every header style, clock skew with and without Date, stripped
# rate-limit headers and odd page shapes. Each seed runs in a synctest
# bubble, on a fake clock: 200 seeds take seconds. Every seed must end with
# the exact totals or a clear error, within 10 minutes of fake time: a wrong
# number, a hang or an unclear error fails the run. Prints the figures
# (seeds, exact reads, clear errors, wrong numbers, hangs, longest read on
# the fake clock, what was injected).
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
