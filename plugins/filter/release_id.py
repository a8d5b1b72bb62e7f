# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the release id of a source tree built with a given configuration."""

from __future__ import annotations

import hashlib
import json
import re

from ansible.errors import AnsibleFilterError


def release_id(tree_sha, build_config):
    """Same tree and same build configuration give the same id, so an unchanged deploy reuses its release."""
    if not re.match(r"^[0-9a-f]{40,64}$", str(tree_sha)):
        raise AnsibleFilterError(f"release_id expects a git tree id, got {tree_sha!r}")
    digest = hashlib.sha256(json.dumps(build_config, sort_keys=True, default=str).encode()).hexdigest()
    return f"{tree_sha[:12]}-{digest[:8]}"


class FilterModule:
    def filters(self):
        return {"release_id": release_id}
