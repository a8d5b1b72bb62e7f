"""common's apt_source entry point on a client of a signed test repository that holds
magecloud-probe 1.0 and 2.0: the source with its key, the pin's choice, and a refused key."""

import os
import pathlib
import subprocess
import sys

import pytest
import testinfra

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, PLAIN_OUTPUT, ok  # noqa: E402

CLIENT = "magecloud-aptsrc-client"
EPHEMERAL = pathlib.Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent"))
SOURCE = "/etc/apt/sources.list.d/magecloud-test.sources"
KEYRING = "/etc/apt/keyrings/magecloud-test.asc"
PREFERENCES = "/etc/apt/preferences.d/magecloud-test.pref"
SURY_FINGERPRINT = "15058500A0235D97F5D10063B188E2B695BD4743"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


@pytest.fixture(scope="module")
def client():
    return testinfra.get_host(f"ansible://{CLIENT}?ansible_inventory={INVENTORY}")


@pytest.fixture(scope="module")
def fingerprint():
    return (EPHEMERAL / "aptsrc-signing-key.fingerprint").read_text().strip()


def test_source_is_deb822_and_trusts_only_its_own_key(client):
    source = client.file(SOURCE)
    assert (source.user, source.mode) == ("root", 0o644)
    assert deb822_fields(client, SOURCE) == {"Types": "deb", "URIs": "http://magecloud-aptsrc-repo/", "Suites": "bookworm",
                                             "Components": "main", "Signed-By": KEYRING}


def deb822_fields(client, path):
    return dict(line.split(": ", 1) for line in client.file(path).content_string.splitlines() if line and not line.startswith("#"))


def test_the_older_entry_for_the_same_repository_is_gone(client):
    assert not client.file("/etc/apt/sources.list.d/magecloud-test.list").exists


def test_keyring_holds_the_pinned_key(client, fingerprint):
    keyring = client.file(KEYRING)
    assert (keyring.user, keyring.mode) == ("root", 0o644)
    assert keyring.content_string == (EPHEMERAL / "aptsrc-signing-key.asc").read_text().strip() + "\n"
    listed = ok(client, f"gpg --show-keys --with-colons {KEYRING}")
    assert [line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr:")][0] == fingerprint


def test_apt_verified_the_signed_release(client):
    # apt keeps a repository's InRelease only after its signature checked out against Signed-By.
    assert ok(client, "ls /var/lib/apt/lists/ | grep -c '^magecloud-aptsrc-repo_dists_bookworm_InRelease$'") == "1"


def test_pin_file_pins_the_package_to_1_0(client):
    stanzas = [line for line in client.file(PREFERENCES).content_string.splitlines() if line and not line.startswith("#")]
    assert stanzas == ["Package: magecloud-probe", "Pin: version 1.0", "Pin-Priority: 990"]


def test_pinned_version_is_installed_though_2_0_is_newer(client):
    policy = ok(client, "apt-cache policy magecloud-probe")
    assert "Candidate: 1.0" in policy
    assert "2.0 500" in " ".join(policy.split())
    assert client.package("magecloud-probe").version == "1.0"
    assert client.file("/usr/share/magecloud-probe/version").content_string == "1.0\n"


def test_wrong_fingerprint_fails_before_anything_under_etc_apt_changes(client, fingerprint):
    snapshot = "find /etc/apt -printf '%p %s %T@ %m\\n' | sort"
    before = ok(client, snapshot)
    result = subprocess.run(["ansible-playbook", "-i", INVENTORY, str(pathlib.Path(__file__).parents[1] / "wrong_fingerprint.yml")],
                            env=PLAIN_OUTPUT, capture_output=True, text=True, timeout=300, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert (f"The signing key given for apt source magecloud-wrong has the fingerprint {fingerprint}, "
            f"but the pinned fingerprint is {SURY_FINGERPRINT}") in output
    assert "Nothing was written on magecloud-aptsrc-client" in output
    assert ok(client, snapshot) == before
    assert not client.file("/etc/apt/sources.list.d/magecloud-wrong.sources").exists


def test_php_role_adds_the_sury_source_for_the_release_and_pins_php_to_its_origin(client):
    assert deb822_fields(client, "/etc/apt/sources.list.d/php-sury.sources") == {
        "Types": "deb", "URIs": "http://magecloud-aptsrc-repo/php/", "Suites": "bookworm", "Components": "main",
        "Signed-By": "/etc/apt/keyrings/php-sury.asc"}
    assert deb822_fields(client, "/etc/apt/preferences.d/php-sury.pref") == {
        "Package": "php8.3 php8.3-*", "Pin": "origin magecloud-aptsrc-repo", "Pin-Priority": "990"}
    assert ok(client, "ls /var/lib/apt/lists/ | grep -c '^magecloud-aptsrc-repo_php_dists_bookworm_InRelease$'") == "1"
