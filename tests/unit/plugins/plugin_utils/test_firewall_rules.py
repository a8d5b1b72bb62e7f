"""The firewall rules derived from the inventory groups, and the ruleset the role renders from them, checked by nft."""

import pathlib
import shutil
import subprocess

import jinja2
import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.firewall_rules import FirewallRuleError, host_rules

ROOT = pathlib.Path(__file__).resolve().parents[4]
TEMPLATES = ROOT / "roles" / "firewall" / "templates"
PORTS = {"ssh": 22, "mariadb": 3306, "redis": [6380, 6381], "rabbitmq": 5672, "opensearch": 9200, "nginx": 8080, "varnish": 80}
SPLIT_GROUPS = {"web": ["web1", "web2"], "edge": ["web1"], "database": ["data"], "cache": ["data"], "queue": ["data"], "search": ["data"]}
SPLIT_ADDRESSES = {"web1": "10.0.0.11", "web2": "10.0.0.12", "data": "10.0.0.20"}
ALL_IN_ONE_GROUPS = {group: ["aio"] for group in ("web", "edge", "database", "cache", "queue", "search")}
SSH = {"port": "22", "proto": "tcp", "family": None, "sources": None, "comment": "SSH"}


def public(port, comment="HTTP(S) on the edge"):
    return {"port": port, "proto": "tcp", "family": None, "sources": None, "comment": comment}


def private(port, sources, comment, family="ip", proto="tcp"):
    return {"port": port, "proto": proto, "family": family, "sources": sources, "comment": comment}


def test_split_data_host_opens_each_service_port_to_the_web_hosts_only():
    web = ["10.0.0.11", "10.0.0.12"]
    assert host_rules("data", SPLIT_GROUPS, SPLIT_ADDRESSES, PORTS) == [
        SSH,
        private("3306", web, "MariaDB from web, cron"),
        private("6380", web, "Redis/Valkey from web, cron"),
        private("6381", web, "Redis/Valkey from web, cron"),
        private("5672", web, "RabbitMQ from web, cron"),
        private("9200", web, "OpenSearch from web, cron"),
    ]


def test_split_edge_web_host_opens_http_publicly_and_its_own_nginx_to_nobody():
    assert host_rules("web1", SPLIT_GROUPS, SPLIT_ADDRESSES, PORTS) == [SSH, public("80"), public("443")]


def test_split_web_host_behind_the_edge_opens_nginx_to_the_edge_host():
    assert host_rules("web2", SPLIT_GROUPS, SPLIT_ADDRESSES, PORTS) == [SSH, private("8080", ["10.0.0.11"], "nginx from edge")]


def test_all_in_one_host_opens_only_ssh_and_the_edge_ports():
    assert host_rules("aio", ALL_IN_ONE_GROUPS, {"aio": "203.0.113.5"}, PORTS) == [SSH, public("80"), public("443")]


def test_the_varnish_port_and_ssh_port_come_from_the_port_variables():
    ports = dict(PORTS, ssh=2222, varnish=6081)
    assert host_rules("aio", ALL_IN_ONE_GROUPS, {}, ports) == [dict(SSH, port="2222"), public("80"), public("443"), public("6081")]


def test_cluster_peers_reach_each_other_and_the_cron_host_reaches_the_services():
    groups = {"web": ["web1"], "cron": ["cron1"], "queue": ["mq1", "mq2"], "search": ["os1", "os2"]}
    addresses = {"web1": "10.0.0.11", "cron1": "10.0.0.30", "mq1": "10.0.1.1", "mq2": "10.0.1.2", "os1": "10.0.2.1", "os2": "10.0.2.2"}
    clients = ["10.0.0.11", "10.0.0.30"]
    assert host_rules("mq1", groups, addresses, PORTS) == [
        SSH,
        private("5672", clients, "RabbitMQ from web, cron"),
        private("4369", ["10.0.1.2"], "RabbitMQ cluster from queue"),
        private("25672", ["10.0.1.2"], "RabbitMQ cluster from queue"),
    ]
    assert host_rules("os2", groups, addresses, PORTS) == [
        SSH,
        private("9200", clients, "OpenSearch from web, cron"),
        private("9300", ["10.0.2.1"], "OpenSearch cluster from search"),
    ]


def test_a_host_in_two_client_groups_is_named_once_and_ipv6_sources_get_their_own_rule():
    groups = {"web": ["web1", "web2"], "cron": ["web1"], "database": ["db"]}
    addresses = {"web1": "10.0.0.11", "web2": "fd00::12", "db": "10.0.0.20"}
    assert host_rules("db", groups, addresses, PORTS) == [
        SSH,
        private("3306", ["10.0.0.11"], "MariaDB from web, cron"),
        private("3306", ["fd00::12"], "MariaDB from web, cron", family="ip6"),
    ]


def test_a_client_without_a_private_address_is_an_error_naming_it():
    with pytest.raises(FirewallRuleError, match=r"^data: no private address known for web2 \(group web\)"):
        host_rules("data", SPLIT_GROUPS, {"web1": "10.0.0.11"}, PORTS)
    with pytest.raises(FirewallRuleError, match=r"^data: the private address 'web2.internal' of web2 is not an IP address\.$"):
        host_rules("data", SPLIT_GROUPS, dict(SPLIT_ADDRESSES, web2="web2.internal"), PORTS)


def test_extra_rules_follow_the_derived_ones():
    extra = [
        {"port": 9100, "sources": ["10.0.5.0/24", "fd00:5::/64"], "comment": 'node "exporter"; drop'},
        {"port": "60000-61000", "proto": "udp"},
    ]
    assert host_rules("web1", SPLIT_GROUPS, SPLIT_ADDRESSES, PORTS, extra)[3:] == [
        private("9100", ["10.0.5.0/24"], "node exporter drop"),
        private("9100", ["fd00:5::/64"], "node exporter drop", family="ip6"),
        {"port": "60000-61000", "proto": "udp", "family": None, "sources": None, "comment": "firewall_extra_rules[1]"},
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"proto": "tcp"}, r"^firewall_extra_rules\[0\]: each entry needs a port"),
        ({"port": 70000}, r"^firewall_extra_rules\[0\]: port 70000 is neither a port"),
        ({"port": "9000-8000"}, r"^firewall_extra_rules\[0\]: port '9000-8000' is neither a port"),
        ({"port": "22; drop"}, r"^firewall_extra_rules\[0\]: port '22; drop' is neither a port"),
        ({"port": 53, "proto": "sctp"}, r"^firewall_extra_rules\[0\]: proto 'sctp' is not one of tcp, udp\.$"),
        ({"port": 53, "sources": ["10.0.0.0/33"]}, r"^firewall_extra_rules\[0\]: .*10\.0\.0\.0/33"),
    ],
)
def test_malformed_extra_rules_are_refused(extra, message):
    with pytest.raises(FirewallRuleError, match=message):
        host_rules("web1", SPLIT_GROUPS, SPLIT_ADDRESSES, PORTS, [extra])


def render_ruleset(rules):
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True, undefined=jinja2.StrictUndefined)
    environment.filters["comment"] = lambda text: f"#\n# {text}\n#"
    template = environment.get_template("magecloud.nft.j2")
    return template.render(ansible_managed="Ansible managed", __firewall_table="magecloud", __firewall_rules=rules)


def test_the_ruleset_puts_ssh_first_and_each_rule_on_its_own_line():
    text = render_ruleset(host_rules("data", SPLIT_GROUPS, SPLIT_ADDRESSES, PORTS))
    lines = [line.strip() for line in text.splitlines()]
    chain = lines[lines.index("type filter hook input priority filter; policy drop;") + 1:]
    assert [line for line in chain if line and not line.startswith("#")][0] == 'tcp dport 22 accept comment "SSH"'
    assert 'ip saddr { 10.0.0.11, 10.0.0.12 } tcp dport 3306 accept comment "MariaDB from web, cron"' in lines


def nft_can_check():
    if not shutil.which("nft"):
        return False
    probe = subprocess.run(["nft", "-c", "-f", "-"], input="table inet magecloud_probe\n", capture_output=True, text=True, check=False)
    return probe.returncode == 0


CASES = {
    "split data": ("data", SPLIT_GROUPS, SPLIT_ADDRESSES, []),
    "split web1 (edge)": ("web1", SPLIT_GROUPS, SPLIT_ADDRESSES, []),
    "split web2": ("web2", SPLIT_GROUPS, SPLIT_ADDRESSES, []),
    "all-in-one": ("aio", ALL_IN_ONE_GROUPS, {}, []),
    "extra rules, ipv6": ("web2", SPLIT_GROUPS, dict(SPLIT_ADDRESSES, web1="fd00::11"),
                          [{"port": "60000-61000", "proto": "udp", "sources": ["fd00::/8"], "comment": "mosh"}]),
}


@pytest.mark.skipif(not nft_can_check(), reason="nft is not installed or may not talk to the kernel here")
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_nft_accepts_the_rendered_ruleset(case, tmp_path):
    host, groups, addresses, extra = case
    ruleset = tmp_path / "magecloud.nft"
    ruleset.write_text(render_ruleset(host_rules(host, groups, addresses, PORTS, extra)))
    check = subprocess.run(["nft", "-c", "-f", str(ruleset)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr


@pytest.mark.skipif(not nft_can_check(), reason="nft is not installed or may not talk to the kernel here")
def test_nft_refuses_a_broken_ruleset(tmp_path):
    # Shows the check above is a real one: a rule nft cannot parse fails it.
    ruleset = tmp_path / "magecloud.nft"
    ruleset.write_text(render_ruleset([SSH, public("80; flush ruleset")]))
    assert subprocess.run(["nft", "-c", "-f", str(ruleset)], capture_output=True, check=False).returncode != 0


def test_exporters_open_only_to_the_monitor_host_and_not_at_all_without_one():
    groups = dict(SPLIT_GROUPS, monitor=["mon"])
    addresses = dict(SPLIT_ADDRESSES, mon="10.0.0.40")
    mon = ["10.0.0.40"]
    rules = host_rules("data", groups, addresses, dict(PORTS, exporters={"mysqld": 9999}))
    assert rules[6:] == [
        private("9100", mon, "node exporter from monitor"),
        private("9999", mon, "mysqld exporter from monitor"),
        private("9121", mon, "redis exporter from monitor"),
        private("15692", mon, "rabbitmq exporter from monitor"),
        private("9114", mon, "opensearch exporter from monitor"),
    ]
    assert host_rules("web1", groups, addresses, PORTS)[3:] == [
        private("9100", mon, "node exporter from monitor"),
        private("9113", mon, "nginx exporter from monitor"),
        private("9253", mon, "phpfpm exporter from monitor"),
        private("9131", mon, "varnish exporter from monitor"),
        private("9198", mon, "edge exporter from monitor"),
    ]
    assert len(host_rules("data", SPLIT_GROUPS, SPLIT_ADDRESSES, PORTS)) == 6


def test_the_monitor_host_scrapes_its_own_exporters_over_loopback():
    groups = dict(ALL_IN_ONE_GROUPS, monitor=["aio"])
    assert host_rules("aio", groups, {"aio": "10.0.0.5"}, PORTS) == [SSH, public("80"), public("443")]
