# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data tables shipped with the collection (service catalog, env schema, version matrix)."""

from __future__ import annotations

import functools
import os

import yaml

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


@functools.lru_cache(maxsize=None)
def table(name):
    with open(os.path.join(DATA_DIR, f"{name}.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def version_key(version):
    """'10.11' -> (10, 11); non-numeric parts sort first so '7.1-rc' < '7.1'."""
    parts = []
    for piece in str(version).split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits and digits == piece else -1)
    return tuple(parts)


def version_in_range(version, low, high):
    """Inclusive range test comparing only as many parts as each side gives ("2" covers 2.x)."""
    wanted = version_key(version)
    low_key, high_key = version_key(low), version_key(high)
    width = min(len(wanted), len(low_key))
    if wanted[:width] < low_key[:width]:
        return False
    width = min(len(wanted), len(high_key))
    return wanted[:width] <= high_key[:width]
