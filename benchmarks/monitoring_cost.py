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
Prints rps and p99 of each side, each round's loss and their median and spread (goal <= 3 %), and the load.
"""

from __future__ import annotations

import argparse
import re
import statistics

from host_load import in_host, install_bench_page, wrk

UNITS = ("prometheus", "prometheus-node-exporter", "prometheus-mysqld-exporter", "prometheus-redis-exporter",
         "prometheus-elasticsearch-exporter", "prometheus-nginx-exporter", "prometheus-varnish-exporter",
         "magecloud-phpfpm-exporter", "magecloud-edge-exporter")
CONFIG = "/etc/prometheus/prometheus.yml"
PAGES = {"through Varnish": "http://127.0.0.1:80/bench.php", "nginx": "http://127.0.0.1:8080/bench.php"}
GOAL_LOSS = 3.0
LOADAVG = "cut -d' ' -f1-3 /proc/loadavg"


def switch_monitoring(host, state):
    in_host(host, f"systemctl {'start' if state == 'on' else 'stop'} {' '.join(UNITS)}")
    if state == "on":
        # Prometheus' first scrapes come at once; the rounds measure the steady state.
        in_host(host, "for i in $(seq 30); do curl -sf http://127.0.0.1:9090/-/ready >/dev/null && exit 0; sleep 1; done; exit 1")
        in_host(host, "sleep 16")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="magecloud-molecule-aio")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    install_bench_page(args.host)
    load_average = in_host(args.host, LOADAVG).strip()
    interval = re.search(r"scrape_interval: (\S+)", in_host(args.host, f"cat {CONFIG}")).group(1)
    in_host(args.host, f"sed -i -E 's/(scrape_interval|evaluation_interval): \\S+/\\1: 15s/' {CONFIG} && systemctl reload prometheus")
    runs = {(page, state): [] for page in PAGES for state in ("on", "off")}
    try:
        for unused_round in range(args.rounds):
            for state in ("on", "off"):
                switch_monitoring(args.host, state)
                for page, url in PAGES.items():
                    wrk(args.host, url, 3, headers=("Host: localhost",))  # warm PHP-FPM's workers and opcache
                    runs[(page, state)].append(wrk(args.host, url, args.seconds, headers=("Host: localhost",)))
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
        # A round's on and off sides ran a minute apart: their ratio cancels most of the machine's drift, so the
        # median of the rounds' losses is the figure the goal is read on, with their spread beside it.
        paired = sorted(100 * (1 - on[0] / off[0]) for on, off in zip(runs[(page, "on")], runs[(page, "off")]))
        median = statistics.median(paired)
        print(f"{page}: loss with monitoring on: {median:.1f} % (median of the rounds' losses, {paired[0]:.1f} to "
              f"{paired[-1]:.1f} %; {loss:.1f} % between the medians) (goal <= {GOAL_LOSS:.0f} %: "
              f"{'meets' if median <= GOAL_LOSS else 'MISSES'})")
    print(f"load average before the run: {load_average}, after: {in_host(args.host, LOADAVG).strip()}")


if __name__ == "__main__":
    main()
