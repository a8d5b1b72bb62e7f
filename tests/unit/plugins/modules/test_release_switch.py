"""release_switch on a real directory tree, with a real HTTP server standing where nginx stands:
it answers the live URL from the release `current` resolves to, and the preview URL from the
release named in X-Magecloud-Release, failing for releases that carry a `broken` file."""

import http.server
import io
import json
import os
import pathlib
import subprocess
import tarfile
import threading
import time

import pytest
from module_runner import run_module


class ReleaseServer(http.server.BaseHTTPRequestHandler):
    app_root = None
    port = 0

    def do_GET(self):  # noqa: N802 - the name http.server calls
        releases = pathlib.Path(self.app_root) / "releases"
        if self.path.startswith("/preview"):
            release = releases / self.headers.get("X-Magecloud-Release", "-")
        else:
            release = pathlib.Path(os.path.realpath(pathlib.Path(self.app_root) / "current"))
        broken = (release / "broken").exists() or (self.path.startswith("/live") and (release / "broken-live").exists())
        body = f"release={release.name}\n".encode()
        self.send_response(500 if broken or not release.is_dir() else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def app_root(tmp_path):
    root = tmp_path / "app"
    root.mkdir()
    ReleaseServer.app_root = str(root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ReleaseServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ReleaseServer.port = server.server_address[1]
    yield root
    server.shutdown()


def artifact(tmp_path, name, files):
    path = tmp_path / f"{name}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for relative, content in files.items():
            data = content.encode()
            info = tarfile.TarInfo(relative)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def health():
    port = ReleaseServer.port
    return {"live_url": f"http://127.0.0.1:{port}/live", "preview_url": f"http://127.0.0.1:{port}/preview",
            "body": "release={release}", "attempts": 1}


def prepare(tmp_path, app_root, release, files=None):
    files = files or {"pub/index.php": f"<?php echo '{release}';", "var/cache/seed": "from the build"}
    return run_module("release_switch", tmp_path, app_root=str(app_root), release=release, state="prepared",
                      artifact=str(artifact(tmp_path, release, files)), mounts=["var"], shared_files=["app/etc/env.php"],
                      writable_owner=pwd_name())


def switch(tmp_path, app_root, release, **extra):
    return run_module("release_switch", tmp_path, app_root=str(app_root), release=release, health_check=health(), **extra)


def pwd_name():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


def test_prepare_unpacks_links_mounts_and_is_idempotent(tmp_path, app_root):
    first = prepare(tmp_path, app_root, "r1")
    assert first["changed"], first
    release = app_root / "releases" / "r1"
    assert (release / "pub" / "index.php").read_text() == "<?php echo 'r1';"
    assert os.readlink(release / "var") == str(app_root / "shared" / "var")
    assert (release / "init" / "var" / "cache" / "seed").read_text() == "from the build"
    assert os.listdir(app_root / "shared" / "var") == [], "mount_init seeds the mount in the hook phase, not prepare"
    assert os.readlink(release / "app" / "etc" / "env.php") == str(app_root / "shared" / "app" / "etc" / "env.php")
    assert not release.stat().st_mode & 0o022
    assert not [name for name in os.listdir(app_root / "releases") if name.startswith(".")]
    assert not prepare(tmp_path, app_root, "r1")["changed"]


def test_a_shared_file_inside_a_linked_mount_is_left_to_the_mount(tmp_path, app_root):
    (app_root / "shared" / "app" / "etc").mkdir(parents=True)
    (app_root / "shared" / "app" / "etc" / "env.php").write_text("<?php return ['crypt' => 'kept'];")
    run_module("release_switch", tmp_path, app_root=str(app_root), release="r1", state="prepared",
               artifact=str(artifact(tmp_path, "r1", {"pub/index.php": "", "app/etc/config.php": "built"})),
               mounts=["app/etc"], shared_files=["app/etc/env.php"], writable_owner=pwd_name())
    release = app_root / "releases" / "r1"
    assert os.readlink(release / "app" / "etc") == str(app_root / "shared" / "app" / "etc")
    assert (app_root / "shared" / "app" / "etc" / "env.php").read_text() == "<?php return ['crypt' => 'kept'];"
    assert (release / "init" / "app" / "etc" / "config.php").read_text() == "built"


def test_a_rollback_puts_back_the_config_php_that_went_with_the_release(tmp_path, app_root):
    mount = app_root / "shared" / "app" / "etc"
    for release in ("r1", "r2"):
        run_module("release_switch", tmp_path, app_root=str(app_root), release=release, state="prepared",
                   artifact=str(artifact(tmp_path, release, {"pub/index.php": ""})), mounts=["app/etc"], writable_owner=pwd_name())
    for release in ("r1", "r2"):
        (mount / "config.php").write_text(f"modules of {release}")
        switch(tmp_path, app_root, release, backup_files=["app/etc/config.php"])
    (mount / "config.php").chmod(0o640)
    back = switch(tmp_path, app_root, "previous", backup_files=["app/etc/config.php"], restore_files=["app/etc/config.php"])
    assert back["current"] == "r1" and back["restored"] == ["app/etc/config.php"], back
    assert (mount / "config.php").read_text() == "modules of r1"
    assert (mount / "config.php").stat().st_mode & 0o777 == 0o640
    forward = switch(tmp_path, app_root, "r2", restore_files=["app/etc/config.php", "app/etc/absent.php"])
    assert forward["restored"] == ["app/etc/config.php"] and (mount / "config.php").read_text() == "modules of r2"


def test_a_config_php_inside_the_release_is_never_restored(tmp_path, app_root):
    prepare(tmp_path, app_root, "r1", {"pub/index.php": "", "app/etc/config.php": "r1 owns it"})
    prepare(tmp_path, app_root, "r2", {"pub/index.php": "", "app/etc/config.php": "r2 owns it"})
    switch(tmp_path, app_root, "r1", backup_files=["app/etc/config.php"])
    (app_root / "shared" / "app" / "etc" / "backups" / "config.php.r1").write_text("tampered copy")
    switch(tmp_path, app_root, "r2")
    back = switch(tmp_path, app_root, "r1", restore_files=["app/etc/config.php"])
    assert back["current"] == "r1" and back["restored"] == []
    assert (app_root / "releases" / "r1" / "app" / "etc" / "config.php").read_text() == "r1 owns it"


def test_a_release_failing_live_goes_back_with_the_previous_config_php(tmp_path, app_root):
    mount = app_root / "shared" / "app" / "etc"
    for release, files in (("r1", {"pub/index.php": ""}), ("r2", {"pub/index.php": "", "broken-live": ""})):
        run_module("release_switch", tmp_path, app_root=str(app_root), release=release, state="prepared",
                   artifact=str(artifact(tmp_path, release, files)), mounts=["app/etc"], writable_owner=pwd_name())
    (mount / "config.php").write_text("modules of r1")
    switch(tmp_path, app_root, "r1", backup_files=["app/etc/config.php"])
    switch(tmp_path, app_root, "r2", backup_files=["app/etc/config.php"])  # fails live, never backed up
    (mount / "config.php").write_text("modules written by setup:upgrade of r1's successor")
    result = switch(tmp_path, app_root, "r1", restore_files=["app/etc/config.php"])
    assert not result["changed"] and os.readlink(app_root / "current") == "releases/r1"
    (mount / "config.php").write_text("modules written by setup:upgrade of r2")
    failed = run_module("release_switch", tmp_path, app_root=str(app_root), release="r2", health_check=health(),
                        restore_files=["app/etc/config.php"])
    assert failed["failed"] and failed["rolled_back"], failed
    assert (mount / "config.php").read_text() == "modules of r1"


def test_switch_checks_health_and_records_history(tmp_path, app_root):
    prepare(tmp_path, app_root, "r1")
    prepare(tmp_path, app_root, "r2")
    first = switch(tmp_path, app_root, "r1")
    assert first["changed"] and first["current"] == "r1" and first["switched_at"] > 0, first
    before = time.time()
    second = switch(tmp_path, app_root, "r2")
    assert second["current"] == "r2" and second["previous"] == "r1" and second["switched_at"] >= before
    assert second["health"]["before"]["status"] == 200 and second["health"]["after"]["ok"]
    assert os.readlink(app_root / "current") == "releases/r2"
    again = switch(tmp_path, app_root, "r2")
    assert not again["changed"] and again["previous"] == "r1"
    back = switch(tmp_path, app_root, "previous")
    assert back["current"] == "r1"


def test_a_switch_backs_up_the_named_files_through_the_release_links(tmp_path, app_root):
    prepare(tmp_path, app_root, "r1", {"pub/index.php": "", "app/etc/config.php": "<?php return ['modules' => []];"})
    (app_root / "shared" / "app" / "etc").mkdir(parents=True, exist_ok=True)
    (app_root / "shared" / "app" / "etc" / "env.php").write_text("<?php return ['db' => 'secret'];")
    result = switch(tmp_path, app_root, "r1", backup_files=["app/etc/env.php", "app/etc/config.php", "app/etc/absent.php"])
    backups = app_root / "shared" / "app" / "etc" / "backups"
    assert sorted(result["backups"]) == [str(backups / "config.php.r1"), str(backups / "env.php.r1")], result
    assert (backups / "env.php.r1").read_text() == "<?php return ['db' => 'secret'];"
    assert (backups / "env.php.r1").stat().st_mode & 0o777 == 0o600
    assert not switch(tmp_path, app_root, "r1", backup_files=["app/etc/env.php"]).get("backups")


def test_unhealthy_release_is_never_switched_to(tmp_path, app_root):
    prepare(tmp_path, app_root, "r1")
    switch(tmp_path, app_root, "r1")
    prepare(tmp_path, app_root, "bad", {"pub/index.php": "", "broken": ""})
    result = switch(tmp_path, app_root, "bad")
    assert result["failed"] and "before the switch" in result["msg"] and "500" in result["msg"]
    assert os.readlink(app_root / "current") == "releases/r1"


def test_release_failing_once_live_is_switched_back(tmp_path, app_root):
    prepare(tmp_path, app_root, "r1")
    switch(tmp_path, app_root, "r1")
    prepare(tmp_path, app_root, "late", {"pub/index.php": "", "broken-live": ""})
    result = switch(tmp_path, app_root, "late")
    assert result["failed"] and result["rolled_back"] and "switched back to r1" in result["msg"]
    assert os.readlink(app_root / "current") == "releases/r1"


def test_prune_keeps_current_recent_and_in_use_releases(tmp_path, app_root):
    for index in range(1, 5):
        prepare(tmp_path, app_root, f"r{index}")
        switch(tmp_path, app_root, f"r{index}", keep=2, prune_grace=0)
    assert sorted(os.listdir(app_root / "releases")) == [".history.json", "r3", "r4"]
    prepare(tmp_path, app_root, "r5")
    held = open(app_root / "releases" / "r3" / "pub" / "index.php", encoding="utf-8")  # a worker still reading r3
    try:
        result = switch(tmp_path, app_root, "r5", keep=1, prune_grace=0)
    finally:
        held.close()
    assert result["pruned"] == ["r4"]
    graced = switch(tmp_path, app_root, "r3", keep=1, prune_grace=3600)
    assert graced["pruned"] == []


def test_artifacts_are_pruned_with_their_releases(tmp_path, app_root):
    artifacts = app_root / "artifacts"
    artifacts.mkdir()
    (artifacts / "r0.tar.gz").write_text("an artifact whose release is gone")
    (artifacts / "r9.tar.gz.partial.4242").write_text("left by a killed pack")
    (artifacts / "notes.txt").write_text("not ours")
    for index in range(1, 5):
        (artifacts / f"r{index}.tar.gz").write_text("artifact")
        prepare(tmp_path, app_root, f"r{index}")
        result = switch(tmp_path, app_root, f"r{index}", keep=2, prune_grace=0)
    assert result["pruned"] == ["r2"] and result["pruned_artifacts"] == ["r2.tar.gz"], result
    assert sorted(os.listdir(artifacts)) == ["notes.txt", "r3.tar.gz", "r4.tar.gz"]
    assert sorted(os.listdir(app_root / "releases")) == [".history.json", "r3", "r4"]


def test_prepare_records_the_release_size_for_the_next_preflight(tmp_path, app_root):
    prepare(tmp_path, app_root, "r1", {"pub/index.php": "x" * 5000, "var/seed": "y" * 700})
    marker = json.loads((app_root / "releases" / "r1" / ".magecloud-release.json").read_text())
    assert marker["size"] == 5700


def test_not_enough_disk_space_leaves_no_release(tmp_path, app_root):
    statvfs = os.statvfs(app_root)
    free = statvfs.f_bavail * statvfs.f_frsize
    sparse = tmp_path / "huge.bin"
    with open(sparse, "wb") as handle:
        handle.truncate(free * 2)  # sparse: claims twice the free space, stores nothing
    big = tmp_path / "big.tar"
    subprocess.run(["tar", "-cSf", str(big), "-C", str(tmp_path), "huge.bin"], check=True)
    result = run_module("release_switch", tmp_path, app_root=str(app_root), release="huge", state="prepared", artifact=str(big),
                        writable_owner=pwd_name())
    assert result["failed"] and "Not enough disk space" in result["msg"], result
    assert os.listdir(app_root / "releases") == []


def test_pack_writes_the_artifact_and_removes_the_build(tmp_path, app_root):
    build = tmp_path / "build"
    (build / "pub").mkdir(parents=True)
    (build / "pub" / "index.php").write_text("<?php")
    result = run_module("release_switch", tmp_path, app_root=str(app_root), release="r1", state="packed", build_dir=str(build))
    assert result["changed"] and not build.exists()
    with tarfile.open(result["artifact"]) as archive:
        assert "./pub/index.php" in archive.getnames()


def test_bad_release_id_is_refused(tmp_path, app_root):
    result = switch(tmp_path, app_root, "../etc")
    assert result["failed"] and "not valid" in result["msg"]


def test_status_lists_releases(tmp_path, app_root):
    prepare(tmp_path, app_root, "r1")
    result = run_module("release_switch", tmp_path, app_root=str(app_root), state="status")
    assert result["releases"] == ["r1"] and result["current"] is None
    assert json.loads((app_root / "releases" / "r1" / ".magecloud-release.json").read_text())["release"] == "r1"
