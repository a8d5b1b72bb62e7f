# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runtime.extensions of .magento.app.yaml as the packages one host installs (data/php_extensions.yml),
for the PHP version and source the host resolved to."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table

MISSING = "missing"


def extension_names(runtime, key):
    """(index, name) of each string entry of runtime[key]; an item may be a name or {name: ...}."""
    items = runtime.get(key) if isinstance(runtime, dict) else None
    if not isinstance(items, list):
        return []
    named = ((index, item.get("name") if isinstance(item, dict) else item) for index, item in enumerate(items))
    return [(index, name) for index, name in named if isinstance(name, str)]


def extension_packages(report, runtime, php_version, php_source, release_name):
    """Sorted package names for runtime.extensions; findings for what this host's release cannot install.
    Vendor and unknown extensions are the project reader's findings (app_schema): they are skipped here."""
    data = table("php_extensions")
    renamed = (data.get("debian") or {}).get(str(release_name), {}) if php_source == "debian" else {}
    packages = set()
    for index, name in extension_names(runtime, "extensions"):
        if not data["packages"].get(name):
            continue
        if renamed.get(name) == MISSING:
            report.error(("runtime", "extensions", index), f"extension `{name}` has no package in Debian {release_name} for PHP {php_version}",
                         "set php_source: sury (its repository builds it), or remove it")
        else:
            packages.add((renamed.get(name) or data["packages"][name]).format(v=php_version))
    return sorted(packages)
