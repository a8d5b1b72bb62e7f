#!/usr/bin/env bash
# Make sure a Docker Engine answers on this machine: install docker.io and start dockerd when absent.
set -euo pipefail

fail() { echo "ERROR: $1" >&2; echo "FIX: $2" >&2; exit 1; }

docker_answers() { docker info >/dev/null 2>&1; }

if docker_answers; then exit 0; fi

if ! command -v dockerd >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || fail "Docker Engine is not installed and this is not root." \
    "run 'sudo apt-get install docker.io' or run make as root."
  echo "Installing Docker Engine (docker.io) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || fail "apt-get update failed." "check that Debian's package mirror is reachable."
  apt-get install -y -qq docker.io >/dev/null || fail "apt-get install docker.io failed." \
    "run 'apt-get install docker.io' by hand and read its error."
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl start docker || true
  else
    echo "Starting dockerd (no systemd here) ..."
    mkdir -p /var/log/magecloud
    nohup dockerd >/var/log/magecloud/dockerd.log 2>&1 &
  fi
fi

for _ in $(seq 1 60); do
  if docker_answers; then exit 0; fi
  sleep 1
done
fail "dockerd did not answer within 60 s." "read /var/log/magecloud/dockerd.log (or 'journalctl -u docker')."
