"""mount_init on real directory trees: the build's content under the mounts moves to init/, and goes
back into the mounts on deploy, over the mount's files for app/etc and pub/media, only where the
mount lacks them elsewhere."""

import os
import pwd

from module_runner import run_module


def user():
    return pwd.getpwuid(os.getuid()).pw_name


def write(root, files):
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def collected(tmp_path, build, mounts, check=False):
    return run_module("mount_init", tmp_path, check=check, state="collected", path=str(build), mounts=mounts)


def restored(tmp_path, release, shared, mounts, check=False):
    return run_module("mount_init", tmp_path, check=check, state="restored", path=str(release), shared_dir=str(shared),
                      mounts=mounts, owner=user())


def test_collect_moves_each_mount_path_to_init_and_leaves_the_rest(tmp_path):
    build = tmp_path / "build"
    write(build, {"app/etc/config.php": "<?php return [];", "var/log/build.log": "built", "pub/index.php": "<?php"})
    result = collected(tmp_path, build, ["app/etc", "/var/", "pub/media"])
    assert result["changed"] and result["moved"] == ["app/etc", "var"], result
    assert (build / "init" / "app" / "etc" / "config.php").read_text() == "<?php return [];"
    assert (build / "init" / "var" / "log" / "build.log").read_text() == "built"
    assert not (build / "app" / "etc").exists() and not (build / "var").exists()
    assert (build / "pub" / "index.php").read_text() == "<?php"
    assert not collected(tmp_path, build, ["app/etc", "var"])["changed"]


def test_collect_in_check_mode_moves_nothing(tmp_path):
    build = tmp_path / "build"
    write(build, {"app/etc/config.php": "x"})
    result = collected(tmp_path, build, ["app/etc"], check=True)
    assert result["changed"] and result["moved"] == ["app/etc"]
    assert (build / "app" / "etc" / "config.php").exists() and not (build / "init").exists()


def test_restore_overwrites_app_etc_and_fills_only_the_gaps_of_other_mounts(tmp_path):
    release, shared = tmp_path / "release", tmp_path / "shared"
    write(release, {"init/app/etc/config.php": "new config", "init/var/seed.txt": "from the build",
                    "init/var/kept.txt": "from the build", "init/pub/media/logo.png": "new logo"})
    write(shared, {"app/etc/config.php": "old config", "app/etc/env.php": "user keys", "var/kept.txt": "written by the app",
                   "pub/media/logo.png": "old logo"})
    result = restored(tmp_path, release, shared, ["app/etc", "var", "pub/media"])
    assert result["changed"] and result["copied"] == ["app/etc/config.php", "var/seed.txt", "pub/media/logo.png"], result
    assert (shared / "app" / "etc" / "config.php").read_text() == "new config"
    assert (shared / "app" / "etc" / "env.php").read_text() == "user keys"
    assert (shared / "var" / "seed.txt").read_text() == "from the build"
    assert (shared / "var" / "kept.txt").read_text() == "written by the app"
    assert (shared / "pub" / "media" / "logo.png").read_text() == "new logo"
    assert not [name for name in os.listdir(shared / "app" / "etc") if "partial" in name]
    assert not restored(tmp_path, release, shared, ["app/etc", "var", "pub/media"])["changed"]


def test_restore_makes_a_missing_mount_and_check_mode_copies_nothing(tmp_path):
    release, shared = tmp_path / "release", tmp_path / "shared"
    write(release, {"init/app/etc/config.php": "config"})
    shared.mkdir()
    preview = restored(tmp_path, release, shared, ["app/etc"], check=True)
    assert preview["changed"] and preview["copied"] == ["app/etc/config.php"] and not (shared / "app").exists()
    assert restored(tmp_path, release, shared, ["app/etc"])["copied"] == ["app/etc/config.php"]
    assert (shared / "app" / "etc" / "config.php").read_text() == "config"


def test_restore_of_a_release_without_init_changes_nothing(tmp_path):
    release, shared = tmp_path / "release", tmp_path / "shared"
    release.mkdir()
    shared.mkdir()
    result = restored(tmp_path, release, shared, ["app/etc", "var"])
    assert not result["changed"] and result["copied"] == [] and os.listdir(shared) == []


def test_a_missing_directory_names_itself(tmp_path):
    result = collected(tmp_path, tmp_path / "nowhere", ["app/etc"])
    assert result["failed"] and result["msg"] == f"Cannot move the content of the mounts to init/: {tmp_path / 'nowhere'} is not a directory."
