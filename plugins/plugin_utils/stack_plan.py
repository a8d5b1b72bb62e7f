# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each host's stack: the project's values resolved against the host's Debian release, with the
inventory's values winning, and where every value came from."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive, stack_resolution

# The role variable an inventory sets for each planned value, where the two names differ.
INVENTORY_NAMES = {"php_extension_packages": "php_extra_packages"}
PLANNED = ("php_version", "php_source", "php_extension_packages", "php_disabled_extensions", "php_ini_overrides",
           "nginx_locations", "mariadb_version", "redis_engine", "redis_version", "rabbitmq_version",
           "opensearch_engine", "opensearch_version")


def _project_values(project):
    """Values the project decides the same way on every release."""
    values = {}
    if project.php_ini:
        values["php_ini_overrides"] = {"value": dict(project.php_ini), "source": "php.ini"}
    locations = derive.web_locations(project.app)
    if locations:
        line, column = project.documents[".magento.app.yaml"].position(("web", "locations"))
        values["nginx_locations"] = {"value": locations, "source": f".magento.app.yaml:{line}:{column}"}
    return values


def plan_host(project, release, layers, inventory):
    """(values, sources, findings) for one host: values maps role variables to what the host gets,
    sources says per variable where it came from."""
    php_source = inventory.get("php_source", "auto")
    pinned = {key: inventory[INVENTORY_NAMES.get(key, key)] for key in PLANNED if INVENTORY_NAMES.get(key, key) in inventory}
    resolved, findings = stack_resolution.resolve_host(project, release, set(layers), php_source, project.magento_version or None,
                                                       pinned)
    resolved.update(_project_values(project))
    merged = stack_resolution.apply_overrides(resolved, {key: value for key, value in pinned.items() if key in resolved})
    values = {key: entry["value"] for key, entry in merged.items()}
    sources = [f"{key} = {_shown(entry['value'])} ({entry['source']})" for key, entry in sorted(merged.items())]
    return values, sources, findings


def _shown(value):
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{len(value)} locations: {', '.join(str(item.get('path')) for item in value)}"
    return str(value)
