# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ece-tools asks Composer about, answered from the files: the packages composer.lock installs,
Magento versions compared the way Composer orders them (2.4.3 < 2.4.3-p2 < 2.4.4) and PHP version
constraints as ranges."""

from __future__ import annotations

import json
import re

# Composer's stability order; a -pN patch release sorts after the plain release.
_STABILITY = {"alpha": 0, "a": 0, "beta": 1, "b": 1, "rc": 2, "": 3, "p": 4, "pl": 4, "patch": 4}
_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:[-.]?(alpha|beta|rc|patch|pl|p|a|b)\.?(\d*))?$",
                      re.IGNORECASE)
_CONSTRAINT_PART = re.compile(r"^(\^|~|>=|<=|>|<|==|=|!=)?v?(\d+(?:\.(?:\d+|\*))*)(?:[-@][A-Za-z0-9.]*)?$")


class Lock:
    """The packages composer.lock installs (its `packages`, as ece-tools' Composer locker reads them)."""

    def __init__(self, packages=None):
        self.packages = packages or {}

    @classmethod
    def parse(cls, raw):
        if not raw:
            return cls()
        try:
            data = json.loads(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw)
        except ValueError:
            return cls()
        listed = data.get("packages") if isinstance(data, dict) else None
        return cls({package["name"]: package for package in listed or []
                    if isinstance(package, dict) and isinstance(package.get("name"), str)}
                   if isinstance(listed, list) else {})

    def has(self, name):
        return name in self.packages

    def requires(self, name, dependency):
        """The constraint package `name` requires of `dependency`, or None."""
        requires = (self.packages.get(name) or {}).get("require")
        value = requires.get(dependency) if isinstance(requires, dict) else None
        return value if isinstance(value, str) else None


def magento_key(version):
    """'2.4.3-p2' -> (2, 4, 3, 0, 4, 2): a tuple that sorts like Composer; None when not a version."""
    match = _VERSION.match(str(version or "").strip())
    if not match:
        return None
    numbers = tuple(int(part or 0) for part in match.group(1, 2, 3, 4))
    stability = _STABILITY[(match.group(5) or "").lower()]
    return numbers + (stability, int(match.group(6) or 0))


def at_least(key, bound):
    return key is not None and key >= magento_key(bound)


def _numbers(text):
    return tuple(int(part) for part in text.split(".") if part != "*")


def _padded(numbers):
    return (tuple(numbers) + (0, 0, 0))[:3]


def _part_range(operator, text):
    """One Composer constraint as (low, high): low inclusive, high exclusive; None bounds are open."""
    numbers = _numbers(text)
    if text.endswith("*") or (operator in (None, "=", "==") and "*" in text):
        if not numbers:
            return None, None
        return _padded(numbers), _padded(numbers[:-1] + (numbers[-1] + 1,))
    low = _padded(numbers)
    if operator == "^":
        index = next((position for position, number in enumerate(low) if number), len(numbers) - 1)
        index = min(index, max(len(numbers) - 1, 0))
        return low, _padded(low[:index] + (low[index] + 1,))
    if operator == "~":
        index = max(len(numbers) - 2, 0)
        return low, _padded(low[:index] + (low[index] + 1,))
    following = _padded(low[:2] + (low[2] + 1,))
    return {">=": (low, None), ">": (following, None), "<": (None, low), "<=": (None, following),
            "!=": (None, None)}.get(operator, (low, following))


def parse_constraint(text):
    """A Composer constraint without `|` alternatives as one (low, high) range; None when unreadable."""
    text = re.sub(r"(?<=\d)\.[xX]\b", ".*", str(text or "").strip())
    text = re.sub(r"(>=|<=|==|!=|>|<|=|\^|~)\s+", r"\1", text)
    if text in ("", "*"):
        return None, None
    hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", text)
    pieces = [(">=", hyphen.group(1)), ("<=", hyphen.group(2))] if hyphen else re.split(r"\s*,\s*|\s+", text)
    matches = [] if hyphen else [_CONSTRAINT_PART.match(piece) for piece in pieces]
    if not all(matches):
        return None
    parts = pieces if hyphen else [(match.group(1), match.group(2)) for match in matches]
    low, high = None, None
    for operator, version in parts:
        part_low, part_high = _part_range(operator, version)
        low = part_low if low is None or (part_low is not None and part_low > low) else low
        high = part_high if high is None or (part_high is not None and part_high < high) else high
    return low, high


def allows_minor(bounds, minor):
    """Whether any X.Y.z of minor 'X.Y' falls inside the (low, high) range."""
    numbers = _numbers(minor)
    if len(numbers) < 2:
        return True
    first, after = _padded(numbers[:2]), _padded((numbers[0], numbers[1] + 1))
    low, high = bounds
    return (high is None or first < high) and (low is None or low < after)


def newest_minor(bounds):
    """'X.Y' of the highest minor the range allows, when its upper bound says; else None."""
    low, high = bounds
    if high is None:
        return None
    major, minor, patch = high
    if patch:
        return f"{major}.{minor}"
    return f"{major}.{minor - 1}" if minor else None
