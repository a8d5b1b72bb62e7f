"""A push's deploy request: recorded, queued behind a running deploy, or deployed with its last line."""

import os

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_deploys, hub_environments, hub_runs
from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_queue import EnvironmentQueue

COMMIT = "c" * 40


def config(tmp_path):
    return {"runs_dir": str(tmp_path), "artifact_days": 7,
            "environments": {"production": {"branch": "main", "url": "http://shop.example/", "limit": ""}}}


def push(commit=COMMIT):
    return hub_deploys.request("production", commit, "refs/heads/main", "alice", now=1700000000)


def test_a_push_on_a_free_environment_deploys_and_ends_with_the_url(tmp_path, capsys):
    said = []

    def deploy(unused_config, record, run_dir, say):
        say(f"deploying {record['environment']} {record['commit'][:4]} in {os.path.basename(run_dir)}")
        return "successful", "", "rel-1"

    assert hub_deploys.submit(config(tmp_path), push(), said.append, deploy) == 0
    (path, record), = hub_runs.runs(str(tmp_path / "production"))
    assert record["status"] == "successful" and record["release"] == "rel-1"
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"[production] deploying production cccc in {os.path.basename(path)}"
    assert lines[-1].startswith("[production] live at http://shop.example/ (release rel-1, commit cccccccccccc, ")
    assert open(os.path.join(path, hub_runs.PROGRESS), encoding="utf-8").read().splitlines()[-1] == lines[-1][len("[production] "):]
    assert not said


def test_a_failed_deploy_says_its_cause_and_exits_1(tmp_path, capsys):
    def deploy(*unused):
        return "failed", "Deploy | Switch on web1: health check failed", None

    assert hub_deploys.submit(config(tmp_path), push(), print, deploy) == 1
    assert "FAILED after" in capsys.readouterr().out.splitlines()[-1]
    assert hub_runs.runs(str(tmp_path / "production"))[0][1]["cause"] == "Deploy | Switch on web1: health check failed"


def test_pushes_during_a_deploy_queue_and_the_older_waiting_one_is_skipped(tmp_path):
    os.makedirs(tmp_path / "production")
    running = EnvironmentQueue(str(tmp_path / "production"))
    assert running.submit("the-running-one") == (True, None)
    assert running.take() == "the-running-one"
    said = []
    assert hub_deploys.submit(config(tmp_path), push("d" * 40), said.append, None) == 0
    assert hub_deploys.submit(config(tmp_path), dict(push("e" * 40), pushed_at=1700000001), said.append, None) == 0
    records = {record["commit"][0]: record for unused_path, record in hub_runs.runs(str(tmp_path / "production"))}
    assert records["d"]["status"] == "skipped" and records["d"]["cause"] == "superseded by eeeeeeeeeeee"
    assert records["e"]["status"] == "queued"
    assert said[1] == "[production] dddddddddddd skipped: eeeeeeeeeeee is newer and deploys instead"
    assert said[0].startswith("[production] queued dddddddddddd: a deploy of production is running")
    assert said[2].startswith("[production] queued eeeeeeeeeeee: ")


def test_a_destroyed_integration_environment_leaves_the_registry_and_says_where_its_dump_is(tmp_path, capsys):
    integration = {"registry": str(tmp_path / "environments"), "max": 2, "domain": "int.test", "dumps": "/var/backups/envs"}
    settings = dict(config(tmp_path), integration=integration)
    registry = hub_environments.registry(settings)
    slot = registry.claim("feature-x")["slot"]
    request = hub_deploys.request("feature-x", COMMIT, "refs/heads/feature-x", "alice", now=1700000000, action="destroy", slot=slot)
    assert hub_deploys.submit(settings, request, print, lambda *unused: ("successful", "", None)) == 0
    assert registry.entries() == {}
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[feature-x] destroying feature-x after a dump of its database, at cccccccccccc")
    assert lines[-1].startswith("[feature-x] destroyed feature-x (")
    assert lines[-1].endswith("the dump of its database is in /var/backups/envs/feature-x")
