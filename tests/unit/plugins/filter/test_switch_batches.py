"""switch_batches: batch sizes as Ansible's serial keyword computes them."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.switch_batches import switch_batches

HOSTS = ["web1", "web2", "web3", "web4", "web5"]


def test_all_at_once_by_default_percentage():
    assert switch_batches(HOSTS, "100%") == [HOSTS]


def test_a_number_and_a_percentage_of_all_hosts_rounded_down_but_never_zero():
    assert switch_batches(HOSTS, 2) == [["web1", "web2"], ["web3", "web4"], ["web5"]]
    assert switch_batches(HOSTS, "40%") == [["web1", "web2"], ["web3", "web4"], ["web5"]]
    assert switch_batches(HOSTS, "10%") == [[host] for host in HOSTS]


def test_a_list_of_sizes_is_used_in_turn_and_its_last_size_repeats():
    assert switch_batches(HOSTS, [1, "50%"]) == [["web1"], ["web2", "web3"], ["web4", "web5"]]


def test_no_hosts_no_batches():
    assert switch_batches([], 1) == []


@pytest.mark.parametrize("serial", [0, "-1", "half", []])
def test_sizes_that_are_not_sizes_are_refused_naming_the_variable(serial):
    with pytest.raises(AnsibleFilterError, match="deploy_serial"):
        switch_batches(HOSTS, serial)
