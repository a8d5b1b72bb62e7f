# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of .magento.env.yaml as strictly as ece-tools validates it.

An error is what stops ece-tools' build or deploy; a warning is what ece-tools warns about, or a
check of ours that ece-tools does not make (its message then says "stricter than ece-tools").
The variables follow data/env_variables.yml in ece-tools' order: unknown variable, type, stage,
value validators, allowed values. The configuration sections are in env_sections, the state of
static content and split database in env_state, the `log:` section in env_log.
"""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils import env_log, env_sections, env_state
from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
from ansible_collections.magecloud.platform.plugins.plugin_utils.env_values import STAGES, satisfies, stage_maps
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import (
    KIND_NAMES, is_whole_number, kind_of, looks_like_php_constant, php_type)

TOP_LEVEL = ("stage", "system", "log")
STRICTER = "stricter than ece-tools"


def validate(report, env, magento_version=None, app=None):
    """Findings for the parsed .magento.env.yaml; app is the parsed .magento.app.yaml when known."""
    if env is None:
        return
    if not isinstance(env, dict):
        report.warning((), f"{STRICTER}: the file is {KIND_NAMES.get(kind_of(env), kind_of(env))}, not a mapping, "
                           "so ece-tools finds no stage, log or system section in it and applies nothing")
        return
    for key in env:
        if key not in TOP_LEVEL:
            report.warning((key,), f"top-level key `{key}` is ignored: ece-tools reads only stage, system and log",
                           did_you_mean(key, TOP_LEVEL) or "variables go under stage.<stage>")
    schema = table("env_variables")
    _stages(report, env.get("stage"), schema, magento_version)
    _system(report, env.get("system"), schema)
    env_log.validate(report, env.get("log"))
    stages = stage_maps(env)
    env_sections.validate(report, stages, magento_version)
    env_state.validate(report, stages, magento_version, app)


def _stages(report, stages, schema, magento_version):
    if stages is None:
        return
    if not isinstance(stages, dict):
        report.warning(("stage",), f"{STRICTER}: `stage` is {KIND_NAMES.get(kind_of(stages), kind_of(stages))}, "
                                   "not a mapping; ece-tools ignores it, so none of its variables apply")
        return
    for stage, variables in stages.items():
        path = ("stage", stage)
        if stage not in STAGES and not isinstance(variables, list):
            _unknown_stage(report, path, stage, variables)
            continue
        if variables is None:
            continue
        if isinstance(variables, list):
            report.error(path, f"stage `{stage}` must be a mapping, not a list; ece-tools stops the build on it",
                         "write the variables as a mapping: VARIABLE: value")
            continue
        if not isinstance(variables, dict):
            report.warning(path, f"{STRICTER}: stage `{stage}` is {KIND_NAMES.get(kind_of(variables), kind_of(variables))}; "
                                 "ece-tools skips it", "write the variables as a mapping: VARIABLE: value")
            continue
        for name, value in variables.items():
            _variable(report, path + (name,), stage, name, value, schema, magento_version)


def _unknown_stage(report, path, stage, variables):
    hint = did_you_mean(stage, STAGES) or f"use one of {', '.join(STAGES)}"
    if isinstance(variables, dict) and variables:
        report.error(path, f"unknown stage `{stage}`: ece-tools stops the build, since no variable may be set in it", hint)
    else:
        report.warning(path, f"{STRICTER}: unknown stage `{stage}` (no variables in it, so ece-tools says nothing)", hint)


def _variable(report, path, stage, name, value, schema, magento_version):
    spec = schema.get(name) if isinstance(name, str) else None
    if spec is None or "removed" in spec or "cloud_variable" in spec:
        _unknown_variable(report, path, name, spec, schema)
        return
    wanted = spec["type"]
    actual = php_type(value)
    if looks_like_php_constant(value):
        actual = wanted  # a `!php/const` name: ece-tools reads the constant's value, which this reader cannot
    if actual != wanted:
        report.error(path, f"{name} must be {_php_name(wanted)}, not {_php_kind(value)}; ece-tools stops the build",
                     _type_hint(value, wanted))
        return
    if stage not in spec["stages"]:
        where = ", ".join(spec["stages"]) if spec["stages"] else "the `system: variables:` section"
        report.error(path, f"{name} cannot be set in stage `{stage}`; ece-tools stops the build", f"set it in: {where}")
        return
    if not looks_like_php_constant(value):
        _shape(report, path, name, value, spec)
        _validators(report, path, name, value, spec)
        _allowed(report, path, name, value, spec)
        _advisory_range(report, path, name, value, spec)
    if "magento" in spec and magento_version and not satisfies(magento_version, spec["magento"]):
        source = ("ece-tools' AppropriateVersion check warns about it" if spec.get("magento_source") == "AppropriateVersion"
                  else "ece-tools' schema documents it for those versions")
        report.warning(path, f"{name} is for Magento {spec['magento']}; this project is on {magento_version}",
                       f"{source}; remove it or upgrade")


def _unknown_variable(report, path, name, spec, schema):
    message = f"unknown variable `{name}`: ece-tools' schema does not know it and stops the build"
    if spec and "removed" in spec:
        report.error(path, f"{name} is not allowed any more: ece-tools' schema does not know it and stops the build",
                     spec["removed"])
    elif spec and "cloud_variable" in spec:
        report.error(path, f"{name} is not a .magento.env.yaml variable; ece-tools stops the build",
                     "set it as a variable of the environment (MAGENTO_CLOUD_VARIABLES), not in this file")
    else:
        known = [key for key, item in schema.items() if item.get("stages")]
        upper = str(name).upper()
        hint = f"did you mean `{upper}`? (variable names are upper case)" if upper in known else did_you_mean(name, known)
        report.error(path, message, hint or "see ece-tools' variable list")


def _php_name(php):
    return {"array": "an array (a list or a mapping)", "integer": "an integer", "string": "a string",
            "boolean": "true or false"}.get(php, php)


def _php_kind(value):
    kind = kind_of(value)
    if kind == "null":
        return "empty (null)"
    return f"{KIND_NAMES.get(kind, kind)} `{value}`" if kind not in ("list", "map") else KIND_NAMES[kind]


def _type_hint(value, wanted):
    if wanted == "integer" and isinstance(value, str) and is_whole_number(value.strip()):
        return f"write the number without quotes: {value.strip()}"
    if wanted == "boolean" and isinstance(value, str) and value.lower() in ("true", "false", "enabled", "disabled", "1", "0"):
        word = "true" if value.lower() in ("true", "enabled", "1") else "false"
        return f"write {word} without quotes (`enabled`/`disabled` work only in the environment's variables)"
    if value is None:
        return "give it a value or remove the line"
    return ""


def _shape(report, path, name, value, spec):
    shape = spec.get("shape")
    if not shape or not value:
        return
    if shape == "list" and isinstance(value, dict):
        report.warning(path, f"{STRICTER}: {name} must be a list, not a mapping (ece-tools accepts any array and "
                             "uses only its values)", "write it as a list: - item")
    elif shape == "map" and isinstance(value, list):
        report.warning(path, f"{STRICTER}: {name} must be a mapping of options, not a list (ece-tools accepts any "
                             "array, but a list's items have no option names)", "write it as a mapping: option: value")


def _validators(report, path, name, value, spec):
    if "range" in spec:
        low, high = spec["range"]
        if not low <= value <= high:
            report.error(path, f"{name} is {value}, outside {low}..{high}; ece-tools stops the build",
                         f"use an integer from {low} to {high}")
    if "items" in spec:
        allowed = spec["items"]
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for index, item in items:
            if _php_string(item) not in allowed:
                report.error(path + (index,), f"`{item}` is not allowed in {name}; ece-tools stops the build",
                             did_you_mean(str(item), allowed) or f"allowed: {', '.join(allowed)}")


def _php_string(value):
    """What PHP's array_diff compares: the string form of a value."""
    if isinstance(value, bool):
        return "1" if value else ""
    return "Array" if isinstance(value, (list, dict)) else ("" if value is None else str(value))


def _allowed(report, path, name, value, spec):
    allowed = spec.get("allowed")
    if not allowed or value in allowed:
        return
    newer = spec.get("newer_allowed", ())
    if value in newer:
        report.warning(path, f"`{value}` for {name} is accepted only by the newest ece-tools (2002.2); "
                             "older releases reject it and stop the build", f"or use one of: {', '.join(allowed)}")
        return
    shown = ", ".join(repr(item) for item in allowed)
    report.error(path, f"`{value}` is not an allowed value of {name}; ece-tools stops the build",
                 did_you_mean(value, allowed) or f"allowed: {shown}")


def _advisory_range(report, path, name, value, spec):
    if "advisory_range" not in spec:
        return
    low, high = spec["advisory_range"]
    if value < low or (high is not None and value > high):
        limit = f"at least {low}" if high is None else f"from {low} to {high}"
        report.warning(path, f"{STRICTER}: {name} is {value}; a sensible value is {limit} (ece-tools checks no range here)")


def _system(report, system, schema):
    if system is None:
        return
    if not isinstance(system, dict):
        report.warning(("system",), f"{STRICTER}: `system` is not a mapping; ece-tools ignores it")
        return
    known = [key for key, item in schema.items() if item.get("system")]
    for key, variables in system.items():
        path = ("system", key)
        if key != "variables":
            report.warning(path, f"`system.{key}` is ignored: ece-tools reads only system.variables",
                           did_you_mean(key, ("variables",)))
            continue
        if variables is None:
            continue
        if not isinstance(variables, dict):
            report.warning(path, f"{STRICTER}: system.variables is not a mapping; ece-tools ignores it")
            continue
        for name, value in variables.items():
            if name not in known:
                report.warning(path + (name,), f"system variable `{name}` is ignored: ece-tools knows only "
                                               f"{', '.join(known)}", did_you_mean(name, known))
            elif not isinstance(value, str):
                report.warning(path + (name,), f"{STRICTER}: {name} names an environment variable, so it is a string")
