# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failover drill of the `ha` topology (issue 17): orders, the storefront page and a session read go
through Varnish while faults are injected one after the other. Per fault it records the requests, the
non-2xx answers (connection errors included), the seconds during which requests failed (the union
of the failed requests' spans), the orders acknowledged (200 with an id, sent only after COMMIT) and how many of those are
missing afterwards on any Galera node, whether the cluster became whole again by itself, and when.

Usage: python3 benchmarks/failover_drill.py --inventory INV [--faults writer_kill,...] [--json OUT]
(INV: an ansible inventory of the topology, for the galera_recover fault; the container names default
to those of molecule/ha)
"""

from __future__ import annotations

import argparse
import http.client
import json
import pathlib
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORE = ("magecloud-ha-core1", "magecloud-ha-core2", "magecloud-ha-core3")
WEB = ("magecloud-ha-web1", "magecloud-ha-web2")
CHECK_PORT = 9306
FAULTS = ("writer_kill", "cache_master_kill", "web_stop", "core_stop", "all_core_stop")
WHOLE_TIMEOUT = 300


def docker(*args, check=True):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=600)


def container_address(container):
    return docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container).stdout.strip()


def sql(container, query):
    """Rows of a query run as root on the node's socket; None when the server does not answer."""
    result = docker("exec", container, "mariadb", "--batch", "--skip-column-names", "--database=magento", "--execute", query,
                    check=False)
    return [line.split("\t") for line in result.stdout.splitlines()] if result.returncode == 0 else None


def galera_synced(container):
    rows = sql(container, "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_size')")
    status = dict(rows or [])
    return status.get("wsrep_local_state_comment") == "Synced" and status.get("wsrep_cluster_size") == str(len(CORE))


def http_status(address, port, path, timeout=2.0):
    connection = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def writer():
    """The node every HAProxy sends writes to: the first core node whose Galera check answers 200."""
    return next((node for node in CORE if http_status(container_address(node), CHECK_PORT, "/") == 200), CORE[0])


class Load:
    """Clients placing orders, reading the storefront page and reading the session, each request kept
    as (kind, sent, received, status or None for a connection error, order id or None)."""

    KINDS = (("order", "POST", "/order.php"), ("order", "POST", "/order.php"), ("page", "GET", "/"),
             ("session", "GET", "/session.php"))

    def __init__(self, address, host_header):
        self.address = address
        self.host_header = host_header
        self.records = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=kind, daemon=True) for kind in self.KINDS]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *unused):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def _client(self, kind, method, path):
        cookie = ""
        while not self.stop.is_set():
            sent = time.monotonic()
            status, order_id = None, None
            connection = http.client.HTTPConnection(self.address, 80, timeout=10)
            try:
                connection.request(method, path, headers={"Host": self.host_header, "Cookie": cookie})
                response = connection.getresponse()
                body = response.read().decode(errors="replace")
                status = response.status
                cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]
                if kind == "order" and status == 200 and body.startswith("order "):
                    order_id = int(body.split()[1])
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.05)
            finally:
                connection.close()
            with self.lock:
                self.records.append((kind, sent, time.monotonic(), status, order_id))


def inject(fault, inventory, database_writer):
    """Cause the fault; return what brings the topology back (None when it comes back by itself)."""
    if fault == "writer_kill":
        docker("exec", database_writer, "pkill", "--signal", "KILL", "--exact", "mariadbd")
        return None
    if fault == "cache_master_kill":
        docker("exec", CORE[0], "pkill", "--signal", "KILL", "--exact", "valkey-server")
        return None
    if fault == "web_stop":
        docker("stop", WEB[-1])
        return lambda: docker("start", WEB[-1])
    if fault == "core_stop":
        docker("stop", CORE[-1])
        return lambda: docker("start", CORE[-1])
    docker("stop", *CORE)

    def recover():
        docker("start", *CORE)
        subprocess.run(["ansible-playbook", "-i", inventory, str(ROOT / "playbooks" / "galera_recover.yml")],
                       check=True, capture_output=True, text=True, timeout=900)
    return recover


def whole():
    """Every Galera node Synced in a cluster of all of them, and every web node serving its health page."""
    return all(galera_synced(node) for node in CORE) and all(
        docker("exec", node, "curl", "-sf", "-o", "/dev/null", "-H", "Host: localhost", "http://127.0.0.1:8080/health_check.php",
               check=False).returncode == 0 for node in WEB)


def wait_whole(timeout):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if whole():
            return True, round(time.monotonic() - started, 1)
        time.sleep(1)
    return False, None


def lost_orders(acknowledged):
    """Acknowledged ids missing on at least one Galera node."""
    missing = set()
    for node in CORE:
        rows = sql(node, "SELECT id FROM sample_order") or []
        missing |= set(acknowledged) - {int(row[0]) for row in rows}
    return sorted(missing)


def failing_seconds(failed):
    """Length of the union of the failed requests' [sent, answered] spans: the time during which requests failed."""
    total, end = 0.0, None
    for sent, answered in sorted((record[1], record[2]) for record in failed):
        if end is None or sent > end:
            total += answered - sent
            end = answered
        elif answered > end:
            total += answered - end
            end = answered
    return total


def drill(fault, args):
    with Load(container_address(args.edge), args.host_header) as load:
        time.sleep(args.before)
        database_writer = writer()
        fault_at = time.monotonic()
        bring_back = inject(fault, args.inventory, database_writer)
        time.sleep(args.outage)
        if bring_back:
            bring_back()
        rejoined, rejoin_after_outage = wait_whole(WHOLE_TIMEOUT)
        time.sleep(args.after)
    records = list(load.records)
    failed = [record for record in records if record[3] is None or not 200 <= record[3] < 300]
    acknowledged = [record[4] for record in records if record[4] is not None]
    return {
        "fault": fault,
        "requests": len(records),
        "non_2xx": len(failed),
        "error_window_s": round(failing_seconds(failed), 1),
        # When, after the fault, each failed request was sent (by kind): a failover and a failback show apart.
        "failed_at_s": [f"{record[0]}@{record[1] - fault_at:+.1f}s:{record[3] or 'no answer'} in {record[2] - record[1]:.1f}s"
                        for record in failed],
        "acknowledged": len(acknowledged),
        "acknowledged_lost": len(lost_orders(acknowledged)),
        "rejoined": rejoined,
        "rejoin_s": round(rejoin_after_outage + args.outage, 1) if rejoined else None,
        "since_fault_s": round(time.monotonic() - fault_at, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", required=True, help="ansible inventory of the topology (for galera_recover.yml)")
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, in order, of: {', '.join(FAULTS)}")
    parser.add_argument("--edge", default=WEB[0], help="the container running Varnish")
    parser.add_argument("--host-header", default="localhost")
    parser.add_argument("--before", type=float, default=5, help="seconds of load before the fault")
    parser.add_argument("--outage", type=float, default=10, help="seconds before a stopped container is started again")
    parser.add_argument("--after", type=float, default=5, help="seconds of load once the topology is whole again")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    unknown = set(args.faults.split(",")) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    if not wait_whole(60)[0]:
        sys.exit("The topology is not whole before the drill: every Galera node Synced and every web node healthy are needed.")
    results = []
    for fault in args.faults.split(","):
        results.append(drill(fault, args))
        print(json.dumps(results[-1]), flush=True)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
