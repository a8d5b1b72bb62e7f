# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fingerprints of the primary keys in an ASCII-armored OpenPGP public key (RFC 4880, RFC 9580).

Enough of OpenPGP to say which keys an armored text holds, so a pinned fingerprint can be checked on
the controller without gpg: armor, CRC-24, packet framing and the fingerprint of each key version."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

ARMOR = re.compile(r"-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n(.*?)-----END PGP PUBLIC KEY BLOCK-----", re.DOTALL)
SECRET_ARMOR = "-----BEGIN PGP PRIVATE KEY BLOCK-----"
PUBLIC_KEY, SECRET_KEY, SECRET_SUBKEY = 6, 5, 7
# Per key version: the octet that starts the hashed frame, the width of the length after it, the hash.
FINGERPRINT_FRAMES = {4: (0x99, 2, hashlib.sha1), 5: (0x9A, 4, hashlib.sha256), 6: (0x9B, 4, hashlib.sha256)}
CRC24_INIT, CRC24_POLY = 0xB704CE, 0x1864CFB


class OpenPGPError(ValueError):
    """The text is not an armored public key this module can read; the message says why."""


def primary_fingerprints(text):
    """The fingerprints (40 or 64 upper-case hex digits) of the primary keys in every armored block of TEXT."""
    if SECRET_ARMOR in text:
        raise OpenPGPError("the text holds a PRIVATE key block; give the public key only (gpg --armor --export)")
    blocks = ARMOR.findall(text)
    if not blocks:
        raise OpenPGPError("no '-----BEGIN PGP PUBLIC KEY BLOCK-----' ... '-----END PGP PUBLIC KEY BLOCK-----' found")
    return [fingerprint for block in blocks for fingerprint in _fingerprints_of(_dearmor(block))]


def normalized_fingerprint(value):
    """A fingerprint as gpg prints it in any spacing or case (optionally 0x-prefixed), as bare upper-case hex."""
    return re.sub(r"\s", "", str(value)).upper().removeprefix("0X")


def _dearmor(block):
    lines = block.splitlines()
    # Armor headers (such as Comment:) end at the first empty line; a block may have none.
    if "" in lines and all(":" in line for line in lines[:lines.index("")]):
        lines = lines[lines.index("") + 1:]
    lines = [line.strip() for line in lines if line.strip()]
    checksum = None
    if lines and lines[-1].startswith("="):
        checksum = lines.pop()[1:]
    try:
        data = base64.b64decode("".join(lines), validate=True)
        expected = int.from_bytes(base64.b64decode(checksum, validate=True), "big") if checksum else None
    except binascii.Error as error:
        raise OpenPGPError(f"the armored key is not valid base64 ({error}); was it copied whole?") from None
    if expected is not None and _crc24(data) != expected:
        raise OpenPGPError("the armored key fails its CRC-24 checksum: it was changed or cut while copied")
    return data


def _crc24(data):
    crc = CRC24_INIT
    for octet in data:
        crc ^= octet << 16
        for unused_bit in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= CRC24_POLY
    return crc & 0xFFFFFF


def _fingerprints_of(data):
    fingerprints = []
    for tag, body in _packets(data):
        if tag in (SECRET_KEY, SECRET_SUBKEY):
            raise OpenPGPError("the key block holds secret key material; give the public key only (gpg --armor --export)")
        if tag == PUBLIC_KEY:
            fingerprints.append(_fingerprint(body))
    return fingerprints


def _packets(data):
    """(tag, body) of each packet; the framing of RFC 9580 section 4.2, old and new formats."""
    position = 0
    while position < len(data):
        header = data[position]
        if not header & 0x80:
            raise OpenPGPError(f"octet {position} of the key is not the start of an OpenPGP packet")
        if header & 0x40:
            tag, length, position = header & 0x3F, *_new_length(data, position + 1)
        else:
            tag, length, position = (header >> 2) & 0x0F, *_old_length(data, position + 1, header & 0x03)
        if position + length > len(data):
            raise OpenPGPError("the key data ends inside a packet: it was cut while copied")
        yield tag, data[position:position + length]
        position += length


def _new_length(data, position):
    first = _octets(data, position, 1)
    if first < 192:
        return first, position + 1
    if first < 224:
        return ((first - 192) << 8) + _octets(data, position + 1, 1) + 192, position + 2
    if first == 255:
        return _octets(data, position + 1, 4), position + 5
    raise OpenPGPError("the key uses partial body lengths, which key packets never do")


def _old_length(data, position, length_type):
    if length_type == 3:
        return len(data) - position, position
    width = (1, 2, 4)[length_type]
    return _octets(data, position, width), position + width


def _octets(data, position, width):
    if position + width > len(data):
        raise OpenPGPError("the key data ends inside a packet header: it was cut while copied")
    return int.from_bytes(data[position:position + width], "big")


def _fingerprint(body):
    version = body[0] if body else None
    if version not in FINGERPRINT_FRAMES:
        raise OpenPGPError(f"the primary key is a version {version} key; apt and this check read versions 4, 5 and 6")
    start, width, digest = FINGERPRINT_FRAMES[version]
    return digest(bytes([start]) + len(body).to_bytes(width, "big") + body).hexdigest().upper()
