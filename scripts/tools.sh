#!/usr/bin/env bash
# Builds, once per machine, every tool that .ci/run needs besides Go and the
# terraform on PATH: golangci-lint, goreleaser, actionlint and OPA
# (CACHED_TOOLS), and the CLIs of the acceptance matrix (CLI_MATRIX), into
# $TOOLS_CACHE outside the clone, printing one line per tool that starts
# with its name.
# Whatever is already cached is only listed.
#
#   scripts/tools.sh
#
# .ci/run starts it in the background at low priority while the test
# suites run, and each step that needs a tool waits for that tool's line
# (its line starts with its name), so the order here is the order .ci/run
# needs them.
# Cold, on 2 cores, the builds take about 25 minutes of CPU in a row. Each
# tool is moved into the cache whole (scripts/lib.sh, go_tool_cached), so a
# script that needs one while this runs at worst builds it a second time,
# never uses half of it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# TOOLS_LOW_PRIORITY=1 (.ci/run, which starts this under setsid and nice):
# Linux schedules each session as a group of its own ("autogroup") beside
# the others, whatever its processes' nice, so the session's group gets the
# low priority too; only when this script leads its own session, so that
# it never lowers the priority of the terminal or job that started it.
if [[ "${TOOLS_LOW_PRIORITY:-}" == 1 && -w /proc/self/autogroup ]] &&
  [[ "$(cut -d' ' -f6 "/proc/$$/stat")" == "$$" ]]; then
  echo 19 >/proc/self/autogroup 2>/dev/null || true
fi

# The last line says how it ended, for whoever follows the output.
trap 'echo "END $?"' EXIT

for name in "${CACHED_TOOLS[@]}"; do
  start=$SECONDS
  path="$(cached_tool "$name")"
  printf '%-16s %4ss  %s\n' "$name" "$((SECONDS - start))" "$path"
done
# The CLI matrix: one line each, "NAME VERSION PATH".
bash "$REPO_ROOT/scripts/clis.sh"
