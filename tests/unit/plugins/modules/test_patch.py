"""patch against real git apply: apply in order, already applied, conflict with revert, status and absent."""

import shutil
import subprocess

import pytest
from module_runner import run_module

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ORIGINAL = "line one\nline two\nline three\n"


def make_patch(tmp_path, name, before, after, path="app/file.txt"):
    """A real unified diff produced by git diff --no-index."""
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(before)
    new.write_text(after)
    diff = subprocess.run(["git", "diff", "--no-index", str(old), str(new)], capture_output=True, text=True, check=False).stdout
    diff = diff.replace(f"a{old}", f"a/{path}").replace(f"b{new}", f"b/{path}")
    target = tmp_path / "patches" / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(diff)
    return target


@pytest.fixture()
def tree(tmp_path):
    root = tmp_path / "tree"
    (root / "app").mkdir(parents=True)
    (root / "app" / "file.txt").write_text(ORIGINAL)
    return root


def statuses(result):
    return [(row["id"], row["status"]) for row in result["patches"]]


def test_applies_the_directory_in_alphabetical_order_and_then_changes_nothing(tmp_path, tree):
    make_patch(tmp_path, "B-second.patch", "line one\nline TWO\nline three\n", "line one\nline TWO\nline 3\n")
    make_patch(tmp_path, "A-first.patch", ORIGINAL, "line one\nline TWO\nline three\n")
    first = run_module("patch", tmp_path, path=str(tree), patch_dirs=[str(tmp_path / "patches")], log_file=str(tree / "var/log/patch.log"))
    assert first["changed"] and first["applied"] == ["A-first", "B-second"], first
    assert (tree / "app" / "file.txt").read_text() == "line one\nline TWO\nline 3\n"
    assert statuses(first) == [("A-first", "applied"), ("B-second", "applied")]
    assert "applied" in (tree / "var/log/patch.log").read_text()
    again = run_module("patch", tmp_path, path=str(tree), patch_dirs=[str(tmp_path / "patches")])
    assert not again["changed"] and again["applied"] == []


def test_conflict_names_the_patch_and_reverts_what_the_run_applied(tmp_path, tree):
    make_patch(tmp_path, "A-good.patch", ORIGINAL, "line one\nline TWO\nline three\n")
    make_patch(tmp_path, "B-bad.patch", "something else\nentirely\n", "changed\n")
    result = run_module("patch", tmp_path, path=str(tree), patch_dirs=[str(tmp_path / "patches")])
    assert result["failed"]
    assert "B-bad.patch does not apply" in result["msg"] and "app/file.txt" in result["msg"]
    assert result["reverted"] == ["A-good"]
    assert (tree / "app" / "file.txt").read_text() == ORIGINAL


def test_check_mode_reports_without_touching_the_tree(tmp_path, tree):
    make_patch(tmp_path, "A.patch", ORIGINAL, "changed\n")
    result = run_module("patch", tmp_path, check=True, path=str(tree), patch_dirs=[str(tmp_path / "patches")])
    assert result["changed"] and result["applied"] == ["A"]
    assert (tree / "app" / "file.txt").read_text() == ORIGINAL


def test_status_and_absent(tmp_path, tree):
    patch = make_patch(tmp_path, "A.patch", ORIGINAL, "changed\n")
    assert statuses(run_module("patch", tmp_path, path=str(tree), patches=[str(patch)], state="status")) == [("A", "not applied")]
    run_module("patch", tmp_path, path=str(tree), patches=[str(patch)])
    assert statuses(run_module("patch", tmp_path, path=str(tree), patches=[str(patch)], state="status")) == [("A", "applied")]
    reverted = run_module("patch", tmp_path, path=str(tree), patches=[str(patch)], state="absent")
    assert reverted["reverted"] == ["A"] and (tree / "app" / "file.txt").read_text() == ORIGINAL
    (tree / "app" / "file.txt").write_text("unrelated\n")
    assert statuses(run_module("patch", tmp_path, path=str(tree), patches=[str(patch)], state="status")) == [("A", "conflict")]


def test_missing_patch_file_is_named(tmp_path, tree):
    result = run_module("patch", tmp_path, path=str(tree), patches=[str(tmp_path / "nope.patch")])
    assert result["failed"] and "nope.patch" in result["msg"]
