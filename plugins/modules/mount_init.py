#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mount_init
short_description: Move a build's content under the mounts to init/, and copy it back into the mounts on deploy
version_added: 0.1.0
description:
  - A mount of C(.magento.app.yaml) hides what the build put at its path, so, as ece-tools does, V(state=collected)
    moves that content of a build directory to C(init/<mount>) before the build is packed.
  - V(state=restored) copies C(<release>/init/<mount>) into the mount C(<shared_dir>/<mount>). A mount listed in
    O(overwrite) takes every file of the release (ece-tools copies C(app/etc) and C(pub/media) over the mount on each
    deploy, so the build's C(config.php) reaches it); any other mount takes only the files it lacks, keeping what the
    application wrote there.
  - Each file lands by C(rename(2)), owned by O(owner), so a request that reads it meanwhile sees the old or the new file.
author: magecloud.platform maintainers (@magecloud)
options:
  state:
    description: V(collected) works on a build directory, V(restored) on a release and the shared directory.
    type: str
    choices: [collected, restored]
    required: true
  path:
    description: The build directory (V(collected)) or the release directory (V(restored)).
    type: path
    required: true
  mounts:
    description: Mount paths relative to the application, such as V(app/etc) or V(pub/media).
    type: list
    elements: str
    required: true
  shared_dir:
    description: Where the mounts live (C(<app_root>/shared)). Required with V(state=restored).
    type: path
  overwrite:
    description: Mounts whose files the release's copy replaces; the other mounts only take the files they lack.
    type: list
    elements: str
    default: [app/etc, pub/media]
  owner:
    description: Owner (and group) of what is copied into the mounts, the user PHP runs as.
    type: str
    default: magento
attributes:
  check_mode:
    support: full
    description: Reports what would be moved or copied.
  diff_mode:
    support: none
    description: Reports the paths in RV(moved) and RV(copied).
  platform:
    support: full
    platforms: posix
    description: Moves and copies files on a POSIX filesystem; renames keep each file whole.
"""

EXAMPLES = r"""
- name: Move the build's app/etc and var to init/ before packing
  magecloud.platform.mount_init:
    state: collected
    path: /var/www/magento/builds/4f2a9c01d2e3-77aa01bc-1a2b3c4d
    mounts: [app/etc, var, pub/media]

- name: Copy the release's init/ into the mounts
  magecloud.platform.mount_init:
    state: restored
    path: /var/www/magento/releases/4f2a9c01d2e3-77aa01bc
    shared_dir: /var/www/magento/shared
    mounts: [app/etc, var, pub/media]
"""

RETURN = r"""
moved:
  description: The mounts whose content went to C(init/) (V(state=collected)).
  returned: always
  type: list
  elements: str
copied:
  description: The files copied into the mounts, relative to the application (V(state=restored)).
  returned: always
  type: list
  elements: str
"""

import grp
import os
import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.magecloud.platform.plugins.module_utils.mount_init import INIT, collect, planned_copies, restore

ACTIONS = {"collected": f"move the content of the mounts to {INIT}/", "restored": f"copy {INIT}/ into the mounts"}


def unchanged(copy):
    source, destination, unused_relative = copy
    if not os.path.isfile(destination) or os.path.islink(source):
        return False
    with open(source, "rb") as new, open(destination, "rb") as old:
        return new.read() == old.read()


def main():
    module = AnsibleModule(
        argument_spec={
            "state": {"type": "str", "choices": ["collected", "restored"], "required": True},
            "path": {"type": "path", "required": True},
            "mounts": {"type": "list", "elements": "str", "required": True},
            "shared_dir": {"type": "path"},
            "overwrite": {"type": "list", "elements": "str", "default": ["app/etc", "pub/media"]},
            "owner": {"type": "str", "default": "magento"},
        },
        required_if=[("state", "restored", ("shared_dir",))],
        supports_check_mode=True,
    )
    params = module.params
    mounts = [mount.strip("/") for mount in params["mounts"]]
    action = ACTIONS[params["state"]]
    if not os.path.isdir(params["path"]):
        module.fail_json(msg=f"Cannot {action}: {params['path']} is not a directory.")
    try:
        if params["state"] == "collected":
            present = [mount for mount in mounts if os.path.isdir(os.path.join(params["path"], mount))
                       and not os.path.islink(os.path.join(params["path"], mount))]
            moved = present if module.check_mode else collect(params["path"], mounts)
            module.exit_json(changed=bool(moved), moved=moved, copied=[])
        overwrite = {mount.strip("/") for mount in params["overwrite"]}
        copies = [copy for mount in mounts
                  for copy in planned_copies(params["path"], params["shared_dir"], mount, mount in overwrite)
                  if not unchanged(copy)]
        if copies and not module.check_mode:
            owner = pwd.getpwnam(params["owner"])
            restore(copies, owner.pw_uid, grp.getgrgid(owner.pw_gid).gr_gid)
        module.exit_json(changed=bool(copies), moved=[], copied=[relative for unused, unused_too, relative in copies])
    except (OSError, KeyError) as error:
        module.fail_json(msg=f"Cannot {action} in {params['path']}: {error}")


if __name__ == "__main__":
    main()
