"""env_php against the real PHP CLI: valid output, kept user keys, idempotence, check and diff mode."""

import json
import os
import pathlib
import shutil
import stat
import subprocess

import pytest
from ansible.module_utils.testing import patch_module_args
from module_runner import run_module

from ansible_collections.magecloud.platform.plugins.modules import env_php


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


def run_in_process(capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit):
        env_php.main()
    return json.loads(capsys.readouterr().out)


def record_modes(monkeypatch):
    """Every mode each path has had under its name: given by a rename onto it, or by a chmod of it."""
    modes = {}
    real_rename, real_chmod = os.rename, os.chmod

    def rename(source, target):
        modes.setdefault(os.fsdecode(target), []).append(stat.S_IMODE(os.stat(source).st_mode))
        real_rename(source, target)

    def chmod(path, mode, *args, **kwargs):
        real_chmod(path, mode, *args, **kwargs)
        modes.setdefault(os.fsdecode(path), []).append(stat.S_IMODE(os.stat(path).st_mode))

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "chmod", chmod)
    return modes


def test_a_new_file_never_has_more_than_its_final_mode(tmp_path, monkeypatch, capsys):
    target = tmp_path / "env.php"
    modes = record_modes(monkeypatch)
    previous = os.umask(0o022)
    try:
        result = run_in_process(capsys, path=str(target), data=DATA, mode="0640")
    finally:
        os.umask(previous)
    assert result["changed"] is True, result
    assert modes[str(target)] == [0o640]


def test_a_new_file_without_a_mode_is_private_and_a_replaced_one_keeps_its_mode(tmp_path, monkeypatch, capsys):
    target = tmp_path / "env.php"
    run_in_process(capsys, path=str(target), data={"a": 1})
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.chmod(0o640)
    modes = record_modes(monkeypatch)
    run_in_process(capsys, path=str(target), data={"a": 2}, backup=False)
    assert modes[str(target)] == [0o640]


def test_the_diff_hides_old_and_new_passwords_and_shows_the_rest(tmp_path):
    target = tmp_path / "env.php"
    target.write_text("<?php return ['db' => ['connection' => ['default' => ['password' => 'old-pass-1']]], "
                      "'crypt' => ['key' => 'c0ffee'], 'MAGE_MODE' => 'production'];")
    result = run(tmp_path, check=True, path=str(target), data=DATA)
    shown = result["diff"]["before"] + result["diff"]["after"]
    assert "old-pass-1" not in shown and "c0ffee" not in shown and "it's \\\\ secret" not in shown
    assert "'password' => '********'" in result["diff"]["after"]
    assert "'MAGE_MODE' => 'production'" in shown and "'dbname' => 'magento'" in shown
