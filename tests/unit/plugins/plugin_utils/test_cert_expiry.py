# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from datetime import datetime, timezone

from ansible_collections.magecloud.platform.plugins.plugin_utils.cert_expiry import expiry_verdict

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_an_expired_certificate_is_an_error():
    verdict = expiry_verdict("edge certificate", "20261127120000Z", NOW)
    assert verdict["severity"] == "error"
    assert verdict["message"] == "edge certificate expired on 2026-11-27 12:00 UTC; give a renewed certificate before deploying."


def test_a_certificate_ending_this_second_counts_as_expired():
    assert expiry_verdict("c", "20261128120000Z", NOW)["severity"] == "error"


def test_under_the_warning_days_is_a_warning_with_the_days_left():
    verdict = expiry_verdict("edge certificate", "20261209110000Z", NOW)
    assert (verdict["severity"], verdict["days_left"]) == ("warning", 10)
    assert "in 10 day(s) (under 14)" in verdict["message"]


def test_the_warning_threshold_is_strict():
    assert expiry_verdict("c", "20261212115959Z", NOW)["severity"] == "warning"
    assert expiry_verdict("c", "20261212120000Z", NOW)["severity"] is None


def test_the_threshold_is_a_parameter():
    assert expiry_verdict("c", "20270101000000Z", NOW, warn_days=60)["severity"] == "warning"
    assert expiry_verdict("c", "20270101000000Z", NOW)["severity"] is None
