# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the packages of a list that the host's package facts do not show as installed."""

from __future__ import annotations


def missing_packages(names, facts):
    """Every name when the host's packages are not known; else the names (optionally `name=version`)
    that are not installed, or not at that version."""
    installed = (facts or {}).get("packages")
    if not installed:
        return list(names)
    missing = []
    for requested in names:
        name, unused_separator, version = str(requested).partition("=")
        versions = [entry.get("version") for entry in installed.get(name, [])]
        if not versions or (version and version not in versions):
            missing.append(requested)
    return missing


class FilterModule:
    def filters(self):
        return {"missing_packages": missing_packages}
