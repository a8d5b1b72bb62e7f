#!/usr/bin/env bash
# Run one molecule scenario. With --snapshot (scenarios that do not test a fresh install), each host
# starts from the image its converge left on an earlier run with the same inputs, when there is one:
# the converge then only confirms the state, and its playbook commits new images when the inputs
# changed (tests/fixtures/converged_snapshot.yml). Older images of the same hosts are removed.
# Usage: scripts/molecule_scenario.sh [--snapshot] SCENARIO
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
snapshot=false
if [ "$1" = --snapshot ]; then snapshot=true; shift; fi
scenario=$1

if $snapshot; then
  # Everything a converge reads; the scenario's tests do not change what it converges.
  MAGECLOUD_SNAPSHOT_KEY=$({
    find roles plugins playbooks tests/fixtures examples/sample-app .config/molecule "molecule/$scenario" \
      \( -name __pycache__ -o -path "molecule/$scenario/tests" \) -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
    docker image inspect -f '{{.Id}}' magecloud/debian:12 magecloud/debian:13
    cat constraints.txt
  } | sha256sum | cut -c1-16)
  export MAGECLOUD_SNAPSHOT_KEY
  for host in $(python -c 'import sys, yaml; print(*(p["name"] for p in yaml.safe_load(open(sys.argv[1]))["platforms"]))' \
                "molecule/$scenario/molecule.yml"); do
    image="magecloud/snapshot:$host-$MAGECLOUD_SNAPSHOT_KEY"
    variable="MAGECLOUD_IMAGE_$(tr 'a-z-' 'A-Z_' <<<"$host")"
    if docker image inspect "$image" >/dev/null 2>&1; then
      export "$variable=$image"
      echo "$host starts from its converged snapshot $image"
    fi
    docker images --format '{{.Repository}}:{{.Tag}}' "magecloud/snapshot" | grep "^magecloud/snapshot:$host-" \
      | grep -v -x "$image" | xargs -r docker rmi >/dev/null || true
  done
fi
exec molecule test -s "$scenario"
