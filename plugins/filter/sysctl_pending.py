# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: which kernel settings still differ from the wanted values."""

from __future__ import annotations

import base64

from ansible.errors import AnsibleFilterError


def _live_value(result):
    text = base64.b64decode(result["content"]).decode().strip()
    return " ".join(text.split())


def _satisfied(key, live, wanted, minimum_keys):
    wanted = str(wanted)
    if key in minimum_keys and live.isdigit() and wanted.isdigit():
        return int(live) >= int(wanted)
    return live == " ".join(wanted.split())


def sysctl_pending(slurp_results, minimum_keys=()):
    """Map each unsatisfied key to its live and wanted value, from a looped slurp of /proc/sys."""
    pending = {}
    for result in slurp_results:
        try:
            key, wanted = result["item"]["key"], result["item"]["value"]
            live = _live_value(result)
        except (KeyError, TypeError, ValueError) as exc:
            raise AnsibleFilterError(f"sysctl_pending expects the results of a slurp loop over a dict: {exc}") from exc
        if not _satisfied(key, live, wanted, minimum_keys):
            pending[key] = {"live": live, "wanted": str(wanted)}
    return pending


class FilterModule:
    def filters(self):
        return {"sysctl_pending": sysctl_pending}
