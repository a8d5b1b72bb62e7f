"""Cron specs to systemd OnCalendar: the minutes a timer fires are the minutes cron would."""

import shutil
import subprocess

import pytest

from ansible_collections.magecloud.platform.plugins.module_utils.cron_spec import on_calendar

CASES = [
    ("* * * * *", ["*-*-* *:*:00"]),
    ("*/15 * * * *", ["*-*-* *:00,15,30,45:00"]),
    ("0 2 * * 1-5", ["Mon,Tue,Wed,Thu,Fri *-*-* 02:00:00"]),
    ("15,45 */6 1 jan,jul *", ["*-01,07-01 00,06,12,18:15,45:00"]),
    ("30 4 * * 7", ["Sun *-*-* 04:30:00"]),
    ("5-20/5 3 * * *", ["*-*-* 03:05,10,15,20:00"]),
    ("10 1/4 * * *", ["*-*-* 01,05,09,13,17,21:10:00"]),
    # cron fires when either day field matches; systemd needs one expression for each
    ("0 0 1 * sun", ["*-*-01 00:00:00", "Sun *-*-* 00:00:00"]),
]


@pytest.mark.parametrize("spec, expected", CASES)
def test_on_calendar(spec, expected):
    assert on_calendar(spec) == expected


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
@pytest.mark.parametrize("spec, expected", CASES)
def test_systemd_accepts_every_expression(spec, expected):
    for expression in on_calendar(spec):
        result = subprocess.run(["systemd-analyze", "calendar", expression], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
