#!/usr/bin/env bash
# Run one CI stage and print its wall time, so docs/benchmarks.md can keep a per-stage table.
# Usage: scripts/stage.sh NAME COMMAND [ARGS...]
set -euo pipefail
name="$1"; shift
start=$(date +%s)
status=0
"$@" || status=$?
echo "stage ${name}: $(( $(date +%s) - start )) s (exit ${status})"
exit "$status"
