# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the batches web hosts switch in, sized the way Ansible's `serial` keyword sizes them."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def _batch_size(size, host_count):
    text = str(size).strip()
    try:
        if text.endswith("%"):
            return max(int(float(text[:-1]) * host_count / 100), 1)
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise AnsibleFilterError(f"deploy_serial: {size!r} is not a batch size; "
                                 "use a number of hosts (1 or more), a percentage such as '50%', or a list of them.")
    return number


def switch_batches(hosts, serial):
    """Consecutive batches of the hosts; a list of sizes is used in turn and its last size repeats."""
    sizes = serial if isinstance(serial, list) else [serial]
    if not sizes:
        raise AnsibleFilterError("deploy_serial: an empty list; give at least one batch size.")
    remaining = list(hosts)
    batches = []
    while remaining:
        size = _batch_size(sizes[min(len(batches), len(sizes) - 1)], len(hosts))
        batches.append(remaining[:size])
        remaining = remaining[size:]
    return batches


class FilterModule:
    def filters(self):
        return {"switch_batches": switch_batches}
