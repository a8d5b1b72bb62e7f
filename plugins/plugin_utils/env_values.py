# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How ece-tools reads .magento.env.yaml: the value a stage sees, PHP's isset()/empty() and `_merge`.

ece-tools merges a stage's variables as default < `global` < the stage (array_replace: a stage's value
replaces the global one whole). A configuration section with a true `_merge` and other options is
merged into the generated configuration; one with only `_merge` counts as empty.
"""

from __future__ import annotations

import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import looks_like_php_constant, php_empty

STAGES = ("global", "build", "deploy", "post-deploy")
GLOBAL = "global"
MERGE = "_merge"
MISSING = object()


def stage_maps(env):
    """{stage name: its variables} for every stage that is a mapping."""
    stages = env.get("stage") if isinstance(env, dict) else None
    if not isinstance(stages, dict):
        return {}
    return {name: variables for name, variables in stages.items() if isinstance(variables, dict)}


def effective(stages, name, stage):
    """(value, key path) of a variable as the stage reads it; (MISSING, None) when unset."""
    for source in (stage, GLOBAL) if stage != GLOBAL else (GLOBAL,):
        variables = stages.get(source, {})
        if name in variables:
            return variables[name], ("stage", source, name)
    return MISSING, None


def as_array(value):
    """The value as the PHP array ece-tools sees, a dict; None when it is not an array."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return dict(enumerate(value))
    return None


def isset(mapping, *keys):
    """PHP isset($mapping[k1][k2]...): each step is an array holding the key with a non-null value."""
    value = mapping
    for key in keys:
        value = as_array(value)
        if value is None or value.get(key) is None:
            return False
        value = value[key]
    return True


def nested(mapping, *keys):
    value = mapping
    for key in keys:
        value = as_array(value)
        if value is None or key not in value:
            return None
        value = value[key]
    return value


def is_empty_config(config):
    """ConfigMerger::isEmpty: nothing but `_merge`."""
    return all(key == MERGE for key in config)


def merge_required(config):
    """ConfigMerger::isMergeRequired: a true `_merge` (PHP truth, so "false" is true) and other options."""
    return not php_empty(config.get(MERGE)) and not is_empty_config(config)


def replace_recursive(base, override):
    """PHP array_replace_recursive for dicts."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(result.get(key), dict) and isinstance(value, dict):
            result[key] = replace_recursive(result[key], value)
        else:
            result[key] = value
    return result


def has_constant_keys(mapping):
    """True when a key is a `!php/const` name: ece-tools resolves it, this reader cannot."""
    return isinstance(mapping, dict) and any(looks_like_php_constant(key) for key in mapping)


def version(text):
    """'2.4.7-p3' -> (2, 4, 7); None when there is no version."""
    match = re.match(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(text or ""))
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())


def satisfies(magento_version, constraint):
    """ece-tools' constraints in its schema: '>=2.4.7', '<2.2', '2.1.*'."""
    actual = version(magento_version)
    if actual is None:
        return True
    constraint = constraint.strip()
    if constraint.endswith(".*"):
        prefix = version(constraint[:-2])
        width = len(constraint[:-2].split("."))
        return actual[:width] == prefix[:width]
    operator = constraint[:len(constraint) - len(constraint.lstrip("<>=!"))]
    bound = version(constraint[len(operator):])
    return {">=": actual >= bound, ">": actual > bound, "<=": actual <= bound, "<": actual < bound,
            "!=": actual != bound}.get(operator, actual == bound)
