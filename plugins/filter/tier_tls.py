# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: whether a backing-service tier speaks TLS to its clients (the rule the service roles, the
CA role, the firewall and the deploy share)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.magecloud.platform.plugins.plugin_utils.firewall_rules import SERVICE_CLIENT_GROUPS


def tier_tls(groups, service_group, hostvars, variable):
    """The first service host's `variable` when the inventory sets it; unset, TLS is on exactly when a
    client host (web or cron) is not one of the service hosts, so that the tier's traffic crosses the network."""
    service_hosts = groups.get(service_group) or []
    client_hosts = [host for group in SERVICE_CLIENT_GROUPS for host in groups.get(group) or []]
    if not service_hosts:
        return False
    chosen = hostvars[service_hosts[0]].get(variable)
    if chosen is not None:
        try:
            return boolean(chosen, strict=True)
        except TypeError:
            raise AnsibleFilterError(f"{variable} on {service_hosts[0]} is {chosen!r}, which is not a boolean.") from None
    return any(client not in service_hosts for client in client_hosts)


def local_search_proxy(groups, host, hostvars):
    """Whether `host` reaches the search tier through its own HAProxy: the tier speaks TLS, the host is a web host
    and not a search host, and its haproxy_search_proxy is not false. Magento's OpenSearch client opens a new https
    connection per request and reads the whole system CA bundle for each; the proxy keeps verified TLS connections
    open to the search hosts and gives Magento plain HTTP on loopback."""
    if host not in (groups.get("web") or []) or host in (groups.get("search") or []):
        return False
    wanted = hostvars[host].get("haproxy_search_proxy", True)
    try:
        wanted = boolean(wanted, strict=True)
    except TypeError:
        raise AnsibleFilterError(f"haproxy_search_proxy on {host} is {wanted!r}, which is not a boolean.") from None
    return wanted and tier_tls(groups, "search", hostvars, "opensearch_tls")


class FilterModule:
    def filters(self):
        return {"tier_tls": tier_tls, "local_search_proxy": local_search_proxy}
