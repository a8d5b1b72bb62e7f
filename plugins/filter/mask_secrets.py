# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: a copy of a data structure with the values of secret-looking keys masked.

The rule lives in module_utils/masking.py, shared with the cloud_config action and its findings."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.module_utils.masking import MASK, SECRET_KEY, mask_secrets

__all__ = ["MASK", "SECRET_KEY", "FilterModule", "mask_secrets"]


class FilterModule:
    def filters(self):
        return {"mask_secrets": mask_secrets}
