# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Five-field cron specifications as the cloud accepts them."""

from __future__ import annotations

import re

_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_ATOM = re.compile(r"^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?$")


def _number(token, low, names):
    if token.isdigit():
        return int(token)
    if token in names:
        return names.index(token) + (1 if low == 1 else 0)
    return None


def _field_problem(text, name, low, high, names):
    for part in text.lower().split(","):
        match = _ATOM.match(part)
        if not match:
            return f"{name} `{text}` is not a value, range, list or step"
        span, step = match.groups()
        if step is not None and int(step) == 0:
            return f"{name} step `/0` never fires"
        if span == "*":
            continue
        for token in span.split("-"):
            value = _number(token, low, names)
            if value is None or not low <= value <= high:
                return f"{name} `{token}` is outside {low}-{high}"
    return None


def cron_problem(spec):
    """None for a valid spec, else a sentence saying what is wrong."""
    if not isinstance(spec, str):
        return "spec must be a string of five fields"
    fields = spec.split()
    if len(fields) != 5:
        return f"spec `{spec}` has {len(fields)} fields; cron needs 5 (minute hour day month weekday)"
    for text, (name, low, high, names) in zip(fields, _FIELDS):
        problem = _field_problem(text, name, low, high, names)
        if problem:
            return problem
    return None
