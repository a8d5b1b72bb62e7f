# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: what a host's firewall lets in, derived from the inventory groups."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils.firewall_rules import FirewallRuleError, host_rules
from ansible_collections.magecloud.platform.plugins.plugin_utils.private_network import PrivateNetworkError, host_private_address


class _PrivateAddresses:
    """Each host's private address, worked out only for the hosts the rules ask about."""

    def __init__(self, hostvars):
        self._hostvars = hostvars

    def get(self, host):
        return host_private_address(self._hostvars[host], host) if host in self._hostvars else None


def firewall_rules(host, groups, hostvars, ports, extra_rules=None):
    """The rules of host's firewall (see plugin_utils.firewall_rules.host_rules)."""
    try:
        return host_rules(host, groups, _PrivateAddresses(hostvars), ports, extra_rules)
    except (FirewallRuleError, PrivateNetworkError) as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"firewall_rules": firewall_rules}
