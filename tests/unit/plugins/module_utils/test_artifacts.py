"""Which entries of an artifact directory no kept release needs: real files in a temporary directory."""

import os

from ansible_collections.magecloud.platform.plugins.module_utils.artifacts import remove_stale_entries, stale_entries

TREE_A = "4f2a9c01d2e3" + "a" * 28
TREE_B = "9b0e11aa4c21" + "b" * 28
RELEASE_A = "4f2a9c01d2e3-77aa01bc"
RELEASE_B = "9b0e11aa4c21-77aa01bc"


def fill(directory, names):
    for name in names:
        if name.endswith("/"):
            (directory / name / ".magento").mkdir(parents=True)
            (directory / name / ".magento.app.yaml").write_text("name: shop\n")
        else:
            (directory / name).write_text("data")


def test_only_the_artifacts_of_kept_releases_stay(tmp_path):
    fill(tmp_path, [f"{RELEASE_A}.tar.gz", f"{RELEASE_B}.tar.gz", "r1.tar.gz"])
    assert stale_entries(tmp_path, [RELEASE_A]) == [f"{RELEASE_B}.tar.gz", "r1.tar.gz"]
    assert stale_entries(tmp_path, [RELEASE_A, RELEASE_B, "r1"]) == []


def test_exports_and_project_copies_follow_the_releases_built_from_their_tree(tmp_path):
    fill(tmp_path, [f"{TREE_A}.tar", f"{TREE_B}.tar", f"project-{TREE_A}/", f"project-{TREE_B}/"])
    # Another build configuration of tree A is a different release of the same tree: its export stays.
    assert stale_entries(tmp_path, ["4f2a9c01d2e3-0123abcd"]) == [f"{TREE_B}.tar", f"project-{TREE_B}"]


def test_half_written_files_go_and_foreign_files_stay(tmp_path):
    fill(tmp_path, [f"{RELEASE_A}.tar.gz.partial.4242", f"{TREE_A}.tar.partial.17", "notes.txt", "backup.tar.gz.old",
                    "..tar.gz", "shop.tar"])
    assert stale_entries(tmp_path, [RELEASE_A]) == [f"{RELEASE_A}.tar.gz.partial.4242", f"{TREE_A}.tar.partial.17"]


def test_removal_deletes_files_and_directories_and_keeps_the_rest(tmp_path):
    fill(tmp_path, [f"{RELEASE_A}.tar.gz", f"{RELEASE_B}.tar.gz", f"{TREE_B}.tar", f"project-{TREE_B}/", "notes.txt"])
    removed = remove_stale_entries(tmp_path, [RELEASE_A])
    assert removed == [f"{RELEASE_B}.tar.gz", f"{TREE_B}.tar", f"project-{TREE_B}"]
    assert sorted(os.listdir(tmp_path)) == [f"{RELEASE_A}.tar.gz", "notes.txt"]


def test_check_mode_names_what_would_go_and_removes_nothing(tmp_path):
    fill(tmp_path, [f"{RELEASE_A}.tar.gz", f"{RELEASE_B}.tar.gz"])
    assert remove_stale_entries(tmp_path, [RELEASE_A], check_mode=True) == [f"{RELEASE_B}.tar.gz"]
    assert sorted(os.listdir(tmp_path)) == [f"{RELEASE_A}.tar.gz", f"{RELEASE_B}.tar.gz"]


def test_a_link_named_like_a_stale_entry_is_removed_not_followed(tmp_path):
    target = tmp_path / "elsewhere"
    fill(target.parent, ["elsewhere/"])
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"project-{TREE_B}").symlink_to(target)
    assert remove_stale_entries(cache, [RELEASE_A]) == [f"project-{TREE_B}"]
    assert os.listdir(cache) == [] and (target / ".magento.app.yaml").exists()


def test_a_missing_directory_has_nothing_to_prune(tmp_path):
    assert remove_stale_entries(tmp_path / "absent", [RELEASE_A]) == []
