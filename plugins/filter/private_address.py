# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: a host's private address, and the backing services that would listen outside the private network."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils import private_network


def private_address(host_vars, host=None):
    """The host's private address from its hostvars (magecloud_private_address, magecloud_private_networks, facts)."""
    try:
        return private_network.host_private_address(host_vars, host or "this host")
    except private_network.PrivateNetworkError as error:
        raise AnsibleFilterError(str(error)) from None


def public_binds(host_vars, host, groups):
    """The host's backing services that would listen on a public address, as {service, address} entries."""
    return [{"service": service, "address": address} for service, address in private_network.public_binds(host, host_vars, groups)]


class FilterModule:
    def filters(self):
        return {"private_address": private_address, "public_binds": public_binds}
