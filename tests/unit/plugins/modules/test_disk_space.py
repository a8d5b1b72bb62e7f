"""disk_space: the room a release needs against what a real volume has free."""

import json
import shutil

import pytest
from module_runner import run_module

from ansible_collections.magecloud.platform.plugins.modules import disk_space

MIB = 1048576


@pytest.mark.parametrize("estimate, factor, margin, needed", [
    (0, 1.5, 512, 512),
    (100, 1.5, 512, 662),
    (101, 1.5, 0, 152),  # 151.5 rounds up: never less room than asked
    (2048, 2.0, 1024, 5120),
])
def test_needed_is_the_estimate_times_the_factor_plus_the_margin(estimate, factor, margin, needed):
    assert disk_space.needed_mb(estimate, factor, margin) == needed


def test_a_path_that_does_not_exist_yet_is_measured_on_its_nearest_parent(tmp_path):
    assert disk_space.nearest_existing(str(tmp_path / "app" / "releases")) == str(tmp_path)


def release(tmp_path, marker=None):
    directory = tmp_path / "app" / "releases" / "r1"
    (directory / "pub").mkdir(parents=True)
    (directory / "pub" / "big.bin").write_bytes(b"x" * (3 * MIB))
    if marker is not None:
        (directory / ".magecloud-release.json").write_text(json.dumps(marker))
    current = tmp_path / "app" / "current"
    current.symlink_to("releases/r1")
    return current


def test_the_estimate_is_the_size_recorded_by_the_current_release(tmp_path):
    current = release(tmp_path, {"release": "r1", "size": 40 * MIB})
    assert disk_space.estimate_of(str(current)) == 40


def test_without_a_recorded_size_the_current_release_is_measured_on_disk(tmp_path):
    current = release(tmp_path, {"release": "r1"})
    (current.parent / "shared").mkdir()
    (current.parent / "shared" / "media.bin").write_bytes(b"y" * (8 * MIB))
    (current.parent / "releases" / "r1" / "pub" / "media").symlink_to(current.parent / "shared")
    # 3 MiB of file plus the blocks of the directories (filesystem-dependent); the 8 MiB behind the link do not count.
    assert 3 <= disk_space.estimate_of(str(current)) <= 4


def test_no_current_release_estimates_nothing(tmp_path):
    assert disk_space.estimate_of(str(tmp_path / "app" / "current")) == 0


def test_the_module_compares_with_the_real_free_space(tmp_path):
    current = release(tmp_path, {"release": "r1", "size": 10 * MIB})
    free = shutil.disk_usage(tmp_path).free // MIB
    roomy = run_module("disk_space", tmp_path, path=str(tmp_path / "app" / "releases"), estimate_from=str(current), margin_mb=0)
    assert roomy["enough"] and roomy["estimate_mb"] == 10 and roomy["needed_mb"] == 15 and not roomy["changed"], roomy
    assert roomy["path"] == str(tmp_path / "app" / "releases") and abs(roomy["free_mb"] - free) < 64
    cramped = run_module("disk_space", tmp_path, path=str(tmp_path / "app" / "releases"), estimate_from=str(current),
                         margin_mb=free + 1)
    assert not cramped["enough"] and cramped["needed_mb"] == free + 16 and not cramped.get("failed"), cramped


def test_another_hosts_estimate_counts_when_it_is_larger(tmp_path):
    current = release(tmp_path, {"release": "r1", "size": 10 * MIB})
    result = run_module("disk_space", tmp_path, path=str(tmp_path), estimate_from=str(current), estimate_mb=30, factor=1.0,
                        margin_mb=0)
    assert result["estimate_mb"] == 30 and result["needed_mb"] == 30


def test_a_factor_below_one_is_refused(tmp_path):
    result = run_module("disk_space", tmp_path, path=str(tmp_path), factor=0.5)
    assert result["failed"] and "factor must be at least 1" in result["msg"]
