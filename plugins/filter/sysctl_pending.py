# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: which kernel settings still differ from the wanted values."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def _satisfied(key, live, wanted, minimum_keys):
    if key in minimum_keys and live.isdigit() and wanted.isdigit():
        return int(live) >= int(wanted)
    return live == wanted


def sysctl_pending(live_lines, wanted, minimum_keys=()):
    """Map each unsatisfied key to its live and wanted value; live_lines are the keys' /proc/sys lines in order."""
    if len(live_lines) != len(wanted):
        raise AnsibleFilterError(f"sysctl_pending got {len(live_lines)} live values for {len(wanted)} settings "
                                 f"({', '.join(wanted)}): one line of /proc/sys per setting, in order, is expected")
    pending = {}
    for line, (key, value) in zip(live_lines, wanted.items()):
        live, value = " ".join(str(line).split()), " ".join(str(value).split())
        if not _satisfied(key, live, value, minimum_keys):
            pending[key] = {"live": live, "wanted": value}
    return pending


class FilterModule:
    def filters(self):
        return {"sysctl_pending": sysctl_pending}
