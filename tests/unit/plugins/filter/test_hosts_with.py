# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.filter.hosts_with import hosts_with

HOSTVARS = {
    "core1": {"primary": True},
    "core2": {"primary": False},
    "core3": {"primary": "True"},
    "core4": {},
}


def test_keeps_the_input_order_of_the_hosts_whose_fact_is_true():
    assert hosts_with(["core3", "core2", "core1"], "primary", HOSTVARS) == ["core3", "core1"]


def test_a_host_without_the_fact_is_left_out():
    assert hosts_with(["core4", "core1"], "primary", HOSTVARS) == ["core1"]


def test_no_hosts_give_none():
    assert hosts_with(None, "primary", HOSTVARS) == []
