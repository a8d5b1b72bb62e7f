"""deploy_lock: one holder at a time, named to the others; expiry; only the holder gives it back."""

import json
import time

from module_runner import run_module


def take(tmp_path, holder, **extra):
    return run_module("deploy_lock", tmp_path, path=str(tmp_path / "deploy.lock"), holder=holder, **extra)


def test_second_holder_is_refused_with_the_first_ones_name(tmp_path):
    assert take(tmp_path, "alice deploying main")["changed"]
    refused = take(tmp_path, "bob deploying hotfix")
    assert refused["failed"] and "held by alice deploying main" in refused["msg"]
    assert not take(tmp_path, "alice deploying main")["changed"], "the holder taking it again changes nothing"


def test_waiting_holder_gets_the_lock_once_it_is_given_back(tmp_path):
    take(tmp_path, "alice")
    started = time.time()
    refused = take(tmp_path, "bob", wait=1)
    assert refused["failed"] and time.time() - started >= 1
    assert take(tmp_path, "alice", state="absent")["changed"]
    assert take(tmp_path, "bob")["holder"] == "bob"


def test_only_the_holder_gives_it_back(tmp_path):
    take(tmp_path, "alice")
    result = take(tmp_path, "bob", state="absent")
    assert not result["changed"] and result["holder"] == "alice"
    assert json.loads((tmp_path / "deploy.lock").read_text())["holder"] == "alice"


def test_expired_lock_is_taken_over_with_a_warning(tmp_path):
    (tmp_path / "deploy.lock").write_text(json.dumps({"holder": "crashed run", "since": time.time() - 7200}))
    result = take(tmp_path, "carol", expire=3600)
    assert result["changed"] and result["taken_over"] == "crashed run"
    assert "crashed run" in str(result["warnings"])
