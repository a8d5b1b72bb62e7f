#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: deploy_lock
short_description: Take or give back the lock that lets one deploy (or dump) run at a time
version_added: 0.1.0
description:
  - The lock is a file created with C(O_CREAT|O_EXCL) that names its holder and when it was taken.
  - Taking a lock that another holder has waits up to O(wait) seconds, then fails naming the holder and
    its age. Taking a lock the same holder already has changes nothing.
  - A lock older than O(expire) seconds is taken over with a warning (its holder died without giving it back).
author: magecloud.platform maintainers (@magecloud)
options:
  path:
    description: The lock file.
    type: path
    required: true
  holder:
    description: Who takes or gives back the lock, shown to anyone who finds it taken (for example user, controller and job id).
    type: str
    required: true
  state:
    description: V(present) takes the lock, V(absent) gives it back (only when O(holder) has it).
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Seconds to wait for another holder to give the lock back.
    type: int
    default: 0
  expire:
    description: Age in seconds after which another holder's lock is taken over.
    type: int
    default: 3600
attributes:
  check_mode:
    support: none
    description: Skipped in check mode; a check run takes no lock.
  diff_mode:
    support: none
    description: The lock file is the whole state; its holder is returned.
  platform:
    support: full
    platforms: posix
    description: The lock directory must be on a local filesystem (C(O_EXCL) is not reliable on old NFS).
"""

EXAMPLES = r"""
- name: Take the deploy lock
  magecloud.platform.deploy_lock:
    path: /var/www/magento/deploy.lock
    holder: "deploy of main by alice@ctl-1"
    wait: 60
"""

RETURN = r"""
holder:
  description: Who holds the lock after the run (empty after V(absent)).
  returned: always
  type: str
taken_over:
  description: The expired holder whose lock was taken over, if any.
  returned: when state is present
  type: str
"""

import json
import os
import socket
import time

from ansible.module_utils.basic import AnsibleModule


def read_lock(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError:
        return {"holder": "unknown (unreadable lock file)", "since": os.path.getmtime(path)}


def try_create(path, holder):
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"holder": holder, "since": time.time(), "host": socket.gethostname()}, handle)
    return True


def acquire(module, path, holder):
    deadline = time.time() + module.params["wait"]
    taken_over = ""
    while True:
        if try_create(path, holder):
            return True, taken_over
        lock = read_lock(path)
        if lock is None:
            continue
        if lock.get("holder") == holder:
            return False, taken_over
        age = time.time() - float(lock.get("since", 0))
        if age > module.params["expire"]:
            module.warn(f"Taking over the lock {path} from {lock.get('holder')}, which has held it for {age:.0f} s.")
            taken_over = lock.get("holder", "")
            os.unlink(path)
            continue
        if time.time() >= deadline:
            module.fail_json(msg=(f"{path} is held by {lock.get('holder')} (on {lock.get('host', '?')}) for {age:.0f} s; "
                                  f"wait for it to finish, or if it died, remove the file or wait for it to expire "
                                  f"after {module.params['expire']} s."), holder=lock.get("holder"))
        time.sleep(1)


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "holder": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "wait": {"type": "int", "default": 0},
            "expire": {"type": "int", "default": 3600},
        },
    )
    path, holder = module.params["path"], module.params["holder"]
    if module.params["state"] == "present":
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        changed, taken_over = acquire(module, path, holder)
        module.exit_json(changed=changed, holder=holder, taken_over=taken_over)
    lock = read_lock(path)
    if lock is None:
        module.exit_json(changed=False, holder="")
    if lock.get("holder") != holder:
        module.warn(f"{path} is held by {lock.get('holder')}, not by {holder}; left in place.")
        module.exit_json(changed=False, holder=lock.get("holder"))
    os.unlink(path)
    module.exit_json(changed=True, holder="")


if __name__ == "__main__":
    main()
