# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: a copy of a data structure with the values of secret-looking keys masked."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.module_utils.secret_keys import MASK, is_secret_key


def mask_secrets(data):
    if isinstance(data, dict):
        return {key: MASK if is_secret_key(key) and value not in (None, "") else mask_secrets(value)
                for key, value in data.items()}
    if isinstance(data, list):
        return [mask_secrets(item) for item in data]
    return data


class FilterModule:
    def filters(self):
        return {"mask_secrets": mask_secrets}
