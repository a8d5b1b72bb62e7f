"""playbooks/validate.yml at -vvv: a password of .magento.env.yaml is never printed, whether the
project passes or fails, and a file with 60,000 findings prints a bounded report."""

import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "plugins" / "plugin_utils"))
from cloud_project_fixtures import project_files  # noqa: E402  pylint: disable=wrong-import-position

ROOT = pathlib.Path(__file__).resolve().parents[3]
PASSWORD = "Pa55wordOfTheDatabase"
DATABASE = ("        DATABASE_CONFIGURATION:\n            connection:\n                default:\n"
            f"                    host: db\n                    dbname: main\n                    username: magento\n"
            f"                    password: {PASSWORD}\n"
            "        SESSION_CONFIGURATION:\n            save: redis\n            redis:\n"
            f"                password: {PASSWORD}\n                host: redis\n")


def validate_verbosely(directory):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"))
    result = subprocess.run([str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "playbooks/validate.yml", "-vvv",
                             "-e", f"magecloud_project_dir={directory}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)
    return result.returncode, result.stdout + result.stderr


def write_project(directory, broken):
    for name, text in project_files().items():
        if name == ".magento.env.yaml":
            text = text.replace("    deploy:\n", "    deploy:\n" + DATABASE, 1)
            if broken:
                text = text.replace("SPLIT_DB: []", f"SPLIT_DB: [{{password: {PASSWORD}}}]")
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


@pytest.mark.parametrize("broken", [False, True], ids=["passes", "fails"])
def test_the_database_password_is_never_printed_at_vvv(tmp_path, broken):
    code, output = validate_verbosely(write_project(tmp_path, broken))
    assert PASSWORD not in output
    if broken:
        assert code != 0
        assert "stage.deploy.SPLIT_DB.0: `{'password': '********'}` is not allowed in SPLIT_DB" in output, output
        assert "DATABASE_CONFIGURATION" not in output, "a failed result carries the findings only"
    else:
        assert code == 0, output
        # the services' end-of-life warnings depend on the real date; the project has no other finding
        warnings = [line for line in output.splitlines() if ": warning: " in line]
        assert all(line.startswith(".magento/services.yaml:") and " end of life " in line for line in warnings), output
        assert f"0 error(s), {len(warnings)} warning(s) in {tmp_path}" in output


def test_a_file_with_60000_findings_prints_a_bounded_report(tmp_path):
    write_project(tmp_path, broken=False)
    (tmp_path / "php.ini").write_text("x\n" * 60_000)
    code, output = validate_verbosely(tmp_path)
    assert code != 0
    # the one warning (no opcache.blacklist_filename in php.ini) comes after the errors, so it is counted, not shown
    assert "php.ini: … and 59,901 more not shown (59,900 errors, 1 warning)" in output
    assert "60000 error(s) in the project's cloud files" in output
    assert len(output) < 200_000
