#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: env_php
short_description: Write Magento's app/etc/env.php from data, keeping the keys it does not own
version_added: 0.1.0
description:
  - Lays O(data) over the array the existing file returns and writes the result as a valid PHP
    file. Keys that O(data) does not name survive, so settings users added by hand stay across deploys.
  - Reads the existing file with the host's PHP (C(include) + C(json_encode)); a file PHP cannot
    read is never overwritten.
  - The new file is checked with C(php -l) before it replaces the old one, atomically.
  - The new content is written to a temporary file readable by its owner only, given its final owner, group
    and mode (O(mode), else those of the file it replaces, else C(0600)) and only then renamed into place,
    so the passwords it holds are never readable by more users than the final file allows.
  - The values under secret-looking keys (C(password), C(key), C(crypt), C(secret), C(token)) of O(data) and of
    the existing file are secrets to Ansible, so the result and the C(--diff) output show C(********) in their place.
author: magecloud.platform maintainers (@magecloud)
options:
  path:
    description: The env.php file.
    type: path
    required: true
  data:
    description: The settings this module owns. Mappings merge key by key; other values replace.
    type: dict
    required: true
  replace_keys:
    description:
      - Top-level keys of O(data) that replace the existing value whole instead of merging into it
        (for example C(queue) when the queue backend changed).
    type: list
    elements: str
    default: []
  backup:
    description: Keep a timestamped copy of the previous file when it changes.
    type: bool
    default: true
  php_executable:
    description: PHP command line binary used to read and lint the file.
    type: path
    default: php
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Reports whether the file would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the file before and after.
  platform:
    support: full
    platforms: posix
    description: Needs the PHP CLI on the target.
"""

EXAMPLES = r"""
- name: Write env.php of the new release
  magecloud.platform.env_php:
    path: /var/www/magento/shared/app/etc/env.php
    owner: magento
    group: magento
    mode: "0640"
    data:
      db:
        connection:
          default: {host: 127.0.0.1, dbname: magento, username: magento, password: "{{ db_password }}"}
      deployment:
        blue_green: {enabled: true}
"""

RETURN = r"""
backup_file:
  description: Where the previous file was copied to.
  returned: when a backup was made
  type: str
keys:
  description: Top-level keys of the file after the change.
  returned: always
  type: list
  elements: str
"""

import json
import os
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.magecloud.platform.plugins.module_utils.php_array import escaped, merge, render
from ansible_collections.magecloud.platform.plugins.module_utils.masking import secret_values

READ_ARRAY = 'echo json_encode(include $argv[1], JSON_PRESERVE_ZERO_FRACTION);'


def read_existing(module, path, php):
    if not os.path.exists(path):
        return None, ""
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    rc, out, err = module.run_command([php, "-d", "display_errors=stderr", "-r", READ_ARRAY, path])
    try:
        data = json.loads(out) if rc == 0 else None
    except ValueError:
        data = None
    if not isinstance(data, (dict, list)):
        module.fail_json(msg=f"{path} exists but PHP cannot read it as an array ({(err or out).strip()[:300]}); "
                             "fix or move the file, then run again. It was not changed.")
    return (data if isinstance(data, dict) else {}), text


def hide_secrets(module, *structures):
    """Masks the secret values in the result and the diff, as given and as they are written in the PHP file."""
    for structure in structures:
        for value in secret_values(structure or {}):
            module.no_log_values.update({value, escaped(value)})


def lint(module, php, candidate, path):
    rc, out, err = module.run_command([php, "-l", candidate])
    if rc != 0:
        os.unlink(candidate)
        module.fail_json(msg=f"the rendered env.php for {path} does not pass php -l: {(out + err).strip()}")


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            # Only its secret-looking values are secrets: a no_log on the whole dict would mask every "1" and "magento".
            "data": {"type": "dict", "required": True, "no_log": False},
            "replace_keys": {"type": "list", "elements": "str", "default": [], "no_log": False},
            "backup": {"type": "bool", "default": True},
            "php_executable": {"type": "path", "default": "php"},
        },
        add_file_common_args=True,
        supports_check_mode=True,
    )
    path, data = module.params["path"], module.params["data"]
    php = module.get_bin_path(module.params["php_executable"])
    if php is None:
        module.fail_json(msg=f"PHP CLI `{module.params['php_executable']}` is not on this host; "
                             "apply magecloud.platform.php first or set php_executable")
    existing, before = read_existing(module, path, php)
    hide_secrets(module, data, existing)
    owned = {key: value for key, value in data.items() if key not in module.params["replace_keys"]}
    merged = merge(existing or {}, owned)
    merged.update({key: data[key] for key in module.params["replace_keys"] if key in data})
    result = {"changed": False, "keys": sorted(merged)}
    if existing is None or merged != existing:
        after = render(merged)
        result.update(changed=True, diff={"before": before, "after": after, "before_header": path, "after_header": path})
        if not module.check_mode:
            result.update(write(module, php, path, after, existing is not None))
    file_args = module.load_file_common_arguments(module.params)
    if os.path.exists(path):
        result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])
    module.exit_json(**result)


def write(module, php, path, text, had_file):
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        module.fail_json(msg=f"directory {directory} for {path} does not exist; create the release or shared mount first")
    handle, candidate = tempfile.mkstemp(prefix=".env.php.", dir=directory)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    lint(module, php, candidate, path)
    backup = module.backup_local(path) if had_file and module.params["backup"] else None
    give_final_attributes(module, candidate, path)
    os.rename(candidate, path)
    return {"backup_file": backup} if backup else {}


def give_final_attributes(module, candidate, path):
    """The candidate (0600 from mkstemp) takes the attributes of the file it replaces, then the task's own."""
    if os.path.exists(path):
        existing = os.stat(path)
        os.chown(candidate, existing.st_uid, existing.st_gid)
        os.chmod(candidate, stat.S_IMODE(existing.st_mode))
    module.set_fs_attributes_if_different(module.load_file_common_arguments(module.params, path=candidate), False)


if __name__ == "__main__":
    main()
