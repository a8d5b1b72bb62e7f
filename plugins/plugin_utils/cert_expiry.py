# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How close a certificate is to its end: the preflight's verdict before any host is changed."""

from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR, WARNING

# The ASN.1 time community.crypto.x509_certificate_info reports (not_after).
ASN1_TIME = "%Y%m%d%H%M%SZ"


def expiry_verdict(name, not_after, now, warn_days=14):
    """{severity: error | warning | None, days_left, message} for the certificate `name` ending at
    `not_after` (ASN.1 time, UTC), seen at `now` (an aware datetime)."""
    end = datetime.strptime(not_after, ASN1_TIME).replace(tzinfo=timezone.utc)
    left = end - now
    days_left = left.days
    if left.total_seconds() <= 0:
        return {"severity": ERROR, "days_left": days_left,
                "message": f"{name} expired on {end:%Y-%m-%d %H:%M} UTC; give a renewed certificate before deploying."}
    if left.total_seconds() < warn_days * 86400:
        return {"severity": WARNING, "days_left": days_left,
                "message": f"{name} expires on {end:%Y-%m-%d %H:%M} UTC, in {days_left} day(s) (under {warn_days}); renew it."}
    return {"severity": None, "days_left": days_left, "message": f"{name} is valid until {end:%Y-%m-%d} UTC."}
