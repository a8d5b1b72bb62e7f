"""Deploys of the sample app on the all-in-one host: the live result, every kind of bad input, the
lock, rollback, patch status, and the zero-downtime benchmark under load."""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import (INVENTORY, PLAIN_OUTPUT, PROJECT, SAMPLE_REPO, clone_sample_repo, commit, deploy,  # noqa: E402
                              ok, playbook)

APP_ROOT = "/var/www/magento"
HOST_NAME = "magecloud-deploy-aio"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def current(host):
    return ok(host, f"readlink {APP_ROOT}/current").strip()


def page(host, path="/"):
    return ok(host, f"curl -s -H 'Host: localhost' http://127.0.0.1{path}")


def releases(host):
    return sorted(ok(host, f"ls -A {APP_ROOT}/releases").split())


@pytest.fixture()
def repo(tmp_path):
    """A clone of the deployed sample repository to commit broken changes to."""
    return clone_sample_repo(tmp_path)


def assert_nothing_changed(host, before_current, before_releases):
    assert current(host) == before_current
    assert releases(host) == before_releases
    assert "a=v1 b=v1" in page(host)
    assert host.run(f"test -e {APP_ROOT}/deploy.lock").rc != 0, "the lock was not given back"


def test_sample_app_is_live_through_varnish(host):
    body = page(host)
    assert re.search(r"a=v1 b=v1 release=\S+", body)
    assert "(patched)" in body, "m2-hotfixes/SAMPLE-1_greeting.patch was not applied by the build"
    stack = page(host, "/stack")
    assert all(f"{service} OK" in stack for service in ("database", "redis", "opensearch")), stack


def test_release_is_read_only_for_php_and_mounts_are_shared(host):
    release = f"{APP_ROOT}/{current(host)}"
    assert host.run(f"runuser -u magento -- touch {release}/pub/index.php").rc != 0
    assert host.file(f"{release}/var").linked_to == f"{APP_ROOT}/shared/var"
    assert host.file(f"{release}/pub/media").linked_to == f"{APP_ROOT}/shared/pub/media"
    assert host.file(f"{release}/app/etc/env.php").linked_to == f"{APP_ROOT}/shared/app/etc/env.php"
    ok(host, f"runuser -u magento -- touch {APP_ROOT}/shared/var/writable-probe")


def test_build_output_is_in_the_release(host):
    release = f"{APP_ROOT}/{current(host)}"
    assert "Sample\\\\Model\\\\Greeting" in ok(host, f"cat {release}/generated/metadata/classmap.php")
    assert ok(host, f"cat {release}/pub/static/frontend/Sample/default/en_US/css/styles.min.css").startswith("body{")


def test_env_php_keys_added_by_hand_survive_a_deploy(host, repo):
    env_php = f"{APP_ROOT}/shared/app/etc/env.php"
    ok(host, f"php -r '$c = include \"{env_php}\"; $c[\"crypt\"] = [\"key\" => \"kept-by-hand\"]; "
             f"file_put_contents(\"{env_php}\", \"<?php\\nreturn \" . var_export($c, true) . \";\\n\");'")
    (repo / "README.md").write_text("changed\n")
    commit(repo, "a change")
    rc, output = deploy(repo)
    assert rc == 0, output[-3000:]
    assert ok(host, f"php -r '$c = include \"{env_php}\"; echo $c[\"crypt\"][\"key\"];'") == "kept-by-hand"


def test_unknown_ref_fails_before_anything_changes(host):
    before = current(host), releases(host)
    rc, output = playbook("deploy.yml", "-e", f"magecloud_git_repo={SAMPLE_REPO}", "-e", "magecloud_git_ref=no-such-branch")
    assert rc != 0 and "cannot read no-such-branch" in output, output[-3000:]
    assert_nothing_changed(host, *before)


def test_unreachable_repository_fails_before_anything_changes(host):
    before = current(host), releases(host)
    rc, output = playbook("deploy.yml", "-e", "magecloud_git_repo=http://127.0.0.1:9/shop.git", "-e", "magecloud_git_ref=main")
    assert rc != 0 and "127.0.0.1:9" in output, output[-3000:]
    assert_nothing_changed(host, *before)


def test_missing_hook_binary_stops_the_build_with_its_output(host, repo):
    before = current(host), releases(host)
    app_yaml = repo / ".magento.app.yaml"
    app_yaml.write_text(app_yaml.read_text().replace("php bin/magento setup:di:compile", "magento-cloud-missing-tool --build"))
    commit(repo, "build hook calls a tool that is not installed")
    rc, output = deploy(repo)
    assert rc != 0, output[-3000:]
    assert "The build hook failed with exit code 127" in output and "magento-cloud-missing-tool: command not found" in output
    assert_nothing_changed(host, *before)
    assert ok(host, f"ls -A {APP_ROOT}/builds").strip() == "", "a failed build left its directory behind"


def test_patch_conflict_names_the_patch_and_applies_nothing(host, repo):
    before = current(host), releases(host)
    (repo / "m2-hotfixes" / "SAMPLE-2_conflict.patch").write_text(
        "--- a/app/code/Sample/Model/Greeting.php\n+++ b/app/code/Sample/Model/Greeting.php\n"
        "@@ -11,1 +11,1 @@\n-        return 'text that is not there';\n+        return 'other';\n")
    commit(repo, "a hotfix that does not apply")
    rc, output = deploy(repo)
    assert rc != 0 and "SAMPLE-2_conflict.patch does not apply" in output, output[-3000:]
    assert "Greeting.php" in output and "Reverted the 1 patch(es)" in output
    assert_nothing_changed(host, *before)


def test_health_check_failing_before_the_switch_keeps_the_old_release(host, repo):
    before = current(host), releases(host)
    (repo / "app" / "fail-health").write_text("fault\n")
    commit(repo, "a release whose health page fails")
    rc, output = deploy(repo)
    assert rc != 0 and "failed its health check before the switch" in output, output[-3000:]
    assert current(host) == before[0] and "a=v1 b=v1" in page(host)


def test_disk_space_below_the_artifact_size_fails_before_unpacking(host, repo):
    tiny_root = "/srv/tiny-app"
    ok(host, f"mkdir -p {tiny_root}/releases && mount -t tmpfs -o size=1m tmpfs {tiny_root}/releases")
    try:
        (repo / "pub" / "media-sample.bin").write_bytes(os.urandom(3 * 1024 * 1024))
        commit(repo, "a release bigger than the disk")
        rc, output = deploy(repo, "-e", f"deploy_app_root={tiny_root}")
        assert rc != 0 and "Not enough disk space" in output, output[-3000:]
        assert ok(host, f"ls -A {tiny_root}/releases").strip() == "", "a half-written release was left"
        assert host.run(f"test -e {tiny_root}/current").rc != 0
    finally:
        host.run(f"umount {tiny_root}/releases")
        host.run(f"rm -rf {tiny_root}")


def test_a_held_lock_names_its_holder(host):
    before = current(host), releases(host)
    ok(host, f"echo '{{\"holder\": \"alice@ctl-2 deploying hotfix\", \"since\": '$(date +%s)'}}' > {APP_ROOT}/deploy.lock")
    try:
        rc, output = deploy(SAMPLE_REPO)
        assert rc != 0 and "is held by alice@ctl-2 deploying hotfix" in output, output[-3000:]
        assert ok(host, f"cat {APP_ROOT}/deploy.lock").count("alice") == 1, "another holder's lock was removed"
    finally:
        ok(host, f"rm -f {APP_ROOT}/deploy.lock")
    assert_nothing_changed(host, *before)


def test_rollback_goes_back_and_forth(host):
    live = current(host)
    rc, output = playbook("rollback.yml")
    assert rc == 0, output[-3000:]
    previous = current(host)
    assert previous != live
    assert previous.split("/")[-1] in page(host, "/health_check.php")
    rc, output = playbook("rollback.yml", "-e", f"magecloud_release={live.split('/')[-1]}")
    assert rc == 0, output[-3000:]
    assert current(host) == live


def test_patch_status_reports_the_applied_hotfix(host):
    release = f"{APP_ROOT}/current"
    result = subprocess.run(["ansible", "-i", INVENTORY, HOST_NAME, "-m", "magecloud.platform.patch", "-a",
                             f"path={release}/ patch_dirs={release}/m2-hotfixes state=status", "-o"],
                            capture_output=True, text=True, timeout=120, check=False, env=PLAIN_OUTPUT)
    assert result.returncode == 0, result.stdout + result.stderr
    table = json.JSONDecoder().raw_decode(result.stdout.split("=>", 1)[1].strip())[0]["patches"]
    assert [(row["id"], row["status"]) for row in table] == [("SAMPLE-1_greeting", "applied")]


def test_blue_green_off_upgrades_under_maintenance_and_ends_it(host, repo):
    schema = repo / "app" / "code" / "Sample" / "etc" / "schema_version.php"
    version = int(re.search(r"return (\d+);", schema.read_text()).group(1)) + 1
    schema.write_text(f"<?php\nreturn {version};\n")
    commit(repo, "a schema change deployed with blue/green off")
    rc, output = deploy(repo, "-e", "deploy_blue_green=false", "-v")
    assert rc == 0, output[-3000:]
    ran = re.search(r'"ran": \[([^\]]*)\]', output[output.index("Apply schema and configuration changes"):]).group(1)
    steps = [step for step in ("maintenance:enable", "setup:upgrade", "maintenance:disable") if step in ran]
    assert steps == ["maintenance:enable", "setup:upgrade", "maintenance:disable"] and ran.index("maintenance:enable") < ran.index(
        "setup:upgrade") < ran.index("maintenance:disable"), ran
    assert host.run(f"test -e {APP_ROOT}/shared/var/.maintenance.flag").rc != 0, "maintenance mode was left on"
    assert "up to date" in ok(host, f"cd {APP_ROOT}/current && runuser -u magento -- php bin/magento setup:db:status")
    rc, output = deploy(repo)
    assert rc == 0, output[-3000:]


def test_a_repository_url_is_cloned_and_built_on_the_build_host(host, repo):
    before = current(host)
    (repo / "README.md").write_text("deployed from a URL\n")
    commit(repo, "a change fetched by URL")
    subprocess.run(["docker", "cp", str(repo), f"{HOST_NAME}:/srv/sample-upload"], check=True)
    ok(host, "rm -rf /srv/sample.git && git clone -q --bare /srv/sample-upload /srv/sample.git && rm -rf /srv/sample-upload")
    rc, output = playbook("deploy.yml", "-e", "magecloud_git_repo=file:///srv/sample.git", "-e", "magecloud_git_ref=main")
    assert rc == 0, output[-3000:]
    assert current(host) != before and ok(host, f"cat {APP_ROOT}/current/README.md") == "deployed from a URL"
    assert ok(host, f"git -C {APP_ROOT}/build/checkout log -1 --format=%s") == "a change fetched by URL"


def test_zero_downtime_under_load(host, tmp_path):
    # A bound, not a goal: its 24 deploys took 1,507 s with another scenario converging beside them.
    figures = tmp_path / "deploy-under-load.json"
    result = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "deploy_under_load.py"), "--inventory", INVENTORY,
                             "--host", HOST_NAME, "--deploys", "20", "--json", str(figures)],
                            capture_output=True, text=True, timeout=2400, check=False)
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    data = json.loads(figures.read_text())
    assert data["zero_downtime"]["responses"] > 1000
    kept = pathlib.Path(os.environ.get("MAGECLOUD_BENCH_DIR", "/tmp/magecloud-bench"))
    kept.mkdir(parents=True, exist_ok=True)
    shutil.copy(figures, kept / figures.name)
    (kept / "deploy-under-load.txt").write_text(result.stdout)
