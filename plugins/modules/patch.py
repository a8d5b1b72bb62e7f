#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: patch
short_description: Apply, revert or report a Magento project's patch set
version_added: 0.1.0
description:
  - Works like the cloud's patch step. The patch set is O(patches) in the order given, followed by
    the C(*.patch) files of each of O(patch_dirs) in alphabetical order (for example the project's
    C(m2-hotfixes)).
  - The status of a patch is C(not applied) when it applies forwards, C(applied) when it applies in
    reverse, and C(conflict) when it does neither.
  - With O(state=present), patches that are not applied are applied in order; already applied ones
    are left alone. When one conflicts, every patch this run applied is reverted in reverse order and
    the module fails naming the patch file and the hunk that does not apply.
  - Uses C(git apply) (which also works outside a git repository) and falls back to C(patch -p1) where
    git is missing.
author: magecloud.platform maintainers (@magecloud)
options:
  path:
    description: The project tree the patches apply to (their paths are relative to it, C(-p1)).
    type: path
    required: true
  patches:
    description: Patch files applied first, in this order.
    type: list
    elements: path
    default: []
  patch_dirs:
    description: Directories whose C(*.patch) files follow, alphabetically within each directory. Missing directories are skipped.
    type: list
    elements: path
    default: []
  state:
    description:
      - V(present) applies what is not applied yet, V(absent) reverts what is applied (last first),
        V(status) changes nothing and reports the table.
    type: str
    choices: [present, absent, status]
    default: present
  log_file:
    description: When set, one line per patch acted on is appended to this file (the cloud keeps C(var/log/patch.log)).
    type: path
attributes:
  check_mode:
    support: full
    description: Reports what would be applied or reverted from the forward and reverse checks.
  diff_mode:
    support: none
    description: The patch files are the diff; the module reports which ones it applied.
  platform:
    support: full
    platforms: posix
    description: Needs C(git) or C(patch) on the target.
"""

EXAMPLES = r"""
- name: Apply the project's hotfixes to the build tree
  magecloud.platform.patch:
    path: /var/www/magento/builds/4f2a9c01
    patch_dirs:
      - /var/www/magento/builds/4f2a9c01/m2-hotfixes

- name: Report which patches the current release carries
  magecloud.platform.patch:
    path: /var/www/magento/current
    patch_dirs: [/var/www/magento/current/m2-hotfixes]
    state: status
  register: patch_status
"""

RETURN = r"""
patches:
  description: The patch set after the run, in order.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The patch file's name without C(.patch).
      type: str
    file:
      description: The patch file.
      type: str
    status:
      description: C(applied), C(not applied) or C(conflict).
      type: str
  sample: [{"id": "MDVA-1234_fix-cart", "file": "/app/m2-hotfixes/MDVA-1234_fix-cart.patch", "status": "applied"}]
applied:
  description: Patch ids applied by this run.
  returned: always
  type: list
  elements: str
reverted:
  description: Patch ids reverted by this run (with O(state=absent), or after a conflict).
  returned: always
  type: list
  elements: str
"""

import glob
import os
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

APPLIED = "applied"
NOT_APPLIED = "not applied"
CONFLICT = "conflict"


class PatchEngine:
    """Runs git apply (or patch -p1) in a tree."""

    def __init__(self, module, tree):
        self.module = module
        self.tree = tree
        self.git = module.get_bin_path("git")
        self.patch = None if self.git else module.get_bin_path("patch")
        if not (self.git or self.patch):
            module.fail_json(msg="Neither git nor patch is installed on this host; install git.")

    def run(self, patch_file, reverse=False, check=False, tree=None):
        if self.git:
            argv = [self.git, "apply", "--whitespace=nowarn"]
            argv += ["--reverse"] if reverse else []
            argv += ["--check"] if check else []
        else:
            argv = [self.patch, "-p1", "--batch", "--forward", "--silent"]
            argv += ["--reverse"] if reverse else []
            argv += ["--dry-run"] if check else []
        rc, out, err = self.module.run_command(argv + [patch_file], cwd=tree or self.tree)
        return rc == 0, (err or out).strip()

    def statuses(self, files):
        """Status of each patch of an ordered set, judged on a scratch copy of the files it touches.
        Patches may change each other's lines, so applied ones are found walking backwards (each undone
        before judging the one before it), then the rest walking forwards on top of their predecessors."""
        result = {}
        with tempfile.TemporaryDirectory() as scratch:
            for relative in sorted(set().union(*(touched_files(name) for name in files))):
                source = os.path.join(self.tree, relative)
                if os.path.isfile(source):
                    os.makedirs(os.path.dirname(os.path.join(scratch, relative)), exist_ok=True)
                    shutil.copy2(source, os.path.join(scratch, relative))
            for name in reversed(files):
                if self.run(name, reverse=True, check=True, tree=scratch)[0]:
                    result[name] = (APPLIED, "")
                    self.run(name, reverse=True, tree=scratch)
            for name in files:
                if name not in result:
                    forward_ok, output = self.run(name, check=True, tree=scratch)
                    result[name] = (NOT_APPLIED, "") if forward_ok else (CONFLICT, output)
                if result[name][0] != CONFLICT:
                    self.run(name, tree=scratch)
        return result


def touched_files(patch_file):
    paths = set()
    with open(patch_file, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith(("--- a/", "+++ b/")):
                paths.add(line[6:].rstrip("\n").split("\t")[0])
    return paths


def patch_set(patches, patch_dirs):
    files = list(patches)
    for directory in patch_dirs:
        files += sorted(glob.glob(os.path.join(directory, "*.patch")))
    return files


def patch_id(patch_file):
    return os.path.basename(patch_file)[:-len(".patch")] if patch_file.endswith(".patch") else os.path.basename(patch_file)


class PatchRun:
    def __init__(self, module, engine, files):
        self.module = module
        self.engine = engine
        self.files = files
        self.applied = []
        self.reverted = []
        self.log_lines = []

    def table(self):
        statuses = self.engine.statuses(self.files)
        return [{"id": patch_id(name), "file": name, "status": statuses[name][0]} for name in self.files]

    def apply_all(self):
        statuses = self.engine.statuses(self.files)
        for name in self.files:
            status, detail = statuses[name]
            if status == APPLIED:
                continue
            if status == CONFLICT:
                self._fail_and_undo(name, detail)
            if not self.module.check_mode:
                ok, output = self.engine.run(name)
                if not ok:
                    self._fail_and_undo(name, output)
            self.applied.append(name)
            self.log_lines.append(f"applied {name}")

    def revert_all(self):
        statuses = self.engine.statuses(self.files)
        for name in reversed(self.files):
            if statuses[name][0] != APPLIED:
                continue
            if not self.module.check_mode:
                ok, output = self.engine.run(name, reverse=True)
                if not ok:
                    self.module.fail_json(msg=f"Could not revert patch {name}: {output}", reverted=self.reverted)
            self.reverted.append(patch_id(name))
            self.log_lines.append(f"reverted {name}")

    def _fail_and_undo(self, name, output):
        for applied in reversed(self.applied):
            if not self.module.check_mode:
                self.engine.run(applied, reverse=True)
        self.module.fail_json(
            msg=(f"Patch {name} does not apply to {self.engine.tree} and is not already applied.\n{output}\n"
                 f"Reverted the {len(self.applied)} patch(es) this run applied; fix or remove the patch and run again."),
            failed_patch=name, reverted=[patch_id(applied) for applied in reversed(self.applied)], applied=[], patches=[])

    def write_log(self, log_file):
        if not log_file or not self.log_lines or self.module.check_mode:
            return
        os.makedirs(os.path.dirname(log_file) or ".", exist_ok=True)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with open(log_file, "a", encoding="utf-8") as handle:
            handle.writelines(f"{stamp} {line}\n" for line in self.log_lines)


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "patches": {"type": "list", "elements": "path", "default": []},
            "patch_dirs": {"type": "list", "elements": "path", "default": []},
            "state": {"type": "str", "choices": ["present", "absent", "status"], "default": "present"},
            "log_file": {"type": "path"},
        },
        supports_check_mode=True,
    )
    tree = module.params["path"]
    if not os.path.isdir(tree):
        module.fail_json(msg=f"Patch target {tree} is not a directory.")
    missing = [name for name in module.params["patches"] if not os.path.isfile(name)]
    if missing:
        module.fail_json(msg=f"Patch file(s) not found: {', '.join(missing)}")
    run = PatchRun(module, PatchEngine(module, tree), patch_set(module.params["patches"], module.params["patch_dirs"]))
    if module.params["state"] == "present":
        run.apply_all()
    elif module.params["state"] == "absent":
        run.revert_all()
    run.write_log(module.params["log_file"])
    module.exit_json(changed=bool(run.applied or run.reverted), patches=run.table(),
                     applied=[patch_id(name) for name in run.applied], reverted=run.reverted)


if __name__ == "__main__":
    main()
