# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the address a web host uses to reach a backing service's host."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def service_address(service_hosts, web_host, hostvars, bind_variable):
    """Loopback when the service runs on the web host itself, else the service host's bind address,
    its ansible_host, or its inventory name."""
    if not service_hosts:
        raise AnsibleFilterError(f"No host serves this layer; put one in the inventory group whose role sets {bind_variable}.")
    service_host = service_hosts[0]
    if service_host == web_host:
        return "127.0.0.1"
    service_vars = hostvars[service_host]
    return service_vars.get(bind_variable) or service_vars.get("ansible_host") or service_host


class FilterModule:
    def filters(self):
        return {"service_address": service_address}
