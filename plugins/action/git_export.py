# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: a tar archive of one commit of a repository on the controller."""

from __future__ import annotations

import os
import subprocess

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = {
    "repo": {"type": "path", "required": True},
    "commit": {"type": "str", "required": True},
    "dest": {"type": "path", "required": True},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        unused_spec, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if os.path.isfile(args["dest"]):
            result.update(changed=False, dest=args["dest"])
            return result
        os.makedirs(os.path.dirname(args["dest"]), mode=0o700, exist_ok=True)
        partial = f"{args['dest']}.partial.{os.getpid()}"
        export = subprocess.run(["git", "-C", args["repo"], "archive", "--format=tar", "-o", partial, args["commit"]],
                                capture_output=True, text=True, check=False)
        if export.returncode != 0:
            if os.path.exists(partial):
                os.unlink(partial)
            raise AnsibleActionFail(f"git archive of {args['commit']} in {args['repo']} failed: {export.stderr.strip()}")
        os.rename(partial, args["dest"])
        result.update(changed=True, dest=args["dest"])
        return result
