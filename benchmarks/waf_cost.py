"""Cost of the WAF: requests/s and CPU time per request with ModSecurity and the CRS on (the waf role's
settings: paranoia 1, blocking) and off, in the same run, on one host.

The host is one the waf role converged (molecule scenario waf leaves `magecloud-waf` so after
`molecule converge -s waf`). Each round measures every side in turn, so a drift of the machine hits
all alike:
- off: the store vhost's `modsecurity on;` switched to off;
- on: the rule set as the role wrote it;
- each --side NAME=COMMAND: the role's files changed by a shell COMMAND on the host (a sed on
  /etc/nginx/magecloud-waf/modsecurity.conf, say), to weigh one setting against `on` in the same run.
The converged files are put back before each side and at the end.
Pages: the stack benchmark's PHP page (bench.php, a few bytes out), a 200 KB HTML page from PHP
(catalog_page.php: what reading a response body costs), a static file, and nginx's own health answer.
For each: wrk's req/s and p99 (2 threads, 32 keep-alive connections, a browser's headers) and the CPU
time per request of nginx and of PHP-FPM, read from /proc (every process of each, and the workers
its master reaped), which a loaded machine skews less than req/s. Medians of the rounds, with their range.
Usage: python3 benchmarks/waf_cost.py [--host magecloud-waf] [--seconds 10] [--rounds 3] [--side NAME=COMMAND ...]
"""

from __future__ import annotations

import argparse
import statistics

from host_load import in_host, install_bench_page, wrk

VHOST = "/etc/nginx/sites-enabled/magento.conf"
SAVED = "/root/waf-cost-converged.tar"
# A category page's query string: arguments for the rules to read, as real traffic has.
QUERY = "?color=49&size=168&product_list_order=price&q=red+dress"
PAGES = {
    "PHP page": f"http://127.0.0.1:8080/bench.php{QUERY}",
    "200 KB HTML page": f"http://127.0.0.1:8080/catalog_page.php{QUERY}",
    "static file": "http://127.0.0.1:8080/static/waf-cost.css?v=1",
    "nginx only": f"http://127.0.0.1:8080/nginx-health{QUERY}",
}
# A browser's headers: without them CRS scores the requests (bare IP as Host, no Accept) and writes
# an audit entry for each, which a store's visitors do not cause.
HEADERS = ["Host: localhost", "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
           "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "Accept-Language: en-GB,en;q=0.7"]
GOAL_LOSS = 15.0
SERVICES = ("nginx", "php-fpm")
OFF = f"sed -i -E 's/^(\\s*)modsecurity on;/\\1modsecurity off;/' {VHOST}"


def cpu_seconds(host):
    """{service: CPU seconds used by its processes, and by the workers its master has reaped}, from /proc."""
    # /proc/PID/stat after "pid (comm) ": utime and stime are fields 12 and 13, the reaped children's 14 and 15.
    out = in_host(host, " ; ".join(
        f"m=$(pgrep -o {service}); for p in $(pgrep {service}); do sed 's/.*) //' /proc/$p/stat 2>/dev/null | "
        f"awk -v master=$([ $p = $m ] && echo 1) '{{print $12 + $13 + (master ? $14 + $15 : 0)}}'; done | "
        f"awk '{{total += $1}} END {{print total}}'" for service in SERVICES))
    ticks = int(in_host(host, "getconf CLK_TCK"))
    return dict(zip(SERVICES, (int(value) / ticks for value in out.split())))


def switch(host, command):
    in_host(host, f"tar -C / -xf {SAVED} && {command} && nginx -t -q && systemctl reload nginx && sleep 1")


def spread(values, digits=0):
    return f"{statistics.median(values):,.{digits}f} ({', '.join(f'{value:,.{digits}f}' for value in values)})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="magecloud-waf")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--side", action="append", default=[], metavar="NAME=COMMAND")
    args = parser.parse_args()
    sides = {"off": OFF, "on": "true", **dict(side.split("=", 1) for side in args.side)}
    install_bench_page(args.host, pages=("bench.php", "catalog_page.php"))
    in_host(args.host, "pub=$(readlink -f /var/www/magento/current)/pub && mkdir -p $pub/static && "
                       "head -c 6000 /dev/zero | tr '\\0' 'a' > $pub/static/waf-cost.css && chmod -R a+rX $pub/static")
    in_host(args.host, f"grep -q 'modsecurity on;' {VHOST} && tar -C / -cf {SAVED} {VHOST[1:]} etc/nginx/magecloud-waf")
    load = [in_host(args.host, "cut -d' ' -f1-3 /proc/loadavg").strip()]
    runs = {(page, side): [] for page in PAGES for side in sides}
    try:
        for unused_round in range(args.rounds):
            for side, command in sides.items():
                switch(args.host, command)
                for page, url in PAGES.items():
                    wrk(args.host, url, 2, headers=HEADERS)  # warm PHP-FPM's workers and opcache
                    before = cpu_seconds(args.host)
                    rps, p99, bad = wrk(args.host, url, args.seconds, headers=HEADERS)
                    used = cpu_seconds(args.host)
                    per_request = {service: 1000 * (used[service] - before[service]) / (rps * args.seconds)
                                   for service in SERVICES}
                    runs[(page, side)].append((rps, p99, bad, per_request))
    finally:
        switch(args.host, "true")
        load.append(in_host(args.host, "cut -d' ' -f1-3 /proc/loadavg").strip())
    print("| page | side | req/s, median (rounds) | p99 ms | nginx CPU ms/request | PHP-FPM CPU ms/request | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    for (page, side), results in runs.items():
        print(f"| {page} | {side} | {spread([r[0] for r in results])} | {statistics.median(r[1] for r in results):.1f} | "
              f"{spread([r[3]['nginx'] for r in results], 2)} | {spread([r[3]['php-fpm'] for r in results], 2)} | "
              f"{sum(r[2] for r in results)} |")
    for page in PAGES:
        for side in list(sides)[1:]:
            rps = [statistics.median(r[0] for r in runs[(page, name)]) for name in ("off", side)]
            nginx = [statistics.median(r[3]["nginx"] for r in runs[(page, name)]) for name in ("off", side)]
            loss = 100 * (1 - rps[1] / rps[0])
            verdict = f" (goal <= {GOAL_LOSS:.0f} %: {'meets' if loss <= GOAL_LOSS else 'MISSES'})" if page == "PHP page" else ""
            print(f"{page}, {side}: loss {loss:.1f} %{verdict}; WAF CPU in nginx {nginx[1] - nginx[0]:.2f} ms/request")
    print(f"load average before and after: {load[0]} / {load[1]}")


if __name__ == "__main__":
    main()
