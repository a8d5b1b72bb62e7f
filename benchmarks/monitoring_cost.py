# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cost of the monitoring: requests/s of the PHP page with every exporter running and Prometheus scraping
them every 15 s, against the same stack with Prometheus and every exporter stopped, in the same run, on one
host.

The host is one site.yml converged with a `monitor` group (molecule scenario default leaves
`magecloud-molecule-aio` so after `molecule converge -s default`). Rounds alternate on and off so a drift of
the machine hits both alike. The page is benchmarks/files/bench.php, asked through Varnish (which passes
it to nginx and PHP-FPM, so the edge exporter reads every request) and straight from nginx.
Usage: python3 benchmarks/monitoring_cost.py [--host magecloud-molecule-aio] [--seconds 15] [--rounds 3]
Prints rps and p99 of each side and the loss (goal <= 3 %).
"""

from __future__ import annotations

import argparse
import pathlib
import re
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
UNITS = ("prometheus", "prometheus-node-exporter", "prometheus-mysqld-exporter", "prometheus-redis-exporter",
         "prometheus-elasticsearch-exporter", "prometheus-nginx-exporter", "prometheus-varnish-exporter",
         "magecloud-phpfpm-exporter", "magecloud-edge-exporter")
CONFIG = "/etc/prometheus/prometheus.yml"
PAGES = {"through Varnish": "http://127.0.0.1:80/bench.php", "nginx": "http://127.0.0.1:8080/bench.php"}
GOAL_LOSS = 3.0


def in_host(host, command):
    result = subprocess.run(["docker", "exec", host, "bash", "-c", command], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{command}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def install_page(host):
    """benchmarks/files/bench.php and the 300 classes it loads, in the vhost's document root; and wrk."""
    docroot = in_host(host, "readlink -f /var/www/magento/current").strip() + "/pub"
    classes = "; ".join(f"printf '<?php class BenchClass%d {{ public function value() {{ return %d; }} }}' {i} {i} "
                        f"> {docroot}/bench-lib/BenchClass{i}.php" for i in range(300))
    in_host(host, f"mkdir -p {docroot}/bench-lib && {classes}")
    subprocess.run(["docker", "cp", str(ROOT / "benchmarks" / "files" / "bench.php"), f"{host}:{docroot}/bench.php"], check=True)
    in_host(host, f"chmod -R a+rX {docroot}")
    in_host(host, "command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null")


def switch_monitoring(host, state):
    in_host(host, f"systemctl {'start' if state == 'on' else 'stop'} {' '.join(UNITS)}")
    if state == "on":
        # Prometheus' first scrapes come at once; the rounds measure the steady state.
        in_host(host, "for i in $(seq 30); do curl -sf http://127.0.0.1:9090/-/ready >/dev/null && exit 0; sleep 1; done; exit 1")
        in_host(host, "sleep 16")


def load(host, url, seconds):
    """(requests/s, p99 ms, non-2xx) of wrk, 2 threads, 32 keep-alive connections."""
    out = in_host(host, f"wrk -t2 -c32 -d{seconds}s --latency -H 'Host: localhost' '{url}'")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, p99, int(bad.group(1)) if bad else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="magecloud-molecule-aio")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    install_page(args.host)
    load_average = in_host(args.host, "cut -d' ' -f1-3 /proc/loadavg").strip()
    interval = re.search(r"scrape_interval: (\S+)", in_host(args.host, f"cat {CONFIG}")).group(1)
    in_host(args.host, f"sed -i -E 's/(scrape_interval|evaluation_interval): \\S+/\\1: 15s/' {CONFIG} && systemctl reload prometheus")
    runs = {(page, state): [] for page in PAGES for state in ("on", "off")}
    try:
        for unused_round in range(args.rounds):
            for state in ("on", "off"):
                switch_monitoring(args.host, state)
                for page, url in PAGES.items():
                    load(args.host, url, 3)  # warm PHP-FPM's workers and opcache
                    runs[(page, state)].append(load(args.host, url, args.seconds))
    finally:
        in_host(args.host, f"sed -i -E 's/(scrape_interval|evaluation_interval): \\S+/\\1: {interval}/' {CONFIG}")
        switch_monitoring(args.host, "on")
    rps = {key: statistics.median(r[0] for r in results) for key, results in runs.items()}
    for (page, state), results in runs.items():
        print(f"{page:16} monitoring {state:3}: {rps[(page, state)]:8.0f} req/s (median of "
              f"{', '.join(f'{r[0]:.0f}' for r in results)}), p99 {statistics.median(r[1] for r in results):.1f} ms, "
              f"non-2xx {sum(r[2] for r in results)}")
    for page in PAGES:
        loss = 100 * (1 - rps[(page, "on")] / rps[(page, "off")])
        print(f"{page}: loss with monitoring on: {loss:.1f} % (goal <= {GOAL_LOSS:.0f} %: {'meets' if loss <= GOAL_LOSS else 'MISSES'})")
    print(f"load average before the run: {load_average}")


if __name__ == "__main__":
    main()
