# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: an environment as `export NAME='value'` lines, for a command to read on stdin."""

from __future__ import annotations

import re
import shlex

from ansible.errors import AnsibleFilterError

SHELL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def shell_exports(environment):
    """Lines a shell evaluates to get environment; a task passes them on stdin rather than in
    `environment:`, whose values -vvv prints with the command and sudo writes to the journal."""
    if not isinstance(environment, dict):
        raise AnsibleFilterError(f"shell_exports expects a mapping of variable names to values, got {type(environment).__name__}")
    bad = sorted(str(name) for name in environment if not SHELL_NAME.match(str(name)))
    if bad:
        raise AnsibleFilterError(f"environment variable names must be letters, digits and _ (not starting with a digit): "
                                 f"{', '.join(bad)}; rename them in variables.env of .magento.app.yaml or in deploy_variables")
    return "".join(f"export {name}={shlex.quote(str(value))}\n" for name, value in environment.items())


class FilterModule:
    def filters(self):
        return {"shell_exports": shell_exports}
