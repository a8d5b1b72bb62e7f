# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image optimizer's reading of Fastly IO parameters (the service's code lies in the role's files)."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "roles" / "image_optimizer" / "files"))
from io_params import BadParameter, choose_format, parse  # noqa: E402


def test_width_and_dpr_multiply_and_other_parameters_are_ignored_by_the_caller():
    plan = parse({"width": "300", "dpr": "2", "format": "WEBP"}, 8192)
    assert (plan.width, plan.height, plan.format, plan.fit, plan.quality) == (600, 0, "webp", "bounds", 85)


@pytest.mark.parametrize("query, message", [
    ({"width": "100000"}, "width must be between 1 and 8192, not 100000"),
    ({"width": "5000", "dpr": "2"}, "width × dpr is 10000, above 8192"),
    ({"format": "bmp"}, "format must be one of jpg, jpeg, pjpg, png, webp, avif, auto, not 'bmp'"),
    ({"fit": "stretch"}, "fit must be one of bounds, cover, crop, not 'stretch'"),
    ({"quality": "0"}, "quality must be between 1 and 100, not 0"),
    ({"height": "ten"}, "height must be a number, not 'ten'"),
    ({"crop": "16:0"}, "crop must be W,H or W:H"),
    ({"bg-color": "red"}, "bg-color must be hex"),
    ({"trim": "1,2,3"}, "trim must be top,right,bottom,left"),
])
def test_bad_values_are_refused_with_the_reason(query, message):
    with pytest.raises(BadParameter, match=message.replace("(", r"\(").replace("×", "×")):
        parse(query, 8192)


def test_crop_colour_trim_and_orient_are_read():
    plan = parse({"crop": "16:9,offset-x10,offset-y90", "bg-color": "f0a", "trim": "1,2,3,4", "orient": "r"}, 8192)
    assert plan.crop == {"ratio": True, "width": 16.0, "height": 9.0, "x": None, "y": None, "offset_x": 10,
                         "offset_y": 90, "smart": False}
    assert (plan.background, plan.trim, plan.orient) == ((255, 0, 170), (1, 2, 3, 4), (90, False, False))
    assert parse({"crop": "200,100,smart"}, 8192).crop["smart"] is True
    assert parse({"bg-color": "10,20,30"}, 8192).background == (10, 20, 30)


@pytest.mark.parametrize("accept, can_avif, expected", [
    ("image/avif,image/webp,*/*", True, ("image/avif", True)),
    ("image/avif,image/webp,*/*", False, ("image/webp", True)),
    ("image/webp,*/*", True, ("image/webp", True)),
    ("*/*", True, ("image/jpeg", True)),
])
def test_auto_picks_by_accept_and_varies(accept, can_avif, expected):
    unused_suffix, content_type, varies = choose_format(parse({"format": "auto"}, 8192), ".jpg", accept, can_avif)
    assert (content_type, varies) == expected


def test_an_explicit_or_missing_format_does_not_vary():
    assert choose_format(parse({"format": "webp"}, 8192), ".jpg", "", True) == (".webp", "image/webp", False)
    assert choose_format(parse({}, 8192), ".png", "", True) == (".png", "image/png", False)
    assert choose_format(parse({}, 8192), ".gif", "", True) == (".jpg", "image/jpeg", False)
    with pytest.raises(BadParameter, match="format avif is not available"):
        choose_format(parse({"format": "avif"}, 8192), ".jpg", "", False)
