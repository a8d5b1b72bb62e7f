# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the commands that deploy and compress static content in the phase the plan chose."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils.static_content import run_commands


def static_content_commands(plan, cpus, database_locales=()):
    try:
        return run_commands(plan, cpus, list(database_locales or ()))
    except (KeyError, TypeError, ValueError) as error:
        raise AnsibleFilterError(f"static_content_commands: not a static content plan of cloud_config ({error})") from error


class FilterModule:
    def filters(self):
        return {"static_content_commands": static_content_commands}
