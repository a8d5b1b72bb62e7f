"""TLS between the tiers of the split inventory, on by default: each client connection from a web host is
encrypted and verified against the internal CA, and the plain way in is refused."""

import base64
import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from cluster_hosts import DATA, DB_PASSWORD, private_address  # noqa: E402
from molecule_support import INVENTORY, ok  # noqa: E402

CA = "/etc/magecloud/tls/ca.pem"
REDIS_PASSWORD = "molecule-redis-password"
REDIS_PORTS = (6380, 6381)
ENV_PHP = "/var/www/magento/shared/app/etc/env.php"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


@pytest.fixture(scope="module")
def data_address():
    return private_address(DATA)


@pytest.fixture(scope="module")
def redis_cli(web1):
    """redis-cli on the web host: the client the proof names; web hosts do not need it otherwise."""
    if web1.run("command -v redis-cli").rc != 0:
        ok(web1, "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-tools")
    return "redis-cli --no-auth-warning"


def env_php(host):
    return json.loads(ok(host, f"php -r 'echo json_encode(include \"{ENV_PHP}\");'"))


def test_the_app_users_database_session_is_encrypted(web1, data_address):
    for server in (data_address, DATA):
        cipher = ok(web1, f"mysql -h {server} -u magento -p{DB_PASSWORD} -N -e \"SHOW SESSION STATUS LIKE 'Ssl_cipher'\" magento")
        assert cipher.split("\t")[0] == "Ssl_cipher" and cipher.split("\t")[1].strip(), cipher


def test_a_plain_database_connection_of_the_app_user_is_refused(web1, data_address):
    plain = web1.run(f"mysql --no-defaults --skip-ssl -h {data_address} -u magento -p{DB_PASSWORD} -N -e 'SELECT 1' magento")
    assert plain.rc != 0 and "Access denied for user 'magento'" in plain.stderr, plain.stdout + plain.stderr


def test_redis_answers_over_tls_with_auth_and_the_ca(web1, redis_cli, data_address):
    for port in REDIS_PORTS:
        reply = ok(web1, f"{redis_cli} --tls --cacert {CA} -h {data_address} -p {port} -a {REDIS_PASSWORD} PING")
        assert reply == "PONG"
        unauthenticated = web1.run(f"{redis_cli} --tls --cacert {CA} -h {data_address} -p {port} PING")
        assert "NOAUTH" in unauthenticated.stdout + unauthenticated.stderr


def test_redis_refuses_plain_text_on_its_port(web1, redis_cli, data_address):
    for port in REDIS_PORTS:
        plain = web1.run(f"timeout 10 {redis_cli} -h {data_address} -p {port} -a {REDIS_PASSWORD} PING")
        assert "PONG" not in plain.stdout, f"port {port} answered in plain text"


def test_rabbitmq_completes_a_verified_tls_handshake_on_5671(web1):
    handshake = web1.run(f"openssl s_client -connect {DATA}:5671 -CAfile {CA} -verify_return_error -brief < /dev/null")
    assert handshake.rc == 0, handshake.stderr
    assert "Verification: OK" in handshake.stderr and "Protocol version: TLSv1.3" in handshake.stderr, handshake.stderr


def test_rabbitmqs_plain_port_is_loopback_only(web1, data, data_address):
    assert web1.run(f"timeout 5 bash -c '</dev/tcp/{data_address}/5672'").rc != 0, "5672 answers a web host"
    assert "127.0.0.1:5672 " in ok(data, "ss -Hltn")


def test_erlang_distribution_and_epmd_listen_on_the_private_address_only(data, data_address):
    listening = {line.split()[3] for line in ok(data, "ss -Hltn").splitlines()}
    epmd = {address for address in listening if address.endswith(":4369")}
    distribution = {address for address in listening if address.endswith(":25672")}
    assert epmd == {"127.0.0.1:4369", f"{data_address}:4369"}, listening
    assert distribution == {f"{data_address}:25672"}, listening


def test_env_php_carries_the_tls_settings_magento_reads(web1, data_address):
    env = env_php(web1)
    assert env["db"]["connection"]["default"]["driver_options"] == {"1009": CA}
    for frontend in ("default", "page_cache"):
        assert env["cache"]["frontend"][frontend]["backend_options"]["server"] == f"tls://{data_address}"
    assert env["session"]["redis"]["host"] == f"tls://{data_address}"
    amqp = env["queue"]["amqp"]
    assert (str(amqp["port"]), amqp["ssl"], amqp["ssl_options"]) == ("5671", "true", {"cafile": CA, "verify_peer": True})


def test_the_relationships_carry_the_ca(web1):
    relationships = json.loads(base64.b64decode(ok(web1, "sed -n 's/^MAGENTO_CLOUD_RELATIONSHIPS=//p' /etc/magecloud-runtime.env")))
    for name in ("database", "redis", "rabbitmq"):
        entry = relationships[name][0]
        assert (entry["ssl"], entry["ssl_options"]["cafile"]) == (True, CA), name
    assert relationships["rabbitmq"][0]["port"] == 5671


def test_the_stack_page_reaches_every_service_through_tls(web1):
    stack = ok(web1, "curl -s -H 'Host: localhost' http://127.0.0.1:8080/stack")
    assert all(f"{service} OK" in stack for service in ("database", "redis", "rabbitmq", "opensearch")), stack
    assert "rabbitmq OK over TLS" in stack, stack
