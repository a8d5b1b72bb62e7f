# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cost of TLS between the tiers: requests/s and p99 of a PHP page that talks to every tier on each request,
on a split inventory with TLS on (its default) and off, in the same run.

The inventory is a converged cluster-shaped one (molecule scenario cluster: web hosts, and MariaDB, Redis,
RabbitMQ and OpenSearch on a data host). The services keep one way in each (a TLS port is not also plain),
so each side is the real configuration: site.yml and deploy.yml run with mariadb_tls, redis_tls, rabbitmq_tls
and opensearch_tls false for the off side, and without them for the on side (the inventory's default). Each
side deploys a new commit of a clone of the project, since a deploy checks a release that is current already
against the services before it writes env.php, and that check fails once site.yml changed their TLS.
Before each deploy env.php's database TLS option is set to the side and PHP-FPM reloaded (see
set_database_tls_option). Sides: off, then on, which leaves the inventory as it was (--sides on,off,on adds a drift
check). The page (benchmarks/files/tiers.php) opens new connections per request as Magento does, and says what
each was, which is checked before each side runs. Each side's figures are printed as soon as it is measured.
Usage (ANSIBLE_CONFIG set as for molecule):
  python3 benchmarks/tier_tls_cost.py --inventory INVENTORY --repo SAMPLE_APP_REPO [--host WEB_HOST]
      [--seconds 15] [--rounds 2] [--sides off,on]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

from waf_cost import in_host, load

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = "http://127.0.0.1:8080/tiers.php"
SWITCHES = ("mariadb_tls", "redis_tls", "rabbitmq_tls", "opensearch_tls")
GOAL_LOSS = 10.0
LOAD_AVERAGE = "cut -d' ' -f1-3 /proc/loadavg"


def new_commit(repo, side):
    (repo / "tls-benchmark-side.txt").write_text(f"{side} {time.time()}\n")
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m",
                    f"TLS benchmark, side {side}"], check=True)


def set_database_tls_option(inventory, tls):
    """Puts env.php's database TLS option (the CA) in or out before the deploy, and reloads PHP-FPM. The deploy
    merges its settings into env.php, which so keeps the option of an earlier deploy when TLS goes off, and
    PHP-FPM's OPcache never reads env.php again: the new release's health check would use the old settings
    against a server whose TLS site.yml just changed, and fail ("server has gone away", or access denied)."""
    change = ('$e["db"]["connection"]["default"]["driver_options"] = [1009 => "/etc/magecloud/tls/ca.pem"];' if tls
              else 'unset($e["db"]["connection"]["default"]["driver_options"]);')
    code = (f'$f = "/var/www/magento/shared/app/etc/env.php"; $e = include $f; {change} '
            'file_put_contents($f, "<?php\\nreturn " . var_export($e, true) . ";\\n");')
    for action in (json.dumps({"argv": ["php", "-r", code]}), "systemctl reload php*-fpm.service"):
        subprocess.run(["ansible", "-i", inventory, "web", "-m", "ansible.builtin.command", "-a", action],
                       capture_output=True, check=True)


def converge(inventory, repo, tls):
    """site.yml then deploy.yml (env.php follows the switches); the seconds they took."""
    switches = [] if tls else [argument for switch in SWITCHES for argument in ("-e", f"{switch}=false")]
    project = ["-e", f"magecloud_git_repo={repo}", "-e", "magecloud_git_ref=main"]
    started = time.monotonic()
    for name in ("site.yml", "deploy.yml"):
        if name == "deploy.yml":
            set_database_tls_option(inventory, tls)
        result = subprocess.run(["ansible-playbook", "-i", inventory, str(ROOT / "playbooks" / name), *project, *switches],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.exit(f"{name} with TLS {'on' if tls else 'off'} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return time.monotonic() - started


def install_page(host):
    docroot = in_host(host, "readlink -f /var/www/magento/current").strip() + "/pub"
    subprocess.run(["docker", "cp", str(ROOT / "benchmarks" / "files" / "tiers.php"), f"{host}:{docroot}/tiers.php"], check=True)
    in_host(host, f"chmod a+r {docroot}/tiers.php && (command -v wrk >/dev/null || "
                  "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)")


def check_side(host, tls):
    """The page's own account of its connections must match the side."""
    said = in_host(host, f"curl -sf -H 'Host: localhost' {PAGE}").strip()
    encrypted = "cipher=none" not in said and "redis=tls://" in said and "search=https" in said
    plain = "cipher=none" in said and "redis=tls://" not in said and "search=http " in said
    if not (encrypted if tls else plain):
        sys.exit(f"TLS {'on' if tls else 'off'}, but the page says: {said}")
    return said


def measure(host, seconds, rounds):
    load(host, PAGE, 3)  # warm PHP-FPM's workers and opcache
    return [load(host, PAGE, seconds) for unused_round in range(rounds)]


def summary(name, results):
    rps = statistics.median(result[0] for result in results)
    print(f"TLS {name}: {rps:7.0f} req/s (rounds {', '.join(f'{result[0]:.0f}' for result in results)}), "
          f"p99 {statistics.median(result[1] for result in results):.1f} ms, non-2xx {sum(result[2] for result in results)}")
    return rps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", required=True)
    parser.add_argument("--repo", required=True, help="the git repository of the deployed project (the sample app)")
    parser.add_argument("--host", default="magecloud-cluster-web1")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sides", default="off,on", help="the order of the sides")
    args = parser.parse_args()
    repo = pathlib.Path(tempfile.mkdtemp(prefix="tls-benchmark-")) / "project"
    subprocess.run(["git", "clone", "-q", args.repo, str(repo)], check=True)
    sides = {"on": [], "off": []}
    for side in args.sides.split(","):
        tls = side == "on"
        new_commit(repo, side)
        print(f"converging with TLS {side}: {converge(args.inventory, repo, tls):.0f} s", flush=True)
        install_page(args.host)
        said = check_side(args.host, tls)
        print(f"{side}: {said}; load average {in_host(args.host, LOAD_AVERAGE).strip()}", flush=True)
        sides[side] += measure(args.host, args.seconds, args.rounds)
        summary(side, sides[side])
    print("all sides:")
    rps = {side: summary(side, results) for side, results in sides.items()}
    loss = 100 * (1 - rps["on"] / rps["off"])
    print(f"loss with TLS on: {loss:.1f} % "
          f"(goal <= {GOAL_LOSS:.0f} %: {'meets' if loss <= GOAL_LOSS else 'MISSES'})")


if __name__ == "__main__":
    main()
