"""What service_units changes, from the units' states: the units themselves are exercised by the molecule scenarios."""

from ansible_collections.magecloud.platform.plugins.modules.service_units import plan


def state(loaded=True, active=False, enabled=False):
    return {"loaded": loaded, "active": active, "enabled": enabled}


def test_a_fresh_install_starts_the_instances_and_disables_the_package_unit():
    states = {"redis-server@cache": state(), "redis-server@session": state(), "redis-server": state(enabled=True)}
    assert plan(states, ["redis-server@cache", "redis-server@session"], ["redis-server"]) == (
        ["redis-server@cache", "redis-server@session"], ["redis-server"], [])


def test_running_but_not_enabled_or_enabled_but_stopped_both_need_a_start():
    states = {"a": state(active=True), "b": state(enabled=True), "c": state(active=True, enabled=True)}
    assert plan(states, ["a", "b", "c"], []) == (["a", "b"], [], [])


def test_a_unit_to_stop_that_is_not_installed_is_left_alone_and_one_to_start_is_reported():
    states = {"ours": state(loaded=False), "theirs": state(loaded=False)}
    assert plan(states, ["ours"], ["theirs"]) == ([], [], ["ours"])
