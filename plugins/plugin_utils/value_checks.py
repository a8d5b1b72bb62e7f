# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small checks every schema uses: types with readable names, known keys with suggestions."""

from __future__ import annotations

import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean

KIND_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "true or false",
    "list": "a list",
    "map": "a mapping",
    "number": "a number",
    "null": "empty",
}


def kind_of(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "null" if value is None else type(value).__name__


def expect(report, path, value, *kinds):
    """Report an error unless value is of one of kinds; True when it is."""
    if kind_of(value) in kinds:
        return True
    wanted = " or ".join(KIND_NAMES[kind] for kind in kinds)
    report.error(path, f"must be {wanted}, not {kind_of(value)} `{value}`")
    return False


def known_keys(report, path, mapping, allowed, severity="error"):
    """Report every key of mapping that is not in allowed, suggesting the closest one."""
    for key in mapping:
        if key not in allowed:
            add = report.error if severity == "error" else report.warning
            add(path + (key,), f"unknown key `{key}`", did_you_mean(key, allowed) or f"known keys: {', '.join(sorted(allowed))}")


def require(report, path, mapping, key, *kinds):
    """The value at key, checked against kinds; reports a missing key. None when absent or wrong."""
    if key not in mapping:
        report.error(path, f"`{key}` is required")
        return None
    value = mapping[key]
    return value if expect(report, path + (key,), value, *kinds) else None


def is_whole_number(text):
    """True for a whole number written out: ASCII decimal digits after at most one leading "-".
    str.isdigit() would also take "²" and the other Unicode digits, which neither PHP nor YAML
    reads as a number."""
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdecimal()


def positive_integer(report, path, value):
    if expect(report, path, value, "integer") and value <= 0:
        report.error(path, f"must be greater than 0, not {value}")


# PHP's view of a value, for the checks that restate what ece-tools (PHP) decides.
PHP_TYPES = {"boolean": "boolean", "integer": "integer", "number": "double", "string": "string",
             "list": "array", "map": "array", "null": "NULL"}
_PHP_CONSTANT = re.compile(r"^\\?[A-Za-z_][A-Za-z0-9_]*(\\[A-Za-z_][A-Za-z0-9_]*)*::[A-Za-z_][A-Za-z0-9_]*$")


def php_type(value):
    """The name PHP's gettype() gives the value ece-tools reads from the same YAML."""
    kind = kind_of(value)
    return PHP_TYPES.get(kind, kind)


def php_empty(value):
    """PHP's empty(): null, false, 0, 0.0, '', '0' and empty arrays."""
    if value is None or isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, str):
        return value in ("", "0")
    return isinstance(value, (list, dict)) and not value


def looks_like_php_constant(value):
    """A `!php/const` value as the YAML reader keeps it: the constant's name, Class::NAME."""
    return isinstance(value, str) and bool(_PHP_CONSTANT.match(value))
