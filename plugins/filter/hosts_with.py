# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the hosts, in the given order, whose fact of that name is true."""

from __future__ import annotations


def hosts_with(hosts, fact, hostvars):
    """A host that has not set the fact (it skipped the task, or left the play) is not among them."""
    return [host for host in hosts or [] if hostvars[host].get(fact) in (True, "True", "true")]


class FilterModule:
    def filters(self):
        return {"hosts_with": hosts_with}
