"""Persistent connections (deploy_persistent_connections, on by default): env.php asks Magento's clients to keep
their MariaDB and Redis connections open in each PHP-FPM worker, and the app's clients, which read it as Magento's
do, then open at most one connection per worker however many requests the web host serves."""

import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from cluster_hosts import DATA, WEB1, private_address  # noqa: E402
from molecule_support import INVENTORY, ok  # noqa: E402

CA = "/etc/magecloud/tls/ca.pem"
ENV_PHP = "/var/www/magento/shared/app/etc/env.php"
REQUESTS = 60
# Connections of others during the requests: the exporters' scrapes and the cron runs of the other web host.
OTHERS = 6

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def database_connections(data):
    return int(ok(data, "mariadb -N -e \"SHOW GLOBAL STATUS LIKE 'Connections'\"").split()[1])


def redis_connections(data):
    """Connections the cache instance has accepted, asked over TLS at the address the web hosts use."""
    redis = f"redis-cli --no-auth-warning --tls --cacert {CA} -h {private_address(DATA)} -p 6380 -a molecule-redis-password"
    stats = ok(data, f"{redis} INFO stats")
    return int(next(line.split(":")[1] for line in stats.splitlines() if line.startswith("total_connections_received:")))


@pytest.fixture(scope="module")
def workers(web1):
    """The most FPM workers the web host runs: the most persistent connections it may hold per service."""
    return int(ok(web1, "sed -n 's/^pm.max_children *= *//p' /etc/php/*/fpm/pool.d/*.conf | sort -n | tail -1"))


def test_env_php_asks_for_persistent_connections(web1):
    env = json.loads(ok(web1, f"php -r 'echo json_encode(include \"{ENV_PHP}\");'"))
    assert env["db"]["connection"]["default"]["persistent"] == "1"
    # One id per Redis database: clients that share a connection share its selected database.
    ids = {frontend: env["cache"]["frontend"][frontend]["backend_options"]["persistent"] for frontend in ("default", "page_cache")}
    assert ids == {"default": "db0", "page_cache": "db1"}, ids
    assert env["session"]["redis"]["persistent_identifier"] == "db0"


def test_requests_reuse_the_workers_connections(web1, data, workers):
    assert REQUESTS > workers + OTHERS, "too few requests to tell persistent connections from new ones"
    ok(web1, "curl -sf -H 'Host: localhost' http://127.0.0.1:8080/stack")  # the workers' first connections
    database, redis = database_connections(data), redis_connections(data)
    stack = ok(web1, f"for i in $(seq {REQUESTS}); do curl -sf -H 'Host: localhost' http://127.0.0.1:8080/stack; done")
    assert stack.count("database OK") == REQUESTS and stack.count("redis OK") == REQUESTS, stack[-2000:]
    # Each count also takes the probe's own connection.
    assert database_connections(data) - database - 1 <= workers + OTHERS
    assert redis_connections(data) - redis - 1 <= workers + OTHERS


def test_the_web_hosts_connection_stays_open_between_requests(web1, data):
    web_address = private_address(WEB1)
    idle = ok(data, "mariadb -N -e \"SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                    f"WHERE USER = 'magento' AND HOST LIKE '{web_address}:%' AND COMMAND = 'Sleep'\"")
    assert int(idle) >= 1, f"no open connection of the app user from {web_address}"
