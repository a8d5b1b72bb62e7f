# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The split inventory seen from outside: a fourth container on the cluster's network, in no inventory
group, finds every port the data host listens on beyond loopback closed except SSH, while a web host
reaches each service the app uses; and a service asked to listen on a public address stops site.yml
in its preflight, before any host changes."""

import json
import re
import subprocess

import pytest

from cluster_hosts import DATA, private_address
from molecule_support import ok, playbook

NETWORK = "magecloud-cluster"
SSH = 22
# What the app connects to on the data host: MariaDB, Redis cache and session (TLS), AMQPS, OpenSearch.
APP_PORTS = (3306, 6380, 6381, 5671, 9200)


def reachable_from(container_command, address, ports):
    """{port: True when a TCP connection is accepted within 3 s} from the container the command runs in."""
    probe = ("import json, socket, sys\n"
             "result = {}\n"
             "for port in map(int, sys.argv[2:]):\n"
             "    try:\n"
             "        socket.create_connection((sys.argv[1], port), timeout=3).close(); result[port] = True\n"
             "    except OSError:\n"
             "        result[port] = False\n"
             "print(json.dumps(result))\n")
    output = subprocess.run([*container_command, "python3", "-c", probe, address, *map(str, ports)],
                            capture_output=True, text=True, timeout=120, check=True).stdout
    return {int(port): accepted for port, accepted in json.loads(output).items()}


@pytest.fixture(scope="module")
def data_ports(data):
    """Every TCP port the data host listens on at an address other than loopback, SSH aside."""
    ports = set()
    for line in ok(data, "ss -Hltn").splitlines():
        local = line.split()[3]
        address, port = local.rsplit(":", 1)
        if not re.match(r"^\[?(127\.|::1\]?$)", address):
            ports.add(int(port))
    ports.discard(SSH)
    assert set(APP_PORTS) <= ports, f"the data host does not listen on every service port: {sorted(ports)}"
    return sorted(ports)


def test_an_outsider_on_the_same_network_reaches_no_backing_service(data_ports):
    outsider = ["docker", "run", "--rm", "--network", NETWORK, "magecloud/debian:12"]
    reached = reachable_from(outsider, private_address(DATA), data_ports)
    assert not [port for port, accepted in reached.items() if accepted], reached


def test_a_web_host_reaches_each_service_the_app_uses():
    reached = reachable_from(["docker", "exec", "magecloud-cluster-web1"], private_address(DATA), APP_PORTS)
    assert all(reached.values()), reached


def test_a_service_on_a_public_address_fails_the_preflight_before_any_change():
    code, output = playbook("site.yml", "-e", "opensearch_bind_address=203.0.113.10")
    assert code != 0
    assert re.search(r"Host magecloud-cluster-data: .*203\.0\.113\.10.*neither loopback nor\s+a private address", output), \
        output[-3000:]
    recap = output[output.rindex("PLAY RECAP"):]
    assert not re.search(r"changed=[1-9]", recap), recap
