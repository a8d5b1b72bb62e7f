#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: release_artifacts
short_description: Remove the deploy artifacts that no kept release needs from a directory
version_added: 0.1.0
description:
  - Prunes a directory of deploy artifacts down to what the releases of O(keep) need, such as a build host's
    C(<app_root>/artifacts/) when it serves no release itself, or the deploy's cache on the controller.
  - Removed are C(<release>.tar.gz) of a release not in O(keep), the git export C(<tree>.tar) and the copy of the
    cloud files C(project-<tree>/) of a tree no release of O(keep) was built from, and the temporary
    C(*.partial.<pid>) files of a run that was killed. Entries of any other name are left alone.
  - Web hosts prune their own artifacts with their releases (M(magecloud.platform.release_switch)).
  - Run it under the deploy lock, so no deploy is writing into the directory meanwhile.
author: magecloud.platform maintainers (@magecloud)
options:
  path:
    description: The directory to prune. A directory that does not exist is nothing to prune.
    type: path
    required: true
  keep:
    description: Ids of the releases whose artifacts stay (for example every release still on a web host).
    type: list
    elements: str
    required: true
attributes:
  check_mode:
    support: full
    description: Reports what would be removed.
  diff_mode:
    support: none
    description: Reports the names removed.
  platform:
    support: full
    platforms: posix
    description: Removes files on a POSIX filesystem, the controller's included.
"""

EXAMPLES = r"""
- name: Keep only the artifacts of the releases still on the web hosts
  magecloud.platform.release_artifacts:
    path: /var/www/magento/artifacts
    keep: [4f2a9c01d2e3-77aa01bc, 9b0e11aa4c21-77aa01bc]
"""

RETURN = r"""
removed:
  description: The names removed from O(path), sorted.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.magecloud.platform.plugins.module_utils.artifacts import remove_stale_entries


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "keep": {"type": "list", "elements": "str", "required": True},
        },
        supports_check_mode=True,
    )
    try:
        removed = remove_stale_entries(module.params["path"], module.params["keep"], module.check_mode)
    except OSError as error:
        module.fail_json(msg=f"Pruning {module.params['path']} failed: {error}")
    module.exit_json(changed=bool(removed), removed=removed)


if __name__ == "__main__":
    main()
