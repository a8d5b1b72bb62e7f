# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: the TLS edge's nginx servers from the project's routes, and the regex of a redirect's rewrite."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.edge_routes import edge_servers, rewrite_pattern


class FilterModule:
    def filters(self):
        return {"edge_servers": edge_servers, "edge_rewrite_pattern": rewrite_pattern}
