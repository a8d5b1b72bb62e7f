"""Runs a module of this collection the way Ansible does: a process reading its arguments file."""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
COLLECTIONS = ROOT / ".cache" / "collections"
MODULES = COLLECTIONS / "ansible_collections/magecloud/platform/plugins/modules"


def run_module(name, tmp_path, check=False, **args):
    payload = {"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check, _ansible_diff=True,
                                           _ansible_tmpdir=str(tmp_path), _ansible_remote_tmp=str(tmp_path),
                                           _ansible_keep_remote_files=False)}
    args_file = tmp_path / f"args-{name}.json"
    args_file.write_text(json.dumps(payload))
    env = dict(os.environ, PYTHONPATH=str(COLLECTIONS))
    result = subprocess.run([sys.executable, str(MODULES / f"{name}.py"), str(args_file)],
                            capture_output=True, text=True, env=env, check=False)
    return json.loads(result.stdout)
