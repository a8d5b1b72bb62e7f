"""Cost of the WAF: requests/s of the PHP page through the store's vhost with ModSecurity and the
CRS on (the waf role's settings: paranoia 1, blocking) and off, in the same run, on one host.

The host is one the waf role converged (molecule scenario waf leaves `magecloud-waf` so after
`molecule converge -s waf`). Rounds alternate on and off so a drift of the machine hits both alike;
the vhost's `modsecurity on;` is switched to off for the off rounds and put back at the end.
Usage: python3 benchmarks/waf_cost.py [--host magecloud-waf] [--seconds 15] [--rounds 3]
Prints rps and p99 of each side, the loss (goal <= 15 %), and the WAF's CPU time per request, from
the same comparison on nginx's own health answer (no PHP): cores / rps on - cores / rps off.
"""

from __future__ import annotations

import argparse
import statistics

from host_load import in_host, install_bench_page, wrk

VHOST = "/etc/nginx/sites-enabled/magento.conf"
# A category page's query string: arguments for the rules to read, as real traffic has.
PAGE = "http://127.0.0.1:8080/bench.php?color=49&size=168&product_list_order=price&q=red+dress"
# nginx's own health answer: no PHP, so the difference on and off is the WAF's cost per request.
BARE = "http://127.0.0.1:8080/nginx-health?color=49&size=168&product_list_order=price&q=red+dress"
# A browser's headers: without them CRS scores the requests (bare IP as Host, no Accept) and writes
# an audit entry for each, which a store's visitors do not cause.
HEADERS = ["Host: localhost", "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
           "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "Accept-Language: en-GB,en;q=0.7"]
GOAL_LOSS = 15.0


def switch_waf(host, state):
    in_host(host, f"sed -i -E 's/^(\\s*)modsecurity (on|off);/\\1modsecurity {state};/' {VHOST} && nginx -t -q && "
                  "systemctl reload nginx && sleep 1")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="magecloud-waf")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    install_bench_page(args.host)
    load_average = in_host(args.host, "cut -d' ' -f1-3 /proc/loadavg").strip()
    in_host(args.host, f"grep -q 'modsecurity on;' {VHOST}")
    runs = {(url, state): [] for url in (PAGE, BARE) for state in ("on", "off")}
    try:
        for unused_round in range(args.rounds):
            for state in ("on", "off"):
                switch_waf(args.host, state)
                for url in (PAGE, BARE):
                    wrk(args.host, url, 3, headers=HEADERS)  # warm PHP-FPM's workers and opcache
                    runs[(url, state)].append(wrk(args.host, url, args.seconds, headers=HEADERS))
    finally:
        switch_waf(args.host, "on")
    rps = {key: statistics.median(r[0] for r in results) for key, results in runs.items()}
    for (url, state), results in runs.items():
        print(f"{'PHP page' if url == PAGE else 'nginx only'}, WAF {state:3}: {rps[(url, state)]:8.0f} req/s (median of "
              f"{', '.join(f'{r[0]:.0f}' for r in results)}), p99 {statistics.median(r[1] for r in results):.1f} ms, "
              f"non-2xx {sum(r[2] for r in results)}")
    loss = 100 * (1 - rps[(PAGE, "on")] / rps[(PAGE, "off")])
    verdict = "meets" if loss <= GOAL_LOSS else "MISSES"
    print(f"PHP page, loss with the WAF on: {loss:.1f} % (goal <= {GOAL_LOSS:.0f} %: {verdict})")
    cores = int(in_host(args.host, "nproc"))
    print(f"WAF CPU time per request: {1000 * (cores / rps[(BARE, 'on')] - cores / rps[(BARE, 'off')]):.2f} ms "
          f"({cores} cores); load average before the run: {load_average}")


if __name__ == "__main__":
    main()
