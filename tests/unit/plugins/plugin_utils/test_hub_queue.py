"""One deploy per environment: the first push holds the deploy lock, later ones coalesce into the newest."""

from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_queue import EnvironmentQueue


def test_the_first_push_deploys_and_later_ones_wait_coalesced(tmp_path):
    first, second, third = (EnvironmentQueue(str(tmp_path)) for unused in range(3))
    assert first.submit("run-1") == (True, None)
    assert first.take() == "run-1"
    assert second.submit("run-2") == (False, None)
    assert third.submit("run-3") == (False, "run-2")
    assert first.waiting()
    assert first.take() == "run-3"
    assert not first.waiting()
    assert first.take() is None


def test_the_lock_is_free_again_once_the_queue_is_empty(tmp_path):
    first, later = EnvironmentQueue(str(tmp_path)), EnvironmentQueue(str(tmp_path))
    assert first.submit("run-1") == (True, None)
    assert first.take() == "run-1"
    assert first.take() is None
    assert later.submit("run-2") == (True, None)


def test_environments_do_not_wait_for_each_other(tmp_path):
    (tmp_path / "production").mkdir()
    (tmp_path / "staging").mkdir()
    assert EnvironmentQueue(str(tmp_path / "production")).submit("run-1") == (True, None)
    assert EnvironmentQueue(str(tmp_path / "staging")).submit("run-2") == (True, None)
