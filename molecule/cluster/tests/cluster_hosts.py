"""The split inventory's containers, and how the tests reach them."""

import pathlib
import subprocess
import sys

import testinfra

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY  # noqa: E402

WEB1, WEB2, DATA = "magecloud-cluster-web1", "magecloud-cluster-web2", "magecloud-cluster-data"
DB_PASSWORD = "molecule-db-password"


def connect(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY}")


def private_address(container):
    return subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container],
                          capture_output=True, text=True, check=True).stdout.strip()
