# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render data as a PHP file returning an array (the shape of Magento's app/etc/env.php)."""

from __future__ import annotations

INDENT = "    "


def _scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return f"'{escaped(value)}'"


def escaped(text):
    """The text as it stands between the quotes of a single-quoted PHP string."""
    return str(text).replace("\\", "\\\\").replace("'", "\\'")


def _key(key):
    return str(key) if isinstance(key, int) and not isinstance(key, bool) else _scalar(str(key))


def _value(value, depth):
    if isinstance(value, dict):
        items = [(_key(key), item) for key, item in value.items()]
    elif isinstance(value, (list, tuple)):
        items = [(None, item) for item in value]
    else:
        return _scalar(value)
    if not items:
        return "[]"
    inner = INDENT * (depth + 1)
    lines = [f"{inner}{key + ' => ' if key is not None else ''}{_value(item, depth + 1)}," for key, item in items]
    return "[\n" + "\n".join(lines) + f"\n{INDENT * depth}]"


def render(data):
    """The whole file: `<?php return [...];` with a trailing newline."""
    return f"<?php\nreturn {_value(data, 0)};\n"


def merge(existing, owned):
    """owned laid over existing: mappings merge key by key, anything else is replaced."""
    if not isinstance(existing, dict) or not isinstance(owned, dict):
        return owned
    result = dict(existing)
    for key, value in owned.items():
        result[key] = merge(existing.get(key), value) if key in existing else value
    return result
