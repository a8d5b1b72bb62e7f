# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: what the host's Debian release provides of one component (data/debian_releases.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table


def release_provides(facts, component):
    """The version (or value) of COMPONENT on the release these Ansible facts describe."""
    release = str((facts or {}).get("distribution_major_version", ""))
    releases = table("debian_releases")["releases"]
    if (facts or {}).get("distribution") != "Debian" or release not in releases:
        known = ", ".join(f"Debian {name}" for name in releases if name.isdigit())
        raise AnsibleFilterError(f"{facts.get('distribution')} {release} is not a platform magecloud.platform knows; use {known}")
    provided = releases[release]
    if component not in provided:
        raise AnsibleFilterError(f"data/debian_releases.yml has no `{component}` for Debian {release}; "
                                 f"known: {', '.join(sorted(provided))}")
    return provided[component]


class FilterModule:
    def filters(self):
        return {"release_provides": release_provides}
