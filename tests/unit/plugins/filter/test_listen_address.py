from ansible_collections.magecloud.platform.plugins.filter.listen_address import listen_address

FACTS = {"default_ipv4": {"address": "10.0.3.7"}}


def test_override_wins():
    assert listen_address("192.168.9.9", True, FACTS) == "192.168.9.9"


def test_all_in_one_host_uses_loopback():
    assert listen_address(None, True, FACTS) == "127.0.0.1"


def test_split_host_uses_its_private_address():
    assert listen_address(None, False, FACTS) == "10.0.3.7"


def test_host_without_a_default_route_falls_back_to_loopback():
    assert listen_address("", False, {}) == "127.0.0.1"


def test_split_host_uses_the_private_address_the_common_role_published():
    facts = dict(FACTS, magecloud_resolved_private_address="10.0.9.9")
    assert listen_address(None, False, facts) == "10.0.9.9"
