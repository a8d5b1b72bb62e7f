# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: what an integration environment owns, every name derived from its own (hub_environments.py)."""

from __future__ import annotations

import hashlib
import hmac

from ansible.errors import AnsibleFilterError
from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_environments import NAME_MAX, environment_name

MAX_SLOT = 7


def derived_password(secret, purpose, name):
    """A password only the holder of `secret` can derive again: HMAC-SHA256 of the purpose and the name."""
    return hmac.new(str(secret).encode(), f"magecloud-env:{purpose}:{name}".encode(), hashlib.sha256).hexdigest()


def integration_environment(name, slot, domain, secrets):
    if not isinstance(name, str) or environment_name(name) != name or not 0 < len(name) <= NAME_MAX:
        raise AnsibleFilterError(f"integration_environment: {name!r} is not an environment name (a DNS label of at most "
                                 f"{NAME_MAX} characters: a-z, 0-9 and -, no - at either end)")
    if not 1 <= int(slot) <= MAX_SLOT:
        raise AnsibleFilterError(f"integration_environment: slot {slot} is not from 1 to {MAX_SLOT}")
    slot = int(slot)
    ident = name.replace("-", "_")
    return {
        "name": name,
        "domain": f"{name}.{domain}",
        "app_root": f"/var/www/integration/{name}",
        # `_` would be a wildcard in the GRANT that gives the user its database (int_a_b would match int_aab).
        "database": f"int-{name}",
        "database_password": derived_password(secrets["database"], "database", name),
        "queue_vhost": f"/int-{name}",
        "queue_user": f"int-{name}",
        "queue_password": derived_password(secrets["queue"], "queue", name),
        "index_prefix": f"int_{ident}_",
        "unit_prefix": f"magecloud-env-{name}",
        "vhost_name": f"magento.env-{name}",
        # Production keeps databases 0 and 1 of the cache instance and 0 of the session one.
        "redis_databases": {"cache": 2 * slot, "page_cache": 2 * slot + 1, "session": slot},
    }


class FilterModule:
    def filters(self):
        return {"integration_environment": integration_environment}
