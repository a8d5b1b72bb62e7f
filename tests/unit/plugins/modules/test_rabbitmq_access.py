"""The order rabbitmq_access changes a broker in: the broker itself is exercised by the molecule scenarios."""

from ansible_collections.magecloud.platform.plugins.modules.rabbitmq_access import rounds


def test_rights_come_after_the_vhost_and_user_they_name():
    actions = [("add vhost", "/magento"), ("add user", "magento"), ("set permissions of", "magento"), ("delete user", "guest")]
    assert rounds(actions) == [[("add vhost", "/magento"), ("add user", "magento"), ("delete user", "guest")],
                               [("set permissions of", "magento")]]


def test_a_broker_that_only_lacks_the_rights_gets_one_round():
    assert rounds([("set permissions of", "magento")]) == [[("set permissions of", "magento")]]


def test_nothing_to_change_is_no_round():
    assert not rounds([])
