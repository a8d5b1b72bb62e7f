"""The config_files action renders templates on the controller like ansible.builtin.template, then one module
call writes them; run through ansible-playbook on the local host."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
BIN = pathlib.Path(sys.executable).parent


def play(tmp_path, task, *options):
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "instance.conf.j2").write_text(
        "{{ ansible_managed | comment }}\n{% for port in ports %}\nport {{ port }} {{ name }}\n{% endfor %}\n")
    playbook = tmp_path / "play.yml"
    playbook.write_text("- hosts: localhost\n  connection: local\n  gather_facts: false\n"
                        "  vars:\n    ports: [6379, 6380]\n  tasks:\n" + task)
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"))
    result = subprocess.run([str(BIN / "ansible-playbook"), "-v", *options, str(playbook)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    return result.returncode, result.stdout + result.stderr


def test_templates_render_with_each_entry_s_vars_and_the_template_defaults(tmp_path):
    task = (f"    - magecloud.platform.config_files:\n        files:\n"
            f"          - {{dest: {tmp_path}/cache.conf, template: instance.conf.j2, vars: {{name: cache}}}}\n"
            f"          - {{dest: {tmp_path}/plain.txt, content: \"secret-password\\n\"}}\n")
    code, output = play(tmp_path, task)
    assert code == 0, output
    assert (tmp_path / "cache.conf").read_text() == "#\n# Ansible managed\n#\nport 6379 cache\nport 6380 cache\n"
    assert "secret-password" not in output
    code, output = play(tmp_path, task)
    assert code == 0 and "changed=0" in output


def test_an_entry_with_template_and_content_is_refused_naming_its_dest(tmp_path):
    task = (f"    - magecloud.platform.config_files:\n        files:\n"
            f"          - {{dest: {tmp_path}/x.conf, template: instance.conf.j2, content: x}}\n")
    code, output = play(tmp_path, task)
    assert code != 0
    assert f"{tmp_path}/x.conf needs exactly one of template and content" in output
    assert not (tmp_path / "x.conf").exists()


def test_a_misspelt_key_is_refused_with_the_known_ones(tmp_path):
    task = (f"    - magecloud.platform.config_files:\n        files:\n"
            f"          - {{dest: {tmp_path}/x.conf, contents: x}}\n")
    code, output = play(tmp_path, task)
    assert code != 0
    assert "unknown keys ['contents']" in output


def test_diff_hides_a_secret_file_and_shows_the_others(tmp_path):
    (tmp_path / "redis.conf").write_text("requirepass old-password\n")
    task = (f"    - magecloud.platform.config_files:\n        files:\n"
            f"          - {{dest: {tmp_path}/redis.conf, content: \"requirepass new-password\\n\", secret: true}}\n"
            f"          - {{dest: {tmp_path}/plain.txt, content: \"port 6379\\n\"}}\n")
    code, output = play(tmp_path, task, "--diff")
    assert code == 0, output
    assert "new-password" not in output and "old-password" not in output
    assert f"--- {tmp_path}/redis.conf\n+++ {tmp_path}/redis.conf\ncontent hidden: secret" in output
    assert "+port 6379" in output
    assert (tmp_path / "redis.conf").read_text() == "requirepass new-password\n"
