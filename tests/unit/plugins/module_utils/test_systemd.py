"""Reading `systemctl show` for several units: each block belongs to the unit asked in its place."""

import pytest

from ansible_collections.magecloud.platform.plugins.module_utils.systemd import parse_show

# What systemctl 257 prints for `show --property=LoadState,ActiveState,UnitFileState -- a b c`.
SHOWN = """LoadState=loaded
ActiveState=active
UnitFileState=enabled

LoadState=not-found
ActiveState=inactive
UnitFileState=

LoadState=loaded
ActiveState=failed
UnitFileState=disabled
"""


def test_each_block_is_the_unit_asked_in_its_place():
    states = parse_show(SHOWN, ["redis-server@cache", "nope", "redis-server"])
    assert states["redis-server@cache"] == {"LoadState": "loaded", "ActiveState": "active", "UnitFileState": "enabled"}
    assert states["nope"]["LoadState"] == "not-found"
    assert states["redis-server"]["ActiveState"] == "failed"


def test_fewer_blocks_than_units_is_an_error_not_a_shifted_answer():
    with pytest.raises(ValueError, match="2 blocks for 3 units"):
        parse_show(SHOWN.rsplit("\n\n", 1)[0], ["a", "b", "c"])
