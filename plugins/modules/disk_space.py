#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: disk_space
short_description: Measure whether a volume has room for a new release, before it is built or shipped
version_added: 0.1.0
description:
  - Measures the free space of the volume that holds O(path) (or its nearest existing parent) and compares
    it with what the next release needs, RV(needed_mb) = RV(estimate_mb) x O(factor) + O(margin_mb).
  - The estimate is the size of the release in O(estimate_from) (the size recorded when it was unpacked, else
    what its files use on disk; links not followed), or O(estimate_mb) when that is larger. The next release
    of a project is about the size of the last one; the factor covers the artifact kept beside it.
  - It never fails for lack of space; RV(enough) says whether there is room, so the caller words the failure.
author: magecloud.platform maintainers (@magecloud)
options:
  path:
    description: Where the release will be written, for example C(<app_root>/releases).
    type: path
    required: true
  estimate_from:
    description: A release whose size estimates the next one's, for example C(<app_root>/current). Absent is size 0.
    type: path
  estimate_mb:
    description: An estimate in MiB from elsewhere (another host's release); the larger estimate counts.
    type: int
    default: 0
  factor:
    description: How many times the estimate the release needs while it lands (unpacked tree and its artifact).
    type: float
    default: 1.5
  margin_mb:
    description: MiB that must stay free once the release is there.
    type: int
    default: 512
attributes:
  check_mode:
    support: full
    description: Only measures; check mode changes nothing.
  diff_mode:
    support: none
    description: Nothing is changed.
  platform:
    support: full
    platforms: posix
    description: Reads the free space of a POSIX filesystem with C(statvfs).
"""

EXAMPLES = r"""
- name: Measure the room for the next release
  magecloud.platform.disk_space:
    path: /var/www/magento/releases
    estimate_from: /var/www/magento/current
    margin_mb: 1024
  register: room

- name: Stop when it is too small
  ansible.builtin.assert:
    that: room.enough
    fail_msg: "{{ room.path }} has {{ room.free_mb }} MiB free, {{ room.needed_mb }} MiB needed."
"""

RETURN = r"""
path:
  description: The directory measured (O(path), or its nearest parent that exists).
  returned: always
  type: str
free_mb:
  description: MiB free on the volume, counting only what non-root users may fill (the root reserve is left alone).
  returned: always
  type: int
estimate_mb:
  description: The estimated size of the next release, in MiB.
  returned: always
  type: int
needed_mb:
  description: RV(estimate_mb) x O(factor) + O(margin_mb), rounded up.
  returned: always
  type: int
enough:
  description: RV(free_mb) is at least RV(needed_mb).
  returned: always
  type: bool
"""

import math
import os
import shutil

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.magecloud.platform.plugins.module_utils.releases import release_size

MIB = 1048576


def nearest_existing(path):
    """path, or the closest parent of it that exists: a first deploy has no releases/ yet."""
    path = os.path.abspath(path)
    while not os.path.isdir(path):
        path = os.path.dirname(path)
    return path


def estimate_of(estimate_from):
    if not estimate_from or not os.path.isdir(estimate_from):
        return 0
    return math.ceil(release_size(os.path.realpath(estimate_from)) / MIB)


def needed_mb(estimate_mb, factor, margin_mb):
    return math.ceil(estimate_mb * factor) + margin_mb


def measure(path, estimate_from, estimate_mb, factor, margin_mb):
    measured = nearest_existing(path)
    free = shutil.disk_usage(measured).free // MIB
    estimate = max(estimate_of(estimate_from), estimate_mb)
    needed = needed_mb(estimate, factor, margin_mb)
    return {"path": measured, "free_mb": free, "estimate_mb": estimate, "needed_mb": needed, "enough": free >= needed}


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "estimate_from": {"type": "path"},
            "estimate_mb": {"type": "int", "default": 0},
            "factor": {"type": "float", "default": 1.5},
            "margin_mb": {"type": "int", "default": 512},
        },
        supports_check_mode=True,
    )
    params = module.params
    if params["factor"] < 1 or params["margin_mb"] < 0 or params["estimate_mb"] < 0:
        module.fail_json(msg=f"factor must be at least 1 and margin_mb and estimate_mb not negative; got factor={params['factor']}, "
                             f"margin_mb={params['margin_mb']}, estimate_mb={params['estimate_mb']}.")
    module.exit_json(changed=False, **measure(params["path"], params["estimate_from"], params["estimate_mb"],
                                              params["factor"], params["margin_mb"]))


if __name__ == "__main__":
    main()
