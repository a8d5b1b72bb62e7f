#!/usr/bin/env bash
# OpenSearch needs vm.max_map_count >= 262144; containers share this kernel, so only here can it be raised.
set -euo pipefail
wanted=262144
current=$(cat /proc/sys/vm/max_map_count)
[ "$current" -ge "$wanted" ] && exit 0
if ! sysctl -qw vm.max_map_count=$wanted 2>/dev/null; then
  echo "WARNING: vm.max_map_count is $current and could not be raised; OpenSearch will refuse to start." >&2
  echo "FIX: as root on this machine run: sysctl -w vm.max_map_count=$wanted" >&2
fi
