# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Three core nodes in one Galera cluster, reached by the application through each web node's HAProxy.
Runs first (the fault test of test_orders_failover.py changes the cluster's history)."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from ha_hosts import CORE, galera_status, order_ids  # noqa: E402
from molecule_support import INVENTORY, ok  # noqa: E402

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")

HAPROXY_STATS = ("python3 -c \"import socket; s = socket.socket(socket.AF_UNIX); s.connect('/run/haproxy/admin.sock'); "
                 "s.sendall(b'show stat\\n'); print(s.makefile().read())\"")


def place_order(web, url):
    body = ok(web, f"curl -s -X POST -H 'Host: localhost' {url}/order.php")
    assert body.startswith("order "), body
    return int(body.split()[1])


def test_three_members_synced_in_one_primary_component(cores):
    for node in cores:
        status = galera_status(node)
        assert (status["wsrep_cluster_size"], status["wsrep_cluster_status"], status["wsrep_local_state_comment"]) == \
            ("3", "Primary", "Synced"), status


def test_converge_and_idempotence_restarted_no_node_after_the_joins(cores):
    # Each membership change makes a new configuration: the bootstrap and two joins make 3. A restart of
    # any node by the second converge would have made two more.
    assert {galera_status(node)["wsrep_cluster_conf_id"] for node in cores} == {"3"}


def test_state_transfer_is_mariabackup_and_settings_are_galera_safe(cores):
    settings = ok(cores[1], "mariadb --batch --skip-column-names --execute "
                            "'SELECT @@wsrep_sst_method, @@binlog_format, @@innodb_autoinc_lock_mode, @@wsrep_on'")
    assert settings.split("\t") == ["mariabackup", "ROW", "2", "1"]


def test_orders_through_either_web_node_reach_every_node(cores, web1, web2):
    placed = {place_order(web1, "http://127.0.0.1"), place_order(web2, "http://127.0.0.1:8080")}
    for node in cores:
        assert placed <= order_ids(node), node.backend.host


@pytest.mark.parametrize("web_name", ["web1", "web2"])
def test_haproxy_sends_the_database_to_the_first_node_with_the_others_as_backups(web_name, request):
    stats = ok(request.getfixturevalue(web_name), HAPROXY_STATS).splitlines()
    header = stats[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","))) for line in stats[1:] if line.startswith("mariadb,")]
    servers = {row["svname"]: (row["status"], row["act"], row["bck"]) for row in rows if row["svname"] in CORE}
    assert servers == {CORE[0]: ("UP", "1", "0"), CORE[1]: ("UP", "0", "1"), CORE[2]: ("UP", "0", "1")}


def test_galera_check_answers_503_on_a_desynced_node(cores, web1):
    check = f"curl -s -o /dev/null -w '%{{http_code}}' http://{CORE[2]}:9306/"
    assert ok(web1, check) == "200"
    ok(cores[2], "mariadb --execute 'SET GLOBAL wsrep_desync = ON'")
    try:
        assert ok(web1, check) == "503"
    finally:
        ok(cores[2], "mariadb --execute 'SET GLOBAL wsrep_desync = OFF'")


def test_sessions_go_through_haproxy_to_the_cache_master(web1):
    first = ok(web1, "curl -s -c /tmp/ha-cookies -H 'Host: localhost' http://127.0.0.1/session.php")
    second = ok(web1, "curl -s -b /tmp/ha-cookies -H 'Host: localhost' http://127.0.0.1/session.php")
    assert (first, second) == ("visits 1", "visits 2")
