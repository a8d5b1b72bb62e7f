"""mask_secrets hides every secret-looking value at any depth and nothing else."""

from ansible_collections.magecloud.platform.plugins.filter.mask_secrets import MASK, mask_secrets


def test_masks_secrets_at_any_depth():
    data = {"database": [{"host": "db", "password": "s3cret", "username": "magento"}],
            "CRYPT_KEY": "abc", "api_token": "t", "secret": {"nested": "x"}, "empty_password": ""}
    masked = mask_secrets(data)
    assert masked["database"][0] == {"host": "db", "password": MASK, "username": "magento"}
    assert masked["CRYPT_KEY"] == MASK and masked["api_token"] == MASK and masked["secret"] == MASK
    assert masked["empty_password"] == ""
    assert data["database"][0]["password"] == "s3cret", "the input is not changed"


def test_keeps_keys_that_only_look_alike():
    assert mask_secrets({"keyboard": "k", "monkey_path": "/m", "passthru": "/index.php"}) == {
        "keyboard": "k", "monkey_path": "/m", "passthru": "/index.php"}
