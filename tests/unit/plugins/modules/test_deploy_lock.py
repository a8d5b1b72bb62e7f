"""deploy_lock: one holder at a time, named to the others; expiry; only the holder gives it back."""

import json
import multiprocessing
import os
import time

import pytest
from module_runner import run_module

from ansible_collections.magecloud.platform.plugins.modules import deploy_lock


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


def expired_lock(path, holder="crashed run"):
    path.write_text(json.dumps({"holder": holder, "since": time.time() - 7200}))


def race_for_expired_lock(path, holder, start, results):
    start.wait()
    try:
        deploy_lock.acquire(str(path), holder, wait=0, expire=3600, warn=lambda message: None)
        results.put(("proceeded", holder))
    except deploy_lock.LockBusy as busy:
        results.put(("refused", busy.lock.get("holder")))


def test_two_runs_racing_for_an_expired_lock_never_both_proceed(tmp_path):
    context = multiprocessing.get_context("fork")
    lock = tmp_path / "deploy.lock"
    for attempt in range(50):
        expired_lock(lock)
        start, results = context.Barrier(2), context.Queue()
        takers = [context.Process(target=race_for_expired_lock, args=(lock, f"run {attempt}-{side}", start, results))
                  for side in ("a", "b")]
        for taker in takers:
            taker.start()
        outcomes = sorted(results.get(timeout=60) for unused_taker in takers)
        for taker in takers:
            taker.join()
        winner = json.loads(lock.read_text())["holder"]
        assert [kind for kind, unused in outcomes] == ["proceeded", "refused"], (attempt, outcomes)
        assert outcomes == [("proceeded", winner), ("refused", winner)], "the refused run names the one that got it"
        assert not (tmp_path / "deploy.lock.takeover").exists()


def test_a_claim_left_by_a_run_that_died_is_set_aside(tmp_path):
    lock = tmp_path / "deploy.lock"
    expired_lock(lock)
    claim = tmp_path / "deploy.lock.takeover"
    claim.write_text(json.dumps({"holder": "died while taking over", "since": time.time() - 120}))
    os.utime(claim, (time.time() - 120, time.time() - 120))
    result = take(tmp_path, "dave")
    assert result["changed"] and result["taken_over"] == "crashed run"
    assert json.loads(lock.read_text())["holder"] == "dave"
    assert sorted(path.name for path in tmp_path.glob("deploy.lock*")) == ["deploy.lock"]


def test_waiting_backs_off_instead_of_spinning(tmp_path):
    lock = tmp_path / "deploy.lock"
    lock.write_text(json.dumps({"holder": "alice", "since": time.time()}))
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        time.sleep(seconds)

    with pytest.raises(deploy_lock.LockBusy):
        deploy_lock.acquire(str(lock), "bob", wait=1, expire=3600, warn=lambda message: None, sleep=sleep)
    assert 3 <= len(pauses) <= 8, pauses
    assert pauses[:3] == [0.05, 0.1, 0.2]


def test_giving_back_leaves_a_lock_another_run_took_over(tmp_path):
    lock = tmp_path / "deploy.lock"
    expired_lock(lock, holder="alice")
    assert take(tmp_path, "bob")["taken_over"] == "alice"
    result = take(tmp_path, "alice", state="absent")
    assert not result["changed"] and result["holder"] == "bob"
    assert "held by bob, not by alice" in str(result["warnings"])
    assert json.loads(lock.read_text())["holder"] == "bob"
