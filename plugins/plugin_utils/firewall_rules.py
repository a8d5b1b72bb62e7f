# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a host's firewall lets in, derived from the inventory groups: the public ports of its layers and,
for each backing service it runs, its port open to the private addresses of the hosts that use it."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.monitoring_targets import MONITOR_GROUP, host_exporters

# Web hosts and the cron host (when it has its own group) talk to every backing service.
SERVICE_CLIENT_GROUPS = ("web", "cron")
# A cluster of more than one host: Erlang's port mapper and RabbitMQ's inter-node port; OpenSearch's transport.
RABBITMQ_CLUSTER_PORTS = (4369, 25672)
OPENSEARCH_TRANSPORT_PORT = 9300
EDGE_PUBLIC_PORTS = (80, 443)
PROTOCOLS = ("tcp", "udp")
PORT_RANGE = re.compile(r"^(\d+)-(\d+)$")


class FirewallRuleError(ValueError):
    """An input the rules cannot be derived from: a host without a private address, a malformed extra rule."""


def _rule(port, sources, comment, proto="tcp"):
    return {"port": port, "proto": proto, "sources": sources, "comment": comment}


def _service_rules(host, groups, ports):
    """(port, client groups, comment) for each service port this host's groups give it."""
    wanted = []
    member = {group for group, hosts in groups.items() if host in (hosts or [])}
    if "database" in member:
        wanted.append((ports["mariadb"], SERVICE_CLIENT_GROUPS, "MariaDB"))
    if "cache" in member:
        wanted.extend((port, SERVICE_CLIENT_GROUPS, "Redis/Valkey") for port in ports["redis"])
    if "queue" in member:
        wanted.append((ports["rabbitmq"], SERVICE_CLIENT_GROUPS, "RabbitMQ"))
        if len(groups.get("queue") or []) > 1:
            wanted.extend((port, ("queue",), "RabbitMQ cluster") for port in RABBITMQ_CLUSTER_PORTS)
    if "search" in member:
        wanted.append((ports["opensearch"], SERVICE_CLIENT_GROUPS, "OpenSearch"))
        if len(groups.get("search") or []) > 1:
            wanted.append((OPENSEARCH_TRANSPORT_PORT, ("search",), "OpenSearch cluster"))
    if "web" in member:
        wanted.append((ports["nginx"], ("edge",), "nginx"))
    wanted.extend((port, (MONITOR_GROUP,), f"{name} exporter") for name, port in host_exporters(host, groups, ports.get("exporters")))
    return wanted


def _client_addresses(host, client_groups, groups, addresses):
    """The private addresses of the other hosts of client_groups, in inventory order, without repeats.
    This host's own connections arrive on loopback, which is always let in."""
    found = []
    for group in client_groups:
        for client in groups.get(group) or []:
            if client == host:
                continue
            address = addresses.get(client)
            if not address:
                raise FirewallRuleError(
                    f"{host}: no private address known for {client} (group {group}); gather its facts or set magecloud_private_address."
                )
            try:
                address = str(ipaddress.ip_address(address))
            except ValueError:
                raise FirewallRuleError(f"{host}: the private address {address!r} of {client} is not an IP address.") from None
            if address not in found:
                found.append(address)
    return found


def _by_family(rule):
    """One rule per address family of its sources (nft matches ip and ip6 sources apart); a public rule as is."""
    if rule["sources"] is None:
        return [dict(rule, family=None)]
    split = []
    for family, version in (("ip", 4), ("ip6", 6)):
        sources = [source for source in rule["sources"] if ipaddress.ip_network(source, strict=False).version == version]
        if sources:
            split.append(dict(rule, family=family, sources=sources))
    return split


def _port(value, label):
    text = str(value).strip()
    span = PORT_RANGE.match(text)
    bounds = [int(part) for part in span.groups()] if span else ([int(text)] if text.isdigit() else [])
    if not bounds or not all(1 <= bound <= 65535 for bound in bounds) or bounds != sorted(bounds):
        raise FirewallRuleError(f"{label}: port {value!r} is neither a port (1-65535) nor a range such as 8000-8100.")
    return text


def _extra_rule(index, extra):
    label = f"firewall_extra_rules[{index}]"
    if not isinstance(extra, dict) or "port" not in extra:
        raise FirewallRuleError(f"{label}: each entry needs a port (and optionally proto, sources, comment).")
    proto = extra.get("proto") or "tcp"
    if proto not in PROTOCOLS:
        raise FirewallRuleError(f"{label}: proto {proto!r} is not one of {', '.join(PROTOCOLS)}.")
    sources = extra.get("sources") or None
    if sources is not None:
        try:
            sources = [str(ipaddress.ip_network(str(source), strict=False)) for source in sources]
        except ValueError as error:
            raise FirewallRuleError(f"{label}: {error}.") from None
    # nft comments are quoted strings: keep the text printable and free of quotes.
    comment = re.sub(r"[^\w .,:/()\[\]+-]", "", str(extra.get("comment") or label))
    return _rule(_port(extra["port"], label), sources, comment, proto)


def host_rules(host, groups, addresses, ports, extra_rules=()):
    """The rules of host's firewall, in order: SSH first, then the edge's public ports, then each backing
    service's port open to the hosts that use it, then extra_rules.

    groups maps inventory groups to their hosts; addresses maps hosts to private addresses; ports holds
    this host's ssh, mariadb, redis (a list), rabbitmq, opensearch, nginx and varnish ports, and optionally
    exporters (the ports of its Prometheus exporters that differ from the defaults). Each rule is
    a dict of port, proto, family (ip, ip6, or None for anyone), sources (None for anyone) and comment.
    A service whose clients are all on this host gets no rule: it listens on loopback."""
    rules = [_rule(_port(ports["ssh"], "SSH port"), None, "SSH")]
    if host in (groups.get("edge") or []):
        public = {*EDGE_PUBLIC_PORTS, int(_port(ports["varnish"], "Varnish port"))}
        rules.extend(_rule(str(port), None, "HTTP(S) on the edge") for port in sorted(public))
    for port, client_groups, service in _service_rules(host, groups, ports):
        sources = _client_addresses(host, client_groups, groups, addresses)
        if sources:
            rules.append(_rule(_port(port, service), sources, f"{service} from {', '.join(client_groups)}"))
    rules.extend(_extra_rule(index, extra) for index, extra in enumerate(extra_rules or []))
    return [split for rule in rules for split in _by_family(rule)]
