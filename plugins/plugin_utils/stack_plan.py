# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each host's stack: the project's values resolved against the host's Debian release, with the
inventory's values winning, and where every value came from."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive, stack_resolution
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import ROUTES_FILE

# The role variable an inventory sets for each planned value, where the two names differ.
INVENTORY_NAMES = {"php_extension_packages": "php_extra_packages"}
PLANNED = ("php_version", "php_source", "php_extension_packages", "php_disabled_extensions", "php_ini_overrides",
           "php_fpm_env", "nginx_locations", "mariadb_version", "redis_engine", "redis_version", "rabbitmq_version",
           "opensearch_engine", "opensearch_version")
# Values whose content stays out of the printed sources: the environment can carry the inventory's secrets.
NAMES_ONLY = ("php_fpm_env",)


def _app_source(project, path):
    document = project.documents.get(".magento.app.yaml")
    line, column = document.position(path) if document else (1, 1)
    return f".magento.app.yaml:{line}:{column}"


def _project_values(project, inventory):
    """Values the project decides the same way on every release (with the environment's variables)."""
    values = {}
    php_settings = derive.php_settings(project)
    if php_settings:
        given = [_app_source(project, ("variables", "php"))] if derive.app_variables(project.app, "php") else []
        values["php_ini_overrides"] = {"value": php_settings, "source": " and ".join(given + ["php.ini"] * bool(project.php_ini))}
    environment_variables = inventory.get("deploy_variables")
    environment_variables = environment_variables if isinstance(environment_variables, dict) else {}
    app_env = derive.app_environment(project, environment_variables)
    if app_env:
        given = [_app_source(project, ("variables", "env"))] if derive.app_variables(project.app, "env") else []
        given += ["deploy_variables"] if any(derive.is_env_name(name) for name in environment_variables) else []
        values["php_fpm_env"] = {"value": app_env, "source": " and ".join(given)}
    locations = derive.web_locations(project.app)
    if locations:
        values["nginx_locations"] = {"value": locations, "source": _app_source(project, ("web", "locations"))}
    if project.routes:
        values["edge_routes"] = {"value": project.routes, "source": ROUTES_FILE}
    return values


def plan_host(project, release, layers, inventory):
    """(values, sources, findings) for one host: values maps role variables to what the host gets,
    sources says per variable where it came from."""
    php_source = inventory.get("php_source", "auto")
    pinned = {key: inventory[INVENTORY_NAMES.get(key, key)] for key in PLANNED if INVENTORY_NAMES.get(key, key) in inventory}
    resolved, findings = stack_resolution.resolve_host(project, release, set(layers), php_source, project.magento_version or None,
                                                       pinned)
    resolved.update(_project_values(project, inventory))
    merged = stack_resolution.apply_overrides(resolved, {key: value for key, value in pinned.items() if key in resolved})
    values = {key: entry["value"] for key, entry in merged.items()}
    sources = [f"{key} = {_shown(key, entry['value'])} ({entry['source']})" for key, entry in sorted(merged.items())]
    return values, sources, findings


def _shown(key, value):
    if key in NAMES_ONLY and isinstance(value, dict):
        return f"{len(value)} variables: {', '.join(sorted(value))}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{len(value)} locations: {', '.join(str(item.get('path')) for item in value)}"
    return str(value)
