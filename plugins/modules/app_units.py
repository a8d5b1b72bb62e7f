#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: app_units
short_description: The project's crons as systemd timers and its workers as systemd services
version_added: 0.1.0
description:
  - Writes one C(<prefix>-cron-<name>.service) and C(.timer) per cron of C(.magento.app.yaml), and one
    C(<prefix>-worker-<name>.service) per worker, with the targets C(<prefix>-cron.target) and
    C(<prefix>-workers.target) that start and stop them together (the prefix is O(unit_prefix)). Units of
    crons and workers that are gone from the project are removed; a unit is this prefix's only when it is
    part of this prefix's target, so prefixes that start alike (C(magecloud-env-a), C(magecloud-env-a-cron-b))
    never remove each other's units.
  - V(state=absent) stops and removes every unit of the prefix, its targets and O(env_file).
  - A cron job runs as O(user) in the current release with the runtime environment of O(env_file),
    under C(timeout), and takes O(pause_lock) shared and without waiting, so it skips its run (exit 75,
    logged) while a deploy hook or a database dump holds that lock. systemd never starts a job while
    its previous run is still going, which is the overlap protection. Output goes to the journal.
  - A worker restarts one second after it exits or is killed.
  - O(crons) and O(workers) say what state the targets are left in.
author: magecloud.platform maintainers (@magecloud)
options:
  crons:
    description:
      - The crons of C(.magento.app.yaml), each with C(name), C(spec) (five-field cron), C(cmd) and optionally C(timeout) in seconds.
      - A spec becomes systemd OnCalendar expressions that fire at the same minutes (two when both day of
        month and day of week are restricted, as cron fires on either).
    type: list
    elements: dict
    default: []
  workers:
    description: The workers, each with C(name) and C(cmd).
    type: list
    elements: dict
    default: []
  user:
    description: The user jobs and workers run as.
    type: str
    default: magento
  app_dir:
    description: Their working directory, the current release.
    type: path
    default: /var/www/magento/current
  env_file:
    description: The C(KEY=value) file with the runtime environment (C(MAGENTO_CLOUD_*)); systemd reads it as root.
    type: path
    default: /etc/magecloud-runtime.env
  environment:
    description: When given, O(env_file) is written with these variables, readable by root only.
    type: dict
  pause_lock:
    description: Lock file cron jobs take shared; holding it exclusively pauses them.
    type: path
    default: /var/www/magento/shared/.cron-pause.lock
  cron_state:
    description: V(started) enables and starts C(<prefix>-cron.target), V(stopped) stops and disables it.
    type: str
    choices: [started, stopped]
    default: started
  worker_state:
    description: V(restarted) restarts the workers (new code), V(started) only starts them, V(stopped) stops them.
    type: str
    choices: [started, restarted, stopped]
    default: started
  unit_prefix:
    description: Starts the name of every unit; one per environment on a host.
    type: str
    default: magecloud
  state:
    description: V(present) installs the units, V(absent) stops and removes them with the targets and O(env_file).
    type: str
    choices: [present, absent]
    default: present
  unit_dir:
    description: Where unit files go.
    type: path
    default: /etc/systemd/system
extends_documentation_fragment:
  - magecloud.platform.systemd
attributes:
  check_mode:
    support: full
    description: Reports which unit files would change; nothing is written or started.
  diff_mode:
    support: none
    description: Unit names are returned in RV(written) and RV(removed).
"""

EXAMPLES = r"""
- name: Install the crons and workers of the project
  magecloud.platform.app_units:
    crons:
      - name: cronrun
        spec: "* * * * *"
        cmd: php bin/magento cron:run
        timeout: 3600
    workers:
      - name: queue
        cmd: php bin/magento queue:consumers:start async.operations.all
"""

RETURN = r"""
written:
  description: Unit files (and the environment file) written or changed.
  returned: always
  type: list
  elements: str
removed:
  description: Unit files removed because their cron or worker is gone.
  returned: always
  type: list
  elements: str
"""

import glob
import os
import re
import shlex

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.magecloud.platform.plugins.module_utils.atomic_file import write_if_changed
from ansible_collections.magecloud.platform.plugins.module_utils.cron_spec import cron_problem, on_calendar
from ansible_collections.magecloud.platform.plugins.module_utils.systemd import systemctl

NAME = re.compile(r"^[A-Za-z0-9_-]+$")
SKIPPED_WHILE_PAUSED = 75


def cron_target(params):
    return f"{params['unit_prefix']}-cron.target"


def worker_target(params):
    return f"{params['unit_prefix']}-workers.target"


def shell_command(cmd):
    return f"/bin/bash -c {shlex.quote(cmd)}".replace("%", "%%")


def cron_units(job, params):
    timeout = int(job.get("timeout") or 86400)
    calendars = "".join(f"OnCalendar={expression}\n" for expression in on_calendar(job["spec"]))
    prefix = params["unit_prefix"]
    service = f"""[Unit]
Description=Magento cron {job['name']} ({prefix})
PartOf={cron_target(params)}

[Service]
Type=oneshot
User={params['user']}
WorkingDirectory={params['app_dir']}
EnvironmentFile=-{params['env_file']}
SyslogIdentifier={prefix}-cron-{job['name']}
SuccessExitStatus={SKIPPED_WHILE_PAUSED}
ExecStart=/usr/bin/flock --shared --nonblock --conflict-exit-code {SKIPPED_WHILE_PAUSED} {params['pause_lock']} \
/usr/bin/timeout --kill-after=30 {timeout} {shell_command(job['cmd'])}
"""
    timer = f"""[Unit]
Description=Schedule of Magento cron {job['name']} ({prefix})
PartOf={cron_target(params)}

[Timer]
{calendars}AccuracySec=1s

[Install]
WantedBy={cron_target(params)}
"""
    return {f"{prefix}-cron-{job['name']}.service": service, f"{prefix}-cron-{job['name']}.timer": timer}


def worker_unit(worker, params):
    prefix = params["unit_prefix"]
    return {f"{prefix}-worker-{worker['name']}.service": f"""[Unit]
Description=Magento worker {worker['name']} ({prefix})
PartOf={worker_target(params)}

[Service]
User={params['user']}
WorkingDirectory={params['app_dir']}
EnvironmentFile=-{params['env_file']}
SyslogIdentifier={prefix}-worker-{worker['name']}
ExecStart={shell_command(worker['cmd'])}
Restart=always
RestartSec=1

[Install]
WantedBy={worker_target(params)}
"""}


def targets(params):
    prefix = params["unit_prefix"]
    return {
        cron_target(params): f"[Unit]\nDescription=Magento crons ({prefix})\n\n[Install]\nWantedBy=timers.target\n",
        worker_target(params): f"[Unit]\nDescription=Magento workers ({prefix})\n\n[Install]\nWantedBy=multi-user.target\n",
    }


def owned_units(params):
    """The cron and worker unit files of this prefix on disk: those part of its targets."""
    owners = (f"PartOf={cron_target(params)}\n", f"PartOf={worker_target(params)}\n")
    found = []
    for kind in ("cron", "worker"):
        for path in sorted(glob.glob(os.path.join(params["unit_dir"], f"{params['unit_prefix']}-{kind}-*"))):
            with open(path, encoding="utf-8") as handle:
                content = handle.read()
            if any(owner in content for owner in owners):
                found.append(os.path.basename(path))
    return found


def wanted_units(module):
    params = module.params
    if params["state"] == "absent":
        return {}
    units = targets(params)
    for entry in params["crons"] + params["workers"]:
        if not NAME.match(str(entry.get("name", ""))) or not entry.get("cmd"):
            module.fail_json(msg=f"Every cron and worker needs a name of letters, digits, '_' or '-' and a cmd; got {entry!r}.")
    for job in params["crons"]:
        problem = cron_problem(job.get("spec"))
        if problem:
            module.fail_json(msg=f"Cron {job['name']}: {problem}.")
        units.update(cron_units(job, params))
    for worker in params["workers"]:
        units.update(worker_unit(worker, params))
    return units


def sync_files(module, units):
    unit_dir = module.params["unit_dir"]
    written, removed = [], []
    if module.params["environment"] is not None:
        content = "".join(f"{name}={value}\n" for name, value in sorted(module.params["environment"].items()))
        if write_if_changed(module.params["env_file"], content, 0o600, module.check_mode):
            written.append(module.params["env_file"])
    for name, content in sorted(units.items()):
        if write_if_changed(os.path.join(unit_dir, name), content, 0o644, module.check_mode):
            written.append(name)
    gone = [name for name in owned_units(module.params) if name not in units]
    if module.params["state"] == "absent":
        gone += [name for name in targets(module.params) if os.path.exists(os.path.join(unit_dir, name))]
        if os.path.exists(module.params["env_file"]):
            removed.append(module.params["env_file"])
            if not module.check_mode:
                os.unlink(module.params["env_file"])
    for name in gone:
        removed.append(name)
        if not module.check_mode:
            systemctl(module, "disable", "--now", name, check=False)
            os.unlink(os.path.join(unit_dir, name))
    return written, removed


def is_active(module, unit):
    return systemctl(module, "is-active", unit, check=False)[1] == "active"


def is_enabled(module, unit):
    return systemctl(module, "is-enabled", unit, check=False)[1] == "enabled"


def apply_states(module, units, files_changed):
    """Enable and start, or stop and disable, each target; returns whether anything changed."""
    params = module.params
    changed = False
    timers = [name for name in units if name.endswith(".timer")]
    workers = [name for name in units if name.startswith(f"{params['unit_prefix']}-worker-")]
    crons_target, workers_target = cron_target(params), worker_target(params)
    plan = []
    if params["cron_state"] == "started":
        if not is_enabled(module, crons_target) or any(not is_enabled(module, timer) for timer in timers):
            plan.append(("enable", crons_target, *timers))
        if not is_active(module, crons_target) or any(not is_active(module, timer) for timer in timers) or files_changed:
            plan.append(("restart", crons_target, *timers))
    elif is_active(module, crons_target) or is_enabled(module, crons_target):
        plan.append(("disable", "--now", crons_target, *timers))
    if params["worker_state"] == "stopped":
        if workers and (is_active(module, workers_target) or any(is_active(module, worker) for worker in workers)):
            plan.append(("stop", workers_target, *workers))
    elif workers:
        if any(not is_enabled(module, worker) for worker in workers) or not is_enabled(module, workers_target):
            plan.append(("enable", workers_target, *workers))
        if params["worker_state"] == "restarted" or files_changed or any(not is_active(module, worker) for worker in workers):
            plan.append(("restart", workers_target, *workers))
    for step in plan:
        changed = True
        if not module.check_mode:
            systemctl(module, *step)
    return changed


def main():
    module = AnsibleModule(
        argument_spec={
            "crons": {"type": "list", "elements": "dict", "default": []},
            "workers": {"type": "list", "elements": "dict", "default": []},
            "user": {"type": "str", "default": "magento"},
            "app_dir": {"type": "path", "default": "/var/www/magento/current"},
            "env_file": {"type": "path", "default": "/etc/magecloud-runtime.env"},
            "environment": {"type": "dict", "no_log": True},
            "pause_lock": {"type": "path", "default": "/var/www/magento/shared/.cron-pause.lock"},
            "cron_state": {"type": "str", "choices": ["started", "stopped"], "default": "started"},
            "worker_state": {"type": "str", "choices": ["started", "restarted", "stopped"], "default": "started"},
            "unit_prefix": {"type": "str", "default": "magecloud"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "unit_dir": {"type": "path", "default": "/etc/systemd/system"},
        },
        supports_check_mode=True,
    )
    units = wanted_units(module)
    written, removed = sync_files(module, units)
    if (written or removed) and not module.check_mode:
        systemctl(module, "daemon-reload")
    changed = bool(written or removed)
    if module.params["state"] == "present":
        changed = apply_states(module, units, changed) or changed
    module.exit_json(changed=changed, written=written, removed=removed)


if __name__ == "__main__":
    main()
