"""Disk hygiene of the deployed sample app: twelve deploys keeping three releases leave three releases,
and only their artifacts, on the host and in the controller's cache; a key added to env.php by hand in
the app/etc mount lives through all of them."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import (INVENTORY, clone_sample_repo, commit, controller_cache, deploy, env_php_crypt_key, ok,  # noqa: E402
                              set_env_php_crypt_key)

APP_ROOT = "/var/www/magento"
HOST_NAME = "magecloud-deploy-aio"
KEEP = 3
DEPLOYS = 12

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def listing(host, directory):
    return sorted(ok(host, f"ls -A {directory}").split())


def tree_prefix(name):
    """The tree a cache entry belongs to: <tree>.tar, project-<tree>, or <tree[:12]>-<config>.tar.gz."""
    return name.removeprefix("project-")[:12]


def test_twelve_deploys_keep_three_releases_and_only_their_artifacts(host, tmp_path):
    repo = clone_sample_repo(tmp_path)
    set_env_php_crypt_key(host, "kept-by-hand")
    deployed = []
    for number in range(DEPLOYS):
        (repo / "README.md").write_text(f"disk hygiene deploy {number}\n")
        commit(repo, f"disk hygiene deploy {number}")
        # No grace: each deploy may prune the release the one before it replaced.
        rc, output = deploy(repo, "-e", f"deploy_keep_releases={KEEP}", "-e", "deploy_prune_grace=0", "-e", "deploy_warm_up=false")
        assert rc == 0, f"deploy {number}: {output[-3000:]}"
        deployed.append(ok(host, f"basename $(readlink {APP_ROOT}/current)"))
        assert env_php_crypt_key(host) == "kept-by-hand", f"after deploy {number}"
    assert len(set(deployed)) == DEPLOYS, "each deploy should have been a new release"

    releases = [name for name in listing(host, f"{APP_ROOT}/releases") if not name.startswith(".")]
    assert releases == sorted(deployed[-KEEP:]), f"kept {releases}, the last three deploys were {deployed[-KEEP:]}"
    assert listing(host, f"{APP_ROOT}/artifacts") == sorted(f"{release}.tar.gz" for release in releases)

    cache = controller_cache(HOST_NAME, APP_ROOT)
    entries = sorted(path.name for path in cache.iterdir())
    kept_trees = {tree_prefix(release) for release in releases}
    assert {tree_prefix(name) for name in entries} <= kept_trees, f"{cache} keeps entries of pruned releases: {entries}"
    assert not [name for name in entries if ".partial." in name], entries
    assert tree_prefix(deployed[-1]) in {tree_prefix(name) for name in entries}, f"{cache} should hold the current release's export"
