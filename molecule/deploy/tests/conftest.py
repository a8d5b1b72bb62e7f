"""The git hub's client container, one for every test module that pushes (tests/hub_client.py)."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from hub_client import client_fixture  # noqa: E402,F401  # pylint: disable=unused-import  # a fixture, found by its name
