# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: renders each entry's template on the controller, then one module call writes them all."""

from __future__ import annotations

import os

from ansible import constants
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.template import trust_as_template

ENTRY_KEYS = {"dest", "template", "content", "vars", "owner", "group", "mode", "validate", "secret"}
# The defaults of ansible.builtin.template, so a template renders the same here.
TEMPLATE_OVERRIDES = {"trim_blocks": True, "lstrip_blocks": False, "newline_sequence": "\n"}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        files = self._task.args.get("files") or []
        if not isinstance(files, list):
            raise AnsibleActionFail(f"files must be a list of entries, got {type(files).__name__}")
        entries = [self._module_entry(entry, task_vars) for entry in files]
        module_args = {
            "directories": self._task.args.get("directories") or [],
            "absent": self._task.args.get("absent") or [],
            "files": entries,
            # Out of the entries, into the one argument the module never logs on the host.
            "secret_contents": {entry["dest"]: entry.pop("content") for entry in entries if boolean(entry.get("secret", False))},
        }
        result.update(self._execute_module(module_name="magecloud.platform.config_files",
                                           module_args=module_args, task_vars=task_vars))
        result.pop("invocation", None)
        return result

    def _module_entry(self, entry, task_vars):
        if not isinstance(entry, dict) or "dest" not in entry:
            raise AnsibleActionFail(f"each entry of files needs a dest; got {entry!r}")
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            raise AnsibleActionFail(f"entry for {entry['dest']} has unknown keys {sorted(unknown)}; "
                                    f"known keys: {sorted(ENTRY_KEYS)}")
        if ("template" in entry) == ("content" in entry):
            raise AnsibleActionFail(f"entry for {entry['dest']} needs exactly one of template and content")
        module_entry = {key: value for key, value in entry.items() if key != "vars"}
        if "template" in entry:
            module_entry["content"] = self._render(entry["template"], entry.get("vars") or {}, task_vars)
        return module_entry

    def _render(self, template, entry_vars, task_vars):
        try:
            source = self._find_needle("templates", template)
        except AnsibleError as error:
            raise AnsibleActionFail(str(error)) from error
        available = dict(task_vars)
        available.setdefault("ansible_managed", constants.config.get_config_value("DEFAULT_MANAGED_STR"))
        available.update(entry_vars)
        searchpath = [os.path.dirname(source)] + list(task_vars.get("ansible_search_path", []))
        templar = self._templar.copy_with_new_env(searchpath=searchpath, available_variables=available)
        text = trust_as_template(self._loader.get_text_file_contents(source))
        rendered = templar.template(text, escape_backslashes=False, overrides=TEMPLATE_OVERRIDES)
        return "" if rendered is None else rendered
