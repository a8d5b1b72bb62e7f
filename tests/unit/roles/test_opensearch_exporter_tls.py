"""The Elasticsearch exporter against OpenSearch with its security plugin on (split inventories): https checked
against our CA, as the read-only user the opensearch role creates. The roles' own variable expressions and
templates are evaluated here with Jinja and the collection's filters, as Ansible would; no cluster is run."""

import pathlib

import jinja2
import jinja2.filters
import yaml
from ansible.plugins.filter.core import FilterModule as AnsibleCore
from jinja2.nativetypes import NativeEnvironment, native_concat

from ansible_collections.magecloud.platform.plugins.filter.listen_address import FilterModule as ListenAddress
from ansible_collections.magecloud.platform.plugins.filter.monitoring_targets import FilterModule as MonitoringTargets
from ansible_collections.magecloud.platform.plugins.filter.tier_tls import FilterModule as TierTls
from ansible_collections.magecloud.platform.plugins.plugin_utils.monitoring_targets import opensearch_uri

ROOT = pathlib.Path(__file__).resolve().parents[3]
FILTERS = {f"magecloud.platform.{name}": function for module in (ListenAddress, MonitoringTargets, TierTls)
           for name, function in module().filters().items()}
# Ansible's own filters that Jinja lacks (Ansible's default and map need its templar).
FILTERS.update({name: function for name, function in AnsibleCore().filters().items() if name not in jinja2.filters.FILTERS})
SPLIT = {"web": ["web1"], "database": ["data"], "cache": ["data"], "queue": ["data"], "search": ["data"], "monitor": ["mon"]}
ALL_IN_ONE = {group: ["aio"] for group in ("web", "database", "cache", "queue", "search", "edge", "monitor")}
CA = "/etc/magecloud/tls/ca.pem"


def facts(address):
    return {"default_ipv4": {"address": address}, "all_ipv4_addresses": [address], "all_ipv6_addresses": []}


class RoleVars(dict):
    """A host's variables: the inventory's, then the role's vars/ and defaults/, each rendered when first read."""

    def __init__(self, role, inventory):
        super().__init__()
        self.environment = NativeEnvironment(undefined=jinja2.Undefined)
        self.environment.filters.update(FILTERS)
        self.raw = {}
        for layer in ("defaults", "vars"):
            self.raw.update(yaml.safe_load((ROOT / "roles" / role / layer / "main.yml").read_text()))
        self.raw.update(inventory)

    def __contains__(self, name):
        return name in self.raw

    def __getitem__(self, name):
        if not dict.__contains__(self, name):
            dict.__setitem__(self, name, self.render(self.raw[name]))
        return dict.__getitem__(self, name)

    def render(self, value):
        if isinstance(value, dict):
            return {key: self.render(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.render(item) for item in value]
        if not isinstance(value, str) or "{" not in value:
            return value
        template = self.environment.from_string(value)
        return native_concat(template.root_render_func(template.new_context(self, shared=True)))


def host(role, name, groups, addresses, **inventory):
    hostvars = {other: {"opensearch_tls": inventory.get("opensearch_tls"), "ansible_facts": facts(address)}
                for other, address in addresses.items()}
    return RoleVars(role, dict({"inventory_hostname": name, "groups": groups, "hostvars": hostvars,
                                "ansible_facts": facts(addresses[name])}, **inventory))


def test_the_uri_is_https_with_the_credentials_url_encoded_when_tls_is_on():
    assert opensearch_uri("10.0.0.20", 9200, True, "prometheus", "p@ss:w/rd") == "https://prometheus:p%40ss%3Aw%2Frd@10.0.0.20:9200"
    assert opensearch_uri("127.0.0.1", 9200) == "http://127.0.0.1:9200"
    assert opensearch_uri("fd00::20, 10.0.0.20", 9201, True, "u", "p") == "https://u:p@[fd00::20]:9201"


def test_on_a_split_inventory_the_exporter_reads_opensearch_over_https_with_our_ca_as_its_user():
    data = host("monitoring", "data", SPLIT, {"web1": "10.0.0.11", "data": "10.0.0.20", "mon": "10.0.0.30"},
                opensearch_monitoring_password="s3cret/pw", magecloud_tier_tls={"ca": CA})
    assert data["__monitoring_opensearch_tls"] is True
    assert data["__monitoring_opensearch_uri"].strip() == "https://prometheus:s3cret%2Fpw@10.0.0.20:9200"
    assert data["__monitoring_exporter_args"]["opensearch"].split() == ["--web.listen-address=10.0.0.20:9114", f"--es.ca={CA}"]


def test_on_an_all_in_one_host_the_exporter_reads_opensearch_over_http_on_loopback_without_login():
    aio = host("monitoring", "aio", ALL_IN_ONE, {"aio": "10.0.0.5"}, opensearch_monitoring_password="unused")
    assert data_of(aio) == ("http://127.0.0.1:9200", ["--web.listen-address=127.0.0.1:9114"])


def data_of(variables):
    return variables["__monitoring_opensearch_uri"].strip(), variables["__monitoring_exporter_args"]["opensearch"].split()


def test_opensearch_tls_false_on_a_split_inventory_keeps_http():
    data = host("monitoring", "data", SPLIT, {"web1": "10.0.0.11", "data": "10.0.0.20", "mon": "10.0.0.30"}, opensearch_tls=False)
    assert data_of(data) == ("http://10.0.0.20:9200", ["--web.listen-address=10.0.0.20:9114"])


def render_security(template, variables):
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "roles" / "opensearch" / "templates"),
                                     trim_blocks=True, undefined=jinja2.StrictUndefined)
    environment.filters.update(FILTERS, comment=lambda text: f"# {text}")
    return yaml.safe_load(environment.get_template(f"security/{template}").render(
        ansible_managed="Ansible managed", __opensearch_users=variables["__opensearch_users"],
        opensearch_index_prefix=variables["opensearch_index_prefix"]))


def test_the_opensearch_role_gives_the_exporter_a_read_only_user_when_there_is_a_monitor_host():
    search = host("opensearch", "data", SPLIT, {"web1": "10.0.0.11", "data": "10.0.0.20", "mon": "10.0.0.30"},
                  opensearch_password="magento-pw", opensearch_monitoring_password="s3cret")
    assert [(user["name"], user["role"]) for user in search["__opensearch_users"]] == [
        ("magento", "magecloud_magento"), ("prometheus", "magecloud_monitoring")]
    roles = render_security("roles.yml.j2", search)
    assert roles["magecloud_monitoring"]["cluster_permissions"] == ["cluster_monitor"]
    assert roles["magecloud_monitoring"]["index_permissions"] == [{"index_patterns": ["*"], "allowed_actions": ["indices_monitor"]}]
    mapping = render_security("roles_mapping.yml.j2", search)
    assert mapping["magecloud_monitoring"]["users"] == ["prometheus"] and mapping["magecloud_magento"]["users"] == ["magento"]


def test_without_a_monitor_host_opensearch_has_magentos_user_only():
    groups = {name: members for name, members in SPLIT.items() if name != "monitor"}
    search = host("opensearch", "data", groups, {"web1": "10.0.0.11", "data": "10.0.0.20"}, opensearch_password="magento-pw")
    assert [user["name"] for user in search["__opensearch_users"]] == ["magento"]
