"""Fingerprints of armored OpenPGP public keys, checked against what gpg and RFC 9580 state."""

import base64

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.openpgp import (
    OpenPGPError, normalized_fingerprint, primary_fingerprints)

# Made for these tests with gpg 2.2 (ed25519 primary key, cv25519 subkey); `gpg --show-keys` prints
# B686 C238 92FF 5BAB D3C3  42C5 9BAA 3922 4F80 F28E for the primary and 0A1D...4922 for the subkey.
# gpg writes old-format packet headers and a CRC-24 line.
V4_KEY = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawm0TxYJKwYBBAHaRw8BAQdA2BfskyERi/7BGgZFX+Y/AF24sDbesSkDGn7n
aH9qs6y0K21hZ2VjbG91ZCB0ZXN0IGtleSA8dGVzdEBtYWdlY2xvdWQuaW52YWxp
ZD6IkAQTFggAOBYhBLaGwjiS/1ur08NCxZuqOSJPgPKOBQJrCbRPAhsDBQsJCAcC
BhUKCQgLAgQWAgMBAh4BAheAAAoJEJuqOSJPgPKOnQEBAJH7jN3fm8rpj7rreh3k
fTERlSjx0WOaiqzbykPQRm6JAQDCYzq1dn6kE3JyF3B5quAW0P3vZ8zgEzhY5qok
w1bOD7g4BGsJtE8SCisGAQQBl1UBBQEBB0Bsydxvq3OukMcYC84p42fpewCki4IE
ZlESzS7OUdznOgMBCAeIeAQYFggAIBYhBLaGwjiS/1ur08NCxZuqOSJPgPKOBQJr
CbRPAhsMAAoJEJuqOSJPgPKOGaIBAJz/oAd3ivGHgKtZyslhugbOgamRMUl50X3s
JdGAawkvAQDagIcrHuFegnvY7P+bD31dqywwBZnvhmeESJfSNsSbAg==
=xKiI
-----END PGP PUBLIC KEY BLOCK-----
"""
V4_FINGERPRINT = "B686C23892FF5BABD3C342C59BAA39224F80F28E"
# A second key (gpg prints D256 64FA ... 20E3 for it); the tests put it in one block with the first.
SECOND_KEY = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawm0TxYJKwYBBAHaRw8BAQdAGbBLmZwT9tgCQAxnWmwsqtNmk00OqT05GmUR
E/HXLdK0L21hZ2VjbG91ZCBzZWNvbmQga2V5IDxzZWNvbmRAbWFnZWNsb3VkLmlu
dmFsaWQ+iJAEExYIADgWIQTSVmT6XQQusw9HapPMujP4AHQg4wUCawm0TwIbAwUL
CQgHAgYVCgkICwIEFgIDAQIeAQIXgAAKCRDMujP4AHQg40IvAQD5Ggg6vEIUgcax
ydyCMSR/mB6eTAta6FTE+01SgHJz7gEA5eg3ojoKuUnwopILk2Acj5reAtIPaBQM
kT+8jL04Xwk=
=D5P4
-----END PGP PUBLIC KEY BLOCK-----
"""
SECOND_FINGERPRINT = "D25664FA5D042EB30F476A93CCBA33F8007420E3"
# An RSA 3072 key like the PHP repository's, made with gpg 2.2: its primary key packet is longer than
# 191 octets (an old-format header with a two-octet length); gpg prints DC4A ... C376 for it.
RSA_KEY = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mQGNBGsJtG4BDADJ45B0C4fAB2chD95Jzwn3z39hTppciGHx1vAmraIfq+hI0ajn
cOsDv5Oes6rRq+ozcVWRJOoN0a2swcxOjOuAQdfZzOC4h6N+cVuWsdCyJl/RETrl
wnG3JowyRewbGqsXvWQ62K48hMh2da5EC1FcaDqD9WAK9wJ95Hm59ZJa2gGOuPT2
HdeRyJ9CRTLcNTkIeYkdvKlAlUWkSMj8IvPc4ZZwHa8JV1VQCIiHshlZezleAx7B
E++OQMB13mD+fM1LIlh8rcBt58hcnoJeJ7M9QxhJ22H5qVo6XpZ7DOiCKDk+h5bc
Hs+JPoAwc9AC3iFtwfxjjdq9cjsYEuf310SpjjIvExyFYYEKVaWScHVYNcn/a3CV
m/JrVTTXL6Qy7Lij9anniWMshrMBKD5MN2RrXEUvWlZuaxUro+31dXv38BzXAPbB
2s/zKz5CiOrU0c22ME99yIUct9ItGkpeSbHDzwCflhTRHzcCZKo6BI9YIy1C9UAo
IKRzZ5GFizowOFMAEQEAAbQpbWFnZWNsb3VkIHJzYSBrZXkgPHJzYUBtYWdlY2xv
dWQuaW52YWxpZD6JAc4EEwEKADgWIQTcSsKry4DTiACxAYG73hq77mzDdgUCawm0
bgIbAwULCQgHAgYVCgkICwIEFgIDAQIeAQIXgAAKCRC73hq77mzDdlC/DACfz4BX
1xraAFbJHA9xCzkwkFlD52krwor7/1Qfp0P13mX001ZcZx/zQRUXPONhYJUG72DZ
Ucu8vE/wNAxvSxfLPLkLA3o7ozIW2iADQPdmv6HtvU2S+06RZOrBRT5S/oFkW15h
Av+PNVXUEuWJPqV5NVLfO6qQHR6EjdmJhNBJBD4RTdFTjcg2svak6NfCYcrS2M1H
cui/4akLRH5XYzn/fjYqXaVVQQXV/ZX2ki2XvomEsdth4nJFZ+gPMD82rG52ipwH
XrX1dall9s3THuJeENeRNQ2owQoGzJQ9gqZwVOcbtcXK0EKJIQ5gE1fuE0Fa5DqK
Q17/7nvrCDLrcvmG2iX0Vcy6zzCLO56dh9PMUkda3hoL2iKDDBzVBm9xY+j9SS69
6Ki+t7ltGytLdbVIcwnFR0ZIvFeTThnngSMzUa5yL3y5GyhCvDP+MNm3qSsYutKf
4O+CPgHrhGzlqz/H+6n3vqtkUEFIikH7HV18+xdLIFllYCtbmC1L+O+hENU=
=p+le
-----END PGP PUBLIC KEY BLOCK-----
"""
RSA_FINGERPRINT = "DC4AC2ABCB80D38800B10181BBDE1ABBEE6CC376"
# RFC 9580 appendix A.3: the sample version 6 certificate (new-format packets, no CRC line) and
# the primary key fingerprint the RFC states for it.
V6_KEY = """-----BEGIN PGP PUBLIC KEY BLOCK-----

xioGY4d/4xsAAAAg+U2nu0jWCmHlZ3BqZYfQMxmZu52JGggkLq2EVD34laPCsQYf
GwoAAABCBYJjh3/jAwsJBwUVCg4IDAIWAAKbAwIeCSIhBssYbE8GCaaX5NUt+mxy
KwwfHifBilZwj2Ul7Ce62azJBScJAgcCAAAAAK0oIBA+LX0ifsDm185Ecds2v8lw
gyU2kCcUmKfvBXbAf6rhRYWzuQOwEn7E/aLwIwRaLsdry0+VcallHhSu4RN6HWaE
QsiPlR4zxP/TP7mhfVEe7XWPxtnMUMtf15OyA51YBM4qBmOHf+MZAAAAIIaTJINn
+eUBXbki+PSAld2nhJh/LVmFsS+60WyvXkQ1wpsGGBsKAAAALAWCY4d/4wKbDCIh
BssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce62azJAAAAAAQBIKbpGG2dWTX8
j+VjFM21J0hqWlEg+bdiojWnKfA5AQpWUWtnNwDEM0g12vYxoWM8Y81W+bHBw805
I8kWVkXU6vFOi+HWvv/ira7ofJu16NnoUkhclkUrk0mXubZvyl4GBg==
-----END PGP PUBLIC KEY BLOCK-----
"""
V6_FINGERPRINT = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9"


def armored(data):
    """DATA as an armored public key block without a CRC line, as RFC 9580 allows."""
    return f"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{base64.b64encode(data).decode()}\n-----END PGP PUBLIC KEY BLOCK-----\n"


def key_data(text):
    body = text.split("\n\n", 1)[1].split("-----END")[0]
    return base64.b64decode("".join(line for line in body.splitlines() if not line.startswith("=")))


def test_v4_key_gives_its_primary_fingerprint_not_its_subkey():
    assert primary_fingerprints(V4_KEY) == [V4_FINGERPRINT]


def test_v6_key_of_rfc_9580_gives_the_fingerprint_the_rfc_states():
    assert primary_fingerprints(V6_KEY) == [V6_FINGERPRINT]


def test_rsa_key_with_a_two_octet_old_format_length():
    assert primary_fingerprints(RSA_KEY) == [RSA_FINGERPRINT]


@pytest.mark.parametrize("new_format_length", [
    lambda size: bytes([((size - 192) >> 8) + 192, (size - 192) & 0xFF]),
    lambda size: b"\xff" + size.to_bytes(4, "big"),
], ids=["two-octet", "five-octet"])
def test_new_format_lengths_frame_the_same_key(new_format_length):
    data = key_data(RSA_KEY)
    size = int.from_bytes(data[1:3], "big")
    reframed = bytes([0xC0 | 6]) + new_format_length(size) + data[3:3 + size]
    assert primary_fingerprints(armored(reframed)) == [RSA_FINGERPRINT]


def test_every_primary_key_of_a_block_is_listed():
    assert primary_fingerprints(armored(key_data(V4_KEY) + key_data(SECOND_KEY))) == [V4_FINGERPRINT, SECOND_FINGERPRINT]


def test_every_block_of_the_text_is_read():
    assert primary_fingerprints(V6_KEY + "\n" + V4_KEY) == [V6_FINGERPRINT, V4_FINGERPRINT]


def test_armor_headers_indentation_and_crlf_are_accepted():
    with_header = V4_KEY.replace("BLOCK-----\n\n", "BLOCK-----\nComment: pinned for the test\n\n")
    assert primary_fingerprints(with_header.replace("\n", "\r\n")) == [V4_FINGERPRINT]


def test_a_changed_character_fails_the_checksum():
    damaged = V4_KEY.replace("mDMEawm0", "mDMEawm1")
    with pytest.raises(OpenPGPError, match="fails its CRC-24 checksum"):
        primary_fingerprints(damaged)


def test_a_cut_key_is_refused():
    with pytest.raises(OpenPGPError, match="ends inside a packet"):
        primary_fingerprints(armored(key_data(V4_KEY)[:40]))


def test_text_without_a_public_key_block_is_refused():
    with pytest.raises(OpenPGPError, match="no '-----BEGIN PGP PUBLIC KEY BLOCK-----'"):
        primary_fingerprints("https://example.invalid/key.asc")


def test_a_private_key_block_is_refused():
    with pytest.raises(OpenPGPError, match="PRIVATE key block"):
        primary_fingerprints("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxcA\n-----END PGP PRIVATE KEY BLOCK-----\n")


def test_secret_key_packets_inside_a_public_armor_are_refused():
    public_packet = key_data(V6_KEY)[2:2 + 42]
    secret_packet = bytes([0xC0 | 5, len(public_packet)]) + public_packet
    with pytest.raises(OpenPGPError, match="secret key material"):
        primary_fingerprints(armored(secret_packet))


def test_a_version_3_key_is_refused_by_version():
    with pytest.raises(OpenPGPError, match="version 3 key"):
        primary_fingerprints(armored(bytes([0xC6, 3, 3, 0, 0])))


def test_data_that_is_not_a_packet_is_refused():
    with pytest.raises(OpenPGPError, match="octet 0 of the key is not the start of an OpenPGP packet"):
        primary_fingerprints(armored(b"\x00\x01\x02"))


def test_invalid_base64_is_refused():
    with pytest.raises(OpenPGPError, match="not valid base64"):
        primary_fingerprints("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDM*E\n-----END PGP PUBLIC KEY BLOCK-----\n")


@pytest.mark.parametrize("written", [
    "B686 C238 92FF 5BAB D3C3  42C5 9BAA 3922 4F80 F28E",
    "b686c23892ff5babd3c342c59baa39224f80f28e",
    "0xB686C23892FF5BABD3C342C59BAA39224F80F28E",
])
def test_fingerprints_compare_in_any_spacing_or_case(written):
    assert normalized_fingerprint(written) == V4_FINGERPRINT
