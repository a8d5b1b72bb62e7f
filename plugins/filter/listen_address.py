# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the address a backing service listens on (the rule every service role shares)."""

from __future__ import annotations


def listen_address(override, shares_host_with_web, facts):
    """The override when given; loopback when the web layer is on the same host; else the private address."""
    if override:
        return override
    if shares_host_with_web:
        return "127.0.0.1"
    return ((facts or {}).get("default_ipv4") or {}).get("address") or "127.0.0.1"


class FilterModule:
    def filters(self):
        return {"listen_address": listen_address}
