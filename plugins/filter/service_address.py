# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: the addresses hosts of a split inventory use to reach each other."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils.private_network import PrivateNetworkError, host_private_address


def _peer_address(peer, this_host, hostvars, bind_variable=None):
    """Loopback for this host itself; else the peer's pinned bind address, its private address (from the
    inventory, else its default route's when its facts are known), its ansible_host, or its inventory name."""
    if peer == this_host:
        return "127.0.0.1"
    peer_vars = hostvars[peer]
    try:
        private = host_private_address(peer_vars, peer)
    except PrivateNetworkError as error:
        raise AnsibleFilterError(str(error)) from None
    return (bind_variable and peer_vars.get(bind_variable)) or private or peer_vars.get("ansible_host") or peer


def service_address(service_hosts, web_host, hostvars, bind_variable):
    """How the web host reaches the first host of a backing service's group."""
    if not service_hosts:
        raise AnsibleFilterError(f"No host serves this layer; put one in the inventory group whose role sets {bind_variable}.")
    return _peer_address(service_hosts[0], web_host, hostvars, bind_variable)


def peer_addresses(peers, this_host, hostvars, bind_variable=None):
    """How this host reaches (or is reached from) each of the peers, in order, without repeats."""
    addresses = []
    for peer in peers or []:
        address = _peer_address(peer, this_host, hostvars, bind_variable)
        if address not in addresses:
            addresses.append(address)
    return addresses


class FilterModule:
    def filters(self):
        return {"service_address": service_address, "peer_addresses": peer_addresses}
