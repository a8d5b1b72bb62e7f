# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of .magento.app.yaml."""

from __future__ import annotations

import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
from ansible_collections.magecloud.platform.plugins.module_utils.cron_spec import cron_problem
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import (
    expect, known_keys, positive_integer, require)

TOP_LEVEL = ("name", "type", "build", "dependencies", "runtime", "relationships", "web", "disk", "mounts",
             "hooks", "crons", "variables", "workers", "access", "firewall", "size", "resources", "timezone",
             "source", "additional_hosts", "preflight")
SUPPORTED_PHP = ("8.1", "8.2", "8.3", "8.4", "8.5")
LOCATION_KEYS = ("root", "passthru", "index", "expires", "scripts", "allow", "headers", "rules", "request_buffering")
RULE_KEYS = ("allow", "passthru", "expires", "headers", "scripts")
HOOKS = ("build", "deploy", "post_deploy")
MOUNT_SOURCES = ("local", "shared", "tmp", "service", "storage")
CRON_KEYS = ("spec", "cmd", "shutdown_timeout", "timeout", "commands")
WORKER_KEYS = ("commands", "size", "relationships", "mounts", "variables", "disk", "disable_shared_mounts", "access")
_PCRE_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")
_DURATION = re.compile(r"^-?\d+\s*(ms|s|m|h|d|w|M|y)?$")


def php_version(app_type):
    """'php:8.3' -> '8.3'; None when the type is not php."""
    language, unused_sep, version = str(app_type).partition(":")
    return version if language == "php" else None


def validate(report, app, services):
    """services: the parsed services.yaml mapping (or {}) for relationship checks."""
    if not expect(report, (), app, "map"):
        return
    known_keys(report, (), app, TOP_LEVEL)
    name = require(report, (), app, "name", "string")
    if name is not None and not re.match(r"^[a-z0-9][a-z0-9_-]*$", name):
        report.error(("name",), f"`{name}` must be lowercase letters, digits, - and _", "routes refer to it as <name>:http")
    _type(report, app)
    _build(report, app)
    _runtime(report, app)
    _relationships(report, ("relationships",), app.get("relationships") or {}, services)
    _web(report, app.get("web"))
    if "disk" in app:
        positive_integer(report, ("disk",), app["disk"])
    _mounts(report, ("mounts",), app.get("mounts") or {})
    _hooks(report, app.get("hooks") or {})
    _crons(report, app.get("crons") or {})
    _variables(report, app.get("variables") or {})
    _workers(report, app.get("workers") or {}, services)
    for key in ("access", "firewall", "resources", "dependencies"):
        if key in app:
            expect(report, (key,), app[key], "map")


def _type(report, app):
    app_type = require(report, (), app, "type", "string")
    if app_type is None:
        return
    version = php_version(app_type)
    if version is None:
        report.error(("type",), f"`{app_type}` is not a PHP application; Magento needs `php:<version>`",
                     f"use one of {', '.join('php:' + v for v in SUPPORTED_PHP)}")
    elif version not in SUPPORTED_PHP:
        report.error(("type",), f"PHP {version} is not provided by magecloud.platform",
                     f"supported: {', '.join(SUPPORTED_PHP)}")


def _build(report, app):
    build = app.get("build")
    if build is None or not expect(report, ("build",), build, "map"):
        return
    known_keys(report, ("build",), build, ("flavor", "caches"))
    if "flavor" in build and build["flavor"] not in ("none", "composer", "default"):
        report.error(("build", "flavor"), f"unknown build flavor `{build['flavor']}`", "use none, composer or default")


def _runtime(report, app):
    runtime = app.get("runtime")
    if runtime is None or not expect(report, ("runtime",), runtime, "map"):
        return
    known_keys(report, ("runtime",), runtime, ("extensions", "disabled_extensions", "sizing_hints", "request_terminate_timeout"))
    extensions = table("php_extensions")
    for key in ("extensions", "disabled_extensions"):
        items = runtime.get(key, [])
        if not expect(report, ("runtime", key), items, "list"):
            continue
        for index, item in enumerate(items):
            path = ("runtime", key, index)
            name = item.get("name") if isinstance(item, dict) else item
            if not expect(report, path, name, "string"):
                continue
            if name in extensions["vendor"]:
                report.warning(path, f"extension `{name}` is not in Debian; it comes from its vendor's repository",
                               "install it with your own role, or remove it")
            elif name not in extensions["packages"]:
                report.error(path, f"extension `{name}` is not known to magecloud.platform, so it cannot be installed",
                             did_you_mean(name, extensions["packages"]) or "remove it from runtime.extensions")


def service_endpoints(services, service_id):
    """Endpoints a service offers: its type's, plus mysql's configured ones. None if unknown."""
    service = services.get(service_id)
    if not isinstance(service, dict):
        return None
    kind = str(service.get("type", "")).partition(":")[0]
    catalog = table("services")
    endpoints = list(catalog.get(kind, {}).get("endpoints", [kind]))
    configured = (service.get("configuration") or {}).get("endpoints") if isinstance(service.get("configuration"), dict) else None
    if isinstance(configured, dict):
        endpoints += list(configured)
    return endpoints


def _relationships(report, path, relationships, services):
    if not expect(report, path, relationships, "map"):
        return
    for rel, target in relationships.items():
        if not expect(report, path + (rel,), target, "string"):
            continue
        service_id, sep, endpoint = target.partition(":")
        if not sep or not service_id or not endpoint:
            report.error(path + (rel,), f"`{target}` must be \"<service>:<endpoint>\"", f"for example \"{rel}:{rel}\"")
            continue
        endpoints = service_endpoints(services, service_id)
        if endpoints is None:
            report.error(path + (rel,), f"service `{service_id}` is not defined in .magento/services.yaml",
                         did_you_mean(service_id, services) or "add it to .magento/services.yaml")
        elif endpoint not in endpoints:
            report.error(path + (rel,), f"service `{service_id}` has no endpoint `{endpoint}`",
                         did_you_mean(endpoint, endpoints) or f"it offers: {', '.join(endpoints)}")


def _web(report, web):
    if web is None or not expect(report, ("web",), web, "map"):
        return
    known_keys(report, ("web",), web, ("locations", "commands", "upstream", "move_to_root"))
    locations = web.get("locations", {})
    if not expect(report, ("web", "locations"), locations, "map"):
        return
    for prefix, location in locations.items():
        path = ("web", "locations", prefix)
        if not str(prefix).startswith("/"):
            report.error(path, f"location `{prefix}` must start with /")
        if not expect(report, path, location, "map"):
            continue
        known_keys(report, path, location, LOCATION_KEYS)
        _location_values(report, path, location)
        rules = location.get("rules", {})
        if expect(report, path + ("rules",), rules, "map"):
            for pattern, rule in rules.items():
                _rule(report, path + ("rules", pattern), pattern, rule)


def _location_values(report, path, location):
    for key in ("scripts", "allow"):
        if key in location:
            expect(report, path + (key,), location[key], "boolean")
    if "passthru" in location:
        expect(report, path + ("passthru",), location["passthru"], "string", "boolean")
    if "root" in location:
        expect(report, path + ("root",), location["root"], "string")
    if "index" in location:
        expect(report, path + ("index",), location["index"], "list", "null")
    if "headers" in location:
        expect(report, path + ("headers",), location["headers"], "map")
    if "expires" in location:
        _expires(report, path + ("expires",), location["expires"])


def _expires(report, path, value):
    if expect(report, path, value, "string", "integer") and not _DURATION.match(str(value)):
        report.error(path, f"`{value}` is not a duration", "use seconds or a number with s, m, h, d, w, M or y, or -1")


def compile_rule(pattern):
    """Compile a PCRE-style location rule with Python's re (named groups translated)."""
    return re.compile(_PCRE_NAMED_GROUP.sub("(?P<", str(pattern)))


def _rule(report, path, pattern, rule):
    try:
        compile_rule(pattern)
    except re.error as exc:
        report.error(path, f"rule `{pattern}` is not a valid regular expression: {exc}")
    if expect(report, path, rule, "map"):
        known_keys(report, path, rule, RULE_KEYS)
        for key in ("allow", "scripts"):
            if key in rule:
                expect(report, path + (key,), rule[key], "boolean")
        if "expires" in rule:
            _expires(report, path + ("expires",), rule["expires"])


def parse_mount(spec):
    """Both mount forms -> (source, source_path); None when neither form fits."""
    if isinstance(spec, str):
        source, sep, source_path = spec.partition(":")
        return (source, source_path) if sep and source_path else None
    if isinstance(spec, dict) and isinstance(spec.get("source"), str):
        return spec["source"], spec.get("source_path", "")
    return None


def _mounts(report, path, mounts):
    if not expect(report, path, mounts, "map"):
        return
    for target, spec in mounts.items():
        parsed = parse_mount(spec)
        if parsed is None:
            report.error(path + (target,), "mount must be \"shared:files/<dir>\" or {source: ..., source_path: ...}")
        elif parsed[0] not in MOUNT_SOURCES:
            where = path + (target, "source") if isinstance(spec, dict) else path + (target,)
            report.error(where, f"unknown mount source `{parsed[0]}`",
                         did_you_mean(parsed[0], MOUNT_SOURCES) or f"use one of {', '.join(MOUNT_SOURCES)}")
        if str(target).startswith("/") or ".." in str(target).split("/"):
            report.error(path + (target,), f"mount path `{target}` must be relative to the app and stay inside it")


def _hooks(report, hooks):
    if not expect(report, ("hooks",), hooks, "map"):
        return
    known_keys(report, ("hooks",), hooks, HOOKS)
    for name, script in hooks.items():
        if name in HOOKS:
            expect(report, ("hooks", name), script, "string", "null")


def _crons(report, crons):
    if not expect(report, ("crons",), crons, "map"):
        return
    for name, job in crons.items():
        path = ("crons", name)
        if not expect(report, path, job, "map"):
            continue
        known_keys(report, path, job, CRON_KEYS)
        spec = require(report, path, job, "spec", "string")
        problem = cron_problem(spec) if spec is not None else None
        if problem:
            report.error(path + ("spec",), problem)
        if "cmd" not in job and "commands" not in job:
            report.error(path, "`cmd` is required", "the command the job runs, e.g. php bin/magento cron:run")
        elif "cmd" in job:
            expect(report, path + ("cmd",), job["cmd"], "string")
        for key in ("shutdown_timeout", "timeout"):
            if key in job:
                positive_integer(report, path + (key,), job[key])


def _variables(report, variables):
    if not expect(report, ("variables",), variables, "map"):
        return
    for group, values in variables.items():
        if group not in ("env", "php"):
            report.warning(("variables", group), f"variable group `{group}` is read by no runtime",
                           did_you_mean(group, ("env", "php")) or "use env or php")
        expect(report, ("variables", group), values, "map")


def _workers(report, workers, services):
    if not expect(report, ("workers",), workers, "map"):
        return
    for name, worker in workers.items():
        path = ("workers", name)
        if not expect(report, path, worker, "map"):
            continue
        known_keys(report, path, worker, WORKER_KEYS)
        commands = require(report, path, worker, "commands", "map")
        if commands is not None:
            require(report, path + ("commands",), commands, "start", "string")
        if "relationships" in worker:
            _relationships(report, path + ("relationships",), worker["relationships"], services)
        if "mounts" in worker:
            _mounts(report, path + ("mounts",), worker["mounts"])
