"""The all-in-one host after site.yml, probed with real requests to every layer."""

import json
import os
import re
import subprocess
import time

import pytest

DB_PASSWORD = "molecule-db-password"
REDIS_PASSWORD = "molecule-redis-password"
MQ_PASSWORD = "molecule-mq-password"


def ok(host, command):
    result = host.run(command)
    assert result.rc == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def curl(host, url, *options):
    """Status, headers and body of one request made on the host."""
    out = ok(host, f"curl -s -i {' '.join(options)} '{url}'")
    head, unused_sep, body = out.replace("\r\n", "\n").partition("\n\n")
    status = int(head.split()[1])
    headers = dict(line.split(": ", 1) for line in head.splitlines()[1:] if ": " in line)
    return status, {k.lower(): v for k, v in headers.items()}, body


def test_sql_round_trip_as_the_app_user(host):
    sql = ("CREATE TABLE IF NOT EXISTS probe (id INT PRIMARY KEY, note VARCHAR(20)); "
           "REPLACE INTO probe VALUES (1, 'round-trip'); SELECT note FROM probe WHERE id = 1;")
    out = ok(host, f"mysql -h 127.0.0.1 -u magento -p{DB_PASSWORD} magento -N -e \"{sql}\"")
    assert out.strip() == "round-trip"


def test_app_user_cannot_reach_other_databases(host):
    result = host.run(f"mysql -h 127.0.0.1 -u magento -p{DB_PASSWORD} mysql -e 'SELECT 1'")
    assert result.rc != 0 and "Access denied" in result.stderr


def test_root_cannot_log_in_over_tcp(host):
    result = host.run("mysql -h 127.0.0.1 -u root -e 'SELECT 1'")
    assert result.rc != 0 and "Access denied" in result.stderr
    assert ok(host, "mysql -u root -N -e 'SELECT 1'").strip() == "1"


def test_mariadb_is_tuned(host):
    out = ok(host, "mysql -u root -N -e \"SELECT @@innodb_buffer_pool_size, @@max_allowed_packet, @@bind_address\"")
    pool, packet, bind = out.split()
    assert int(pool) > 128 * 1024 * 1024 and int(packet) == 64 * 1024 * 1024 and bind == "127.0.0.1"


@pytest.mark.parametrize("port, policy", [(6380, "allkeys-lru"), (6381, "noeviction")])
def test_redis_instance_requires_its_password(host, port, policy):
    denied = host.run(f"redis-cli -p {port} PING")
    assert "NOAUTH" in denied.stdout + denied.stderr
    base = f"REDISCLI_AUTH={REDIS_PASSWORD} redis-cli -p {port}"
    assert ok(host, f"{base} SET probe value-{port}").strip() == "OK"
    assert ok(host, f"{base} GET probe").strip() == f"value-{port}"
    assert ok(host, f"{base} CONFIG GET maxmemory-policy").split()[1] == policy


def test_the_packages_default_redis_neither_runs_nor_starts_at_boot(host):
    default = host.service("redis-server")
    assert not default.is_running and not default.is_enabled
    assert not host.socket("tcp://127.0.0.1:6379").is_listening


def test_amqp_publish_and_consume_as_the_app_user_and_guest_is_gone(host):
    script = (
        '$c = new AMQPConnection(["vhost" => "/magento", "login" => "magento", "password" => "%s"]); $c->connect();'
        '$ch = new AMQPChannel($c); $q = new AMQPQueue($ch); $q->setName("probe"); $q->declareQueue();'
        '(new AMQPExchange($ch))->publish("hello-amqp", "probe"); usleep(200000);'
        '$m = $q->get(AMQP_AUTOACK); echo $m ? $m->getBody() : "none";' % MQ_PASSWORD)
    assert ok(host, f"php -r '{script}'").strip() == "hello-amqp"
    guest = host.run("php -r '(new AMQPConnection([\"login\" => \"guest\", \"password\" => \"guest\"]))->connect();'")
    assert guest.rc != 0 and "ACCESS_REFUSED" in guest.stdout + guest.stderr


def test_opensearch_indexes_and_finds_a_document(host):
    ok(host, "curl -sf -XDELETE 'http://127.0.0.1:9200/probe' || true")
    ok(host, "curl -sf -XPUT 'http://127.0.0.1:9200/probe' -H 'Content-Type: application/json' "
             "-d '{\"settings\": {\"number_of_replicas\": 0}}'")
    ok(host, "curl -sf -XPUT 'http://127.0.0.1:9200/probe/_doc/1?refresh=true' -H 'Content-Type: application/json' "
             "-d '{\"name\": \"Joust Duffle Bag\"}'")
    hits = json.loads(ok(host, "curl -sf 'http://127.0.0.1:9200/probe/_search' -H 'Content-Type: application/json' "
                               "-d '{\"query\": {\"match\": {\"name\": \"duffle\"}}}'"))
    assert hits["hits"]["total"]["value"] == 1
    assert hits["hits"]["hits"][0]["_source"]["name"] == "Joust Duffle Bag"


def test_opensearch_is_not_on_a_public_address(host):
    assert "127.0.0.1:9200" in ok(host, "ss -ltn")
    assert "0.0.0.0:9200" not in ok(host, "ss -ltn")


def test_php_page_through_nginx_reaches_all_four_services(host):
    status, headers, body = curl(host, "http://127.0.0.1:8080/stack-check.php")
    assert status == 200
    assert json.loads(body) == {"mariadb": "OK", "redis_cache": "OK", "redis_session": "OK",
                                "rabbitmq": "OK", "opensearch": "OK"}


def test_nginx_denies_app_internals(host):
    for path in ("/app/etc/env.php", "/var/log/system.log", "/.git/config", "/setup/index.php", "/.env", "/vendor/autoload.php"):
        assert curl(host, f"http://127.0.0.1:8080{path}")[0] == 403, path


def test_nginx_uses_the_realpath_of_current(host):
    config = ok(host, "nginx -T 2>/dev/null")
    assert "SCRIPT_FILENAME $realpath_root$script" in config and "DOCUMENT_ROOT $realpath_root" in config


def test_second_request_through_varnish_is_a_hit(host):
    url = "http://127.0.0.1/cached.php?p=11"
    first = curl(host, url)
    second = curl(host, url)
    assert first[0] == second[0] == 200
    assert second[1]["x-cache"] == "HIT" and second[2] == first[2]
    assert "x-magento-tags" not in second[1]


def test_marketing_parameters_do_not_split_the_cache(host):
    curl(host, "http://127.0.0.1/cached.php?p=12")
    assert curl(host, "http://127.0.0.1/cached.php?p=12&utm_source=mail&gclid=x")[1]["x-cache"] == "HIT"


def test_purge_by_tag_from_the_acl_evicts_the_page(host):
    url = "http://127.0.0.1/cached.php?p=13"
    curl(host, url)
    assert curl(host, url)[1]["x-cache"] == "HIT"
    status = curl(host, "http://127.0.0.1/", "-X PURGE", "-H 'X-Magento-Tags-Pattern: ((^|,)cat_p_13(,|$))'")[0]
    assert status == 200
    assert curl(host, url)[1]["x-cache"] == "MISS"


def test_purge_from_outside_the_acl_is_refused(host):
    name = host.backend.host
    address = subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name],
                             capture_output=True, text=True, check=True).stdout.strip()
    result = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PURGE", "--max-time", "10",
                             "-H", "X-Magento-Tags-Pattern: .*", f"http://{address}/"],
                            capture_output=True, text=True, check=False)
    assert result.stdout == "405"


def test_checkout_is_never_cached(host):
    curl(host, "http://127.0.0.1/checkout/cached.php")
    assert curl(host, "http://127.0.0.1/checkout/cached.php")[1].get("x-cache") != "HIT"


def backend_health(host):
    return ok(host, "varnishadm backend.list")


def test_page_survives_a_stopped_backend_within_grace(host):
    url = "http://127.0.0.1/cached.php?p=14&ttl=1"
    fresh = curl(host, url)
    time.sleep(2)
    ok(host, "systemctl stop nginx")
    try:
        deadline = time.time() + 30
        while "sick" not in backend_health(host).lower() and time.time() < deadline:
            time.sleep(1)
        assert "sick" in backend_health(host).lower()
        stale = curl(host, url)
        assert stale[0] == 200 and stale[2] == fresh[2]
    finally:
        ok(host, "systemctl start nginx")


def test_check_mode_on_the_converged_host_changes_nothing():
    inventory = os.environ.get("MOLECULE_INVENTORY_FILE")
    playbook = os.path.join(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", ""), "converge.yml")
    if not inventory:
        pytest.skip("runs inside molecule verify, which names the inventory")
    result = subprocess.run(["ansible-playbook", "-i", inventory, "--check", playbook],
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    recap = re.findall(r"changed=(\d+)", result.stdout.split("PLAY RECAP")[-1])
    assert recap and all(count == "0" for count in recap), result.stdout[-3000:]
