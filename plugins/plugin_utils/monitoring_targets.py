# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which exporters each host runs, by its inventory groups, and the scrape jobs the monitor hosts'
Prometheus reads them with. The monitoring role, its Prometheus and the firewall share these."""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.magecloud.platform.plugins.plugin_utils.private_network import listen_address

MONITOR_GROUP = "monitor"
# Exporter: the group whose hosts run it (None: every host) and its default port.
EXPORTERS = {
    "node": (None, 9100),
    "mysqld": ("database", 9104),
    "redis": ("cache", 9121),
    # RabbitMQ's own rabbitmq_prometheus plugin.
    "rabbitmq": ("queue", 15692),
    "opensearch": ("search", 9114),
    "nginx": ("web", 9113),
    # This collection's exporter of the PHP-FPM pool's status page.
    "phpfpm": ("web", 9253),
    "varnish": ("edge", 9131),
    # This collection's exporter of Varnish's client requests (status classes, latency).
    "edge": ("edge", 9198),
}
DEFAULT_REDIS_INSTANCES = {"cache": {"port": 6380}, "session": {"port": 6381}}


def exporter_ports(overrides=None):
    """Each exporter's port: the defaults, with overrides (monitoring_exporter_ports) over them."""
    return {name: int((overrides or {}).get(name, port)) for name, (unused_group, port) in EXPORTERS.items()}


def host_exporters(host, groups, overrides=None):
    """(exporter, port) of each exporter host runs; none when the inventory has no monitor host."""
    if not groups.get(MONITOR_GROUP):
        return []
    ports = exporter_ports(overrides)
    return [(name, ports[name]) for name, (group, unused_port) in EXPORTERS.items() if group is None or host in (groups.get(group) or [])]


def _first_address(value):
    return str(value).replace(",", " ").split()[0]


def _host_port(address, port):
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def exporter_address(host, groups, host_vars):
    """Where host's exporters listen: loopback when no other host scrapes them, else its private address."""
    alone = not set(groups.get(MONITOR_GROUP) or []) - {host}
    return _first_address(listen_address(host_vars.get("monitoring_exporter_bind_address"), alone, host_vars.get("ansible_facts")))


def opensearch_uri(address, port, tls=False, user="", password=""):
    """The Elasticsearch exporter's ES_URI: https when OpenSearch's security plugin is on, with the exporter's
    credentials URL-encoded (a password may hold ':', '@' or '/')."""
    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
    return f"{'https' if tls else 'http'}://{credentials}{_host_port(_first_address(address), port)}"


def _redis_targets(host, groups, host_vars):
    """The redis:// address of each Redis/Valkey instance of a cache host, by instance name."""
    address = _first_address(listen_address(host_vars.get("redis_bind_address"), host in (groups.get("web") or []),
                                            host_vars.get("ansible_facts")))
    instances = host_vars.get("redis_instances") or DEFAULT_REDIS_INSTANCES
    return [(name, f"redis://{_host_port(address, settings['port'])}") for name, settings in sorted(instances.items())]


def scrape_jobs(groups, hostvars, overrides=None):
    """Prometheus scrape_configs for every exporter of every host, one job per exporter, each target
    labelled with its inventory host name; Redis/Valkey instances through the exporter's /scrape."""
    jobs = {}
    hosts = sorted({host for members in groups.values() for host in (members or [])})
    for host in hosts:
        host_vars = hostvars[host]
        address = exporter_address(host, groups, host_vars)
        for name, port in host_exporters(host, groups, overrides):
            exporter = _host_port(address, port)
            if name == "redis":
                entries = [{"targets": [exporter], "labels": {"instance": f"{host}:{instance}", "__param_target": target}}
                           for instance, target in _redis_targets(host, groups, host_vars)]
            else:
                entries = [{"targets": [exporter], "labels": {"instance": host}}]
            jobs.setdefault(name, []).extend(entries)
    return [dict({"job_name": name, "static_configs": entries}, **({"metrics_path": "/scrape"} if name == "redis" else {}))
            for name, entries in jobs.items()]
