"""The hooks: pre-receive refuses unmapped branches and commits whose cloud files have errors, printing
the findings as validate.yml does; post-receive runs one `deploy` per pushed environment branch."""

import pathlib
import shutil
import subprocess

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_cli, hub_environments
from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_refs import RefUpdate

SAMPLE_APP = pathlib.Path(__file__).resolve().parents[4] / "examples" / "sample-app"
ZERO = "0" * 40
CONFIG = {"path": "/etc/magecloud-hub/hub.json", "environments": {"production": {"branch": "main"}}}


def commit(repository, message):
    git = ["git", "-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", message], check=True)
    return subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(name="repository")
def repository_fixture(tmp_path):
    shutil.copytree(SAMPLE_APP, tmp_path, dirs_exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    return tmp_path


def test_a_commit_with_warnings_only_is_taken(repository, capsys):
    sha = commit(repository, "sample")
    assert hub_cli.pre_receive(CONFIG, [RefUpdate(ZERO, sha, "refs/heads/main")], str(repository)) == 0
    out = capsys.readouterr().out.splitlines()
    warnings = [line for line in out if ": warning: " in line]
    assert warnings and len(warnings) == len(out) - 1
    assert out[-1] == f"magecloud: refs/heads/main at {sha[:12]}: {len(warnings)} warning(s); accepted"


def test_a_commit_with_an_error_is_refused_with_its_file_and_line(repository, capsys):
    app = repository / ".magento.app.yaml"
    app.write_text(app.read_text().replace("type: php:8.4\n", "type: php:8.4\ntype: php:8.3\n"))
    sha = commit(repository, "broken")
    assert hub_cli.pre_receive(CONFIG, [RefUpdate(ZERO, sha, "refs/heads/main")], str(repository)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (".magento.app.yaml:6:1: error: type: duplicate key `type`; the first one is on line 5 "
                      "(remove one of them; YAML keeps only the last)")
    assert out[-1] == f"magecloud: refused refs/heads/main at {sha[:12]}: 1 error(s) in its cloud files; nothing was deployed"


def test_an_unmapped_branch_is_refused(repository, capsys):
    sha = commit(repository, "sample")
    assert hub_cli.pre_receive(CONFIG, [RefUpdate(ZERO, sha, "refs/heads/feature-x")], str(repository)) == 1
    assert capsys.readouterr().out.startswith("magecloud: refused refs/heads/feature-x: branch feature-x maps to no environment")


def test_post_receive_deploys_through_sudo_unless_root(monkeypatch):
    update = RefUpdate(ZERO, "b" * 40, "refs/heads/main")
    monkeypatch.setattr(hub_cli.os, "geteuid", lambda: 999)
    assert hub_cli.deploy_commands(CONFIG, [update, RefUpdate(ZERO, "b" * 40, "refs/tags/v1")], "alice", "/usr/local/sbin/magecloud-hub") == [
        ["sudo", "-n", "/usr/local/sbin/magecloud-hub", "--config", "/etc/magecloud-hub/hub.json", "deploy",
         "--environment", "production", "--commit", "b" * 40, "--ref", "refs/heads/main", "--pusher", "alice"]]
    monkeypatch.setattr(hub_cli.os, "geteuid", lambda: 0)
    assert hub_cli.deploy_commands(CONFIG, [update], "alice", "/usr/local/sbin/magecloud-hub")[0][0] == "/usr/local/sbin/magecloud-hub"


@pytest.mark.parametrize("argument, value", [("--commit", "HEAD"), ("--ref", "refs/tags/v1"), ("--pusher", "a b"),
                                             ("--environment", "staging")])
def test_deploy_refuses_malformed_arguments(tmp_path, argument, value, capsys):
    path = tmp_path / "hub.json"
    path.write_text('{"environments": {"production": {"branch": "main"}}}')
    args = {"--environment": "production", "--commit": "b" * 40, "--ref": "refs/heads/main", "--pusher": "alice"}
    args[argument] = value
    assert hub_cli.main(["--config", str(path), "deploy"] + [part for pair in args.items() for part in pair]) == 2
    assert capsys.readouterr().out.startswith("magecloud: deploy refused")


def integration_config(tmp_path, maximum=1):
    return dict(CONFIG, integration={"registry": str(tmp_path / "environments"), "max": maximum, "domain": "int.test"})


def test_with_integration_environments_a_new_branch_is_validated_and_taken(repository, tmp_path, capsys):
    sha = commit(repository, "sample")
    assert hub_cli.pre_receive(integration_config(tmp_path), [RefUpdate(ZERO, sha, "refs/heads/feature-x")], str(repository)) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("magecloud: refs/heads/feature-x at ")


def test_beyond_the_limit_and_on_a_name_collision_the_push_is_refused(repository, tmp_path, capsys):
    sha = commit(repository, "sample")
    config = integration_config(tmp_path)
    hub_environments.registry(config).claim("feature-x")
    updates = [RefUpdate(ZERO, sha, "refs/heads/feature-y"), RefUpdate(ZERO, sha, "refs/heads/Feature_X")]
    assert hub_cli.pre_receive(config, updates, str(repository)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("magecloud: refused refs/heads/feature-y: 1 integration environments exist (feature-x) and the hub allows 1 "
                      "(git_hub_integration_max): delete one first (git push origin :BRANCH)")
    assert out[1] == "magecloud: refused refs/heads/Feature_X: branch Feature_X would be environment feature-x, which branch feature-x holds"


def test_post_receive_deploys_new_branches_and_destroys_deleted_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(hub_cli.os, "geteuid", lambda: 0)
    updates = [RefUpdate(ZERO, "b" * 40, "refs/heads/Feature_X"), RefUpdate("a" * 40, ZERO, "refs/heads/old")]
    assert [command[3:6] for command in hub_cli.deploy_commands(integration_config(tmp_path), updates, "alice", "hub")] == [
        ["deploy", "--environment", "feature-x"], ["destroy", "--environment", "old"]]
