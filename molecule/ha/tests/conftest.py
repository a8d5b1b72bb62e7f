# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the core and web nodes of the ha topology, shared by the test files."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from ha_hosts import CORE, WEB, connect  # noqa: E402


@pytest.fixture(scope="module")
def cores():
    return [connect(name) for name in CORE]


@pytest.fixture(scope="module")
def web1():
    return connect(WEB[0])


@pytest.fixture(scope="module")
def web2():
    return connect(WEB[1])
