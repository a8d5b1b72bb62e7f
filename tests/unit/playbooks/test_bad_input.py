"""Bad input stops before any host changes, with a message naming what to fix."""

import os
import pathlib
import socket
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
BIN = pathlib.Path(sys.executable).parent


def test_wrong_typed_role_variable_fails_at_argument_validation(tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n"
        "  roles:\n    - role: magecloud.platform.common\n      vars:\n        common_app_uid: not-a-number\n")
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"))
    result = subprocess.run([str(BIN / "ansible-playbook"), str(playbook)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "common_app_uid" in output and "int" in output
    assert "Install base packages" not in output


def test_taken_port_is_named_with_the_fix():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / "systemd_host.py"), "magecloud-port-probe-absent",
                                 "--publish", f"127.0.0.1:{port}:80"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert f"ERROR: port 127.0.0.1:{port} is taken" in result.stderr
    assert "FIX:" in result.stderr and "DEMO_PORT" in result.stderr
