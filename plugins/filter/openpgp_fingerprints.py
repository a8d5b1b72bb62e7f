# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: the fingerprints of an armored OpenPGP public key, and a written fingerprint made comparable."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils.openpgp import (
    OpenPGPError, normalized_fingerprint, primary_fingerprints)


def openpgp_fingerprints(key_text):
    """Fingerprints of the primary keys of KEY_TEXT, upper-case hex, in the order they appear."""
    if not isinstance(key_text, str):
        raise AnsibleFilterError(f"openpgp_fingerprints takes the armored key as a string, not {type(key_text).__name__}")
    try:
        return primary_fingerprints(key_text)
    except OpenPGPError as error:
        raise AnsibleFilterError(f"The signing key cannot be read: {error}") from None


def openpgp_fingerprint(written):
    """A fingerprint as gpg prints it (spaces, any case, optional 0x) as bare upper-case hex."""
    return normalized_fingerprint(written)


class FilterModule:
    def filters(self):
        return {"openpgp_fingerprints": openpgp_fingerprints, "openpgp_fingerprint": openpgp_fingerprint}
