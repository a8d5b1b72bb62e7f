# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ha topology's containers, how the tests reach them, and the drill they share with the benchmark."""

import pathlib
import sys

import testinfra

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "benchmarks"))
from failover_drill import CORE, WEB  # noqa: E402
from molecule_support import INVENTORY, ok  # noqa: E402

DB_PASSWORD = "molecule-db-password"


def connect(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={INVENTORY}")


def galera_status(host):
    """The node's wsrep status variables, by name."""
    rows = ok(host, "mariadb --batch --skip-column-names --execute \"SHOW GLOBAL STATUS LIKE 'wsrep_%'\"").splitlines()
    return dict(row.split("\t", 1) for row in rows if "\t" in row)


def order_ids(host):
    return {int(line) for line in ok(host, "mariadb --batch --skip-column-names magento --execute 'SELECT id FROM sample_order'").split()}


__all__ = ["CORE", "WEB", "DB_PASSWORD", "connect", "galera_status", "order_ids"]
