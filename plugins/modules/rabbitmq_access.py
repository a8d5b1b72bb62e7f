#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rabbitmq_access
short_description: The application's RabbitMQ vhost and user, with rights on that vhost only
version_added: 0.1.0
author: magecloud.platform maintainers (@magecloud)
description:
  - Makes the vhost exist, the user exist with this password and full rights on the vhost, and removes the
    users named in O(remove_users) (such as C(guest)).
  - Reads the broker's state in one call, C(rabbitmqctl export_definitions), and checks the password against
    the salted hash found there (C(rabbitmqctl authenticate_user) only for a hashing algorithm it does not
    know). Then changes only what differs, in at most two rounds of calls run at the same time (the rights
    come after their vhost and user). Every call starts an Erlang VM, which is what makes per-item modules slow.
  - Passwords go to C(rabbitmqctl) on its standard input as one line, never on its command line.
options:
  vhost:
    description: The application's virtual host.
    type: str
    required: true
  user:
    description: The application's user.
    type: str
    required: true
  password:
    description: The user's password.
    type: str
    required: true
  remove_users:
    description: Users that must not exist.
    type: list
    elements: str
    default: [guest]
attributes:
  check_mode:
    support: full
    description: Reads the broker and returns the actions it would take.
  diff_mode:
    support: none
    description: RV(actions) lists what changed.
  platform:
    support: full
    platforms: posix
    description: Runs on the broker's host as root, like C(rabbitmqctl).
"""

EXAMPLES = r"""
- name: Create the application vhost and user, remove guest
  magecloud.platform.rabbitmq_access:
    vhost: /magento
    user: magento
    password: "{{ rabbitmq_password }}"
  no_log: true
"""

RETURN = r"""
actions:
  description: What was changed (or would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["add vhost /magento", "add user magento", "set permissions of magento on /magento"]
"""

import base64
import hashlib
import hmac
import json
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule

FULL_RIGHTS = {"configure": ".*", "write": ".*", "read": ".*"}


class Broker:
    def __init__(self, module):
        self.module = module
        self.ctl = module.get_bin_path("rabbitmqctl", required=True)

    def run(self, *args, password=None, check=True):
        # RabbitMQ 4 reads a password from standard input only as a whole line, and not with --quiet.
        quiet = [] if password is not None else ["--quiet"]
        rc, out, err = self.module.run_command([self.ctl, *quiet, *args], data=password, binary_data=password is None)
        if check and rc != 0:
            self.module.fail_json(msg=f"rabbitmqctl {args[0]} failed with exit code {rc}: {(err or out).strip()[-600:]}. "
                                      "Check that rabbitmq-server is running on this host (systemctl status rabbitmq-server).")
        return rc, out

    def authenticates(self, user, password):
        rc, unused_out = self.run("authenticate_user", user, password=password, check=False)
        return rc == 0


# RabbitMQ's internal hashes: base64 of a 4-byte salt followed by the digest of salt + UTF-8 password.
HASHES = {"rabbit_password_hashing_sha256": hashlib.sha256, "rabbit_password_hashing_sha512": hashlib.sha512,
          "rabbit_password_hashing_md5": hashlib.md5}


def hash_matches(entry, password):
    """Whether password is the one of this exported user; None when its algorithm is not one of HASHES."""
    digest = HASHES.get(entry.get("hashing_algorithm", "rabbit_password_hashing_sha256"))
    if digest is None:
        return None
    try:
        stored = base64.b64decode(entry.get("password_hash", ""), validate=True)
    except ValueError:
        return False
    salt = stored[:4]
    return len(stored) > 4 and hmac.compare_digest(stored[4:], digest(salt + password.encode()).digest())


def read_state(broker, vhost, user, password):
    """Vhosts, users, whether the password is right, and the rights on vhost: one VM for all four."""
    definitions = json.loads(broker.run("export_definitions", "-")[1] or "{}")
    users = {entry["name"]: entry for entry in definitions.get("users", [])}
    authenticated = user in users and hash_matches(users[user], password)
    if authenticated is None:
        authenticated = broker.authenticates(user, password)
    rights = {entry["user"]: {key: entry[key] for key in FULL_RIGHTS}
              for entry in definitions.get("permissions", []) if entry["vhost"] == vhost}
    return [entry["name"] for entry in definitions.get("vhosts", [])], list(users), authenticated, rights


def plan(broker, vhost, user, password, remove_users):
    vhosts, users, authenticated, rights = read_state(broker, vhost, user, password)
    actions = []
    if vhost not in vhosts:
        actions.append(("add vhost", vhost))
    if user not in users:
        actions.append(("add user", user))
    elif not authenticated:
        actions.append(("change password of", user))
    if rights.get(user) != FULL_RIGHTS:
        actions.append(("set permissions of", user))
    actions.extend(("delete user", name) for name in remove_users if name in users and name != user)
    return actions


def apply(broker, action, vhost, password):
    verb, name = action
    if verb == "add vhost":
        broker.run("add_vhost", name)
    elif verb == "add user":
        broker.run("add_user", name, password=password)
    elif verb == "change password of":
        broker.run("change_password", name, password=password)
    elif verb == "set permissions of":
        broker.run("set_permissions", "-p", vhost, name, FULL_RIGHTS["configure"], FULL_RIGHTS["write"], FULL_RIGHTS["read"])
    elif verb == "delete user":
        broker.run("delete_user", name)


def rounds(actions):
    """Actions that can run at the same time, in order: rights need their vhost and user to exist first."""
    first = [action for action in actions if action[0] != "set permissions of"]
    second = [action for action in actions if action[0] == "set permissions of"]
    return [group for group in (first, second) if group]


def main():
    module = AnsibleModule(
        argument_spec={
            "vhost": {"type": "str", "required": True},
            "user": {"type": "str", "required": True},
            "password": {"type": "str", "required": True, "no_log": True},
            "remove_users": {"type": "list", "elements": "str", "default": ["guest"]},
        },
        supports_check_mode=True,
    )
    params = module.params
    broker = Broker(module)
    actions = plan(broker, params["vhost"], params["user"], params["password"], params["remove_users"])
    if not module.check_mode:
        for round_of_actions in rounds(actions):
            with ThreadPoolExecutor(max_workers=len(round_of_actions)) as pool:
                for done in [pool.submit(apply, broker, action, params["vhost"], params["password"]) for action in round_of_actions]:
                    done.result()
    module.exit_json(changed=bool(actions), actions=[f"{verb} {name}" + (f" on {params['vhost']}" if verb == "set permissions of" else "")
                                                     for verb, name in actions])


if __name__ == "__main__":
    main()
