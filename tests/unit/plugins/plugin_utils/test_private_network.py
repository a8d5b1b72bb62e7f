"""The private address of a host, the addresses backing services listen on, and which of those are public."""

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.private_network import (
    PrivateNetworkError,
    RESOLVED_FACT,
    host_private_address,
    is_private_or_loopback,
    listen_address,
    private_address,
    public_binds,
)

# A host whose default route leaves through its public interface, with a private network on a second one.
SPLIT_FACTS = {
    "default_ipv4": {"address": "203.0.113.20"},
    "all_ipv4_addresses": ["203.0.113.20", "10.0.0.20", "172.17.0.1"],
    "all_ipv6_addresses": ["2001:db8::20", "fd00:10::20"],
}
SPLIT_GROUPS = {"web": ["web1", "web2"], "edge": ["web1"], "database": ["data"], "cache": ["data"], "queue": ["data"], "search": ["data"]}
ALL_IN_ONE_GROUPS = {group: ["aio"] for group in ("web", "edge", "database", "cache", "queue", "search")}


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1", "100.64.0.1", "100.127.255.254", "169.254.1.1",
     "127.0.0.1", "127.0.1.1", "::1", "fd00::1", "fc00::1", "fe80::1", "fe80::1%eth0"],
)
def test_private_and_loopback_addresses_are_not_public(address):
    assert is_private_or_loopback(address)


@pytest.mark.parametrize(
    "address", ["203.0.113.20", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "0.0.0.0", "::", "2001:db8::1", "db.internal", ""],
)
def test_public_wildcard_and_unresolved_addresses_are_not_private(address):
    assert not is_private_or_loopback(address)


def test_pinned_address_wins_over_networks_and_the_default_route():
    assert private_address(SPLIT_FACTS, "10.9.9.9", ["10.0.0.0/8"]) == "10.9.9.9"


def test_networks_pick_the_first_address_in_the_first_network_that_holds_one():
    assert private_address(SPLIT_FACTS, networks=["10.0.0.0/16"]) == "10.0.0.20"
    assert private_address(SPLIT_FACTS, networks=["192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8"]) == "172.17.0.1"
    assert private_address(SPLIT_FACTS, networks=["fd00::/8"]) == "fd00:10::20"


def test_networks_given_as_one_string_are_split_on_commas_and_spaces():
    assert private_address(SPLIT_FACTS, networks="192.168.0.0/16, 10.0.0.0/8") == "10.0.0.20"


def test_networks_holding_none_of_the_addresses_name_the_host_addresses_and_networks():
    with pytest.raises(PrivateNetworkError) as error:
        private_address(SPLIT_FACTS, networks=["192.168.0.0/16"], host_label="data")
    assert str(error.value) == (
        "data: none of its addresses (203.0.113.20, 10.0.0.20, 172.17.0.1, 2001:db8::20, fd00:10::20) is in "
        "magecloud_private_networks (192.168.0.0/16); fix the list or set magecloud_private_address."
    )


def test_an_invalid_network_is_an_error():
    with pytest.raises(PrivateNetworkError, match=r"^data: magecloud_private_networks holds an invalid network: .*10\.0\.0\.300"):
        private_address(SPLIT_FACTS, networks=["10.0.0.300/8"], host_label="data")


def test_without_inventory_choice_the_default_route_address_is_the_guess():
    assert private_address(SPLIT_FACTS) == "203.0.113.20"


def test_nothing_known_gives_none():
    assert private_address({}) is None
    assert private_address(None, networks=["10.0.0.0/8"]) is None


def test_host_private_address_reads_the_inventory_variables_and_facts():
    assert host_private_address({"ansible_facts": SPLIT_FACTS, "magecloud_private_networks": ["10.0.0.0/8"]}) == "10.0.0.20"
    assert host_private_address({"ansible_facts": SPLIT_FACTS, "magecloud_private_address": "10.0.0.99"}) == "10.0.0.99"
    assert host_private_address({"magecloud_private_address": "10.0.0.99"}) == "10.0.0.99"
    assert host_private_address({"ansible_facts": SPLIT_FACTS}) == "203.0.113.20"


def test_host_private_address_ignores_the_fact_it_publishes():
    # The published fact is an output: a stale one (persistent fact cache) must not pin the address.
    facts = dict(SPLIT_FACTS, **{RESOLVED_FACT: "10.0.0.1"})
    assert host_private_address({"ansible_facts": facts, "magecloud_private_networks": ["10.0.0.0/16"]}) == "10.0.0.20"


def test_listen_address_prefers_the_published_private_address_over_the_default_route():
    assert listen_address(None, False, dict(SPLIT_FACTS, **{RESOLVED_FACT: "10.0.0.20"})) == "10.0.0.20"
    assert listen_address(None, False, SPLIT_FACTS) == "203.0.113.20"
    assert listen_address(None, True, dict(SPLIT_FACTS, **{RESOLVED_FACT: "10.0.0.20"})) == "127.0.0.1"
    assert listen_address("0.0.0.0", False, dict(SPLIT_FACTS, **{RESOLVED_FACT: "10.0.0.20"})) == "0.0.0.0"


def test_a_split_data_host_on_its_public_default_route_binds_every_service_publicly():
    host_vars = {"ansible_facts": SPLIT_FACTS}
    assert public_binds("data", host_vars, SPLIT_GROUPS) == [
        ("MariaDB", "203.0.113.20"), ("Redis/Valkey", "203.0.113.20"), ("RabbitMQ", "203.0.113.20"), ("OpenSearch", "203.0.113.20"),
    ]


def test_the_published_private_address_clears_the_split_data_host():
    host_vars = {"ansible_facts": dict(SPLIT_FACTS, **{RESOLVED_FACT: "10.0.0.20"})}
    assert public_binds("data", host_vars, SPLIT_GROUPS) == []


def test_a_bind_variable_overrides_and_each_of_its_addresses_is_checked():
    host_vars = {
        "ansible_facts": dict(SPLIT_FACTS, **{RESOLVED_FACT: "10.0.0.20"}),
        "mariadb_bind_address": "0.0.0.0",
        "redis_bind_address": "10.0.0.20 203.0.113.20",
        "rabbitmq_bind_address": "127.0.0.1,db.example.com",
    }
    assert public_binds("data", host_vars, SPLIT_GROUPS) == [
        ("MariaDB", "0.0.0.0"), ("Redis/Valkey", "203.0.113.20"), ("RabbitMQ", "db.example.com"),
    ]


def test_nginx_on_a_web_host_behind_another_edge_host_listens_on_the_private_address():
    host_vars = {"ansible_facts": SPLIT_FACTS}
    assert public_binds("web2", host_vars, SPLIT_GROUPS) == [("nginx backend", "203.0.113.20")]
    # web1 runs the edge itself: nginx listens on loopback.
    assert public_binds("web1", host_vars, SPLIT_GROUPS) == []


def test_an_all_in_one_host_listens_on_loopback_whatever_its_default_route():
    assert public_binds("aio", {"ansible_facts": SPLIT_FACTS}, ALL_IN_ONE_GROUPS) == []
