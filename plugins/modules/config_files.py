#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: config_files
short_description: A layer's configuration files and their directories, in one task
version_added: 0.2.0
author: magecloud.platform maintainers (@magecloud)
description:
  - Makes each directory of O(directories) exist, then each file of O(files) hold its content, with the
    owner, group and mode given. A file is written (atomically, through a temporary file in its
    directory) only when its content differs; attributes are set only where they differ.
  - Templates are rendered on the controller, with the task's variables plus the entry's O(files[].vars),
    like M(ansible.builtin.template) with its defaults (C(trim_blocks)). One remote call does the whole
    list, where a C(template) task per file costs two (a stat, then a file or copy call).
  - A file whose content changes is checked first with O(files[].validate), when given; a failing check
    leaves the old file in place and fails the task, naming the file and the check's output.
  - Each file of O(absent) (such as a package's stock site or pool) is removed.
  - The module's arguments are left out of the result, because the contents can hold passwords. A file
    marked O(files[].secret) never shows its content, not even with C(--diff).
options:
  directories:
    description: Directories to create before the files are written (such as a systemd drop-in directory).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path of the directory. Missing parents are created with the same attributes.
        type: path
        required: true
      owner:
        description: Owner.
        type: str
        default: root
      group:
        description: Group.
        type: str
        default: root
      mode:
        description: Mode, as an octal string.
        type: str
        default: "0755"
  secret_contents:
    description:
      - The contents of the O(files) marked secret, by O(files[].dest). The action plugin moves them here, because
        a module logs its arguments on the host (syslog), all but those it declares secret, like this one.
    type: dict
    default: {}
  files:
    description: Files to write.
    type: list
    elements: dict
    default: []
    suboptions:
      dest:
        description: Absolute path of the file. Its directory must exist or be in O(directories).
        type: path
        required: true
      template:
        description:
          - A template of the role (or a path) rendered on the controller. Exactly one of O(files[].template)
            and O(files[].content) is required.
        type: str
      content:
        description: The file's content, when it is not a template.
        type: str
      vars:
        description: Variables for this entry's template only, on top of the task's variables (used on the controller).
        type: dict
        default: {}
      owner:
        description: Owner.
        type: str
        default: root
      group:
        description: Group.
        type: str
        default: root
      mode:
        description: Mode, as an octal string.
        type: str
        default: "0644"
      validate:
        description: A command that checks the new content before it replaces the file; C(%s) is the path of the new content.
        type: str
      secret:
        description:
          - "The file holds passwords or keys. With C(--diff) it shows only that its content changed
            (C(content hidden: secret)), and when O(files[].validate) fails its output is left out of the message."
        type: bool
        default: false
        version_added: 0.2.0
  absent:
    description: Files (or symbolic links) that must not exist.
    type: list
    elements: path
    default: []
attributes:
  action:
    support: full
    description: An action plugin renders the templates on the controller.
  check_mode:
    support: full
    description: Reports which files and directories would change, without writing; validation does not run.
  diff_mode:
    support: full
    description: Shows the old and new content of each file that changes, except for O(files[].secret) files.
  platform:
    support: full
    platforms: posix
    description: Runs on the target host, as a user that can write the files and set their owners.
"""

EXAMPLES = r"""
- name: Write the VCL and the service's drop-in
  magecloud.platform.config_files:
    directories:
      - path: /etc/systemd/system/varnish.service.d
    files:
      - dest: /etc/varnish/magento.vcl
        template: magento.vcl.j2
        validate: varnishd -C -f %s
      - dest: /etc/systemd/system/varnish.service.d/10-magecloud.conf
        template: service.conf.j2
  register: varnish_files
  notify: Restart varnish

- name: Write a configuration file that holds a password
  magecloud.platform.config_files:
    files:
      - dest: /etc/redis/cache.conf
        template: redis.conf.j2
        mode: "0640"
        secret: true
"""

RETURN = r"""
changed_files:
  description: Files whose content or attributes changed (or would, in check mode).
  returned: always
  type: list
  elements: str
  sample: [/etc/varnish/magento.vcl]
removed:
  description: Files of O(absent) that were removed (or would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [/etc/nginx/sites-enabled/default]
changed_directories:
  description: Directories created or whose attributes changed.
  returned: always
  type: list
  elements: str
  sample: [/etc/systemd/system/varnish.service.d]
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_text

SECRET_HIDDEN = "content hidden: secret"
ATTRIBUTE_SPEC = {
    "owner": {"type": "str", "default": "root"},
    "group": {"type": "str", "default": "root"},
}
ARGUMENT_SPEC = {
    "directories": {
        "type": "list", "elements": "dict", "default": [],
        "options": {"path": {"type": "path", "required": True}, "mode": {"type": "str", "default": "0755"},
                    **ATTRIBUTE_SPEC},
    },
    "absent": {"type": "list", "elements": "path", "default": []},
    "secret_contents": {"type": "dict", "default": {}, "no_log": True},
    "files": {
        "type": "list", "elements": "dict", "default": [],
        "options": {"dest": {"type": "path", "required": True}, "content": {"type": "str"},
                    "template": {"type": "str"}, "vars": {"type": "dict", "default": {}},
                    "mode": {"type": "str", "default": "0644"}, "validate": {"type": "str"},
                    "secret": {"type": "bool", "default": False}, **ATTRIBUTE_SPEC},
    },
}


def ensure_directory(module, spec):
    path = spec["path"]
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        path = os.path.dirname(path)
    if not missing:
        return module.set_fs_attributes_if_different(module.load_file_common_arguments(spec, path=path), False)
    if not module.check_mode:
        for created in reversed(missing):
            os.mkdir(created)
            module.set_fs_attributes_if_different(module.load_file_common_arguments(spec, path=created), True)
    return True


def current_content(dest):
    try:
        with open(dest, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def source_of(spec):
    return f" (from template {spec['template']})" if spec["template"] else ""


def validated_copy(module, spec, content):
    directory = os.path.dirname(spec["dest"])
    fd, staged = tempfile.mkstemp(prefix=".magecloud-", dir=directory)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    if spec["validate"]:
        if "%s" not in spec["validate"]:
            os.unlink(staged)
            module.fail_json(msg=f"validate for {spec['dest']} must contain %s (the new content's path): {spec['validate']}")
        rc, out, err = module.run_command(spec["validate"] % staged)
        if rc != 0:
            os.unlink(staged)
            output = SECRET_HIDDEN if spec["secret"] else (err or out).strip()
            module.fail_json(msg=f"The new content of {spec['dest']}{source_of(spec)} fails its check ({spec['validate']}), "
                                 f"so the file was left as it was: {output}", rc=rc)
    return staged


def ensure_file(module, spec):
    """Returns (changed, diff or None)."""
    if spec["content"] is None:
        module.fail_json(msg=f"{spec['dest']}{source_of(spec)} has no content: templates are rendered by this "
                             "module's action plugin, so run it as a task, not on its own.")
    # A symbolic link (such as a Debian sites-enabled entry) keeps pointing where it did.
    spec = dict(spec, dest=os.path.realpath(spec["dest"]))
    wanted = to_bytes(spec["content"], errors="surrogate_or_strict")
    existing = current_content(spec["dest"])
    content_changed = existing != wanted
    if content_changed and not module.check_mode:
        module.atomic_move(validated_copy(module, spec, wanted), spec["dest"])
    attributes_changed = False
    if existing is not None or not module.check_mode:
        attributes_changed = module.set_fs_attributes_if_different(module.load_file_common_arguments(spec, path=spec["dest"]), False)
    diff = None
    if content_changed and module._diff and spec["secret"]:
        diff = {"prepared": f"--- {spec['dest']}\n+++ {spec['dest']}\n{SECRET_HIDDEN}\n"}
    elif content_changed and module._diff:
        diff = {"before_header": spec["dest"], "after_header": spec["dest"],
                "before": to_text(existing or b""), "after": spec["content"]}
    return content_changed or attributes_changed, diff


def remove(module, path):
    if os.path.isdir(path) and not os.path.islink(path):
        module.fail_json(msg=f"{path} is listed in absent but is a directory; only files are removed.")
    if not os.path.lexists(path):
        return False
    if not module.check_mode:
        os.unlink(path)
    return True


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    for spec in module.params["files"]:
        if spec["dest"] in module.params["secret_contents"]:
            spec.update(content=module.params["secret_contents"][spec["dest"]], secret=True)
    module.no_log_values.update(spec["content"] for spec in module.params["files"] if spec["secret"] and spec["content"])
    changed_directories = [spec["path"] for spec in module.params["directories"] if ensure_directory(module, spec)]
    changed_files, diffs = [], []
    for spec in module.params["files"]:
        changed, diff = ensure_file(module, spec)
        if changed:
            changed_files.append(spec["dest"])
        if diff:
            diffs.append(diff)
    removed = [path for path in module.params["absent"] if remove(module, path)]
    module.exit_json(changed=bool(changed_files or changed_directories or removed), changed_files=changed_files,
                     changed_directories=changed_directories, removed=removed, diff=diffs)


if __name__ == "__main__":
    main()
