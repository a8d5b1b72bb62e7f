# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which keys of a configuration structure hold secrets, for the mask_secrets filter and for modules."""

from __future__ import annotations

import re

SECRET_KEY = re.compile(r"passw(or)?d|^pass$|secret|token|(^|_)key$|crypt", re.IGNORECASE)
MASK = "********"


def is_secret_key(key):
    return bool(SECRET_KEY.search(str(key)))


def secret_values(data, inside_secret=False):
    """Every non-empty scalar at or below a secret-looking key, as the text Ansible's no_log masks."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from secret_values(value, inside_secret or is_secret_key(key))
    elif isinstance(data, list):
        for item in data:
            yield from secret_values(item, inside_secret)
    elif inside_secret and data not in (None, "") and not isinstance(data, bool):
        yield str(data)
