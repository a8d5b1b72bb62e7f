"""release_artifacts: a directory of artifacts pruned to the kept releases, run as Ansible runs it."""

import os

from module_runner import run_module

KEPT = "4f2a9c01d2e3-77aa01bc"
GONE = "9b0e11aa4c21-77aa01bc"


def cache(tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir()
    for name in (f"{KEPT}.tar.gz", f"{GONE}.tar.gz", "9b0e11aa4c21" + "0" * 28 + ".tar"):
        (directory / name).write_text("data")
    return directory


def test_it_removes_what_no_kept_release_needs(tmp_path):
    directory = cache(tmp_path)
    result = run_module("release_artifacts", tmp_path, path=str(directory), keep=[KEPT])
    assert result["changed"] and result["removed"] == [f"{GONE}.tar.gz", "9b0e11aa4c21" + "0" * 28 + ".tar"], result
    assert os.listdir(directory) == [f"{KEPT}.tar.gz"]
    assert not run_module("release_artifacts", tmp_path, path=str(directory), keep=[KEPT])["changed"]


def test_check_mode_changes_nothing(tmp_path):
    directory = cache(tmp_path)
    result = run_module("release_artifacts", tmp_path, check=True, path=str(directory), keep=[KEPT])
    assert result["changed"] and len(result["removed"]) == 2
    assert len(os.listdir(directory)) == 3
