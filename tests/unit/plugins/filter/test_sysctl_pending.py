import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.sysctl_pending import sysctl_pending


def test_larger_live_value_satisfies_a_minimum_key():
    assert sysctl_pending(["1048576"], {"vm.max_map_count": 262144}, ["vm.max_map_count"]) == {}


def test_smaller_live_value_of_a_minimum_key_is_pending():
    assert sysctl_pending(["65530"], {"vm.max_map_count": 262144}, ["vm.max_map_count"]) == {
        "vm.max_map_count": {"live": "65530", "wanted": "262144"}}


def test_exact_keys_must_match():
    wanted = {"vm.swappiness": 10, "vm.overcommit_memory": 1}
    assert sysctl_pending(["60", "1"], wanted) == {"vm.swappiness": {"live": "60", "wanted": "10"}}


def test_multi_value_settings_compare_whitespace_folded():
    assert sysctl_pending(["1024\t65000"], {"net.ipv4.ip_local_port_range": "1024 65000"}) == {}


def test_a_missing_live_value_is_a_clear_error():
    with pytest.raises(AnsibleFilterError, match="1 live values for 2 settings"):
        sysctl_pending(["60"], {"vm.swappiness": 10, "vm.overcommit_memory": 1})
