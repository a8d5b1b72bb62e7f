# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: a copy of a data structure with the values of secret-looking keys masked."""

from __future__ import annotations

import re

SECRET_KEY = re.compile(r"passw(or)?d|^pass$|secret|token|(^|_)key$|crypt", re.IGNORECASE)
MASK = "********"


def mask_secrets(data):
    if isinstance(data, dict):
        return {key: MASK if SECRET_KEY.search(str(key)) and value not in (None, "") else mask_secrets(value)
                for key, value in data.items()}
    if isinstance(data, list):
        return [mask_secrets(item) for item in data]
    return data


class FilterModule:
    def filters(self):
        return {"mask_secrets": mask_secrets}
