"""The one secret rule: key names, connection strings and assignments masked; ordinary text kept."""

import pytest

from ansible_collections.magecloud.platform.plugins.filter.mask_secrets import mask_secrets as filter_mask_secrets
from ansible_collections.magecloud.platform.plugins.module_utils.masking import (
    MASK, Scrubber, is_secret_key, mask_line, mask_secrets, mask_text, secret_values)


def test_the_filter_is_the_shared_rule():
    assert filter_mask_secrets is mask_secrets


@pytest.mark.parametrize("key", ["password", "DB_PASSWD", "pass", "ADMIN_PASSWORD", "CRYPT_KEY", "api_key", "ssh-key",
                                 "AWS_SECRET", "client_secret_id", "GITHUB_TOKEN", "COMPOSER_AUTH", "mysqli.default_pw",
                                 "oldpwd", "K" * 300])
def test_secret_keys(key):
    assert is_secret_key(key)


@pytest.mark.parametrize("key", ["keyboard", "monkey_path", "passthru", "host", "username", "keys", "author", "pwdx"])
def test_keys_that_only_look_alike(key):
    assert not is_secret_key(key)


@pytest.mark.parametrize("text, masked", [
    ("redis://user:p@ss@cache:6379/0", f"redis://user:{MASK}@cache:6379/0"),
    ("mysql://:pw@db/main", f"mysql://:{MASK}@db/main"),
    ("amqp://guest:guest@rabbit:5672", f"amqp://guest:{MASK}@rabbit:5672"),
    ("tcp://cache:6379?auth=s3cret&database=2", f"tcp://cache:6379?auth={MASK}&database=2"),
    ("export DB_PASSWORD=hunter2 && run", f"export DB_PASSWORD={MASK} && run"),
    ('redis.password = "abc"', f'redis.password = "{MASK}"'),
    ("https://shop.test/path", "https://shop.test/path"),
    ("http://host:8080/a@b", "http://host:8080/a@b"),
    ("redis://user@cache", "redis://user@cache"),
    ("plain text", "plain text"),
])
def test_mask_text(text, masked):
    assert mask_text(text) == masked


def test_mask_secrets_masks_keys_and_strings_and_keeps_the_input():
    data = {"a": {"password": "x", "server": "redis://u:pw@h", "list": ["DB_PASSWORD=y"]}, "empty_token": ""}
    assert mask_secrets(data) == {"a": {"password": MASK, "server": f"redis://u:{MASK}@h", "list": [f"DB_PASSWORD={MASK}"]},
                                  "empty_token": ""}
    assert data["a"]["password"] == "x"


def test_secret_values_collects_what_a_message_could_quote():
    data = {"a": {"password": "p1", "list": ["redis://u:p2@h"]}, "CRYPT_KEY": 5, "flag_token": True,
            "token": [1, {"y": "p3"}], "none_password": None}
    assert secret_values(data) == {"p1", "p2", "5", "1", "p3"}


def test_scrubber_hides_whole_values_only():
    scrub = Scrubber({"hunter2", "p@ss!", "ab"})
    assert scrub("not list `['hunter2', 'p@ss!']`") == f"not list `['{MASK}', '{MASK}']`"
    assert scrub("a tab and a cab: ab") == f"a tab and a cab: {MASK}"
    assert scrub("xhunter2x") == "xhunter2x"


def test_mask_line_hides_what_follows_a_secret_name_in_a_line_that_did_not_parse():
    assert mask_line("line is not `setting = value`: redis.password hunter2") == \
        f"line is not `setting = value`: redis.password {MASK}"
    assert mask_line("line is not `setting = value`: junk") == "line is not `setting = value`: junk"
