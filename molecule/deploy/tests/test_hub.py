"""`git push` to the hub on the all-in-one host, from a client container over SSH: a change goes live
with progress lines and the URL, a broken .magento.app.yaml is refused with nothing changed, pushes
during a deploy coalesce into the newest, and `activity` lists the runs with their artifacts. The client
container is tests/hub_client.py's, shared with test_environments.py (conftest.py)."""

import json
import pathlib
import re
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, ok, playbook  # noqa: E402

APP_ROOT = "/var/www/magento"
RUNS = "/var/lib/magecloud-hub/runs/production"
# Bounds of the waits: a deploy of the sample app takes well under a minute on a loaded machine.
DEPLOY_SECONDS = 240

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def current(host):
    return ok(host, f"readlink {APP_ROOT}/current")


def releases(host):
    return sorted(ok(host, f"ls -A {APP_ROOT}/releases").split())


def page(host):
    return ok(host, "curl -s -H 'Host: localhost' http://127.0.0.1/")


def record(host, commit):
    found = host.run(f"cat {RUNS}/*-{commit[:12]}/hub-run.json")
    return json.loads(found.stdout) if found.rc == 0 else {}


def wait_for_run(host, commit, status):
    deadline = time.monotonic() + DEPLOY_SECONDS
    while record(host, commit).get("status") != status:
        assert time.monotonic() < deadline, f"run of {commit} is {record(host, commit)}, not {status}"
        time.sleep(1)


def test_a_one_file_change_is_live_and_the_pusher_saw_its_progress(host, client):
    first = client.commit("app/code/Sample/Version/A.php", "<?php\nreturn \"hub1\";\n", "A is hub1")
    started = time.monotonic()
    status, shown = client.push()
    took = time.monotonic() - started
    assert status == 0, shown
    assert "a=hub1 b=v1" in page(host)
    assert re.search(r"^remote: \[production\] +[0-9.]+s play: Deploy$", shown, re.M), shown
    assert re.search(rf"^remote: \[production\] +[0-9.]+s .+ \[{host.backend.get_hostname()}\] (ok|changed)$", shown, re.M), shown
    last = [line for line in shown.splitlines() if line.startswith("remote: [production]")][-1]
    assert re.match(rf"remote: \[production\] live at http://localhost/ \(release \S+, commit {first[:12]}, [0-9.]+s\)$", last), last
    print(f"push to live: {took:.1f}s")


def test_a_broken_app_file_is_refused_with_its_line_and_nothing_changes(host, client):
    before = current(host), releases(host)
    client.run("printf 'name: sample\\nname: again\\n' >> .magento.app.yaml && git -c user.name=t -c user.email=t@localhost "
               "commit -qam broken")
    status, shown = client.push(check=False)
    assert status != 0
    lines = shown.splitlines()
    assert next(line for line in lines if ": error: " in line).startswith("remote: .magento.app.yaml:"), shown
    assert re.search(r"^remote: \.magento\.app\.yaml:\d+:1: error: name: duplicate key `name`", shown, re.M), shown
    assert re.search(r"! \[remote rejected\] HEAD -> main \(pre-receive hook declined\)", shown), shown
    assert (current(host), releases(host)) == before
    assert "a=hub1 b=v1" in page(host)
    client.run("git reset -q --hard HEAD~1")


def test_pushes_during_a_deploy_deploy_once_with_the_newest(host, client):
    running = client.commit("app/code/Sample/Version/A.php", "<?php\nreturn \"hub2\";\n", "A is hub2")
    client.run("git push -q -f hub HEAD:main > /tmp/first-push.log 2>&1 &")
    deadline = time.monotonic() + 60
    while record(host, running).get("status") != "running":
        assert time.monotonic() < deadline, record(host, running)
        time.sleep(0.2)
    middle = client.commit("app/code/Sample/Version/A.php", "<?php\nreturn \"hub3\";\n", "A is hub3")
    status, shown_middle = client.push()
    time.sleep(1)
    newest = client.commit("app/code/Sample/Version/A.php", "<?php\nreturn \"hub4\";\n", "A is hub4")
    status, shown_newest = client.push()
    assert status == 0
    assert f"remote: [production] queued {middle[:12]}: a deploy of production is running" in shown_middle
    assert f"remote: [production] {middle[:12]} skipped: {newest[:12]} is newer and deploys instead" in shown_newest
    wait_for_run(host, newest, "successful")
    assert record(host, running)["status"] == "successful"
    assert record(host, middle)["status"] == "skipped"
    assert record(host, middle)["cause"] == f"superseded by {newest[:12]}"
    assert host.run(f"ls -d {RUNS}/*-{middle[:12]}/artifacts").rc != 0, "the skipped push ran"
    assert "a=hub4 b=v1" in page(host)


def test_runs_keep_their_artifacts_and_activity_lists_them(host):
    runs = ok(host, f"ls {RUNS}").split()
    deployed = [run for run in runs if json.loads(ok(host, f"cat {RUNS}/{run}/hub-run.json"))["status"] == "successful"]
    assert len(deployed) >= 3
    for run in deployed:
        assert host.file(f"{RUNS}/{run}/artifacts/deploy/status").content_string.strip() == "successful"
        assert host.file(f"{RUNS}/{run}/artifacts/deploy/job_events").is_directory
    listing = ok(host, f"magecloud-hub activity --recent {len(runs)}")
    assert listing.splitlines()[0].startswith("production (branch main): current release ")
    for run in runs:
        assert f"artifacts: {RUNS}/{run}" in listing
    assert re.search(r"^  skipped +[0-9a-f]{12} refs/heads/main by tester at ", listing, re.M), listing
    code, output = playbook("activity.yml")
    assert code == 0, output
    assert f"artifacts: {RUNS}/{deployed[-1]}" in output


def test_pushing_the_original_tree_back_serves_its_release_again(host, client):
    client.run(f"git checkout -q {client.origin} -- app/code/Sample/Version/A.php && git -c user.name=t -c user.email=t@localhost "
               "commit -q --allow-empty -m 'A is v1 again'")
    status, shown = client.push()
    assert status == 0, shown
    assert "a=v1 b=v1" in page(host)
