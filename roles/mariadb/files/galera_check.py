# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP health of the local Galera node, for the HAProxy of every web node: 200 when the node is Synced
(wsrep_local_state 4: not joining, not a donor, not desynced) in a Primary component and ready for
queries; 503 with the reason otherwise. Usage: galera_check.py ADDRESS PORT"""

import http.server
import sys

import pymysql

SOCKET = "/run/mysqld/mysqld.sock"
QUERY = "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_cluster_status', 'wsrep_ready')"
SYNCED = "4"


def node_problem():
    """None when the node may take writes, else why not."""
    try:
        # The service runs as the OS user mysql, whom the server knows by its unix socket: no password.
        connection = pymysql.connect(unix_socket=SOCKET, user="mysql", connect_timeout=2, read_timeout=2)
    except pymysql.MySQLError as error:
        return f"server unreachable: {error}"
    try:
        with connection.cursor() as cursor:
            cursor.execute(QUERY)
            status = dict(cursor.fetchall())
    except pymysql.MySQLError as error:
        return f"status unreadable: {error}"
    finally:
        connection.close()
    if status.get("wsrep_cluster_status") != "Primary":
        return f"component {status.get('wsrep_cluster_status')}"
    if status.get("wsrep_local_state") != SYNCED or status.get("wsrep_ready") != "ON":
        return f"wsrep_local_state {status.get('wsrep_local_state')}, ready {status.get('wsrep_ready')}"
    return None


class Check(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        problem = node_problem()
        body = f"{problem or 'synced'}\n".encode()
        self.send_response(503 if problem else 200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """HAProxy asks every second: no line per check in the journal."""


def main():
    address, port = sys.argv[1], int(sys.argv[2])
    http.server.ThreadingHTTPServer((address, port), Check).serve_forever()


if __name__ == "__main__":
    main()
