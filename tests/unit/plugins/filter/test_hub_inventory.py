"""The hub's inventory: every host and group of the converging one, the hub host reached locally."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.hub_inventory import hub_inventory

LISTING = {
    "_meta": {"hostvars": {
        "hub1": {"ansible_connection": "community.docker.docker", "ansible_docker_extra_args": "-H x",
                 "ansible_host": "10.0.0.5", "ansible_python_interpreter": "/opt/python", "mariadb_password": "s"},
        "web2": {"ansible_host": "10.0.0.6", "ansible_user": "deploy"},
    }},
    "all": {"children": ["ungrouped", "web", "hub"]},
    "web": {"hosts": ["hub1", "web2"]},
    "hub": {"hosts": ["hub1"]},
    "production": {"children": ["web"]},
}


def test_the_hub_host_is_local_and_keeps_its_other_variables():
    hosts = hub_inventory(LISTING, "hub1")["all"]["hosts"]
    assert hosts["hub1"] == {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3", "mariadb_password": "s"}
    assert hosts["web2"] == {"ansible_host": "10.0.0.6", "ansible_user": "deploy"}


def test_groups_keep_their_hosts_and_children():
    assert hub_inventory(LISTING, "hub1")["all"]["children"] == {
        "hub": {"hosts": {"hub1": None}},
        "production": {"children": {"web": None}},
        "web": {"hosts": {"hub1": None, "web2": None}},
    }


def test_a_hub_host_missing_from_the_listing_is_an_error():
    with pytest.raises(AnsibleFilterError, match="hub9 is not in the inventory listing"):
        hub_inventory(LISTING, "hub9")
