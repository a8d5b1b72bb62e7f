"""A deploy that turns one tier's TLS off or on (the cache tier: the cheapest to converge) passes its health
check, and then every service answers the /stack page of both web hosts, with no PHP-FPM reload: the pool's
OPcache forgets the env.php it compiled before (magecloud.platform.opcache_invalidate). The deploy is of the
commit already live, the cheapest deploy that writes env.php (a new release's check before the switch goes
through the same module). Each run turns the tier the other way, so it can run again."""

import json
import pathlib
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import ENV_PHP, INVENTORY, PLAIN_OUTPUT, SAMPLE_REPO, deploy, ok  # noqa: E402

SERVICES = ("database", "redis", "rabbitmq", "opensearch")
CACHE_TIER = pathlib.Path(__file__).resolve().parents[1] / "cache_tier.yml"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def stack(host):
    page = ok(host, "curl -s -H 'Host: localhost' http://127.0.0.1:8080/stack")
    assert all(f"{service} OK" in page for service in SERVICES), page
    return page


def cache_server(host):
    return json.loads(ok(host, f"php -r 'echo json_encode(include \"{ENV_PHP}\");'"))["cache"]["frontend"]["default"]["backend_options"]["server"]


def fpm(host):
    """The PHP-FPM unit and its main process."""
    unit = ok(host, "systemctl list-units --type=service --no-legend 'php*-fpm.service' | awk '{print $1}'")
    return unit, ok(host, f"systemctl show -p MainPID --value {unit}")


def test_a_deploy_that_turns_the_cache_tiers_tls_around_needs_no_fpm_reload(web1, web2):
    hosts = (web1, web2)
    for host in hosts:
        stack(host)  # the pool compiles env.php as it is now
    tls_after = not cache_server(web1).startswith("tls://")
    switch = f"redis_tls={str(tls_after).lower()}"
    before = {host: fpm(host) for host in hosts}
    since = int(time.time()) - 1

    converged = subprocess.run(["ansible-playbook", "-i", INVENTORY, str(CACHE_TIER), "-e", switch], env=PLAIN_OUTPUT,
                               capture_output=True, text=True, timeout=600, check=False)
    assert converged.returncode == 0, converged.stdout[-3000:] + converged.stderr[-2000:]
    code, output = deploy(SAMPLE_REPO, "-e", switch)
    assert code == 0, output[-4000:]

    for host in hosts:
        page = stack(host)
        assert cache_server(host).startswith("tls://") == tls_after, page
        unit, main_pid = fpm(host)
        assert (unit, main_pid) == before[host], f"{unit} was restarted"
        reloads = host.run(f"journalctl -q -u {unit} --since @{since} --grep Reload")
        assert reloads.stdout.strip() == "", reloads.stdout
