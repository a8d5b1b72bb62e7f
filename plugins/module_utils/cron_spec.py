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


_DAY_NAMES = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def _values(text, low, high, names):
    """The set a valid field selects, or None for an unrestricted `*`."""
    if text == "*":
        return None
    selected = set()
    for part in text.lower().split(","):
        span, step = _ATOM.match(part).groups()
        if span == "*":
            first, last = low, high
        else:
            bounds = [_number(token, low, names) for token in span.split("-")]
            first = bounds[0]
            last = bounds[1] if len(bounds) == 2 else (high if step else first)
        selected.update(range(first, last + 1, int(step or 1)))
    return selected


def on_calendar(spec):
    """systemd OnCalendar expressions that fire exactly when the valid cron `spec` does. Cron fires when
    day of month OR day of week matches if both are restricted; systemd ANDs them, so that case gives two."""
    fields = spec.split()
    minute, hour, day, month, weekday = (_values(text, low, high, names)
                                         for text, (unused_name, low, high, names) in zip(fields, _FIELDS))
    if weekday is not None:
        weekday = {value % 7 for value in weekday}

    def render(values, width=2):
        return "*" if values is None else ",".join(f"{value:0{width}d}" for value in sorted(values))

    def expression(days, weekdays):
        prefix = "" if weekdays is None else ",".join(_DAY_NAMES[value] for value in sorted(weekdays)) + " "
        return f"{prefix}*-{render(month)}-{render(days)} {render(hour)}:{render(minute)}:00"

    if day is not None and weekday is not None:
        return [expression(day, None), expression(None, weekday)]
    return [expression(day, weekday)]
