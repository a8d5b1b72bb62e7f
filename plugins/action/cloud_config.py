# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: read, validate and derive a Magento Cloud project on the controller."""

from __future__ import annotations

import os
from dataclasses import replace

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive, stack_plan, static_content
from ansible_collections.magecloud.platform.plugins.plugin_utils.file_rules import CONFIG_PHP
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings_report import findings_result
from ansible_collections.magecloud.platform.plugins.module_utils.masking import mask_secrets
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import (
    APP_FILE, GitRefError, Project, UnreadableFile, directory_reader, git_reader, read_project, resolve_git_ref)

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
    "hosts": {"type": "list", "elements": "str"},
    "layers_by_group": {"type": "dict", "default": {}},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        unused_spec, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            mutually_exclusive=[("project_dir", "git_repo")],
            required_one_of=[("project_dir", "git_repo", "hosts")])
        if args["git_repo"]:
            try:
                result["commit"], result["tree"] = resolve_git_ref(args["git_repo"], args["git_ref"])
            except GitRefError as error:
                raise AnsibleActionFail(f"{error}. Give a branch, tag or commit that exists there.") from error
            args["git_ref"] = result["commit"]
        # A converge without a project gets what each host's release ships.
        reader = self._reader(args) if args["project_dir"] or args["git_repo"] else None
        project = read_project(reader, args["magento_version"]) if reader else Project(magento_version=args["magento_version"] or "")
        if args["hosts"]:
            self._plan_hosts(result, project, args, task_vars["hostvars"])
        part, error_lines = findings_result(project.findings)
        result.update(part)
        if args["print_findings"]:
            for line in result["findings_text"]:
                Display().display(line, stderr=True)
        result.update(changed=False, magento_version=project.magento_version)
        if result["error_count"]:
            # Findings only: the parsed files stay out of a failed result.
            if args["fail_on_error"]:
                result.update(failed=True, msg=f"{result['error_count']} error(s) in the project's cloud files:\n" + "\n".join(error_lines))
            return result
        result["model"] = mask_secrets({"app": project.app, "services": project.services, "routes": project.routes,
                                        "env": project.env, "php_ini": project.php_ini})
        result["stack"] = derive.stack(project)
        result["static_content"] = static_content.plan(project.env, _config_php(reader), project.magento_version,
                                                       args["variables"], result["stack"]["hooks"])
        result["runtime_env"] = derive.runtime_environment(
            project, args["endpoints"], args["domains"], args["environment"], args["app_dir"],
            args["variables"], args["tree_id"])
        # runtime_env carries the endpoints' passwords and the variables (CRYPT_KEY, ADMIN_PASSWORD)
        # the hosts need: the registered result keeps them, callbacks print it as censored at any -v.
        result["_ansible_no_log"] = True
        return result

    @staticmethod
    def _plan_hosts(result, project, args, hostvars):
        """Every host's stack from its release, groups and inventory; findings name the host."""
        result["hosts"] = {}
        for host in args["hosts"]:
            inventory = hostvars[host]
            facts = inventory.get("ansible_facts", {})
            release = str(facts.get("distribution_major_version", ""))
            layers = {layer for group in inventory.get("group_names", []) for layer in args["layers_by_group"].get(group, [])}
            values, sources, findings = stack_plan.plan_host(project, release, layers, inventory)
            result["hosts"][host] = {"values": values, "sources": sources}
            # The extension findings of reading the project come again for each host; keep the first.
            known = set(project.findings)
            project.findings.extend(replace(finding, message=f"{finding.message} (host {host})")
                                    for finding in findings if finding not in known)

    @staticmethod
    def _reader(args):
        if args["project_dir"]:
            if not os.path.isdir(args["project_dir"]):
                raise AnsibleActionFail(f"project_dir {args['project_dir']} is not a directory; "
                                        f"point it at the project root that holds {APP_FILE}")
            return directory_reader(args["project_dir"])
        return git_reader(args["git_repo"], args["git_ref"])


def _config_php(reader):
    """app/etc/config.php's text, or None when it is not there or not read (each a finding already)."""
    try:
        raw = reader(CONFIG_PHP) if reader else None
    except UnreadableFile:
        return None
    return raw.decode("utf-8", "replace") if raw is not None else None
