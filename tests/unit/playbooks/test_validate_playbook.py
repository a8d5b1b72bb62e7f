"""playbooks/validate.yml as a user's CI runs it: exit code and one line per finding."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "plugins" / "plugin_utils"))
from cloud_project_fixtures import project_files  # noqa: E402  pylint: disable=wrong-import-position

ROOT = pathlib.Path(__file__).resolve().parents[3]
FINDING_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<path>\S+): .+$")


def write_project(directory, files):
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def validate(directory):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    return subprocess.run([str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "playbooks/validate.yml",
                           "-e", f"magecloud_project_dir={directory}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def project_dir(tmp_path):
    write_project(tmp_path, project_files())
    return tmp_path


def test_valid_project_passes(project_dir):
    result = validate(project_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b0 error\(s\), \d+ warning\(s\)", result.stdout), result.stdout
    # The end-of-life checks measure against the day the playbook runs; they are the only warnings
    # a template-shaped project can get.
    warnings = [line for line in result.stderr.splitlines() if FINDING_LINE.match(line)]
    assert all("end of life" in line for line in warnings), warnings


def test_errors_fail_and_each_finding_is_one_line(project_dir):
    app = project_dir / ".magento.app.yaml"
    app.write_text(app.read_text().replace("disk: 5120", "disk: 0").replace("- sodium", "- newrelic"))
    result = validate(project_dir)
    assert result.returncode != 0
    lines = [FINDING_LINE.match(line) for line in result.stderr.splitlines()]
    findings = [(m["file"], m["severity"], m["path"]) for m in lines if m]
    assert (".magento.app.yaml", "error", "disk") in findings
    assert (".magento.app.yaml", "warning", "runtime.extensions.1") in findings


def test_missing_directory_is_a_clear_error(tmp_path):
    result = validate(tmp_path / "nope")
    assert result.returncode != 0
    assert "is not a directory" in result.stdout
