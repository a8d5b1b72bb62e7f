# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cost of TLS between the tiers: requests/s and p99 of a PHP page that talks to every tier on each request,
on a split inventory with TLS on (its default) and off, in the same run.

The inventory is a converged cluster-shaped one (molecule scenario cluster: web hosts, and MariaDB, Redis,
RabbitMQ and OpenSearch on a data host). The services keep one way in each (a TLS port is not also plain),
so each side is the real configuration: site.yml and deploy.yml run with mariadb_tls, redis_tls, rabbitmq_tls
and opensearch_tls false for the off side, and without them for the on side (the inventory's default). Each
side deploys a new commit of a clone of the project, so its release goes through the health check before the
switch with the side's env.php. Sides alternate (default off,on,off,on, which leaves the inventory as it was), so
a drift of the shared machine hits both alike. The page (benchmarks/files/tiers.php) connects as Magento's clients do
with the side's env.php (persistent connections, deploy_persistent_connections, on both sides unless --transient),
says what each was, which is checked before each side runs, and how many milliseconds
each tier took: the median of --samples single requests, one at a time, gives the cost per tier. Before each
measurement the page runs under load for --warmup seconds: a converge restarts OpenSearch, whose JVM needs tens of
seconds of requests to compile the security plugin's paths. The CPU time each container used during the measured
run, per request, tells where a side's cost is. Each side's figures are printed as soon as it is measured, with the
load average before and after.
Usage (ANSIBLE_CONFIG set as for molecule):
  python3 benchmarks/tier_tls_cost.py --inventory INVENTORY --repo SAMPLE_APP_REPO [--host WEB_HOST]
      [--seconds 15] [--warmup 40] [--sides off,on,off,on] [--samples 40] [--transient]
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

from host_load import cpu_seconds, in_host, wrk

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = "http://127.0.0.1:8080/tiers.php"
HEADERS = ["Host: localhost"]
TIERS = ("db", "cache", "session", "search")
SWITCHES = ("mariadb_tls", "redis_tls", "rabbitmq_tls", "opensearch_tls")
GOAL_LOSS = 10.0
LOAD_AVERAGE = "cut -d' ' -f1-3 /proc/loadavg"


def new_commit(repo, side):
    (repo / "tls-benchmark-side.txt").write_text(f"{side} {time.time()}\n")
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m",
                    f"TLS benchmark, side {side}"], check=True)


def converge(inventory, repo, tls, transient):
    """site.yml then deploy.yml (env.php follows the switches); the seconds they took."""
    switches = [] if tls else [argument for switch in SWITCHES for argument in ("-e", f"{switch}=false")]
    if transient:
        switches += ["-e", "deploy_persistent_connections=false"]
    project = ["-e", f"magecloud_git_repo={repo}", "-e", "magecloud_git_ref=main"]
    started = time.monotonic()
    for name in ("site.yml", "deploy.yml"):
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
    # Search over TLS: https to the search host, or the web host's HAProxy, which exists only for a TLS tier.
    search_tls = "search=https://" in said or "search=http://127.0.0.1:9201 " in said
    encrypted = "cipher=none" not in said and "redis=tls://" in said and search_tls
    plain = "cipher=none" in said and "redis=tls://" not in said and not search_tls
    if not (encrypted if tls else plain):
        sys.exit(f"TLS {'on' if tls else 'off'}, but the page says: {said}")
    return said


def inventory_hosts(inventory):
    listing = subprocess.run(["ansible-inventory", "-i", inventory, "--list"], capture_output=True, text=True, check=True)
    return sorted(json.loads(listing.stdout)["_meta"]["hostvars"])


def measure(host, seconds, warmup, containers):
    """(requests/s, p99 ms, non-2xx) of wrk, the load average before and after, and {container: CPU ms per request}."""
    wrk(host, PAGE, warmup, headers=HEADERS)
    before = in_host(host, LOAD_AVERAGE).strip()
    used_before = cpu_seconds(containers)
    result = wrk(host, PAGE, seconds, headers=HEADERS)
    used_after = cpu_seconds(containers)
    requests = result[0] * seconds
    cpu_ms = {name: 1000 * (used_after[name] - used_before[name]) / requests for name in containers}
    return result, f"{before} -> {in_host(host, LOAD_AVERAGE).strip()}", cpu_ms


def cpu_line(cpu_ms):
    return ", ".join(f"{name} {spent:.2f}" for name, spent in cpu_ms.items()) + f"; all {sum(cpu_ms.values()):.2f}"


def tier_ms(host, samples):
    """{tier: median ms} over single requests, one at a time."""
    spent = {tier: [] for tier in TIERS}
    for unused_sample in range(samples):
        said = in_host(host, f"curl -sf -H 'Host: localhost' {PAGE}")
        for pair in said.split(" ms ", 1)[1].split():
            tier, value = pair.split("=")
            spent[tier].append(float(value))
    return {tier: statistics.median(values) for tier, values in spent.items()}


def summary(name, results):
    rps = statistics.median(result[0] for result in results)
    print(f"TLS {name}: {rps:7.1f} req/s (rounds {', '.join(f'{result[0]:.1f}' for result in results)}), "
          f"p99 {statistics.median(result[1] for result in results):.1f} ms, non-2xx {sum(result[2] for result in results)}")
    return rps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", required=True)
    parser.add_argument("--repo", required=True, help="the git repository of the deployed project (the sample app)")
    parser.add_argument("--host", default="magecloud-cluster-web1")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=40, help="seconds of load before each measured run")
    parser.add_argument("--sides", default="off,on,off,on", help="the order of the sides")
    parser.add_argument("--samples", type=int, default=40, help="single requests per side for the cost per tier")
    parser.add_argument("--transient", action="store_true",
                        help="both sides open new MariaDB and Redis connections per request (no persistent connections)")
    args = parser.parse_args()
    repo = pathlib.Path(tempfile.mkdtemp(prefix="tls-benchmark-")) / "project"
    subprocess.run(["git", "clone", "-q", args.repo, str(repo)], check=True)
    containers = inventory_hosts(args.inventory)
    sides = {"on": [], "off": []}
    tiers = {"on": [], "off": []}
    cpu = {"on": [], "off": []}
    for side in args.sides.split(","):
        tls = side == "on"
        new_commit(repo, side)
        print(f"converging with TLS {side}: {converge(args.inventory, repo, tls, args.transient):.0f} s", flush=True)
        install_page(args.host)
        print(f"{side}: {check_side(args.host, tls)}", flush=True)
        result, load_average, cpu_ms = measure(args.host, args.seconds, args.warmup, containers)
        sides[side].append(result)
        cpu[side].append(cpu_ms)
        tiers[side].append(tier_ms(args.host, args.samples))
        print(f"{side}: {result[0]:.1f} req/s, p99 {result[1]:.1f} ms, non-2xx {result[2]}, load average {load_average}; "
              f"ms per tier {tiers[side][-1]}; CPU ms per request {cpu_line(cpu_ms)}", flush=True)
    print("all sides:")
    rps = {side: summary(side, results) for side, results in sides.items() if results}
    for side, samples in tiers.items():
        if samples:
            medians = {tier: statistics.median(sample[tier] for sample in samples) for tier in TIERS}
            print(f"ms per request, TLS {side}: " + ", ".join(f"{tier} {spent:.1f}" for tier, spent in medians.items()))
            print(f"CPU ms per request, TLS {side}: "
                  + cpu_line({name: statistics.median(run[name] for run in cpu[side]) for name in containers}))
    if len(rps) == 2:
        loss = 100 * (1 - rps["on"] / rps["off"])
        print(f"loss with TLS on: {loss:.1f} % (goal <= {GOAL_LOSS:.0f} %: {'meets' if loss <= GOAL_LOSS else 'MISSES'})")


if __name__ == "__main__":
    main()
