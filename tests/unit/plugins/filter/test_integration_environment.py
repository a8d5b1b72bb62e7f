"""What an integration environment owns, named after it."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.integration_environment import integration_environment

SECRETS = {"database": "db-secret", "queue": "mq-secret"}


def test_every_name_derives_from_the_environment_and_its_slot():
    env = integration_environment("feature-x", 2, "int.test", SECRETS)
    assert {key: value for key, value in env.items() if not key.endswith("password")} == {
        "name": "feature-x", "domain": "feature-x.int.test", "app_root": "/var/www/integration/feature-x",
        "database": "int-feature-x", "queue_vhost": "/int-feature-x", "queue_user": "int-feature-x",
        "index_prefix": "int_feature_x_", "unit_prefix": "magecloud-env-feature-x", "vhost_name": "magento.env-feature-x",
        "redis_databases": {"cache": 4, "page_cache": 5, "session": 2}}


def test_passwords_are_derived_per_environment_and_hide_the_secret():
    first, again = integration_environment("a", 1, "d", SECRETS), integration_environment("a", 1, "d", SECRETS)
    other = integration_environment("b", 1, "d", SECRETS)
    assert first["database_password"] == again["database_password"] != other["database_password"]
    assert first["database_password"] != first["queue_password"]
    assert "db-secret" not in first["database_password"] and len(first["database_password"]) == 64


@pytest.mark.parametrize("name, slot", [("Feature_X", 1), ("-a", 1), ("a" * 33, 1), ("a", 0), ("a", 8)])
def test_names_and_slots_that_are_not_the_hubs_are_refused(name, slot):
    with pytest.raises(AnsibleFilterError):
        integration_environment(name, slot, "d", SECRETS)
