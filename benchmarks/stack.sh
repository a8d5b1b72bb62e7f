#!/usr/bin/env bash
# Benchmark of issue 4, all in one run on two fresh identical systemd containers:
#  1. fresh converge of the all-in-one host vs a bare `apt-get install` of the same packages (and an unzip of the same
#     OpenSearch archive);
#  2. second converge wall time and its changed count;
#  3. requests/s and p99 of a PHP page through nginx, tuned vs untouched Debian defaults, and the
#     cached page through Varnish, with wrk (32 connections, keep-alive) on each container's loopback.
# Usage (from the repository root, as root): make venv image host-prep && benchmarks/stack.sh
# BENCH_RELEASE=12 benchmarks/stack.sh measures Debian 12 (default 13; run `make image DEBIAN_RELEASE=12` first).
set -euo pipefail
shopt -s inherit_errexit  # a failed step inside $(...) stops the run too
trap 'echo "benchmark failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
export ANSIBLE_CONFIG="$PWD/ansible.cfg"
PATH="$PWD/.venv/bin:$PATH"
tuned=magecloud-bench-tuned
stock=magecloud-bench-stock
duration=${BENCH_SECONDS:-15}
debian=${BENCH_RELEASE:-13}
# What a converge without a project installs on each release (data/debian_releases.yml, roles/common/vars).
case "$debian" in
  12) php=8.2; release_packages="" ;;
  13) php=8.4; release_packages="mariadb-client-compat" ;;
  *) echo "BENCH_RELEASE must be 12 or 13" >&2; exit 1 ;;
esac
packages=$(tr -s '\n' ' ' <<<"acl ca-certificates curl git gzip tzdata unzip zstd procps rsync python3-pymysql mariadb-server mariadb-client
 $release_packages nftables redis-server redis-tools rabbitmq-server python3-requests default-jre-headless php$php-fpm php$php-cli
 php$php-bcmath php$php-curl php$php-gd php$php-intl php$php-mbstring php$php-mysql php$php-soap php$php-xml php$php-xsl php$php-zip
 php$php-opcache php$php-redis php$php-amqp composer nginx varnish")

seconds() { local start=$SECONDS; "$@" >/dev/null; echo $((SECONDS - start)); }
in_host() { docker exec "$1" bash -c "$2"; }

for name in $tuned $stock; do
  docker rm -f "$name" >/dev/null 2>&1 || true
  python scripts/systemd_host.py "$name" --release "$debian" --apt-cache "/var/cache/magecloud/apt-bench-$debian" >/dev/null
done
[ -n "${BENCH_KEEP:-}" ] || trap 'docker rm -f $tuned $stock >/dev/null 2>&1 || true' EXIT

# The benchmark's own apt cache (a running scenario would hold the lock of a shared one) may already hold
# the .debs; both sides use it alike. Warm it, and each host's package lists, first so neither side pays downloads.
for name in $stock $tuned; do
  in_host "$name" "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --download-only $packages" >/dev/null
done
# The search engine is not a Debian package: the converge copies the inventory's archive in and unpacks it, and
# so does the bare side, into the same place.
archive=$(awk '/opensearch_archive_src:/ {print $2}' benchmarks/inventory.yml)
bare_install() {
  in_host $stock "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages"
  docker cp "$archive" "$stock:/root/opensearch.zip"
  in_host $stock "mkdir -p /opt/opensearch && unzip -q /root/opensearch.zip -d /opt/opensearch"
}
# Each timed part starts on a clean disk: without the sync, the bare install's gigabyte of writes would still be
# flushing while the converge runs, and the earlier containers' removal while the bare install runs.
sync
bare=$(seconds bare_install)
sync
converge=$(seconds ansible-playbook -i benchmarks/inventory.yml playbooks/site.yml)
start=$SECONDS
second_log=$(ansible-playbook -i benchmarks/inventory.yml playbooks/site.yml) || { tail -n 40 <<<"$second_log" >&2; exit 1; }
second=$((SECONDS - start))
second_changed=$(grep -oE 'changed=[0-9]+' <<<"$second_log" | tail -n 1)

# The same page on both hosts: tuned behind the role's vhost, stock in Debian's default site.
lib=$(mktemp -d)
chmod 755 "$lib"  # docker cp gives the target directory this mode; PHP-FPM must read it
for i in $(seq 0 299); do printf '<?php\nclass BenchClass%d { public function value() { return %d; } }\n' "$i" "$i" >"$lib/BenchClass$i.php"; done
release=/var/www/magento/releases/bench
in_host $tuned "mkdir -p $release/pub/bench-lib && ln -sfn releases/bench /var/www/magento/current"
docker cp "$lib/." "$tuned:$release/pub/bench-lib/"
docker cp benchmarks/files/bench.php "$tuned:$release/pub/bench.php"
docker cp benchmarks/files/health_check.php "$tuned:$release/pub/health_check.php"
in_host $stock "mkdir -p /var/www/html/bench-lib"
docker cp "$lib/." "$stock:/var/www/html/bench-lib/"
docker cp benchmarks/files/bench.php "$stock:/var/www/html/bench.php"
rm -rf "$lib"
# Untouched Debian settings (nginx.conf, php.ini, the www pool); only a minimal PHP vhost, as
# Debian's own snippets/fastcgi-php.conf intends.
in_host $stock "printf '%s\n' 'server {' '  listen 80 default_server;' '  root /var/www/html;' '  index index.php;' \
  '  location ~ \\.php\$ { include snippets/fastcgi-php.conf; fastcgi_pass unix:/run/php/php$php-fpm.sock; }' '}' \
  > /etc/nginx/sites-available/default && nginx -t -q && systemctl reload nginx"
for name in $tuned $stock; do in_host "$name" "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null"; done
# Varnish serves once its probe has seen the health page answer a few times.
in_host $tuned "for i in \$(seq 60); do varnishadm backend.list | grep -q healthy && exit 0; sleep 1; done; exit 1"

# Ports are explicit: the minimal hosts have no /etc/services, so wrk cannot look up "http".
load() {  # host url -> "rps p99 non-2xx"
  in_host "$1" "wrk -t2 -c32 -d${duration}s --latency '$2'" | awk '
    /Requests\/sec/ {rps=$2} / 99%/ {p=$2}
    /Non-2xx/ {bad=$NF}
    END {
      if (p ~ /ms$/) {sub(/ms$/, "", p)} else if (p ~ /us$/) {sub(/us$/, "", p); p=p/1000} else if (p ~ /s$/) {sub(/s$/, "", p); p=p*1000}
      printf "%s %s %s\n", rps, p, (bad == "" ? 0 : bad)
    }'
}
in_host $tuned "curl -sf http://127.0.0.1:8080/bench.php >/dev/null && curl -sf http://127.0.0.1/bench.php?cache=1 >/dev/null"
in_host $stock "curl -sf http://127.0.0.1/bench.php >/dev/null"
read -r tuned_rps tuned_p99 tuned_bad < <(load $tuned "http://127.0.0.1:8080/bench.php")
read -r stock_rps stock_p99 stock_bad < <(load $stock "http://127.0.0.1:80/bench.php")
read -r cached_rps cached_p99 cached_bad < <(load $tuned "http://127.0.0.1:80/bench.php?cache=1")

verdict() { awk -v v="$1" -v goal="$2" -v dir="$3" 'BEGIN {ok = (dir == "max") ? v <= goal : v >= goal; print ok ? "meets" : "MISSES"}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "fresh converge: ${converge} s; bare apt-get install of the same packages and unzip of the search archive: ${bare} s; ratio $(ratio "$converge" "$bare") (goal <= 2.0: $(verdict "$(ratio "$converge" "$bare")" 2.0 max))"
echo "second converge: ${second} s, ${second_changed} (goal <= 45 s: $(verdict "$second" 45 max))"
echo "PHP page via nginx, tuned: ${tuned_rps} req/s, p99 ${tuned_p99} ms, non-2xx ${tuned_bad}"
echo "PHP page via nginx, Debian defaults: ${stock_rps} req/s, p99 ${stock_p99} ms, non-2xx ${stock_bad}"
echo "tuned / defaults: $(ratio "$tuned_rps" "$stock_rps")x (goal >= 1.3: $(verdict "$(ratio "$tuned_rps" "$stock_rps")" 1.3 min))"
echo "cached page via Varnish: ${cached_rps} req/s, p99 ${cached_p99} ms, non-2xx ${cached_bad}; $(ratio "$cached_rps" "$tuned_rps")x the uncached page (goal >= 10: $(verdict "$(ratio "$cached_rps" "$tuned_rps")" 10 min)), p99 goal < 10 ms: $(verdict "$cached_p99" 10 max)"
