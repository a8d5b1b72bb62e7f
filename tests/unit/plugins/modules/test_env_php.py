"""env_php against the real PHP CLI: valid output, kept user keys, idempotence, check and diff mode."""

import json
import pathlib
import shutil
import subprocess

import pytest
from module_runner import run_module


pytestmark = pytest.mark.skipif(shutil.which("php") is None, reason="needs the PHP CLI (apt-get install php-cli)")

DATA = {
    "db": {"connection": {"default": {"host": "127.0.0.1", "dbname": "magento", "username": "magento",
                                      "password": "it's \\ secret", "active": "1"}}},
    "deployment": {"blue_green": {"enabled": True}},
    "cache_types": {"config": 1, "layout": 1},
    "install": {"date": "Thu, 26 Nov 2026 10:00:00 +0000"},
    "downloadable_domains": ["shop.test", "www.shop.test"],
    "queue": {"consumers_wait_for_messages": 0},
    "ratio": 0.5,
    "lock": None,
}


def run(tmp_path, check=False, **args):
    return run_module("env_php", tmp_path, check=check, **args)


def php_export(path):
    out = subprocess.run(["php", "-r", "echo json_encode(include $argv[1]);", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_new_file_is_valid_php_returning_the_data(tmp_path):
    target = tmp_path / "env.php"
    result = run(tmp_path, path=str(target), data=DATA)
    assert result["changed"] is True, result
    assert subprocess.run(["php", "-l", str(target)], capture_output=True, check=False).returncode == 0
    exported = php_export(target)
    assert exported["db"]["connection"]["default"]["password"] == "it's \\ secret"
    assert exported["deployment"]["blue_green"]["enabled"] is True
    assert exported["downloadable_domains"] == ["shop.test", "www.shop.test"]
    assert exported["lock"] is None and exported["ratio"] == 0.5


def test_second_run_changes_nothing(tmp_path):
    target = tmp_path / "env.php"
    run(tmp_path, path=str(target), data=DATA)
    mtime = target.stat().st_mtime_ns
    result = run(tmp_path, path=str(target), data=DATA)
    assert result["changed"] is False, result
    assert target.stat().st_mtime_ns == mtime


def test_keys_it_does_not_own_survive_and_a_backup_is_kept(tmp_path):
    target = tmp_path / "env.php"
    target.write_text("<?php\nreturn ['x-frame-options' => 'DENY', 'db' => ['table_prefix' => 'm2_'], "
                      "'system' => ['default' => ['web' => ['secure' => ['use_in_frontend' => '1']]]]];\n")
    result = run(tmp_path, path=str(target), data=DATA)
    assert result["changed"] is True
    exported = php_export(target)
    assert exported["x-frame-options"] == "DENY"
    assert exported["db"]["table_prefix"] == "m2_"
    assert exported["system"]["default"]["web"]["secure"]["use_in_frontend"] == "1"
    assert exported["db"]["connection"]["default"]["dbname"] == "magento"
    assert "DENY" in pathlib.Path(result["backup_file"]).read_text()


def test_replace_keys_drop_old_values_of_that_key(tmp_path):
    target = tmp_path / "env.php"
    target.write_text("<?php return ['queue' => ['amqp' => ['host' => 'old']]];")
    run(tmp_path, path=str(target), data={"queue": {"consumers_wait_for_messages": 0}}, replace_keys=["queue"])
    assert php_export(target)["queue"] == {"consumers_wait_for_messages": 0}


def test_check_mode_reports_the_change_with_a_diff_and_writes_nothing(tmp_path):
    target = tmp_path / "env.php"
    target.write_text("<?php return ['a' => 1];")
    result = run(tmp_path, check=True, path=str(target), data={"b": 2})
    assert result["changed"] is True
    assert "'b' => 2" in result["diff"]["after"] and "'a' => 1" in result["diff"]["after"]
    assert target.read_text() == "<?php return ['a' => 1];"


def test_unreadable_existing_file_is_never_overwritten(tmp_path):
    target = tmp_path / "env.php"
    target.write_text("<?php return ['a' => ;")
    result = run(tmp_path, path=str(target), data={"b": 2})
    assert result["failed"] is True
    assert "PHP cannot read it" in result["msg"] and str(target) in result["msg"]
    assert target.read_text() == "<?php return ['a' => ;"
