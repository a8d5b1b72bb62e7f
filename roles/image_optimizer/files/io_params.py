# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fastly Image Optimizer's query parameters, read into one checked plan (no image library here)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PARAMS = ("width", "height", "dpr", "fit", "crop", "quality", "format", "bg-color", "trim", "orient")
FITS = ("bounds", "cover", "crop")
# format value -> (saver suffix, Content-Type); pjpg is a progressive JPEG.
FORMATS = {"jpg": (".jpg", "image/jpeg"), "jpeg": (".jpg", "image/jpeg"), "pjpg": (".jpg", "image/jpeg"),
           "png": (".png", "image/png"), "webp": (".webp", "image/webp"), "avif": (".avif", "image/avif")}
# orient value -> (rotation in degrees, flip horizontally, flip vertically); 1-8 are EXIF orientations.
ORIENTS = {"r": (90, False, False), "l": (270, False, False), "h": (0, True, False), "v": (0, False, True),
           "hv": (180, False, False), "vh": (180, False, False), "1": (0, False, False), "2": (0, True, False),
           "3": (180, False, False), "4": (0, False, True), "5": (90, True, False), "6": (90, False, False),
           "7": (270, True, False), "8": (270, False, False)}
_CROP = re.compile(r"^(?P<w>\d+(?:\.\d+)?)(?P<sep>[:,])(?P<h>\d+(?:\.\d+)?)"
                   r"(?:,(?:x(?P<x>\d+)|offset-x(?P<ox>\d+)),(?:y(?P<y>\d+)|offset-y(?P<oy>\d+)))?(?P<smart>,smart)?$")
_HEX = re.compile(r"^(?:[0-9a-f]{3}|[0-9a-f]{6})$")


class BadParameter(ValueError):
    """A parameter the service refuses (400)."""


@dataclass
class Plan:
    width: int = 0
    height: int = 0
    fit: str = "bounds"
    crop: dict = field(default_factory=dict)
    quality: int = 85
    format: str = ""
    background: tuple = (255, 255, 255)
    trim: tuple = ()
    orient: tuple = (0, False, False)


def parse(query, max_side):
    """A Plan from the query's IO parameters ({name: value}); other parameters are ignored."""
    plan = Plan()
    dpr = _number(query, "dpr", 1.0, 1.0, 10.0)
    for side in ("width", "height"):
        value = _number(query, side, 0, 1, max_side)
        setattr(plan, side, round(value * dpr))
        if getattr(plan, side) > max_side:
            raise BadParameter(f"{side} × dpr is {getattr(plan, side)}, above {max_side}")
    plan.fit = _choice(query, "fit", FITS, "bounds")
    plan.quality = int(_number(query, "quality", 85, 1, 100))
    plan.format = _choice(query, "format", tuple(FORMATS) + ("auto",), "")
    plan.orient = ORIENTS[_choice(query, "orient", tuple(ORIENTS), "1")]
    if "crop" in query:
        plan.crop = _crop(query["crop"])
    if "bg-color" in query:
        plan.background = _color(query["bg-color"])
    if "trim" in query:
        plan.trim = _trim(query["trim"])
    return plan


def _number(query, name, default, low, high):
    if name not in query:
        return default
    try:
        value = float(query[name])
    except ValueError:
        raise BadParameter(f"{name} must be a number, not {query[name]!r}") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}, not {query[name]}")
    return value


def _choice(query, name, allowed, default):
    if name not in query:
        return default
    value = query[name].lower()
    if value not in allowed:
        raise BadParameter(f"{name} must be one of {', '.join(allowed)}, not {query[name]!r}")
    return value


def _crop(value):
    match = _CROP.match(value)
    if not match or float(match["w"]) <= 0 or float(match["h"]) <= 0:
        raise BadParameter(f"crop must be W,H or W:H with optional x,y or offset-x,offset-y or smart, not {value!r}")
    return {"ratio": match["sep"] == ":", "width": float(match["w"]), "height": float(match["h"]),
            "x": _int(match["x"]), "y": _int(match["y"]), "offset_x": _int(match["ox"]), "offset_y": _int(match["oy"]),
            "smart": bool(match["smart"])}


def _int(text):
    return None if text is None else int(text)


def _color(value):
    text = value.lower().lstrip("#")
    if _HEX.match(text):
        text = "".join(c * 2 for c in text) if len(text) == 3 else text
        return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))
    parts = text.split(",")
    if len(parts) in (3, 4) and all(part.strip().isdigit() and int(part) <= 255 for part in parts[:3]):
        return tuple(int(part) for part in parts[:3])
    raise BadParameter(f"bg-color must be hex (fff, ffffff) or r,g,b, not {value!r}")


def _trim(value):
    parts = value.split(",")
    if len(parts) != 4 or not all(part.isdigit() for part in parts):
        raise BadParameter(f"trim must be top,right,bottom,left in pixels, not {value!r}")
    return tuple(int(part) for part in parts)


def choose_format(plan, source_suffix, accept, can_avif):
    """(saver suffix, Content-Type, varies by Accept): `auto` picks AVIF, then WebP, by the Accept header;
    no format keeps the source's (JPEG for anything but PNG)."""
    if plan.format == "auto":
        if can_avif and "image/avif" in accept:
            return FORMATS["avif"] + (True,)
        if "image/webp" in accept:
            return FORMATS["webp"] + (True,)
        return FORMATS["png" if source_suffix == ".png" else "jpg"] + (True,)
    if plan.format == "avif" and not can_avif:
        raise BadParameter("format avif is not available in this image engine")
    chosen = plan.format or ("png" if source_suffix == ".png" else "jpg")
    return FORMATS[chosen] + (False,)
