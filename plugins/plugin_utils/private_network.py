# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which address of a host is private, where backing services listen, and which of those would be public."""

from __future__ import annotations

import ipaddress
import re

LOOPBACK = "127.0.0.1"
PINNED_VARIABLE = "magecloud_private_address"
NETWORKS_VARIABLE = "magecloud_private_networks"
# The common role publishes each host's private address under this fact, so that the service roles'
# listen_address (which only sees ansible_facts) binds where the inventory says.
RESOLVED_FACT = "magecloud_resolved_private_address"

# RFC 1918, RFC 6598 (carrier-grade NAT, used by some clouds' private networks), IPv6 unique local
# (fc00::/7) and link-local addresses: not reachable from the internet.
NON_PUBLIC_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10")
)

# Each backing service: its inventory group, the inventory variable that pins its bind address, and the
# group whose presence on the same host makes it listen on loopback (the role vars' rule).
BACKING_SERVICES = (
    ("MariaDB", "database", "mariadb_bind_address", "web"),
    ("Redis/Valkey", "cache", "redis_bind_address", "web"),
    ("RabbitMQ", "queue", "rabbitmq_bind_address", "web"),
    ("OpenSearch", "search", "opensearch_bind_address", "web"),
    ("nginx backend", "web", "nginx_listen_address", "edge"),
)


class PrivateNetworkError(ValueError):
    """The inventory names private networks none of a host's addresses is in."""


def parse_address(text):
    """The IP address text names, or None for a host name or garbage."""
    try:
        return ipaddress.ip_address(str(text).partition("%")[0])
    except ValueError:
        return None


def is_private_or_loopback(text):
    """True for a loopback address or one of NON_PUBLIC_NETWORKS; False for anything else, host names included."""
    address = parse_address(text)
    if address is None:
        return False
    return address.is_loopback or any(address in network for network in NON_PUBLIC_NETWORKS if network.version == address.version)


def _in_networks(addresses, networks, host_label):
    if isinstance(networks, str):
        networks = re.split(r"[\s,]+", networks.strip())
    try:
        parsed_networks = [ipaddress.ip_network(network, strict=False) for network in networks]
    except ValueError as error:
        raise PrivateNetworkError(f"{host_label}: {NETWORKS_VARIABLE} holds an invalid network: {error}") from None
    for network in parsed_networks:
        for text in addresses:
            address = parse_address(text)
            if address is not None and address.version == network.version and address in network:
                return str(address)
    raise PrivateNetworkError(
        f"{host_label}: none of its addresses ({', '.join(addresses) or 'none known'}) is in "
        f"{NETWORKS_VARIABLE} ({', '.join(map(str, networks))}); fix the list or set {PINNED_VARIABLE}."
    )


def private_address(facts, pinned=None, networks=None, host_label="this host"):
    """The host's private address: the pinned one; else its first address in one of networks (in the
    order of networks); else, when neither is set, the address of its default route.

    The default route is the kubespray-style guess: right on an all-in-one host and on hosts with one
    network, but on a host whose default route goes out through its public interface it is the public
    address. Inventories of such hosts set the pinned address or the networks.
    None when nothing is known (no facts)."""
    if pinned:
        return str(pinned)
    facts = facts or {}
    if networks:
        addresses = list(facts.get("all_ipv4_addresses") or []) + list(facts.get("all_ipv6_addresses") or [])
        if not addresses:
            return None
        return _in_networks(addresses, networks, host_label)
    return (facts.get("default_ipv4") or {}).get("address")


def host_private_address(host_vars, host_label="this host"):
    """private_address from a host's hostvars: its pinned address, its networks and its facts."""
    return private_address(host_vars.get("ansible_facts"), host_vars.get(PINNED_VARIABLE), host_vars.get(NETWORKS_VARIABLE), host_label)


def listen_address(override, shares_host_with_web, facts):
    """The override when given; loopback when the web layer is on the same host; else the private address
    (the one the common role resolved from the inventory, else the default route's)."""
    if override:
        return override
    if shares_host_with_web:
        return LOOPBACK
    facts = facts or {}
    return private_address(facts, facts.get(RESOLVED_FACT)) or LOOPBACK


def _shares_host(host, groups, colocated_group):
    if colocated_group == "edge":
        # nginx: loopback unless another host runs the edge (Varnish) in front of it.
        return not set(groups.get("edge") or []) - {host}
    return host in (groups.get(colocated_group) or [])


def public_binds(host, host_vars, groups):
    """(service, address) for each address a backing service of this host would listen on that is neither
    loopback nor private, computed with listen_address from the same inputs as the service roles."""
    offending = []
    for service, group, bind_variable, colocated_group in BACKING_SERVICES:
        if host not in (groups.get(group) or []):
            continue
        listen = listen_address(host_vars.get(bind_variable), _shares_host(host, groups, colocated_group), host_vars.get("ansible_facts"))
        offending.extend((service, address) for address in re.split(r"[\s,]+", str(listen).strip()) if not is_private_or_loopback(address))
    return offending
