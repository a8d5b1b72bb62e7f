"""ansible-runner's events as the pusher's progress lines, the failure a run reports and its release."""

from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_events import (
    deployed_release, failure, failure_message, progress_line)


def result_event(kind, res, **data):
    return {"event": kind, "event_data": dict(task="Deploy | Switch", host="web1", res=res, **data)}


def test_a_play_start_names_the_play():
    assert progress_line({"event": "playbook_on_play_start", "event_data": {"play": "Deploy"}}, 1.25) == "   1.2s play: Deploy"


def test_an_ok_and_a_changed_result():
    assert progress_line(result_event("runner_on_ok", {"changed": False}), 2) == "   2.0s Deploy | Switch [web1] ok"
    assert progress_line(result_event("runner_on_ok", {"changed": True}), 2) == "   2.0s Deploy | Switch [web1] changed"


def test_a_failure_carries_its_message():
    event = result_event("runner_on_failed", {"msg": "health check failed\nsecond line"})
    assert progress_line(event, 3) == "   3.0s Deploy | Switch [web1] failed: health check failed"
    assert failure(event) == "Deploy | Switch on web1: health check failed"


def test_an_ignored_failure_is_shown_but_does_not_count():
    event = result_event("runner_on_failed", {"stderr": "one\ntwo"}, ignore_errors=True)
    assert progress_line(event, 3) == "   3.0s Deploy | Switch [web1] failed: two (ignored)"
    assert failure(event) == ""


def test_unreachable_counts():
    assert failure(result_event("runner_on_unreachable", {"msg": "ssh: no route"})) == "Deploy | Switch on web1: ssh: no route"


def test_skipped_tasks_and_other_events_print_nothing():
    assert progress_line(result_event("runner_on_skipped", {}), 1) is None
    assert progress_line({"event": "verbose", "event_data": {}}, 1) is None


def test_failure_message_without_msg_or_stderr_gives_the_rc():
    assert failure_message({"rc": 2}) == "rc 2"
    assert len(failure_message({"msg": "x" * 400})) == 300


def test_the_release_comes_from_set_stats():
    stats = {"event": "playbook_on_stats", "event_data": {"artifact_data": {"magecloud_deploy": {
        "web2": {"release": ""}, "web1": {"release": "4f2a9c01d2e3-77aa01bc"}}}}}
    assert deployed_release(stats) == "4f2a9c01d2e3-77aa01bc"
    assert deployed_release({"event": "playbook_on_stats", "event_data": {}}) is None
