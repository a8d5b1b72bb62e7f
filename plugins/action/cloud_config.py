# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: read, validate and derive a Magento Cloud project on the controller."""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR, WARNING
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import (
    APP_FILE, GitRefError, directory_reader, git_reader, read_project, resolve_git_ref)

ARGUMENT_SPEC = {
    "project_dir": {"type": "path"},
    "git_repo": {"type": "path"},
    "git_ref": {"type": "str", "default": "HEAD"},
    "magento_version": {"type": "str"},
    "endpoints": {"type": "dict", "default": {}},
    "domains": {"type": "list", "elements": "str", "default": ["localhost"]},
    "environment": {"type": "str", "default": "production"},
    "app_dir": {"type": "str", "default": "/var/www/magento/current"},
    "variables": {"type": "dict", "default": {}, "no_log": True},
    "tree_id": {"type": "str", "default": ""},
    "print_findings": {"type": "bool", "default": False},
    "fail_on_error": {"type": "bool", "default": True},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        unused_spec, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            mutually_exclusive=[("project_dir", "git_repo")],
            required_one_of=[("project_dir", "git_repo")])
        if args["git_repo"]:
            try:
                result["commit"], result["tree"] = resolve_git_ref(args["git_repo"], args["git_ref"])
            except GitRefError as error:
                raise AnsibleActionFail(f"{error}. Give a branch, tag or commit that exists there.") from error
            args["git_ref"] = result["commit"]
        project = read_project(self._reader(args), args["magento_version"])
        lines = [str(finding) for finding in project.findings]
        if args["print_findings"]:
            for line in lines:
                Display().display(line, stderr=True)
        errors = sum(1 for finding in project.findings if finding.severity == ERROR)
        result.update(
            changed=False,
            findings=[finding.as_dict() for finding in project.findings],
            findings_text=lines,
            error_count=errors,
            warning_count=sum(1 for finding in project.findings if finding.severity == WARNING),
            magento_version=project.magento_version,
            model={"app": project.app, "services": project.services, "routes": project.routes,
                   "env": project.env, "php_ini": project.php_ini},
        )
        if errors:
            if args["fail_on_error"]:
                result.update(failed=True, msg=f"{errors} error(s) in the project's cloud files:\n" + "\n".join(
                    line for line in lines if f": {ERROR}: " in line))
            return result
        result["stack"] = derive.stack(project)
        result["runtime_env"] = derive.runtime_environment(
            project, args["endpoints"], args["domains"], args["environment"], args["app_dir"],
            args["variables"], args["tree_id"])
        return result

    @staticmethod
    def _reader(args):
        if args["project_dir"]:
            if not os.path.isdir(args["project_dir"]):
                raise AnsibleActionFail(f"project_dir {args['project_dir']} is not a directory; "
                                        f"point it at the project root that holds {APP_FILE}")
            return directory_reader(args["project_dir"])
        return git_reader(args["git_repo"], args["git_ref"])
