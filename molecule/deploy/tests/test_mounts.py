"""app/etc as a mount, as on the cloud: the build's app/etc goes to init/ and back into the mount, a
deploy whose setup:upgrade rewrites config.php succeeds, rollback brings back the config.php of the
release it returns to (test_disk.py checks that env.php keeps the keys added by hand across twelve deploys)."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import (INVENTORY, SAMPLE_REPO, clone_sample_repo, commit, deploy, env_php_crypt_key, ok, playbook,  # noqa: E402
                              set_env_php_crypt_key)

APP_ROOT = "/var/www/magento"
HOST_NAME = "magecloud-deploy-aio"
MOUNT = f"{APP_ROOT}/shared/app/etc"
EXTRA_MODULE = """<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="Sample_Extra">
        <sequence>
            <module name="Sample_Catalog"/>
        </sequence>
    </module>
</config>
"""

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def current(host):
    return ok(host, f"readlink {APP_ROOT}/current").strip()


@pytest.fixture(scope="module", autouse=True)
def sample_app_deployed(host):
    """The sample app live, with a key added to env.php by hand that every later deploy must keep."""
    rc, output = deploy(SAMPLE_REPO)
    assert rc == 0, output[-3000:]
    set_env_php_crypt_key(host, "kept-by-hand")


def test_app_etc_is_the_mount_seeded_from_the_release_init(host):
    release = f"{APP_ROOT}/{current(host)}"
    assert host.file(f"{release}/app/etc").linked_to == MOUNT
    assert ok(host, f"stat -c %U {MOUNT} {MOUNT}/config.php {MOUNT}/env.php").split() == ["magento"] * 3
    assert ok(host, f"cat {release}/init/app/etc/config.php") == ok(host, f"cat {MOUNT}/config.php")
    assert "'Sample_Core' => 1,\n        'Sample_Catalog' => 1" in ok(host, f"cat {MOUNT}/config.php")
    ok(host, f"runuser -u magento -- touch {MOUNT}/writable-probe && rm {MOUNT}/writable-probe")


def test_setup_upgrade_writes_config_php_and_rollback_brings_back_the_previous_one(host, tmp_path):
    before_release, before_config = current(host), ok(host, f"cat {MOUNT}/config.php")
    repo = clone_sample_repo(tmp_path)
    module_xml = repo / "app" / "code" / "Sample" / "Extra" / "etc" / "module.xml"
    module_xml.parent.mkdir(parents=True)
    module_xml.write_text(EXTRA_MODULE)
    commit(repo, "a new module: setup:upgrade adds it to config.php")
    rc, output = deploy(repo, "-v")
    assert rc == 0, output[-3000:]
    assert "setup:upgrade --keep-generated" in output
    upgraded = ok(host, f"cat {MOUNT}/config.php")
    assert "'Sample_Catalog' => 1,\n        'Sample_Extra' => 1\n" in upgraded, upgraded
    assert "release=" in ok(host, "curl -s -H 'Host: localhost' http://127.0.0.1/")
    new_release = current(host)
    assert env_php_crypt_key(host) == "kept-by-hand"

    rc, output = playbook("rollback.yml")
    assert rc == 0, output[-3000:]
    assert current(host) == before_release
    assert ok(host, f"cat {MOUNT}/config.php") == before_config
    rc, output = playbook("rollback.yml", "-e", f"magecloud_release={new_release.split('/')[-1]}")
    assert rc == 0, output[-3000:]
    assert ok(host, f"cat {MOUNT}/config.php") == upgraded
    assert env_php_crypt_key(host) == "kept-by-hand"
