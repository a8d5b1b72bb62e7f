"""A split inventory converged by site.yml: two web hosts (Varnish, build, hooks and crons on the
first) and one host for MariaDB, Redis, RabbitMQ and OpenSearch. The sample app is deployed to both
web hosts; the tests then take the second web host away before and in the middle of deploys."""

import pathlib
import re
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from cluster_hosts import DATA, DB_PASSWORD, WEB1, WEB2, connect, private_address  # noqa: E402
from molecule_support import INVENTORY, PLAIN_OUTPUT, PROJECT, clone_sample_repo, commit, deploy, ok  # noqa: E402

APP_ROOT = "/var/www/magento"
HOOK_WAITING, HOOK_HOLD = "/tmp/magecloud-hook-waiting", "/tmp/magecloud-hold-hook"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


@pytest.fixture(scope="module")
def held_repo(tmp_path_factory):
    """The sample app with a deploy hook that waits while the hold file exists on the hook host."""
    repo = clone_sample_repo(tmp_path_factory.mktemp("held"))
    app_yaml = repo / ".magento.app.yaml"
    hook = (f"    deploy: |\n        touch {HOOK_WAITING}\n"
            f"        for second in $(seq 300); do [ -e {HOOK_HOLD} ] || exit 0; sleep 1; done\n"
            "        echo 'the test never let the hook go'; exit 1\n")
    app_yaml.write_text(app_yaml.read_text().replace("hooks:\n", "hooks:\n" + hook, 1))
    (repo / "README.md").write_text(f"tree of the test run at {time.time()}\n")  # a new release on every run
    commit(repo, "a deploy hook the tests can hold")
    return repo


def current(host):
    return ok(host, f"readlink {APP_ROOT}/current")


def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(1)
    return False


def docker(action, container):
    subprocess.run(["docker", action, container], capture_output=True, check=True)


def bring_back(container):
    """Start a stopped web host and wait until it serves again."""
    docker("start", container)
    host = connect(container)
    assert wait_for(lambda: host.run("curl -sf -H 'Host: localhost' http://127.0.0.1:8080/health_check.php").rc == 0, 120), \
        f"{container} does not serve again after its restart"


def dropped_out(container, output):
    """The deploy's failure names the host as dropped out; a stopped container shows as unreachable
    or as a failed module, depending on where the connection broke."""
    return re.search(rf"Web hosts dropped out of the deploy of \S+: ([^;]*; )*{container} \(", output) is not None


def both_web_backends_healthy(edge):
    """The web hosts' own lines of backend.list; the director's line says healthy while one of them is."""
    listing = ok(edge, "varnishadm backend.list")
    return len(re.findall(r"^\S*\bweb\d+\s.*\bhealthy\b", listing, re.MULTILINE)) >= 2


def assert_lock_free(host):
    assert host.run(f"test -e {APP_ROOT}/deploy.lock").rc != 0, "the deploy lock was not given back"


def test_services_listen_on_the_data_hosts_private_address(data):
    address = private_address(DATA)
    listening = ok(data, "ss -Hltn")
    for port in (3306, 6380, 6381, 5671, 9200):
        assert f"{address}:{port} " in listening, f"nothing listens on {address}:{port}\n{listening}"


def test_web_hosts_reach_every_service_and_root_stays_local(web1, web2):
    for web in (web1, web2):
        assert ok(web, f"mysql -h {DATA} -u magento -p{DB_PASSWORD} -N -e 'SELECT 1' magento") == "1"
        assert web.run(f"mysql -h {DATA} -u root -N -e 'SELECT 1'").rc != 0, "root logged in over TCP"
        stack = ok(web, "curl -s -H 'Host: localhost' http://127.0.0.1:8080/stack")
        assert all(f"{service} OK" in stack for service in ("database", "redis", "opensearch")), stack


def test_both_web_hosts_serve_the_same_release_and_one_runs_the_crons(web1, web2):
    release = current(web1)
    assert current(web2) == release
    assert release.split("/")[-1] in ok(web1, "curl -s -H 'Host: localhost' http://127.0.0.1/")
    assert ok(web1, "systemctl is-active magecloud-cron.target magecloud-workers.target").split() == ["active", "active"]
    assert web2.run("systemctl is-active magecloud-cron.target").rc != 0, "crons run on both web hosts"


def test_varnish_balances_both_web_hosts_and_leaves_out_a_sick_one(web1):
    assert wait_for(lambda: both_web_backends_healthy(web1), 60), ok(web1, "varnishadm backend.list")
    ok(web1, "systemctl stop nginx")
    try:
        assert wait_for(lambda: "sick" in ok(web1, "varnishadm backend.list").lower(), 60), ok(web1, "varnishadm backend.list")
        statuses = [ok(web1, "curl -s -o /dev/null -w '%{http_code}' -H 'Host: localhost' http://127.0.0.1/health_check.php")
                    for unused_attempt in range(10)]
        assert statuses == ["200"] * 10, f"with nginx stopped on {WEB1}, Varnish answered {statuses}"
    finally:
        ok(web1, "systemctl start nginx")


@pytest.mark.parametrize("stopped", ["nginx", "php*-fpm.service"], ids=["connection-refused", "bad-gateway"])
def test_a_get_that_one_web_host_fails_is_fetched_from_the_other_before_its_probe_notices(web1, web2, stopped):
    assert wait_for(lambda: both_web_backends_healthy(web1), 60), ok(web1, "varnishadm backend.list")
    ok(web2, f"systemctl stop '{stopped}'")
    try:
        # Misses, one per URL, sent within a second or two: the probe needs three failures, seconds apart.
        statuses = [ok(web1, f"curl -s -o /dev/null -w '%{{http_code}}' -H 'Host: localhost' 'http://127.0.0.1/health_check.php?try={attempt}'")
                    for attempt in range(10)]
        assert statuses == ["200"] * 10, f"with {stopped} stopped on {WEB2}, Varnish answered {statuses}"
    finally:
        ok(web2, f"systemctl start '{stopped}'")


def test_a_web_host_down_before_the_deploy_stops_every_host(web1, held_repo):
    before = current(web1)
    docker("stop", WEB2)
    try:
        rc, output = deploy(held_repo)
    finally:
        bring_back(WEB2)
    assert rc != 0, output[-3000:]
    assert dropped_out(WEB2, output) and "No host switched." in output, output[-3000:]
    assert current(web1) == before and current(connect(WEB2)) == before
    assert_lock_free(web1)


def test_a_web_host_lost_during_a_batched_switch_switches_the_others_back(web1, held_repo):
    before = current(web1)
    ok(web1, f"rm -f {HOOK_WAITING} && touch {HOOK_HOLD}")
    run = subprocess.Popen(["ansible-playbook", "-i", INVENTORY, str(PROJECT / "playbooks" / "deploy.yml"),
                            "-e", f"magecloud_git_repo={held_repo}", "-e", "magecloud_git_ref=main", "-e", "magecloud_deploy_serial=1"],
                           env=PLAIN_OUTPUT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(lambda: web1.run(f"test -e {HOOK_WAITING}").rc == 0, 300), "the deploy hook never started"
        docker("stop", WEB2)
        ok(web1, f"rm -f {HOOK_HOLD}")
        output = run.communicate(timeout=600)[0]
    finally:
        run.kill()
        bring_back(WEB2)
    assert run.returncode != 0, output[-3000:]
    assert dropped_out(WEB2, output), output[-3000:]
    assert f"Switched back to their previous release: {WEB1}." in output, output[-3000:]
    assert current(web1) == before, "the first batch kept the new release while the second never got it"
    assert current(connect(WEB2)) == before
    assert before.split("/")[-1] in ok(web1, "curl -s -H 'Host: localhost' http://127.0.0.1:8080/health_check.php")
    assert_lock_free(web1)


def test_once_the_host_is_back_a_deploy_brings_every_host_to_the_new_release(web1, held_repo):
    before = current(web1)
    rc, output = deploy(held_repo, "-e", "magecloud_deploy_serial=1")
    assert rc == 0, output[-3000:]
    assert current(web1) == current(connect(WEB2)) != before
