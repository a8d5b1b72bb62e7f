#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: deploy_lock
short_description: Take or give back the lock that lets one deploy (or dump) run at a time
version_added: 0.1.0
description:
  - The lock is a file that names its holder and when it was taken, written in full under a name of its own
    and linked to O(path), which fails like C(O_CREAT|O_EXCL) when O(path) exists.
  - Taking a lock that another holder has waits up to O(wait) seconds, then fails naming the holder and
    its age. Taking a lock the same holder already has changes nothing.
  - A lock older than O(expire) seconds is taken over with a warning (its holder died without giving it back).
  - Taking over and giving back go through a claim file (the lock path with C(.takeover) appended), created
    the same exclusive way; the claimant checks that the lock is still the one it saw, then renames its claim
    over it. Two runs that find the same expired lock never both get it, and a run never removes a lock that
    another run has just taken. A claim left by a run that died in the middle (older than 30 seconds) is set aside.
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
import uuid

from ansible.module_utils.basic import AnsibleModule

# A claim lives for the milliseconds between its creation and its rename; an older one was left by a run that died.
CLAIM_STALE_SECONDS = 30
FIRST_DELAY = 0.05
LONGEST_DELAY = 1.0


class LockBusy(Exception):
    def __init__(self, lock, age):
        super().__init__(lock.get("holder"))
        self.lock = lock
        self.age = age


def read_lock(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError:
        try:
            return {"holder": "unknown (unreadable lock file)", "since": os.path.getmtime(path)}
        except FileNotFoundError:
            return None


def new_record(holder):
    return {"holder": holder, "since": time.time(), "host": socket.gethostname(), "token": uuid.uuid4().hex}


def create_exclusive(path, record):
    """Makes path hold record when path does not exist yet; False when it does.

    The record is written to a file of its own first and linked to path: link(2) fails when path exists,
    like O_EXCL, and nobody ever reads a lock that is created but not written yet.
    """
    written = f"{path}.{record['token']}.new"
    with open(written, "x", encoding="utf-8") as handle:
        json.dump(record, handle)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(written, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(written)
    return True


def set_aside_stale_claim(claim):
    try:
        status = os.stat(claim)
    except FileNotFoundError:
        return
    if time.time() - status.st_mtime < CLAIM_STALE_SECONDS:
        return
    # A rename, not an unlink: should a fresh claim have replaced the stale one meanwhile, its owner's
    # rename onto the lock fails and it starts again, instead of two runs each holding a claim.
    aside = f"{claim}.stale.{os.getpid()}"
    try:
        os.rename(claim, aside)
    except FileNotFoundError:
        return
    os.unlink(aside)


def remove_own_claim(claim, record):
    lock = read_lock(claim)
    if lock is not None and lock.get("token") == record["token"]:
        os.unlink(claim)


def take_over(path, seen, record):
    """Replaces the expired lock `seen` with `record`; False when another run claimed or changed it first."""
    claim = f"{path}.takeover"
    if not create_exclusive(claim, record):
        set_aside_stale_claim(claim)
        return False
    if read_lock(path) != seen:
        remove_own_claim(claim, record)
        return False
    try:
        os.rename(claim, path)
    except FileNotFoundError:
        return False
    lock = read_lock(path)
    return lock is not None and lock.get("token") == record["token"]


def acquire(path, holder, wait, expire, warn, sleep=time.sleep):
    """Returns (changed, holder taken over); raises LockBusy once `wait` seconds have passed."""
    deadline = time.monotonic() + wait
    delay = FIRST_DELAY
    while True:
        record = new_record(holder)
        if create_exclusive(path, record):
            return True, ""
        lock = read_lock(path)
        if lock is None:
            continue
        if lock.get("holder") == holder:
            return False, ""
        age = time.time() - float(lock.get("since", 0))
        if age > expire:
            if take_over(path, lock, record):
                warn(f"Taking over the lock {path} from {lock.get('holder')}, which has held it for {age:.0f} s.")
                return True, lock.get("holder", "")
        elif time.monotonic() >= deadline:
            raise LockBusy(lock, age)
        sleep(min(delay, max(deadline - time.monotonic(), FIRST_DELAY)))
        delay = min(delay * 2, LONGEST_DELAY)


def give_back(path, holder, sleep=time.sleep):
    """Removes the lock when holder has it, under the claim so no takeover runs meanwhile; returns (changed, holder after)."""
    claim = f"{path}.takeover"
    record = new_record(holder)
    delay = FIRST_DELAY
    while not create_exclusive(claim, record):
        set_aside_stale_claim(claim)
        sleep(delay)
        delay = min(delay * 2, LONGEST_DELAY)
    try:
        lock = read_lock(path)
        if lock is None:
            return False, ""
        if lock.get("holder") != holder:
            return False, lock.get("holder")
        os.unlink(path)
        return True, ""
    finally:
        remove_own_claim(claim, record)


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
        try:
            changed, taken_over = acquire(path, holder, module.params["wait"], module.params["expire"], module.warn)
        except LockBusy as busy:
            module.fail_json(msg=(f"{path} is held by {busy.lock.get('holder')} (on {busy.lock.get('host', '?')}) for {busy.age:.0f} s; "
                                  f"wait for it to finish, or if it died, remove the file or wait for it to expire "
                                  f"after {module.params['expire']} s."), holder=busy.lock.get("holder"))
        module.exit_json(changed=changed, holder=holder, taken_over=taken_over)
    changed, still_held_by = give_back(path, holder)
    if still_held_by:
        module.warn(f"{path} is held by {still_held_by}, not by {holder}; left in place.")
    module.exit_json(changed=changed, holder=still_held_by)


if __name__ == "__main__":
    main()
