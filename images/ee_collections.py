# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collections galaxy.yml depends on, with their own dependencies, as this Python has them installed
(the `ansible` bundle in the project's venv): one `namespace.name directory` line each, for
images/build-ee-image.sh to copy into the execution environment."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import sys

import yaml


def installed_dir(fqcn):
    spec = importlib.util.find_spec(f"ansible_collections.{fqcn}")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"ERROR: the collection {fqcn} is not installed in {sys.prefix}.\nFIX: run `make venv`; it comes with the `ansible` package.")
    return pathlib.Path(next(iter(spec.submodule_search_locations)))


def dependency_dirs(galaxy_yml):
    pending = list(yaml.safe_load(galaxy_yml.read_text()).get("dependencies") or {})
    found = {}
    while pending:
        fqcn = pending.pop()
        if fqcn not in found:
            found[fqcn] = installed_dir(fqcn)
            manifest = json.loads((found[fqcn] / "MANIFEST.json").read_text())
            pending.extend(manifest["collection_info"].get("dependencies") or {})
    return found


if __name__ == "__main__":
    for name, directory in sorted(dependency_dirs(pathlib.Path(sys.argv[1])).items()):
        print(name, directory)
