"""The filters over the private network: private_address, public_binds, firewall_rules, and the peers'
addresses service_address and peer_addresses take from the inventory."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.firewall_rules import firewall_rules
from ansible_collections.magecloud.platform.plugins.filter.private_address import private_address, public_binds
from ansible_collections.magecloud.platform.plugins.filter.service_address import peer_addresses, service_address

PUBLIC_ROUTE_FACTS = {"default_ipv4": {"address": "203.0.113.20"}, "all_ipv4_addresses": ["203.0.113.20", "10.0.0.20"]}
PORTS = {"ssh": 22, "mariadb": 3306, "redis": [], "rabbitmq": 5672, "opensearch": 9200, "nginx": 8080, "varnish": 80}


def test_private_address_picks_from_the_inventory_networks():
    host_vars = {"ansible_facts": PUBLIC_ROUTE_FACTS, "magecloud_private_networks": ["10.0.0.0/8"]}
    assert private_address(host_vars, "data") == "10.0.0.20"


def test_private_address_turns_a_network_mismatch_into_a_filter_error_naming_the_host():
    host_vars = {"ansible_facts": PUBLIC_ROUTE_FACTS, "magecloud_private_networks": ["192.168.0.0/16"]}
    with pytest.raises(AnsibleFilterError, match=r"^data: none of its addresses \(203\.0\.113\.20, 10\.0\.0\.20\) is in"):
        private_address(host_vars, "data")


def test_public_binds_returns_service_and_address_entries():
    groups = {"database": ["data"], "web": ["web1"]}
    assert public_binds({"ansible_facts": PUBLIC_ROUTE_FACTS}, "data", groups) == [{"service": "MariaDB", "address": "203.0.113.20"}]
    assert public_binds({"ansible_facts": PUBLIC_ROUTE_FACTS, "mariadb_bind_address": "10.0.0.20"}, "data", groups) == []


def test_service_and_peer_addresses_use_the_peers_private_network():
    hostvars = {
        "data": {"ansible_facts": PUBLIC_ROUTE_FACTS, "magecloud_private_networks": ["10.0.0.0/8"]},
        "web2": {"ansible_facts": PUBLIC_ROUTE_FACTS, "magecloud_private_address": "10.0.0.12"},
    }
    assert service_address(["data"], "web1", hostvars, "mariadb_bind_address") == "10.0.0.20"
    assert peer_addresses(["web1", "web2"], "web1", hostvars) == ["127.0.0.1", "10.0.0.12"]


def test_service_address_turns_a_network_mismatch_into_a_filter_error():
    hostvars = {"data": {"ansible_facts": PUBLIC_ROUTE_FACTS, "magecloud_private_networks": ["192.168.0.0/16"]}}
    with pytest.raises(AnsibleFilterError, match=r"^data: none of its addresses"):
        service_address(["data"], "web1", hostvars, "mariadb_bind_address")


def test_firewall_rules_reads_the_clients_private_addresses_from_hostvars():
    groups = {"web": ["web1", "web2"], "database": ["data"]}
    hostvars = {
        "web1": {"magecloud_private_address": "10.0.0.11"},
        "web2": {"ansible_facts": PUBLIC_ROUTE_FACTS, "magecloud_private_networks": "10.0.0.0/8"},
        # The data host's own networks are never asked about: it is no client of itself.
        "data": {"magecloud_private_networks": ["192.168.0.0/16"], "ansible_facts": PUBLIC_ROUTE_FACTS},
    }
    assert firewall_rules("data", groups, hostvars, PORTS)[1] == {
        "port": "3306", "proto": "tcp", "family": "ip", "sources": ["10.0.0.11", "10.0.0.20"], "comment": "MariaDB from web, cron",
    }


def test_firewall_rules_turns_derivation_errors_into_filter_errors():
    groups = {"web": ["web1"], "database": ["data"]}
    with pytest.raises(AnsibleFilterError, match=r"^data: no private address known for web1 \(group web\)"):
        firewall_rules("data", groups, {"web1": {}, "data": {}}, PORTS)
    with pytest.raises(AnsibleFilterError, match=r"^data: no private address known for web1 \(group web\)"):
        firewall_rules("data", groups, {"data": {}}, PORTS)
    with pytest.raises(AnsibleFilterError, match=r"^firewall_extra_rules\[0\]: proto 'icmp'"):
        firewall_rules("data", {}, {}, PORTS, [{"port": 1, "proto": "icmp"}])
