# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The project's php.ini: settings with their lines, malformed lines as findings."""

from __future__ import annotations

import re

_SETTING = re.compile(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*=\s*(.*?)\s*$")
_SECTION = re.compile(r"^\s*\[[^\]]+\]\s*$")


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value.split(";", 1)[0].rstrip() if not value.startswith(("\"", "'")) else value


def parse(text, report):
    """Ordered {setting: value}; report receives a finding for each line that is not a setting."""
    settings = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith((";", "#")) or _SECTION.match(stripped):
            continue
        match = _SETTING.match(line)
        if not match:
            report.error_at(number, f"line is not `setting = value`: {stripped[:60]}")
            continue
        settings[match.group(1)] = _unquote(match.group(2))
    return settings
