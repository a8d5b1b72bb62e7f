#!/usr/bin/env bash
# ansible-test sanity needs the collection under ansible_collections/<namespace>/<name>/: copy the
# tracked and new files there (not the venv or caches) and run it on this machine's Python.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Outside this checkout: inside it, ansible-test would follow this repo's .gitignore and skip the copy.
target="${TMPDIR:-/tmp}/magecloud-sanity/ansible_collections/magecloud/platform"
rm -rf "$target" && mkdir -p "$target"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$target")
cd "$target"
pip_version=$("$root/.venv/bin/python" -c 'import re, ansible_test._internal.python_requirements as r, inspect; print(re.search(r"pip=.([0-9.]+).", inspect.getsource(r)).group(1))')
mkdir -p ~/.ansible/test/cache
cp "$root/scripts/get_pip_offline.py" ~/.ansible/test/cache/get_pip_"${pip_version//./_}".py
python_version=$("$root/.venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
"$root/.venv/bin/ansible-test" sanity --color no --python "$python_version" --requirements "$@"
