"""The order rabbitmq_access changes a broker in: the broker itself is exercised by the molecule scenarios."""

import base64
import hashlib

from ansible_collections.magecloud.platform.plugins.modules.rabbitmq_access import hash_matches, rounds


def test_rights_come_after_the_vhost_and_user_they_name():
    actions = [("add vhost", "/magento"), ("add user", "magento"), ("set permissions of", "magento"), ("delete user", "guest")]
    assert rounds(actions) == [[("add vhost", "/magento"), ("add user", "magento"), ("delete user", "guest")],
                               [("set permissions of", "magento")]]


def test_a_broker_that_only_lacks_the_rights_gets_one_round():
    assert rounds([("set permissions of", "magento")]) == [[("set permissions of", "magento")]]


def test_nothing_to_change_is_no_round():
    assert not rounds([])


def exported(password, algorithm="rabbit_password_hashing_sha256", salt=b"\x01\x02\x03\x04"):
    digest = {"rabbit_password_hashing_sha256": hashlib.sha256, "rabbit_password_hashing_sha512": hashlib.sha512}[algorithm]
    return {"name": "magento", "hashing_algorithm": algorithm,
            "password_hash": base64.b64encode(salt + digest(salt + password.encode()).digest()).decode()}


def test_a_hash_exported_by_rabbitmq_3_10_matches_its_password():
    # `rabbitmqctl export_definitions -` on Debian 12's broker after `add_user magento` with password pw1.
    assert hash_matches({"hashing_algorithm": "rabbit_password_hashing_sha256",
                         "password_hash": "Hj2PpsLTJMWL0Nhy5j69LmDTZMXDkezqGo7PI3jwnwAlY+ww"}, "pw1")


def test_the_right_password_matches_and_any_other_does_not():
    assert hash_matches(exported("s3cret é"), "s3cret é")
    assert not hash_matches(exported("s3cret"), "s3cret ")
    assert hash_matches(exported("long", "rabbit_password_hashing_sha512"), "long")


def test_an_unknown_algorithm_is_left_to_the_broker_and_a_broken_hash_never_matches():
    assert hash_matches({"hashing_algorithm": "rabbit_password_hashing_future", "password_hash": "x"}, "pw") is None
    assert hash_matches({"password_hash": "not base64!"}, "pw") is False
    assert hash_matches({"password_hash": ""}, "pw") is False
