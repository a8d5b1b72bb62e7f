#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: magento_setup
short_description: Apply Magento's schema and configuration changes only when Magento says they are needed
version_added: 0.1.0
description:
  - Asks C(bin/magento setup:db:status) and C(app:config:status) in O(release_dir); exit code 2 means
    an upgrade or an import is needed. Runs C(setup:upgrade --keep-generated) (which also imports
    configuration) or C(app:config:import) only then, so an unchanged schema costs two quick commands.
  - With O(blue_green) (Magento's C(deployment/blue_green/enabled)), the release that is live keeps
    serving while the schema changes. Without it, maintenance mode is on during the change and is
    turned off again in every case.
  - The changing commands run under O(pause_lock) held exclusively, which pauses the cron jobs that
    take it shared; the kernel releases it when a command ends, however it ends.
author: magecloud.platform maintainers (@magecloud)
options:
  release_dir:
    description: The release whose C(bin/magento) runs (the new one, before it goes live).
    type: path
    required: true
  user:
    description: The user the commands run as.
    type: str
    default: magento
  blue_green:
    description: Whether Magento's blue/green deployment setting is on in env.php.
    type: bool
    default: true
  environment:
    description: Extra environment for the commands (the runtime C(MAGENTO_CLOUD_*) variables).
    type: dict
    default: {}
  pause_lock:
    description: The cron pause lock; empty runs the commands without it.
    type: path
    default: /var/www/magento/shared/.cron-pause.lock
  pause_wait:
    description: Seconds to wait for running cron jobs before the lock is taken.
    type: int
    default: 600
attributes:
  check_mode:
    support: full
    description: Asks the status commands (they change nothing) and reports what would run.
  diff_mode:
    support: none
    description: Reports the commands run in RV(ran).
  platform:
    support: full
    platforms: posix
    description: Needs C(php), C(runuser) and C(flock) on the target.
"""

EXAMPLES = r"""
- name: Upgrade the schema of the new release if Magento asks for it
  magecloud.platform.magento_setup:
    release_dir: /var/www/magento/releases/4f2a9c01d2e3-77aa01bc
"""

RETURN = r"""
db_status:
  description: Exit code of C(setup:db:status) (0 up to date, 2 upgrade needed).
  returned: always
  type: int
config_status:
  description: Exit code of C(app:config:status) (0 up to date, 2 import needed).
  returned: always
  type: int
ran:
  description: The changing commands run, in order.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

UP_TO_DATE = 0
NEEDED = 2


class CommandFailed(Exception):
    pass


class MagentoCli:
    def __init__(self, module):
        self.module = module
        params = module.params
        self.prefix = ["runuser", "-u", params["user"], "--", "php", "bin/magento"]
        self.paused = ["flock", "--exclusive", "--wait", str(params["pause_wait"]), params["pause_lock"]] if params["pause_lock"] else []
        self.ran = []

    def status(self, command):
        rc, out, err = self.module.run_command(self.prefix + [command], cwd=self.module.params["release_dir"],
                                               environ_update=self.module.params["environment"])
        if rc not in (UP_TO_DATE, NEEDED):
            self.fail(command, rc, out, err)
        return rc

    def run(self, *command):
        rc, out, err = self.module.run_command(self.paused + self.prefix + list(command), cwd=self.module.params["release_dir"],
                                               environ_update=self.module.params["environment"])
        self.ran.append(" ".join(command))
        if rc != 0:
            self.fail(" ".join(command), rc, out, err)

    def fail(self, command, rc, out, err):
        tail = "\n".join((out + err).strip().splitlines()[-25:])
        raise CommandFailed(f"bin/magento {command} failed with exit code {rc} in {self.module.params['release_dir']}:\n{tail}")


def main():
    module = AnsibleModule(
        argument_spec={
            "release_dir": {"type": "path", "required": True},
            "user": {"type": "str", "default": "magento"},
            "blue_green": {"type": "bool", "default": True},
            "environment": {"type": "dict", "default": {}, "no_log": True},
            "pause_lock": {"type": "path", "default": "/var/www/magento/shared/.cron-pause.lock"},
            "pause_wait": {"type": "int", "default": 600},
        },
        supports_check_mode=True,
    )
    cli = MagentoCli(module)
    try:
        db_status = cli.status("setup:db:status")
        config_status = cli.status("app:config:status")
        needed = NEEDED in (db_status, config_status)
        if needed and not module.check_mode:
            apply_changes(cli, db_status, module.params["blue_green"])
    except CommandFailed as error:
        module.fail_json(msg=str(error), ran=cli.ran)
    module.exit_json(changed=needed, db_status=db_status, config_status=config_status, ran=cli.ran)


def apply_changes(cli, db_status, blue_green):
    if not blue_green:
        cli.run("maintenance:enable")
    try:
        if db_status == NEEDED:
            cli.run("setup:upgrade", "--keep-generated")
        else:
            cli.run("app:config:import")
    finally:
        if not blue_green:
            cli.run("maintenance:disable")


if __name__ == "__main__":
    main()
