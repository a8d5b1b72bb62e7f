# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of .magento.env.yaml against the variable schema in data/env_variables.yml.

Checks run in ece-tools' order: unknown variable, type, stage, range, allowed values.
"""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table, version_key
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import expect, kind_of

STAGES = ("global", "build", "deploy", "post-deploy")
TOP_LEVEL = ("stage", "system")
_BOOLEAN_WORDS = ("enabled", "disabled")
MERGE_KEY = "_merge"


def validate(report, env, magento_version=None):
    if env is None:
        return
    if not expect(report, (), env, "map"):
        return
    for key in env:
        if key not in TOP_LEVEL:
            report.warning((key,), f"top-level key `{key}` is ignored", did_you_mean(key, TOP_LEVEL) or "variables go under stage.<stage>")
    stages = env.get("stage", {})
    if not expect(report, ("stage",), stages, "map", "null"):
        return
    schema = table("env_variables")
    for stage, variables in (stages or {}).items():
        path = ("stage", stage)
        if stage not in STAGES:
            report.error(path, f"unknown stage `{stage}`", did_you_mean(stage, STAGES) or f"use one of {', '.join(STAGES)}")
            continue
        if variables is None or not expect(report, path, variables, "map"):
            continue
        for name, value in variables.items():
            _variable(report, path + (name,), stage, name, value, schema, magento_version)


def _variable(report, path, stage, name, value, schema, magento_version):
    spec = schema.get(name)
    if spec is None:
        report.error(path, f"unknown variable `{name}`", did_you_mean(name, schema) or "see the ece-tools variable list")
        return
    if not _type_ok(report, path, value, spec["type"]):
        return
    if stage not in spec["stages"]:
        report.error(path, f"{name} cannot be set in stage `{stage}`", f"set it in: {', '.join(spec['stages'])}")
        return
    _range(report, path, value, spec)
    _allowed(report, path, value, spec)
    if "deprecated" in spec:
        report.warning(path, f"{name} is deprecated", spec["deprecated"])
    if "magento" in spec and magento_version and not _satisfies(magento_version, spec["magento"]):
        report.warning(path, f"{name} needs Magento {spec['magento']}; this project is on {magento_version}")


def _type_ok(report, path, value, wanted):
    """True when value has, or converts to, the wanted type; null means unset and skips the checks."""
    if value is None:
        return False
    kind = kind_of(value)
    if kind == wanted or _converts(kind, value, wanted):
        return True
    return expect(report, path, value, wanted)


def _converts(kind, value, wanted):
    # The conversions ece-tools applies when it reads a value.
    if kind == "string":
        return (wanted == "boolean" and value in _BOOLEAN_WORDS) or (wanted == "integer" and value.lstrip("-").isdigit())
    return wanted == "string" and kind in ("integer", "number")


def _range(report, path, value, spec):
    if "range" not in spec or value is None:
        return
    low, high = spec["range"]
    number = int(value)
    if not low <= number <= high:
        report.error(path, f"{number} is outside {low}..{high}")


def _allowed(report, path, value, spec):
    if "allowed" in spec and value not in spec["allowed"]:
        shown = ", ".join(repr(item) for item in spec["allowed"])
        report.error(path, f"`{value}` is not an allowed value", did_you_mean(value, spec["allowed"]) or f"allowed: {shown}")
    if "allowed_items" in spec and isinstance(value, list):
        for index, item in enumerate(value):
            if item not in spec["allowed_items"]:
                report.error(path + (index,), f"`{item}` is not allowed", f"allowed: {', '.join(spec['allowed_items'])}")
    if "allowed_keys" in spec and isinstance(value, dict):
        for key in value:
            if key not in spec["allowed_keys"] and key != MERGE_KEY:
                report.error(path + (key,), f"unknown key `{key}`",
                             did_you_mean(key, spec["allowed_keys"]) or f"known keys: {', '.join(spec['allowed_keys'])}")


def _satisfies(version, constraint):
    operator = constraint.rstrip("0123456789.")
    bound = version_key(constraint[len(operator):])
    actual = version_key(version)[:len(bound)]
    return {">=": actual >= bound, "<": actual < bound, "<=": actual <= bound, ">": actual > bound}.get(operator, actual == bound)
