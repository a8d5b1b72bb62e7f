"""app/etc as a mount, as on the cloud: the build's app/etc goes to init/ and back into the mount, a
deploy whose setup:upgrade rewrites config.php succeeds, rollback brings back the config.php of the
release it returns to, and env.php keeps the keys added by hand across deploys."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, SAMPLE_REPO, clone_sample_repo, commit, deploy, ok, playbook  # noqa: E402

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


def env_key(host):
    return ok(host, f"php -r '$c = include \"{MOUNT}/env.php\"; echo $c[\"crypt\"][\"key\"] ?? \"missing\";'")


@pytest.fixture(scope="module", autouse=True)
def sample_app_deployed(host):
    """The sample app live, with a key added to env.php by hand that every later deploy must keep."""
    rc, output = deploy(SAMPLE_REPO)
    assert rc == 0, output[-3000:]
    ok(host, f"php -r '$c = include \"{MOUNT}/env.php\"; $c[\"crypt\"] = [\"key\" => \"kept-by-hand\"]; "
             f"file_put_contents(\"{MOUNT}/env.php\", \"<?php\\nreturn \" . var_export($c, true) . \";\\n\");'")


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
    assert env_key(host) == "kept-by-hand"

    rc, output = playbook("rollback.yml")
    assert rc == 0, output[-3000:]
    assert current(host) == before_release
    assert ok(host, f"cat {MOUNT}/config.php") == before_config
    rc, output = playbook("rollback.yml", "-e", f"magecloud_release={new_release.split('/')[-1]}")
    assert rc == 0, output[-3000:]
    assert ok(host, f"cat {MOUNT}/config.php") == upgraded
    assert env_key(host) == "kept-by-hand"


def test_env_php_keys_added_by_hand_survive_deploys(host, tmp_path):
    repo = clone_sample_repo(tmp_path)
    for number in range(3):
        (repo / "README.md").write_text(f"change {number}\n")
        commit(repo, f"change {number}")
        rc, output = deploy(repo)
        assert rc == 0, output[-3000:]
        assert env_key(host) == "kept-by-hand", f"after deploy {number + 1}"
