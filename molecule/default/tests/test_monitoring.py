"""Metrics, alerts, profiling and slow logs on the all-in-one host, which is its own monitor host: every
exporter scraped, an alert fired by a stopped nginx, the deploy marker, a flame graph of a live page."""

import json
import pathlib
import shlex
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, PLAIN_OUTPUT, ok, playbook  # noqa: E402

JOBS = {"prometheus", "node", "mysqld", "redis", "rabbitmq", "opensearch", "nginx", "phpfpm", "varnish", "edge"}
EXPORTER_PORTS = (9100, 9104, 9121, 15692, 9114, 9113, 9253, 9131, 9198)
PROFILE_PAGE = """<?php
function magecloud_probe_checksum(int $rounds): string {
    $hash = 'seed';
    for ($i = 0; $i < $rounds; $i++) { $hash = md5($hash); }
    return $hash;
}
function magecloud_probe_render(): void { echo magecloud_probe_checksum(20000); }
magecloud_probe_render();
"""
SLOW_PAGE = "<?php function magecloud_probe_wait() { usleep(1500000); } magecloud_probe_wait(); echo 'done';\n"
DOCROOT = "/var/www/magento/current/pub"


def prometheus(host, path, **params):
    """The data of a Prometheus API answer, asked on the host."""
    arguments = " ".join(f"--data-urlencode {shlex.quote(f'{key}={value}')}" for key, value in params.items())
    answer = json.loads(ok(host, f"curl -sfG http://127.0.0.1:9090/api/v1/{path} {arguments}"))
    assert answer["status"] == "success", answer
    return answer["data"]


def query(host, expression):
    """{instance: value} of an instant query."""
    return {sample["metric"].get("instance", ""): float(sample["value"][1]) for sample in prometheus(host, "query", query=expression)["result"]}


def wait_for(condition, seconds, step=1.0):
    """The first true value of condition() within seconds, else the last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def test_every_exporter_is_scraped_and_up(host):
    def targets():
        found = prometheus(host, "targets", state="active")["activeTargets"]
        return found if found and all(target["health"] == "up" for target in found) else None

    found = wait_for(targets, 45) or prometheus(host, "targets", state="active")["activeTargets"]
    assert {target["labels"]["job"] for target in found} == JOBS
    assert [(t["labels"]["job"], t["labels"]["instance"], t["lastError"]) for t in found if t["health"] != "up"] == []
    assert sorted(target["labels"]["instance"] for target in found if target["labels"]["job"] == "redis") == [
        "magecloud-molecule-aio:cache", "magecloud-molecule-aio:session"]


def test_each_exporter_reaches_its_service(host):
    for expression in ("mysql_up", "nginx_up", "phpfpm_up", "elasticsearch_clusterinfo_up", "varnish_up"):
        assert wait_for(lambda expression=expression: list(query(host, expression).values()) == [1.0], 20), expression
    assert sorted(query(host, "redis_up").items()) == [("magecloud-molecule-aio:cache", 1.0), ("magecloud-molecule-aio:session", 1.0)]
    assert query(host, "rabbitmq_identity_info") == {"magecloud-molecule-aio": 1.0}
    assert query(host, 'node_systemd_unit_state{name="nginx.service", state="active"}') == {"magecloud-molecule-aio": 1.0}


def test_exporters_listen_on_loopback_only_and_secrets_are_private(host):
    listening = ok(host, "ss -Htln")
    for port in EXPORTER_PORTS:
        addresses = {line.split()[3].rpartition(":")[0] for line in listening.splitlines() if line.split()[3].endswith(f":{port}")}
        assert addresses == {"127.0.0.1"}, (port, addresses)
    secret = host.file("/etc/default/prometheus-redis-exporter")
    assert (secret.user, secret.group, secret.mode) == ("root", "root", 0o600)
    assert "REDIS_PASSWORD=" in ok(host, "cat /etc/default/prometheus-redis-exporter")


def test_the_edge_exporter_counts_varnish_answers_by_status(host):
    def counts():
        return {sample["metric"]["code"]: float(sample["value"][1])
                for sample in prometheus(host, "query", query="magecloud_edge_requests_total")["result"]}

    before = counts()
    codes = ok(host, "for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1/no-such-page-$i; done").split()
    status_class = f"{codes[0][0]}xx"
    assert len(set(codes)) == 1 and status_class in ("4xx", "5xx"), codes
    assert wait_for(lambda: counts().get(status_class, 0.0) == before.get(status_class, 0.0) + 3, 20), (before, counts())
    assert query(host, "magecloud_edge_request_duration_seconds_count")["magecloud-molecule-aio"] >= 3


def test_stopping_nginx_fires_the_availability_alert_within_its_window(host):
    def firing():
        return [alert for alert in prometheus(host, "alerts")["alerts"]
                if alert["labels"]["alertname"] == "WebUnavailable" and alert["labels"].get("job") == "nginx" and alert["state"] == "firing"]

    assert firing() == []
    ok(host, "systemctl stop nginx")
    started = time.monotonic()
    try:
        # for: 15s, plus a scrape (5s) and a rule evaluation (5s) at worst on either side.
        alerts = wait_for(firing, 45)
        took = time.monotonic() - started
    finally:
        ok(host, "systemctl start nginx")
    assert alerts, prometheus(host, "alerts")
    assert 15 <= took <= 45, took
    assert alerts[0]["labels"]["severity"] == "critical" and alerts[0]["labels"]["instance"] == "magecloud-molecule-aio"
    assert wait_for(lambda: not firing(), 30)


def test_the_rules_promtool_checked_are_loaded(host):
    names = {rule["name"] for group in prometheus(host, "rules")["groups"] for rule in group["rules"]}
    assert {"EdgeErrorRate", "EdgeLatencyP95", "CronFailed", "CronStale", "QueueBacklogGrowing", "GaleraNodeNotSynced",
            "ReplicaBroken", "DiskSpaceLow", "InodesLow", "CertificateExpiring", "DeployFailed"} <= names
    ok(host, "promtool check rules /etc/prometheus/magecloud-alerts.yml")


GALERA_RULE_TEST = """
rule_files: [/etc/prometheus/magecloud-alerts.yml]
evaluation_interval: 5s
tests:
  - interval: 5s
    input_series:
      # A standalone MariaDB: wsrep off, and so wsrep_ready 0 and no local state.
      - {series: 'mysql_global_status_wsrep_ready{instance="standalone"}', values: 0x40}
      - {series: 'mysql_global_variables_wsrep_on{instance="standalone"}', values: 0x40}
      # A Galera node that is a donor (state 2), and one that is synced (4).
      - {series: 'mysql_global_status_wsrep_ready{instance="donor"}', values: 1x40}
      - {series: 'mysql_global_status_wsrep_local_state{instance="donor"}', values: 2x40}
      - {series: 'mysql_global_variables_wsrep_on{instance="donor"}', values: 1x40}
      - {series: 'mysql_global_status_wsrep_ready{instance="synced"}', values: 1x40}
      - {series: 'mysql_global_status_wsrep_local_state{instance="synced"}', values: 4x40}
      - {series: 'mysql_global_variables_wsrep_on{instance="synced"}', values: 1x40}
    alert_rule_test:
      - eval_time: 2m
        alertname: GaleraNodeNotSynced
        exp_alerts:
          - exp_labels: {severity: critical, instance: donor}
            exp_annotations: {summary: "donor: the Galera node is not synced with its cluster"}
"""


def test_the_galera_alert_spares_a_standalone_mariadb(host):
    # The live exporter reports wsrep off on the all-in-one's MariaDB, which promtool's series stand in for.
    assert query(host, "mysql_global_variables_wsrep_on") == {"magecloud-molecule-aio": 0.0}
    assert query(host, "mysql_global_status_wsrep_ready") == {"magecloud-molecule-aio": 0.0}
    assert query(host, 'ALERTS{alertname="GaleraNodeNotSynced"}') == {}
    ok(host, f"cat > /tmp/galera-rule-test.yml <<'EOF'\n{GALERA_RULE_TEST}EOF")
    ok(host, "promtool test rules /tmp/galera-rule-test.yml")


def report_deploy(tmp_path, failed):
    """The deploy role's report tasks, which write the marker, as a deploy that ended (or failed) runs them."""
    play = tmp_path / "report.yml"
    play.write_text(json.dumps([{
        "hosts": "web", "become": True, "gather_facts": False,
        "vars": {"__deploy_failure": "molecule: a failed deploy"} if failed else {},
        "tasks": [{"ansible.builtin.include_role": {"name": "magecloud.platform.deploy", "tasks_from": "report"}}]}]))
    result = subprocess.run(["ansible-playbook", "-i", INVENTORY, str(play)], env=PLAIN_OUTPUT, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_deploy_marker_moves_and_a_failed_deploy_fires_its_alert(host, tmp_path):
    report_deploy(tmp_path, failed=True)
    first = query(host, "magecloud_deploy_timestamp_seconds")

    def deploy_failed_fires():
        return any(alert["labels"]["alertname"] == "DeployFailed" and alert["state"] == "firing" for alert in prometheus(host, "alerts")["alerts"])

    assert wait_for(deploy_failed_fires, 30)
    time.sleep(1)
    report_deploy(tmp_path, failed=False)
    assert wait_for(lambda: query(host, "magecloud_deploy_success") == {"magecloud-molecule-aio": 1.0}, 20)
    assert query(host, "magecloud_deploy_timestamp_seconds")["magecloud-molecule-aio"] > first.get("magecloud-molecule-aio", 0)
    assert wait_for(lambda: not deploy_failed_fires(), 30)


@pytest.fixture
def profile_page(host):
    ok(host, f"cat > {DOCROOT}/profile-probe.php <<'EOF'\n{PROFILE_PAGE}EOF")
    yield "http://127.0.0.1:8080/profile-probe.php"
    ok(host, f"rm -f {DOCROOT}/profile-probe.php")


def test_the_profile_playbook_brings_back_a_flame_graph_of_the_live_page(host, profile_page, tmp_path):
    # Requests for as long as the profile runs, bounded in case the playbook fails early.
    ok(host, "rm -f /tmp/profile-load-stop")
    ok(host, f"nohup sh -c 'end=$(($(date +%s) + 90)); while [ $(date +%s) -lt $end ] && [ ! -e /tmp/profile-load-stop ]; "
             f"do curl -s -o /dev/null {profile_page}; done' >/dev/null 2>&1 &")
    try:
        code, output = playbook("profile.yml", "-e", "magecloud_profile_seconds=5", "-e", f"magecloud_profile_dir={tmp_path}")
    finally:
        ok(host, "touch /tmp/profile-load-stop")
    assert code == 0, output[-4000:]
    svg = next(tmp_path.glob("magecloud-molecule-aio-*.svg")).read_text()
    assert "magecloud_probe_checksum" in svg and "magecloud_probe_render" in svg
    speedscope = json.loads(next(tmp_path.glob("magecloud-molecule-aio-*.speedscope.json")).read_text())
    names = [frame["name"] for frame in speedscope["shared"]["frames"]]
    # The page's functions, caller then callee, right above the page's own frame.
    stacks = [[names[i] for i in sample] for sample in speedscope["profiles"][0]["samples"]]
    page = ok(host, f"readlink -f {DOCROOT}") + "/profile-probe.php"
    assert any(stack[:3] == [page, "magecloud_probe_render", "magecloud_probe_checksum"]
               for stack in stacks), stacks[:5]
    # Profiling is off again: no prepend setting, and a request adds no samples.
    assert not host.file("/etc/php/8.2/fpm/conf.d/99-magecloud-profile.ini").exists
    ok(host, "rm -f /var/tmp/magecloud-profile/*.collapsed")
    ok(host, f"curl -sf -o /dev/null {profile_page}")
    assert ok(host, "ls /var/tmp/magecloud-profile") == ""


def test_slow_requests_and_queries_are_logged_and_rotated(host):
    ok(host, f"cat > {DOCROOT}/slow-probe.php <<'EOF'\n{SLOW_PAGE}EOF")
    try:
        assert ok(host, "curl -sf http://127.0.0.1:8080/slow-probe.php") == "done"
    finally:
        ok(host, f"rm -f {DOCROOT}/slow-probe.php")
    assert wait_for(lambda: "magecloud_probe_wait" in host.run("cat /var/log/php8.2-fpm-magento-slow.log").stdout, 5)
    ok(host, "mysql -u root -e 'SELECT SLEEP(1.2) AS magecloud_slow_probe'")
    assert "magecloud_slow_probe" in ok(host, "cat /var/log/mysql/mariadb-slow.log")
    for config, log in (("php8.2-fpm-magento-slow", "/var/log/php8.2-fpm-magento-slow.log"), ("mariadb", "/var/log/mysql/mariadb-slow.log")):
        assert f"considering log {log}\n" in host.run(f"logrotate -d /etc/logrotate.d/{config} 2>&1").stdout, config
