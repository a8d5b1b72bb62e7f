#!/usr/bin/env bash
# Build the execution environment image (execution-environment.yml) from our own Debian 13 base image:
# ansible-builder writes the build context, plain `docker build` builds it, and no registry is asked.
# The tag carries a hash of every input, so an unchanged recipe is found instead of rebuilt.
# Usage: images/build-ee-image.sh   (prints the image reference it made or found)
# MAGECLOUD_EE_REPOSITORY and MAGECLOUD_EE_BUILD_FLAGS (e.g. --no-cache) let a benchmark build it apart from the
# warm image.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${MAGECLOUD_PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || { echo "ERROR: $python is missing." >&2; echo "FIX: run make venv." >&2; exit 1; }
venv_bin=$(dirname "$python")
repository=${MAGECLOUD_EE_REPOSITORY:-magecloud/ee}
base=$(images/build-base-image.sh 13)
dependencies=$("$python" images/ee_collections.py galaxy.yml)
# bindep and what it needs, which the builder stage pip-installs, at the versions the venv pins.
bindep_pins=$(grep -iE '^(bindep|pbr|parsley|distro|packaging)==' constraints.txt)

while read -r name _; do
  grep -q "name: collections/$name\$" execution-environment.yml || {
    echo "ERROR: galaxy.yml depends on $name, which execution-environment.yml does not install." >&2
    echo "FIX: add '- {name: collections/$name, type: dir}' to dependencies.galaxy.collections there." >&2; exit 1; }
done <<<"$dependencies"

inputs_hash() {
  {
    cat images/build-ee-image.sh images/ee_collections.py images/ee/pip.conf execution-environment.yml
    echo "$base $bindep_pins"
    "$python" -c 'from importlib.metadata import version; print(version("ansible-builder"))'
    find galaxy.yml meta plugins roles playbooks requirements.txt bindep.txt -type f ! -path '*/__pycache__/*' -print0 \
      | sort -z | xargs -0 sha256sum
    while read -r name directory; do echo "$name"; cat "$directory/MANIFEST.json"; done <<<"$dependencies"
  } | sha256sum | cut -c1-12
}
image="$repository:$(inputs_hash)"

if docker image inspect "$image" >/dev/null 2>&1; then
  docker tag "$image" "$repository:latest"
  echo "$image"
  exit 0
fi

sources="$root/build/ee-src"
context="$root/build/ee"
log="$root/build/ee-build.log"
rm -rf "$sources" "$context"
mkdir -p "$sources/collections" "$sources/wheels"
echo "Building $image from $base ..." >&2

"$venv_bin/ansible-galaxy" collection build --force --output-path "$sources" . >/dev/null
mv "$sources"/magecloud-platform-*.tar.gz "$sources/collections/magecloud-platform.tar.gz"
while read -r name directory; do cp -r "$directory" "$sources/collections/$name"; done <<<"$dependencies"

# pip on this host reaches the package index with this host's settings; the image build does not need to.
python_version=$(docker run --rm --entrypoint python3 "$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# shellcheck disable=SC2086  # one argument per pin
if ! "$python" -m pip download -q -d "$sources/wheels" --only-binary=:all: --python-version "$python_version" $bindep_pins >"$log" 2>&1; then
  echo "ERROR: pip could not fetch bindep's wheels: $(tail -n 1 "$log")" >&2
  echo "FIX: check that pip on this host reaches its package index (pip download bindep), and read $log." >&2
  exit 1
fi

"$venv_bin/ansible-builder" create -f execution-environment.yml -c "$context" --output-filename Dockerfile >>"$log" 2>&1
# shellcheck disable=SC2086  # the flags are words
if ! docker build ${MAGECLOUD_EE_BUILD_FLAGS:-} --build-arg EE_BASE_IMAGE="$base" -t "$image" "$context" >>"$log" 2>&1; then
  echo "ERROR: docker build of $image failed: $(tail -n 3 "$log")" >&2
  echo "FIX: read $log; Debian's package mirror must be reachable from containers." >&2
  exit 1
fi
docker tag "$image" "$repository:latest"
# The collection changes with nearly every commit: earlier builds would pile up (one in use stays). On a machine
# that never built one there are none, and grep finding nothing is not a failure.
docker images "$repository" --format '{{.Tag}}' | { grep -vxE "latest|${image#*:}" || true; } | while read -r tag; do
  docker rmi "$repository:$tag" >/dev/null 2>&1 || true
done
echo "$image"
