# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: collapsed stacks from the profiled hosts as an SVG flame graph and as a speedscope profile."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.flame_graph import flame_graph_svg, merge_collapsed, speedscope_profile


def _texts(collapsed):
    return [collapsed] if isinstance(collapsed, str) else list(collapsed)


def flame_graph(collapsed, title="Flame graph"):
    """SVG text of the merged stacks of collapsed (a text, or a list of texts)."""
    return flame_graph_svg(merge_collapsed(_texts(collapsed)), title)


def speedscope(collapsed, name="profile"):
    """A speedscope profile (a dict, for to_json) of the merged stacks of collapsed."""
    return speedscope_profile(merge_collapsed(_texts(collapsed)), name)


class FilterModule:
    def filters(self):
        return {"flame_graph": flame_graph, "speedscope": speedscope}
