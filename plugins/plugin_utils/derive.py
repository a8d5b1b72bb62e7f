# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a validated project means for the hosts: stack variables for the roles, and the runtime
environment (MAGENTO_CLOUD_*) in the cloud's own shapes, built from the inventory's endpoints."""

from __future__ import annotations

import base64
import json

from ansible_collections.magecloud.platform.plugins.plugin_utils.app_schema import parse_mount
from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
from ansible_collections.magecloud.platform.plugins.plugin_utils.services_schema import split_type

DEFAULT_ROUTES = {"https://{default}/": {"type": "upstream", "upstream": "{app}:http"}}
# Per service type: URL scheme and port the cloud reports in MAGENTO_CLOUD_RELATIONSHIPS.
ENDPOINT_DEFAULTS = {
    "mysql": ("mysql", 3306), "mariadb": ("mysql", 3306), "redis": ("redis", 6379), "valkey": ("redis", 6379),
    "rabbitmq": ("amqp", 5672), "elasticsearch": ("http", 9200), "opensearch": ("http", 9200),
}
# An environment-level variable whose name starts with this is a plain environment variable (the
# prefix stripped) instead of an entry of MAGENTO_CLOUD_VARIABLES.
ENV_PREFIX = "env:"
# build.flavor -> what the build runs; a PHP application without a flavor gets composer, as on the cloud.
FLAVORS = {"composer": "composer", "default": "composer", "none": "none"}
DEFAULT_FLAVOR = "composer"


def encode(value):
    return base64.b64encode(json.dumps(value, sort_keys=True).encode()).decode()


def stack(project):
    """What the deploy needs of the app: mounts, crons, workers, hooks (the hosts' stack is resolved per
    host by stack_plan)."""
    app = project.app
    return {
        "services": _services(project.services),
        "redis_instances": sorted(rel for rel, target in _relationship_targets(app).items()
                                  if _service_kind(project.services, target[0]) in ("redis", "valkey")),
        "mounts": [{"path": path, "source": parsed[0], "source_path": parsed[1]}
                   for path, parsed in ((p, parse_mount(s)) for p, s in (app.get("mounts") or {}).items()) if parsed],
        "crons": [{"name": name, "spec": job.get("spec"), "cmd": job.get("cmd"), "timeout": job.get("timeout")}
                  for name, job in (app.get("crons") or {}).items() if isinstance(job, dict)],
        "workers": {name: (worker.get("commands") or {}).get("start")
                    for name, worker in (app.get("workers") or {}).items() if isinstance(worker, dict)},
        "hooks": {name: script or "" for name, script in (app.get("hooks") or {}).items()},
        "build_flavor": build_flavor(app),
        "route_cache": _route_cache(project.routes or DEFAULT_ROUTES),
    }


def build_flavor(app):
    """composer or none: what the build runs before hooks.build."""
    build = app.get("build") if isinstance(app.get("build"), dict) else {}
    flavor = build.get("flavor", DEFAULT_FLAVOR)
    return FLAVORS.get(flavor, "none") if isinstance(flavor, str) else "none"


def app_variables(app, group):
    """variables.<group> of .magento.app.yaml as a mapping (empty when it is not one)."""
    variables = app.get("variables") if isinstance(app.get("variables"), dict) else {}
    values = variables.get(group)
    return values if isinstance(values, dict) else {}


def _text(value):
    """An environment value as a string: YAML scalars as written, lists and maps as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def app_environment(project, variables=None):
    """The application's environment variables: variables.env of .magento.app.yaml, with the
    environment's `env:`-prefixed variables (the inventory's) over them, as the cloud ranks them."""
    result = {str(name): _text(value) for name, value in app_variables(project.app, "env").items()}
    result.update({name[len(ENV_PREFIX):]: _text(value) for name, value in (variables or {}).items() if is_env_name(name)})
    return result


def is_env_name(name):
    """Whether an environment-level variable is an environment variable of its own (`env:NAME`)."""
    return name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX)


def _ini_text(value):
    if isinstance(value, bool):
        return "On" if value else "Off"
    return _text(value)


def php_settings(project):
    """php.ini values of the app: variables.php of .magento.app.yaml, then the project's php.ini,
    which is read after it and wins."""
    settings = {str(name): _ini_text(value) for name, value in app_variables(project.app, "php").items()}
    settings.update(project.php_ini)
    return settings


def _services(services):
    result = {}
    for service_id, service in services.items():
        kind, version = split_type(service.get("type", ""))
        result[service_id] = {"type": kind, "version": version, "disk": service.get("disk"),
                              "role": table("services").get(kind, {}).get("role")}
    return result


def _relationship_targets(app):
    return {rel: tuple(target.partition(":")[::2]) for rel, target in (app.get("relationships") or {}).items()
            if isinstance(target, str)}


def _service_kind(services, service_id):
    return split_type((services.get(service_id) or {}).get("type", ""))[0]


def web_locations(app):
    locations = ((app.get("web") or {}).get("locations") or {})
    return [{"path": path, "root": spec.get("root", ""), "passthru": spec.get("passthru", False),
             "expires": spec.get("expires", -1), "allow": spec.get("allow", True), "scripts": spec.get("scripts", False),
             "index": spec.get("index") or [],
             "rules": [dict(rule, pattern=pattern) for pattern, rule in (spec.get("rules") or {}).items()]}
            for path, spec in locations.items() if isinstance(spec, dict)]


def _route_cache(routes):
    return [{"url": url, "enabled": (route.get("cache") or {}).get("enabled", True),
             "default_ttl": (route.get("cache") or {}).get("default_ttl", 0),
             "cookies": (route.get("cache") or {}).get("cookies", ["*"]),
             "headers": (route.get("cache") or {}).get("headers", ["Accept", "Accept-Language"])}
            for url, route in routes.items() if isinstance(route, dict) and route.get("type") == "upstream"]


def relationships(project, endpoints):
    """MAGENTO_CLOUD_RELATIONSHIPS data. endpoints: {service id or service type: {host, port, username, password, path, ...}};
    an entry for the service id wins over one for its type."""
    result = {}
    for rel, (service_id, endpoint) in sorted(_relationship_targets(project.app).items()):
        service = project.services.get(service_id) or {}
        kind = _service_kind(project.services, service_id)
        scheme, port = ENDPOINT_DEFAULTS.get(kind, ("tcp", 0))
        given = dict(endpoints.get(service_id) or endpoints.get(kind) or {})
        host = given.pop("host", "127.0.0.1")
        entry = {"host": host, "hostname": given.pop("hostname", host), "ip": given.pop("ip", host),
                 "port": int(given.pop("port", port)), "scheme": scheme,
                 "username": given.pop("username", None), "password": given.pop("password", None),
                 "path": given.pop("path", "main" if scheme == "mysql" else None),
                 "query": {"is_master": True}, "type": service.get("type", ""), "service": service_id,
                 "rel": endpoint, "cluster": given.pop("cluster", "magecloud")}
        entry.update(given)
        result[rel] = [entry]
    return result


def routes(project, domains):
    """MAGENTO_CLOUD_ROUTES data: every URL template resolved for each domain, with the cloud's
    http/https pairing (http-only also serves https; https-only redirects http)."""
    app_name = project.app.get("name", "app")
    templates = project.routes or {url: dict(route, upstream=route["upstream"].format(app=app_name))
                                   for url, route in DEFAULT_ROUTES.items()}
    result = {}
    primary_set = False
    for index, (template, route) in enumerate(templates.items()):
        for domain in domains:
            url = _resolve(template, domain)
            entry = {key: value for key, value in route.items() if key in ("type", "upstream", "to", "cache", "ssi", "attributes")}
            if "to" in entry:
                entry["to"] = _resolve(entry["to"], domain)
            entry.update(original_url=template, id=route.get("id", f"route-{index}"), attributes=route.get("attributes", {}))
            entry["primary"] = bool(route.get("primary")) or (not primary_set and route.get("type") == "upstream")
            primary_set = primary_set or entry["primary"]
            result[url] = entry
            scheme, rest = url.split("://", 1)
            other = f"{'https' if scheme == 'http' else 'http'}://{rest}"
            if other not in result:
                result[other] = dict(entry, primary=False) if scheme == "http" else \
                    {"type": "redirect", "to": url, "original_url": template.replace("https://", "http://", 1),
                     "id": None, "attributes": {}, "primary": False}
    return result


def _resolve(template, domain):
    return template.replace("{default}", domain).replace("{all}", domain)


def runtime_environment(project, endpoints, domains, environment, app_dir, variables=None, tree_id=""):
    """The MAGENTO_CLOUD_* variables, each base64-encoded JSON or plain text as on the cloud, after the
    application's own environment variables (app_environment), which cannot override them."""
    document_root = next((spec.get("root", "") for path, spec in ((project.app.get("web") or {}).get("locations") or {}).items()
                          if path == "/" and isinstance(spec, dict)), "pub")
    return {
        **app_environment(project, variables),
        "MAGENTO_CLOUD_RELATIONSHIPS": encode(relationships(project, endpoints)),
        "MAGENTO_CLOUD_ROUTES": encode(routes(project, domains)),
        "MAGENTO_CLOUD_VARIABLES": encode({name: value for name, value in (variables or {}).items() if not is_env_name(name)}),
        "MAGENTO_CLOUD_APPLICATION": encode(project.app),
        "MAGENTO_CLOUD_APPLICATION_NAME": project.app.get("name", ""),
        "MAGENTO_CLOUD_ENVIRONMENT": environment,
        "MAGENTO_CLOUD_BRANCH": environment,
        "MAGENTO_CLOUD_TREE_ID": tree_id,
        "MAGENTO_CLOUD_APP_DIR": app_dir,
        "MAGENTO_CLOUD_LOCKS_DIR": f"{app_dir}/var/locks",
        "MAGENTO_CLOUD_DOCUMENT_ROOT": f"{app_dir}/{document_root}".rstrip("/"),
    }
