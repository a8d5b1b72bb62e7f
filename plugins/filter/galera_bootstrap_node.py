# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: each Galera node's last committed position, and the node a stopped cluster restarts from."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils.galera_recovery import GaleraRecoveryError, bootstrap_node, node_position


def galera_bootstrap_node(states):
    """states: {host: state from galera_position}, in inventory order."""
    try:
        return bootstrap_node(states)
    except GaleraRecoveryError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"galera_bootstrap_node": galera_bootstrap_node, "galera_position": node_position}
