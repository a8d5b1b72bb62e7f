# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cost of image optimization: a 2000x2000 JPEG resized to 300x300, requests/s and p99 of the image
optimizer (libvips, WebP out) next to nginx's image_filter module (libgd, JPEG out: it has no WebP in
Debian's build), both uncached through nginx, and of the optimizer's result as a Varnish hit through the
TLS edge, in the same run on one host.

The host is the one molecule scenario waf converges (`magecloud-waf`, after `molecule converge -s waf`).
The script installs Debian's libnginx-mod-http-image-filter there and serves image_filter on 127.0.0.1:8082
for the run, then removes that server. Rounds alternate the three sides so a drift of the machine hits all.
Usage: python3 benchmarks/image_cost.py [--host magecloud-waf] [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics

from host_load import in_host, wrk

MEDIA = "/var/www/magento/current/pub/media"
FILTER_SERVER = "/etc/nginx/conf.d/bench-image-filter.conf"
SIDES = {
    "image optimizer, uncached (nginx -> libvips, WebP)":
        "http://127.0.0.1:8080/media/catalog/photo.jpg?width=300&height=300&format=webp",
    "nginx image_filter, uncached (libgd, JPEG)": "http://127.0.0.1:8082/media/catalog/photo.jpg",
    "image optimizer, Varnish hit through the TLS edge":
        "https://localhost/media/catalog/photo.jpg?width=300&height=300&format=webp",
}
GOAL_RATIO = 1.5
GOAL_CACHED = 10.0


def serve_image_filter(host):
    """image_filter's closest equivalent of the optimizer's request: resize into 300x300, JPEG quality 85."""
    server = (f"server {{ listen 127.0.0.1:8082; location /media/ {{ alias {MEDIA}/; image_filter resize 300 300; "
              "image_filter_jpeg_quality 85; image_filter_buffer 20M; } }")
    in_host(host, "dpkg -s libnginx-mod-http-image-filter >/dev/null 2>&1 || "
                  "DEBIAN_FRONTEND=noninteractive apt-get install -y -q libnginx-mod-http-image-filter >/dev/null")
    in_host(host, f"printf '%s\\n' '{server}' > {FILTER_SERVER} && nginx -t -q && systemctl reload nginx && sleep 1")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="magecloud-waf")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load_average = in_host(args.host, "cut -d' ' -f1-3 /proc/loadavg").strip()
    serve_image_filter(args.host)
    runs = {name: [] for name in SIDES}
    try:
        for unused_round in range(args.rounds):
            for name, url in SIDES.items():
                wrk(args.host, url, 2, connections=8, headers=("Accept: image/webp,*/*",))  # warm up (and fill the cache for the hit side)
                runs[name].append(wrk(args.host, url, args.seconds, connections=8, headers=("Accept: image/webp,*/*",)))
    finally:
        in_host(args.host, f"rm -f {FILTER_SERVER} && systemctl reload nginx")
    rps = {name: statistics.median(r[0] for r in results) for name, results in runs.items()}
    for name, results in runs.items():
        print(f"{name}: {rps[name]:.0f} req/s (median of {', '.join(f'{r[0]:.0f}' for r in results)}), "
              f"p99 {statistics.median(r[1] for r in results):.1f} ms, non-2xx {sum(r[2] for r in results)}")
    optimizer, image_filter, hit = (rps[name] for name in SIDES)
    print(f"optimizer / image_filter: {optimizer / image_filter:.2f}x (goal >= {GOAL_RATIO}x: "
          f"{'meets' if optimizer / image_filter >= GOAL_RATIO else 'MISSES'})")
    print(f"cached hit / uncached: {hit / optimizer:.1f}x (goal >= {GOAL_CACHED:.0f}x: "
          f"{'meets' if hit / optimizer >= GOAL_CACHED else 'MISSES'})")
    print(f"{in_host(args.host, 'nproc').strip()} cores; load average before the run: {load_average}")


if __name__ == "__main__":
    main()
