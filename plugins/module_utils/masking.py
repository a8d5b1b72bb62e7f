# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What counts as a secret, and how it is hidden: the values of secret-looking keys (passwords,
*_KEY, *_SECRET, *_TOKEN, crypt keys) and the credentials inside connection strings
(redis://user:PASSWORD@host, ...?password=PASSWORD).

One place for the rule: the mask_secrets filter, the cloud_config action's result and the
validation findings all use it."""

from __future__ import annotations

import re

SECRET_KEY = re.compile(r"passw(or)?d|^pass$|pwd$|(^|[_.-])pw$|secret|token|(^|[_.-])key$|crypt|(^|[_.-])auth$", re.IGNORECASE)
MASK = "********"
# Each pattern starts at a fixed character or word and repeats possessively, so masking stays linear
# in the text's length even for hostile input.
# scheme://[user]:PASSWORD@host — the password runs to the last @ before the host.
_URL_PASSWORD = re.compile(r"(?P<head>://[^\s/?#@:`'\"]*+:)(?P<secret>[^\s/`'\"]+)@")
# ...?password=PASSWORD&... (redis session.save_path and other DSNs with credentials in the query)
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&;](?:password|passwd|pass|pwd|auth|secret|token|key)=)(?P<secret>[^&;\s`'\"]++)",
                             re.IGNORECASE)
# DB_PASSWORD=value, redis.password = "value": shell lines in hooks, php.ini lines quoted in findings.
_ASSIGNMENT = re.compile(r"(?P<head>(?:passw(?:or)?d|pwd|secret|token|_key|auth)[\w.-]{0,40}+[ \t]{0,8}+=[ \t]{0,8}+[\"']?)"
                         r"(?P<secret>[^\s\"'&;`]++)", re.IGNORECASE)
_PATTERNS = (_URL_PASSWORD, _QUERY_PASSWORD, _ASSIGNMENT)
# A line quoted from a line-based file that is not a setting: `redis.password hunter2` hides its words
# after the secret-looking name.
_LOOSE = re.compile(r"(?P<head>(?:passw(?:or)?d|pwd|[_.-]pw\b|secret|token|_key|auth)[\w.-]{0,40}+[\s:=]++)(?P<secret>[^`]+)", re.IGNORECASE)
_KIND_SCALARS = (str, int, float)


_LONGEST_NAME = 256


def is_secret_key(key):
    """True for a key that names a secret; a key longer than any setting name counts as one."""
    key = str(key)
    return len(key) > _LONGEST_NAME or bool(SECRET_KEY.search(key))


def mask_text(text):
    """The text with the credentials of every connection string and secret assignment in it replaced by the mask."""
    if "://" not in text and "=" not in text:
        return text
    text = _URL_PASSWORD.sub(lambda match: match["head"] + MASK + "@", text)
    text = _QUERY_PASSWORD.sub(lambda match: match["head"] + MASK, text)
    return _ASSIGNMENT.sub(lambda match: match["head"] + MASK, text)


def mask_line(text):
    """mask_text, and everything after a secret-looking name: for a quoted line that did not parse."""
    return _LOOSE.sub(lambda match: match["head"] + MASK, mask_text(text))


def mask_secrets(data):
    """A copy of data where each non-empty value of a secret-looking key is the mask, at any depth,
    and connection strings lose their passwords."""
    if isinstance(data, dict):
        return {key: MASK if is_secret_key(key) and value not in (None, "") else mask_secrets(value)
                for key, value in data.items()}
    if isinstance(data, list):
        return [mask_secrets(item) for item in data]
    if isinstance(data, str):
        return mask_text(data)
    return data


def secret_values(data):
    """Every secret value in data as text: the scalars under secret-looking keys and the passwords
    in connection strings. Booleans and empty values are not secrets."""
    found = set()
    stack = [(data, False)]
    while stack:
        value, secret = stack.pop()
        if isinstance(value, dict):
            stack.extend((item, secret or is_secret_key(key)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, secret) for item in value)
        elif isinstance(value, bool) or value is None:
            continue
        elif secret and isinstance(value, _KIND_SCALARS) and str(value):
            found.add(str(value))
        elif isinstance(value, str):
            found.update(match["secret"] for pattern in _PATTERNS for match in pattern.finditer(value))
    return found


class Scrubber:
    """Hides known secret values, and any connection-string credentials, in free text such as a
    finding's message. A value is hidden where it stands as a whole word, so a short secret does not
    blank out parts of ordinary words."""

    def __init__(self, secrets=()):
        alternatives = [_whole(secret) for secret in sorted((s for s in secrets if s and s != MASK), key=len, reverse=True)]
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    def __call__(self, text):
        if not text:
            return text
        text = mask_text(text)
        return self._pattern.sub(MASK, text) if self._pattern else text


def _whole(secret):
    """A pattern for secret standing on its own: not preceded or followed by a word character where it
    begins or ends with one."""
    head = r"(?<!\w)" if re.match(r"\w", secret[0]) else ""
    tail = r"(?!\w)" if re.match(r"\w", secret[-1]) else ""
    return head + re.escape(secret) + tail
