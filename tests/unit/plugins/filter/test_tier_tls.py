import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.tier_tls import local_search_proxy, tier_tls

SPLIT_GROUPS = {"database": ["data"], "cache": ["data"], "web": ["web1", "web2"]}
SPLIT = {"data": {}, "web1": {}, "web2": {}}


def test_split_inventory_turns_tls_on():
    assert tier_tls(SPLIT_GROUPS, "database", SPLIT, "mariadb_tls") is True


def test_all_in_one_host_keeps_loopback_plain():
    assert tier_tls({"database": ["aio"], "web": ["aio"]}, "database", {"aio": {}}, "mariadb_tls") is False


def test_a_cron_host_of_its_own_is_a_remote_client():
    groups = {"cache": ["data"], "web": ["data"], "cron": ["cron1"]}
    assert tier_tls(groups, "cache", dict(SPLIT, cron1={}), "redis_tls") is True


def test_the_service_hosts_setting_wins_over_the_layout():
    groups = dict(SPLIT_GROUPS, queue=["data"])
    assert tier_tls(groups, "queue", dict(SPLIT, data={"rabbitmq_tls": "no"}), "rabbitmq_tls") is False
    assert tier_tls({"queue": ["aio"], "web": ["aio"]}, "queue", {"aio": {"rabbitmq_tls": True}}, "rabbitmq_tls") is True


def test_a_tier_without_hosts_has_no_tls():
    assert tier_tls(SPLIT_GROUPS, "search", SPLIT, "opensearch_tls") is False


def test_a_setting_that_is_not_a_boolean_is_named():
    with pytest.raises(AnsibleFilterError, match="mariadb_tls on data is 'sometimes'"):
        tier_tls(SPLIT_GROUPS, "database", dict(SPLIT, data={"mariadb_tls": "sometimes"}), "mariadb_tls")


SEARCH_GROUPS = {"search": ["data"], "web": ["web1", "data"], "cron": ["cron1"]}
SEARCH_HOSTS = {"data": {}, "web1": {}, "cron1": {}}


def test_a_web_host_away_from_a_tls_search_tier_uses_its_local_proxy():
    assert local_search_proxy(SEARCH_GROUPS, "web1", SEARCH_HOSTS) is True


def test_the_search_host_itself_and_hosts_outside_web_do_not():
    assert local_search_proxy(SEARCH_GROUPS, "data", SEARCH_HOSTS) is False
    assert local_search_proxy(SEARCH_GROUPS, "cron1", SEARCH_HOSTS) is False


def test_a_plain_search_tier_needs_no_proxy():
    assert local_search_proxy(SEARCH_GROUPS, "web1", dict(SEARCH_HOSTS, data={"opensearch_tls": False})) is False


def test_the_web_host_may_turn_its_proxy_off():
    assert local_search_proxy(SEARCH_GROUPS, "web1", dict(SEARCH_HOSTS, web1={"haproxy_search_proxy": "no"})) is False
    with pytest.raises(AnsibleFilterError, match="haproxy_search_proxy on web1 is 'maybe'"):
        local_search_proxy(SEARCH_GROUPS, "web1", dict(SEARCH_HOSTS, web1={"haproxy_search_proxy": "maybe"}))
