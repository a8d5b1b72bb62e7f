import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.openpgp_fingerprints import openpgp_fingerprint, openpgp_fingerprints
from ansible_collections.magecloud.platform.tests.unit.plugins.plugin_utils.test_openpgp import V4_FINGERPRINT, V4_KEY


def test_the_filter_returns_the_primary_fingerprints():
    assert openpgp_fingerprints(V4_KEY) == [V4_FINGERPRINT]


def test_an_unreadable_key_fails_the_task_with_the_reason():
    with pytest.raises(AnsibleFilterError, match="^The signing key cannot be read: the armored key fails its CRC-24 checksum"):
        openpgp_fingerprints(V4_KEY.replace("mDMEawm0", "mDMEawm1"))


def test_a_key_that_is_not_text_is_refused_by_type():
    with pytest.raises(AnsibleFilterError, match="takes the armored key as a string, not NoneType"):
        openpgp_fingerprints(None)


def test_a_written_fingerprint_compares_with_a_computed_one():
    assert openpgp_fingerprint("b686 c238 92ff 5bab d3c3  42c5 9baa 3922 4f80 f28e") == V4_FINGERPRINT
