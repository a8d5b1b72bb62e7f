"""Fixtures for the hosts of the split inventory, shared by the test files."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from cluster_hosts import DATA, WEB1, WEB2, connect  # noqa: E402


@pytest.fixture(scope="module")
def web1():
    return connect(WEB1)


@pytest.fixture(scope="module")
def web2():
    return connect(WEB2)


@pytest.fixture(scope="module")
def data():
    return connect(DATA)
