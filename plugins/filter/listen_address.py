# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the address a backing service listens on (the rule every service role shares)."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.private_network import listen_address


class FilterModule:
    def filters(self):
        return {"listen_address": listen_address}
