#!/usr/bin/env bash
# What a machine that never ran CI pays on top of a warm run, part by part, measured into scratch places so the
# warm caches stay as they are: the base images by debootstrap, the venv from an empty pip cache, the
# distributions from an empty Maven repository, the execution environment without docker's layer cache, and each
# scenario's .debs into an empty apt cache (its size over the download rate measured here).
# Usage (from the repository root, as root, after one warm `make test` or `make venv images ee host-prep`):
#   benchmarks/ci_cold_parts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PWD/.venv/bin:$PATH"
scratch=$(mktemp -d /var/tmp/magecloud-cold.XXXXXX)
cleanup() {
  rm -rf "$scratch"
  docker images --format '{{.Repository}}:{{.Tag}}' | grep '^magecloud/cold-' | xargs -r docker rmi -f >/dev/null 2>&1 || true
}
trap cleanup EXIT

seconds() { local start=$SECONDS; "$@" >"$scratch/last.log" 2>&1 || { tail -n 5 "$scratch/last.log" >&2; return 1; }; echo $((SECONDS - start)); }

# The recipe under another image name, so its hash and tag cannot match the warm image.
sed 's#repository="magecloud/debian"#repository="magecloud/cold-debian"#' images/build-base-image.sh >"$scratch/base.sh"
for release in 12 13; do
  echo "base image $release (debootstrap, docker import): $(seconds bash "$scratch/base.sh" "$release") s"
done

echo "venv from an empty pip cache: $(seconds bash -c "python3 -m venv '$scratch/venv' && '$scratch/venv/bin/pip' install -q --no-cache-dir \
  --upgrade pip && '$scratch/venv/bin/pip' install -q --no-cache-dir -r requirements-dev.txt -c constraints.txt") s"

echo "distributions from an empty Maven repository: $(seconds env MAVEN_OPTS="-Dmaven.repo.local=$scratch/m2" \
  make --no-print-directory dist DIST_DIR="$scratch/dist") s"

echo "execution environment without docker's layer cache: $(seconds env MAGECLOUD_EE_REPOSITORY=magecloud/cold-ee \
  MAGECLOUD_EE_BUILD_FLAGS=--no-cache images/build-ee-image.sh) s"

# Download rate per release: every package of the warm cache of a scenario that runs only that release (search's
# hosts, one per release), into an empty cache.
declare -A rate
for pair in 12:apt-search-12 13:apt-search-13; do
  release=${pair%%:*}; cache=/var/cache/magecloud/${pair#*:}
  names=$(find "$cache" -maxdepth 1 -name '*.deb' -printf '%f\n' | cut -d_ -f1 | sort -u | tr '\n' ' ')
  mkdir -p "$scratch/apt-$release/partial"
  took=$(seconds docker run --rm -v "$scratch/apt-$release:/var/cache/apt/archives" "magecloud/debian:$release" \
    bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --download-only $names")
  megabytes=$(du -sm "$scratch/apt-$release" | cut -f1)
  rate[$release]=$(awk -v mb="$megabytes" -v s="$took" 'BEGIN {printf "%.1f", mb / (s > 0 ? s : 1)}')
  echo "Debian $release packages into an empty apt cache: $megabytes MB in $took s (${rate[$release]} MB/s)"
done

# Each scenario's hosts fill their own caches; a cold run downloads every one of them.
for scenario_file in molecule/*/molecule.yml .config/molecule/config.yml; do
  grep -oE '/var/cache/magecloud/apt[a-z0-9-]*' "$scenario_file" | sort -u | while read -r cache; do
    [ -d "$cache" ] || continue
    megabytes=$(du -sm "$cache" | cut -f1)
    release=13; grep -q 'debian:12' "$scenario_file" && release=12
    awk -v c="$cache" -v f="$scenario_file" -v mb="$megabytes" -v r="${rate[$release]}" \
      'BEGIN {printf "  %s (%s): %d MB, about %.0f s to download\n", c, f, mb, mb / r}'
  done
done
