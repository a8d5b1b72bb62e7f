"""The cloud_config action's output: bounded per file, findings only when it fails, no secret at any
verbosity, and still everything the deploy role reads from the registered result."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from ansible_collections.magecloud.platform.plugins.action.cloud_config import findings_result
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import (
    ERROR, MAX_FINDINGS_PER_FILE, WARNING, Finding, FindingList)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "plugin_utils"))
from cloud_project_fixtures import project_files  # noqa: E402  pylint: disable=wrong-import-position

ROOT = pathlib.Path(__file__).resolve().parents[4]
BIN = pathlib.Path(sys.executable).parent
ENV = ".magento.env.yaml"
DB_PASSWORD = "DbPassw0rdFromEnvYaml"
DSN_PASSWORD = "RedisDsnPw42"
ENDPOINT_PASSWORD = "EndpointPw1"
ADMIN_PASSWORD = "AdminPw2"
SECRETS = (DB_PASSWORD, DSN_PASSWORD, ENDPOINT_PASSWORD, ADMIN_PASSWORD)
ENV_SECRETS = (
    "        DATABASE_CONFIGURATION:\n            connection:\n                default:\n"
    f"                    host: db\n                    dbname: main\n                    username: magento\n"
    f"                    password: {DB_PASSWORD}\n"
    "        CACHE_CONFIGURATION:\n            frontend:\n                default:\n"
    "                    backend: Cm_Cache_Backend_Redis\n                    backend_options:\n"
    f"                        server: redis://cache:{DSN_PASSWORD}@redis:6379/0\n                        port: 6379\n")


def finding(severity, line, file=ENV):
    return Finding(severity, file, line, 1, "p", "m")


def test_output_keeps_the_first_findings_of_a_file_and_one_line_for_the_rest():
    findings = FindingList(finding(ERROR, line) for line in range(1, 60_001))
    findings.append(finding(WARNING, 1, "php.ini"))
    part, error_lines = findings_result(findings)
    env_lines = [line for line in part["findings_text"] if line.startswith(ENV)]
    assert len(env_lines) == MAX_FINDINGS_PER_FILE + 1
    assert env_lines[-1] == f"{ENV}: … and {60_000 - MAX_FINDINGS_PER_FILE:,} more not shown (59,900 errors)"
    assert part["findings_not_shown"] == {ENV: 60_000 - MAX_FINDINGS_PER_FILE}
    assert (part["error_count"], part["warning_count"]) == (60_000, 1)
    assert len(part["findings"]) == MAX_FINDINGS_PER_FILE + 1
    assert error_lines[-1] == env_lines[-1] and not any(line.startswith("php.ini") for line in error_lines)


def test_output_shows_errors_before_warnings_of_a_crowded_file():
    findings = [finding(WARNING, line) for line in range(1, 300)] + [finding(ERROR, 500)]
    part, error_lines = findings_result(findings)
    assert part["findings"][-1]["line"] == 500, "the error is shown, in line order"
    assert part["findings_text"][-1] == f"{ENV}: … and 200 more not shown (200 warnings)"
    assert error_lines == [str(finding(ERROR, 500))]


def write_project(directory, env_extra=ENV_SECRETS, app_change=None):
    for name, text in project_files().items():
        if name == ENV:
            text = text.replace("    deploy:\n", "    deploy:\n" + env_extra, 1)
        if name == ".magento.app.yaml" and app_change:
            text = text.replace(*app_change)
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


def play(tmp_path, project, checks=""):
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n"
        "    - name: Read the project\n      magecloud.platform.cloud_config:\n"
        f"        project_dir: {project}\n        print_findings: true\n"
        f"        endpoints: {{mysql: {{host: 10.0.0.5, username: magento, password: {ENDPOINT_PASSWORD}}}}}\n"
        f"        variables: {{ADMIN_PASSWORD: {ADMIN_PASSWORD}}}\n"
        "      register: cloud\n" + checks)
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"))
    result = subprocess.run([str(BIN / "ansible-playbook"), "-vvv", str(playbook)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=180, check=False)
    return result.returncode, result.stdout + result.stderr


def test_a_valid_project_registers_what_the_deploy_role_reads_and_prints_no_secret(tmp_path, monkeypatch):
    project = write_project(tmp_path / "project")
    checks = (
        "    - name: What the deploy role reads is there; the model is masked, runtime_env is not\n"
        "      ansible.builtin.assert:\n        quiet: true\n        that:\n"
        "          - cloud.stack.crons[0].cmd == 'php bin/magento cron:run'\n"
        "          - cloud.static_content.phase == 'hooks'\n"
        "          - cloud.stack.workers.queue == 'php bin/magento queue:consumers:start async.operations.all'\n"
        "          - cloud.model.env.stage['post-deploy'].WARM_UP_PAGES == ['index.php', 'category:*:1']\n"
        "          - cloud.model.env.stage.deploy.DATABASE_CONFIGURATION.connection.default.password == '********'\n"
        "          - cloud.model.env.stage.deploy.DATABASE_CONFIGURATION.connection.default.host == 'db'\n"
        "          - cloud.model.env.stage.deploy.CACHE_CONFIGURATION.frontend.default.backend_options.server"
        " == 'redis://cache:********@redis:6379/0'\n"
        "          - (cloud.runtime_env.MAGENTO_CLOUD_RELATIONSHIPS | b64decode | from_json).database[0].password"
        " == lookup('ansible.builtin.env', 'EXPECTED_DB')\n"
        "          - (cloud.runtime_env.MAGENTO_CLOUD_VARIABLES | b64decode | from_json).ADMIN_PASSWORD"
        " == lookup('ansible.builtin.env', 'EXPECTED_ADMIN')\n")
    monkeypatch.setenv("EXPECTED_DB", ENDPOINT_PASSWORD)
    monkeypatch.setenv("EXPECTED_ADMIN", ADMIN_PASSWORD)
    code, output = play(tmp_path, project, checks)
    assert code == 0, output
    assert "censored" in output and "MAGENTO_CLOUD_RELATIONSHIPS" not in output
    leaked = [secret for secret in SECRETS if secret in output]
    assert not leaked, output


def test_a_failed_project_prints_findings_only_and_no_secret(tmp_path):
    project = write_project(tmp_path / "project", ENV_SECRETS + f"        SESSION_CONFIGURATION: 'redis://u:{DSN_PASSWORD}@h'\n",
                            ("disk: 5120", "disk: 0"))
    code, output = play(tmp_path, project)
    assert code != 0
    assert ".magento.app.yaml:48:1: error: disk: must be greater than 0, not 0" in output
    assert ("stage.deploy.SESSION_CONFIGURATION: SESSION_CONFIGURATION must be an array (a list or a mapping), "
            "not a string `redis://u:********@h`" in output)
    assert "model:" not in output and "runtime_env" not in output and "DATABASE_CONFIGURATION:" not in output
    leaked = [secret for secret in SECRETS if secret in output]
    assert not leaked, output


@pytest.mark.parametrize("hostile", ["alias bomb", "link out of the project"])
def test_hostile_env_file_fails_with_a_finding_and_nothing_of_the_outside(tmp_path, hostile):
    project = write_project(tmp_path / "project", "")
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"stage:\n  deploy:\n    OUTSIDE_{DB_PASSWORD}: 1\n")
    if hostile == "alias bomb":
        (project / ENV).write_text("a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
            f"{chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(9)))
        expected = f"{ENV}:5:8: error: (file): aliases expand the file past 10,000 values (at *d); the file is not read"
    else:
        (project / ENV).unlink()
        (project / ENV).symlink_to(outside)
        expected = f"{ENV}:1:1: error: (file): is a symbolic link to {outside}, outside the project directory; it is not read"
    code, output = play(tmp_path, project)
    assert code != 0
    assert expected in output
    assert DB_PASSWORD not in output and "Traceback" not in output


def test_the_findings_part_is_plain_data_without_the_model():
    part, error_lines = findings_result([finding(ERROR, 3)])
    assert set(part) == {"findings", "findings_text", "findings_not_shown", "error_count", "warning_count"}
    assert json.loads(json.dumps(part)) == part and error_lines == [f"{ENV}:3:1: error: p: m"]
