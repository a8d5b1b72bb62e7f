"""installed_packages reads this machine's own dpkg database (the tests run on Debian)."""

import shutil
import subprocess

import pytest
from module_runner import run_module

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs a dpkg-based system")


def test_lists_what_dpkg_says_is_installed_with_its_version(tmp_path):
    packages = run_module("installed_packages", tmp_path)["ansible_facts"]["packages"]
    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "dpkg"], capture_output=True, text=True,
                             check=True).stdout
    assert packages["dpkg"] == [{"name": "dpkg", "version": version, "arch": packages["dpkg"][0]["arch"], "source": "dpkg"}]
    assert "a-package-that-is-not-there" not in packages


def test_packages_not_installed_are_left_out():
    from ansible_collections.magecloud.platform.plugins.modules.installed_packages import installed
    listing = "nginx\t1.22\tamd64\tii \nold-kernel\t6.1\tamd64\trc \nnew\t\t\tun \n"
    assert list(installed(listing)) == ["nginx"]
