"""config_files on a real directory tree: writes, leaves alone, validates, removes, in and out of check mode."""

import json
import os
import stat

import pytest
from module_runner import run_module


def write(tmp_path, check=False, **args):
    return run_module("config_files", tmp_path, check=check, **args)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_writes_new_files_and_their_directory_then_changes_nothing(tmp_path):
    dropin = tmp_path / "unit.service.d"
    args = {"directories": [{"path": str(dropin)}],
            "files": [{"dest": str(dropin / "10-limits.conf"), "content": "[Service]\nLimitNOFILE=65535\n"},
                      {"dest": str(tmp_path / "app.ini"), "content": "memory_limit = 2G\n", "mode": "0640"}]}
    first = write(tmp_path, **args)
    assert first["changed"] is True
    assert first["changed_directories"] == [str(dropin)]
    assert sorted(first["changed_files"]) == sorted([str(dropin / "10-limits.conf"), str(tmp_path / "app.ini")])
    assert (dropin / "10-limits.conf").read_text() == "[Service]\nLimitNOFILE=65535\n"
    assert mode_of(tmp_path / "app.ini") == 0o640
    assert mode_of(dropin) == 0o755
    second = write(tmp_path, **args)
    assert second["changed"] is False and second["changed_files"] == [] and second["diff"] == []


def test_only_the_attributes_of_an_unchanged_file_are_fixed(tmp_path):
    target = tmp_path / "redis.conf"
    target.write_text("port 6379\n")
    os.chmod(target, 0o666)
    result = write(tmp_path, files=[{"dest": str(target), "content": "port 6379\n", "mode": "0640"}])
    assert result["changed_files"] == [str(target)]
    assert result["diff"] == []
    assert mode_of(target) == 0o640


def test_a_failing_check_keeps_the_old_file_and_names_it(tmp_path):
    target = tmp_path / "magento.vcl"
    target.write_text("vcl 4.1;\n")
    result = write(tmp_path, files=[{"dest": str(target), "content": "broken\n",
                                     "validate": "grep -q '^vcl 4' %s"}])
    assert result["failed"] is True
    assert str(target) in result["msg"] and "left as it was" in result["msg"]
    assert target.read_text() == "vcl 4.1;\n"
    assert [name for name in os.listdir(tmp_path) if name.startswith(".magecloud-")] == []


def test_a_passing_check_lets_the_new_content_in(tmp_path):
    target = tmp_path / "magento.vcl"
    result = write(tmp_path, files=[{"dest": str(target), "content": "vcl 4.1;\n", "validate": "grep -q '^vcl 4' %s"}])
    assert result["changed"] is True
    assert target.read_text() == "vcl 4.1;\n"


def test_check_mode_reports_without_writing_and_diff_shows_the_change(tmp_path):
    target = tmp_path / "php.ini"
    target.write_text("memory_limit = 1G\n")
    result = write(tmp_path, check=True, directories=[{"path": str(tmp_path / "new" / "dir")}],
                   files=[{"dest": str(target), "content": "memory_limit = 2G\n"},
                          {"dest": str(tmp_path / "new" / "dir" / "pool.conf"), "content": "[magento]\n"}],
                   absent=[str(tmp_path / "php.ini")])
    assert result["changed"] is True
    assert result["changed_directories"] == [str(tmp_path / "new" / "dir")]
    assert len(result["changed_files"]) == 2
    assert result["diff"][0] == {"before_header": str(target), "after_header": str(target),
                                 "before": "memory_limit = 1G\n", "after": "memory_limit = 2G\n"}
    assert target.read_text() == "memory_limit = 1G\n"
    assert not (tmp_path / "new").exists()


def test_absent_files_are_removed_once(tmp_path):
    stock = tmp_path / "www.conf"
    stock.write_text("[www]\n")
    assert write(tmp_path, absent=[str(stock)])["removed"] == [str(stock)]
    assert not stock.exists()
    assert write(tmp_path, absent=[str(stock)])["changed"] is False


def test_a_directory_in_absent_is_refused(tmp_path):
    result = write(tmp_path, absent=[str(tmp_path)])
    assert result["failed"] is True and "is a directory" in result["msg"]


def test_a_symbolic_link_keeps_pointing_at_its_file(tmp_path):
    available = tmp_path / "sites-available.conf"
    available.write_text("server {}\n")
    enabled = tmp_path / "sites-enabled.conf"
    enabled.symlink_to(available)
    result = write(tmp_path, files=[{"dest": str(enabled), "content": "server { listen 80; }\n"}])
    assert result["changed"] is True
    assert enabled.is_symlink()
    assert available.read_text() == "server { listen 80; }\n"


def test_a_secret_file_shows_only_that_it_changed(tmp_path):
    target = tmp_path / "cache.conf"
    target.write_text("requirepass old-secret\n")
    result = write(tmp_path, files=[{"dest": str(target), "content": "requirepass new-secret\n", "secret": True},
                                    {"dest": str(tmp_path / "plain.conf"), "content": "port 6379\n"}])
    assert result["changed_files"] == [str(target), str(tmp_path / "plain.conf")]
    assert result["diff"][0] == {"prepared": f"--- {target}\n+++ {target}\ncontent hidden: secret\n"}
    assert result["diff"][1]["after"] == "port 6379\n"
    assert "new-secret" not in json.dumps(result), "not even in the invocation the module returns"
    assert target.read_text() == "requirepass new-secret\n"


def test_a_failing_check_of_a_secret_file_leaves_its_output_out(tmp_path):
    target = tmp_path / "cache.conf"
    result = write(tmp_path, files=[{"dest": str(target), "content": "requirepass new-secret\n", "secret": True,
                                     "validate": "sh -c 'cat %s; exit 1'"}])
    assert result["failed"] is True
    assert result["msg"].endswith("so the file was left as it was: content hidden: secret")
    assert "new-secret" not in json.dumps(result)
    assert not target.exists()


def test_a_secret_content_given_apart_is_written_and_never_logged_on_the_host(tmp_path, monkeypatch):
    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args

    from ansible_collections.magecloud.platform.plugins.modules import config_files

    logged = []
    monkeypatch.setattr(basic.AnsibleModule, "log", lambda self, msg, log_args=None: logged.append(msg))
    target = tmp_path / "cache.conf"
    plain = tmp_path / "limits.conf"
    args = {"files": [{"dest": str(target), "secret": True}, {"dest": str(plain), "content": "LimitNOFILE=65535\n"}],
            "secret_contents": {str(target): "requirepass logged-nowhere\n"}}
    with patch_module_args(args), pytest.raises(SystemExit):
        config_files.main()
    assert target.read_text() == "requirepass logged-nowhere\n"
    assert len(logged) == 1 and "LimitNOFILE=65535" in logged[0], "the invocation is logged, with the plain file"
    assert "logged-nowhere" not in logged[0]
