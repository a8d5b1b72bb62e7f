#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: service_units
short_description: Several systemd units running and enabled, others stopped and disabled, in a few systemctl calls
version_added: 0.1.0
description:
  - Reads the state of every unit named in O(started) and O(stopped) with one C(systemctl show), then stops and
    disables those of O(stopped) that run or are enabled (one C(systemctl disable --now)), and enables and starts
    those of O(started) that are not (one C(systemctl enable --now)).
  - A role that replaces a package's unit by its own instances (Redis's cache and session instances instead of
    C(redis-server)) does the swap in one task, where C(ansible.builtin.systemd_service) takes one per unit and a
    daemon reload each.
  - Fails, naming the unit, when a unit of O(started) is not installed, or when it does not start.
author: magecloud.platform maintainers (@magecloud)
options:
  started:
    description: Units that must run now and start at boot.
    type: list
    elements: str
    default: []
  stopped:
    description: Units that must not run nor start at boot. A unit that is not installed is already so.
    type: list
    elements: str
    default: []
  daemon_reload:
    description: Reload systemd's unit files first, as after writing a unit or a drop-in.
    type: bool
    default: false
extends_documentation_fragment:
  - magecloud.platform.systemd
attributes:
  check_mode:
    support: full
    description: Reports what would be started and stopped; nothing is.
  diff_mode:
    support: none
    description: What changes is returned in RV(started_now) and RV(stopped_now).
"""

EXAMPLES = r"""
- name: Run the cache and session instances instead of the package's default one
  magecloud.platform.service_units:
    started: [redis-server@cache, redis-server@session]
    stopped: [redis-server]
"""

RETURN = r"""
started_now:
  description: Units of O(started) that were not running before this task (a restart handler can skip them).
  returned: always
  type: list
  elements: str
stopped_now:
  description: Units of O(stopped) that ran or were enabled before this task.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.magecloud.platform.plugins.module_utils.systemd import systemctl, unit_states


def plan(states, started, stopped):
    """(units to enable and start, units to stop and disable, units of started not installed)."""
    missing = [unit for unit in started if not states[unit]["loaded"]]
    to_start = [unit for unit in started if not (states[unit]["active"] and states[unit]["enabled"])]
    to_stop = [unit for unit in stopped if states[unit]["active"] or states[unit]["enabled"]]
    return [unit for unit in to_start if unit not in missing], to_stop, missing


def main():
    module = AnsibleModule(
        argument_spec={
            "started": {"type": "list", "elements": "str", "default": []},
            "stopped": {"type": "list", "elements": "str", "default": []},
            "daemon_reload": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    started, stopped = module.params["started"], module.params["stopped"]
    if module.params["daemon_reload"] and not module.check_mode:
        systemctl(module, "daemon-reload")
    states = unit_states(module, started + stopped)
    to_start, to_stop, missing = plan(states, started, stopped)
    if missing:
        module.fail_json(msg=f"No unit file for {', '.join(missing)} on this host: is its package installed, "
                             "or its unit written (ls /etc/systemd/system /lib/systemd/system)?")
    was_active = {unit: states[unit]["active"] for unit in started}
    if not module.check_mode:
        if to_stop:
            systemctl(module, "disable", "--now", *to_stop)
        if to_start:
            systemctl(module, "enable", "--now", *to_start)
    module.exit_json(changed=bool(to_start or to_stop), stopped_now=to_stop,
                     started_now=[unit for unit in to_start if not was_active[unit]])


if __name__ == "__main__":
    main()
