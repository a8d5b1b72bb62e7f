"""release_id, service_address and peer_addresses: the rules deploys name releases and find services by."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.release_id import release_id
from ansible_collections.magecloud.platform.plugins.filter.service_address import peer_addresses, service_address

TREE = "fb9b84dfbcfcc15d2524c2b10b3b46f37b41123c"


def test_release_id_is_stable_and_follows_tree_and_config():
    config = {"patch_dirs": ["m2-hotfixes"], "shared_files": ["app/etc/env.php"]}
    assert release_id(TREE, config) == release_id(TREE, dict(reversed(list(config.items()))))
    assert release_id(TREE, config).startswith("fb9b84dfbcfc-")
    assert release_id(TREE, config) != release_id(TREE, {"patch_dirs": []})
    assert release_id(TREE.replace("f", "e"), config) != release_id(TREE, config)


def test_release_id_refuses_what_is_not_a_tree_id():
    with pytest.raises(AnsibleFilterError):
        release_id("main", {})


def test_service_address_is_loopback_on_the_same_host_else_the_bind_address():
    hostvars = {"db1": {"mariadb_bind_address": "10.0.0.5", "ansible_host": "db1.example"}, "db2": {"ansible_host": "10.0.0.6"}}
    assert service_address(["web1"], "web1", hostvars, "mariadb_bind_address") == "127.0.0.1"
    assert service_address(["db1"], "web1", hostvars, "mariadb_bind_address") == "10.0.0.5"
    assert service_address(["db2"], "web1", hostvars, "mariadb_bind_address") == "10.0.0.6"
    with pytest.raises(AnsibleFilterError, match="No host serves this layer"):
        service_address([], "web1", hostvars, "mariadb_bind_address")


def test_service_address_prefers_the_private_address_from_facts_over_ansible_host():
    hostvars = {"db1": {"ansible_host": "203.0.113.7", "ansible_facts": {"default_ipv4": {"address": "10.0.0.5"}}}}
    assert service_address(["db1"], "web1", hostvars, "mariadb_bind_address") == "10.0.0.5"


def test_peer_addresses_name_each_web_host_once_and_this_host_as_loopback():
    hostvars = {
        "web1": {"ansible_facts": {"default_ipv4": {"address": "10.0.0.11"}}},
        "web2": {"nginx_listen_address": "10.0.1.12", "ansible_facts": {"default_ipv4": {"address": "10.0.0.12"}}},
        "web3": {"ansible_host": "web3.internal"},
        "web4": {},
    }
    web = ["web1", "web2", "web3", "web4"]
    assert peer_addresses(web, "web1", hostvars) == ["127.0.0.1", "10.0.0.12", "web3.internal", "web4"]
    assert peer_addresses(web, "db1", hostvars, "nginx_listen_address") == ["10.0.0.11", "10.0.1.12", "web3.internal", "web4"]
    assert peer_addresses(["web1", "web1"], "db1", hostvars) == ["10.0.0.11"]
    assert peer_addresses([], "db1", hostvars) == []
