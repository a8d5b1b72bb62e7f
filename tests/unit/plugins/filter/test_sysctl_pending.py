import base64

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.sysctl_pending import sysctl_pending


def slurped(key, wanted, live):
    return {"item": {"key": key, "value": wanted}, "content": base64.b64encode(f"{live}\n".encode()).decode()}


def test_larger_live_value_satisfies_a_minimum_key():
    results = [slurped("vm.max_map_count", 262144, 1048576)]
    assert sysctl_pending(results, ["vm.max_map_count"]) == {}


def test_smaller_live_value_of_a_minimum_key_is_pending():
    results = [slurped("vm.max_map_count", 262144, 65530)]
    assert sysctl_pending(results, ["vm.max_map_count"]) == {
        "vm.max_map_count": {"live": "65530", "wanted": "262144"}}


def test_exact_keys_must_match():
    results = [slurped("vm.swappiness", 10, 60), slurped("vm.overcommit_memory", 1, 1)]
    assert sysctl_pending(results) == {"vm.swappiness": {"live": "60", "wanted": "10"}}


def test_multi_value_settings_compare_whitespace_folded():
    results = [slurped("net.ipv4.ip_local_port_range", "1024 65000", "1024\t65000")]
    assert sysctl_pending(results) == {}


def test_input_that_is_not_a_slurp_loop_is_a_clear_error():
    with pytest.raises(AnsibleFilterError, match="slurp loop"):
        sysctl_pending([{"content": "x"}])
