# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: a certificate's expiry verdict (error when expired, warning under the given days) as of now."""

from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.magecloud.platform.plugins.plugin_utils.cert_expiry import expiry_verdict


def cert_expiry(not_after, name, warn_days=14):
    return expiry_verdict(name, not_after, datetime.now(timezone.utc), int(warn_days))


class FilterModule:
    def filters(self):
        return {"cert_expiry": cert_expiry}
