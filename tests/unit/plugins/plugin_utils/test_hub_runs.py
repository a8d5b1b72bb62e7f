"""The hub's run records: names that sort by time, pruning that keeps the serving release, `activity`."""

import os

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_runs

COMMIT = "0123456789abcdef" * 2 + "01234567"
DAY = 86400


def push(at, commit=COMMIT, pusher="alice"):
    return {"environment": "production", "commit": commit, "ref": "refs/heads/main", "pusher": pusher, "pushed_at": at}


def test_run_name_sorts_by_time_to_the_millisecond():
    assert hub_runs.run_name(1700000000.1234, COMMIT) == "20231114T221320123Z-0123456789ab"


def test_a_new_run_is_queued_and_its_record_updates(tmp_path):
    path = hub_runs.create_run(str(tmp_path), push(1700000000))
    assert hub_runs.read_record(path)["status"] == hub_runs.QUEUED
    hub_runs.update_record(path, status=hub_runs.RUNNING, started=1700000001)
    assert hub_runs.read_record(path) == dict(push(1700000000), status="running", started=1700000001)


def finished(tmp_path, at, status):
    path = hub_runs.create_run(str(tmp_path), push(at))
    hub_runs.update_record(path, status=status, started=at, finished=at + 5)
    return path


def test_prune_removes_old_runs_but_the_newest_success(tmp_path):
    now = 1700000000 + 30 * DAY
    serving = finished(tmp_path, 1700000000 + 1, hub_runs.SUCCESSFUL)
    older_success = finished(tmp_path, 1700000000, hub_runs.SUCCESSFUL)
    old_failure = finished(tmp_path, 1700000000 + 2, hub_runs.FAILED)
    recent = finished(tmp_path, now - DAY, hub_runs.SKIPPED)
    assert sorted(hub_runs.prune(str(tmp_path), 7, now)) == sorted([older_success, old_failure])
    assert os.path.isdir(serving) and os.path.isdir(recent)


def test_prune_keeps_a_run_that_has_not_ended(tmp_path):
    running = hub_runs.create_run(str(tmp_path), push(1700000000))
    hub_runs.update_record(running, status=hub_runs.RUNNING, started=1700000000)
    assert hub_runs.prune(str(tmp_path), 7, 1700000000 + 30 * DAY) == []


def test_activity_lists_the_current_release_and_the_runs_with_their_artifacts(tmp_path):
    environment_dir = tmp_path / "production"
    environment_dir.mkdir()
    good = finished(environment_dir, 1700000000, hub_runs.SUCCESSFUL)
    hub_runs.update_record(good, release="4f2a9c01d2e3-77aa01bc")
    bad = finished(environment_dir, 1700000100, hub_runs.FAILED)
    hub_runs.update_record(bad, cause="Deploy | Switch on web1: health check failed")
    assert hub_runs.activity(str(tmp_path), {"production": "main", "staging": "staging"}, 10) == [
        "production (branch main): current release 4f2a9c01d2e3-77aa01bc from 0123456789ab",
        "  failed     0123456789ab refs/heads/main by alice at 2023-11-14 22:15:00Z in 5.0s "
        "(Deploy | Switch on web1: health check failed)",
        f"             artifacts: {bad}",
        "  successful 0123456789ab refs/heads/main by alice at 2023-11-14 22:13:20Z in 5.0s",
        f"             artifacts: {good}",
        "staging (branch staging): current release none deployed by the hub",
    ]
