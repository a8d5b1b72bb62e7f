# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the inventory the hub's runs use, from `ansible-inventory --list` of the one that converged it."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# How the controller reached the hub host; on the hub the host is itself.
_CONNECTION_PREFIXES = ("ansible_connection", "ansible_host", "ansible_port", "ansible_user", "ansible_password",
                        "ansible_ssh_", "ansible_docker_", "ansible_become", "ansible_private_key_file")


def hub_inventory(listing, hub_host, python="/usr/bin/python3"):
    """A YAML inventory ({all: {hosts, children}}) holding every host with its variables and every group
    with its hosts and child groups; hub_host is reached by the local connection."""
    if not isinstance(listing, dict) or "_meta" not in listing:
        raise AnsibleFilterError("hub_inventory expects the JSON of `ansible-inventory --list`")
    hostvars = listing["_meta"].get("hostvars", {})
    if hub_host not in hostvars:
        raise AnsibleFilterError(f"hub_inventory: {hub_host} is not in the inventory listing")
    hosts = {}
    for name, variables in sorted(hostvars.items()):
        if name == hub_host:
            variables = {key: value for key, value in variables.items() if not key.startswith(_CONNECTION_PREFIXES)}
            variables.update(ansible_connection="local", ansible_python_interpreter=python)
        hosts[name] = variables
    children = {}
    for name, group in sorted(listing.items()):
        if name in ("_meta", "all") or not isinstance(group, dict):
            continue
        entry = {}
        if group.get("hosts"):
            entry["hosts"] = {host: None for host in group["hosts"]}
        if group.get("children"):
            entry["children"] = {child: None for child in group["children"]}
        children[name] = entry
    return {"all": {"hosts": hosts, "children": children}}


class FilterModule:
    def filters(self):
        return {"hub_inventory": hub_inventory}
