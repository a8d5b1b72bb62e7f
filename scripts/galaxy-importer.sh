#!/usr/bin/env bash
# Build the collection tarball and run Galaxy's importer on it; fail on any error it reports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/dist"
rm -rf "$out" && mkdir -p "$out"
cd "$root"
export PATH="$root/.venv/bin:$PATH"  # the importer runs ansible-doc and ansible-lint from PATH
.venv/bin/ansible-galaxy collection build --force --output-path "$out" . >/dev/null
tarball=$(ls "$out"/magecloud-platform-*.tar.gz)
export GALAXY_IMPORTER_CONFIG="$root/tests/galaxy-importer.cfg"
log="$out/importer.log"
# The importer runs ansible-lint itself; ansible-test runs in `make sanity`, where it can run locally.
if ! .venv/bin/python -m galaxy_importer.main "$tarball" >"$log" 2>&1; then
  cat "$log"; echo "ERROR: galaxy-importer failed on $tarball" >&2; exit 1
fi
if grep -E "^(ERROR|CRITICAL)|ERROR:" "$log"; then
  echo "ERROR: galaxy-importer reported errors on $tarball (full log: $log)" >&2; exit 1
fi
warnings=$(grep -c "WARNING" "$log" || true)
echo "galaxy-importer: no errors, $warnings warning(s) on $(basename "$tarball") (log: $log)"
