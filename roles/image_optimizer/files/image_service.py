# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small HTTP service that answers /media/<file>?<Fastly IO parameters> with the transformed image, made
with libvips (pyvips). Originals are only read. Bad input gets a 4xx before any large decode: the header's
dimensions are checked against a pixel limit, each render is killed past its time limit, and requests
beyond the worker count wait briefly, then get 503."""

from __future__ import annotations

import argparse
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

import pyvips

from io_params import PARAMS, BadParameter, choose_format, parse

# libvips' largest coordinate: an unbounded side for thumbnail.
UNBOUNDED = 10_000_000


class Refused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Engine:
    def __init__(self, args):
        self.args = args
        self.workers = threading.BoundedSemaphore(args.workers)
        self.can_avif = _can_save(".avif")

    def source(self, url_path):
        """The original's real path, which must lie under the media root (links and .. resolved)."""
        if not url_path.startswith(self.args.prefix):
            raise Refused(404, "not a media path")
        root = os.path.realpath(self.args.root)
        path = os.path.realpath(os.path.join(root, unquote(url_path[len(self.args.prefix):])))
        if not path.startswith(root + os.sep):
            raise Refused(400, "path leaves the media directory")
        if not os.path.isfile(path):
            raise Refused(404, "no such image")
        if os.path.getsize(path) > self.args.max_bytes:
            raise Refused(413, "original too large")
        return path

    def render(self, path, plan, accept):
        suffix, content_type, varies = choose_format(plan, os.path.splitext(path)[1].lower(), accept, self.can_avif)
        try:
            header = pyvips.Image.new_from_file(path)
        except pyvips.Error:
            raise Refused(422, "not an image this engine reads") from None
        if header.width * header.height > self.args.max_pixels:
            raise Refused(422, f"{header.width}x{header.height} is above the pixel limit")
        image = self._transform(path, header, plan)
        if suffix == ".jpg" and image.hasalpha():
            image = image.flatten(background=list(plan.background))
        deadline = time.monotonic() + self.args.render_seconds
        image.set_progress(True)
        image.signal_connect("eval", lambda img, progress: img.set_kill(True) if time.monotonic() > deadline else None)
        try:
            body = image.write_to_buffer(suffix + self._save_options(suffix, plan))
        except pyvips.Error:
            if time.monotonic() > deadline:
                raise Refused(422, "the image took too long to render") from None
            raise Refused(422, "the image could not be decoded") from None
        return body, content_type, varies

    def _transform(self, path, header, plan):
        width, height = self._box(header, plan)
        crop = "attention" if plan.crop.get("smart") else "centre"
        if not (plan.trim or plan.crop or plan.orient != (0, False, False)):
            # From the file: JPEG and WebP shrink while decoding, the main speed-up over a full decode.
            return pyvips.Image.thumbnail(path, width, height=height, size="down", fail_on="error",
                                          crop=crop if plan.fit == "crop" and plan.width and plan.height else "none")
        image = pyvips.Image.new_from_file(path, access="sequential", fail_on="error").autorot()
        image = self._orient(image, plan.orient)
        if plan.trim:
            top, right, bottom, left = plan.trim
            image = image.crop(left, top, max(1, image.width - left - right), max(1, image.height - top - bottom))
        if plan.crop:
            image = self._crop(image, plan.crop)
        return image.thumbnail_image(width, height=height, size="down",
                                     crop=crop if plan.fit == "crop" and plan.width and plan.height else "none")

    @staticmethod
    def _box(header, plan):
        """thumbnail's width and height for the plan: bounds fits inside, cover fills (one side may exceed),
        crop fills then cuts."""
        if not plan.width and not plan.height:
            return header.width, header.height
        if not (plan.width and plan.height) or plan.fit != "cover":
            return plan.width or UNBOUNDED, plan.height or UNBOUNDED
        scale = max(plan.width / header.width, plan.height / header.height)
        return max(1, round(header.width * scale)), UNBOUNDED

    @staticmethod
    def _orient(image, orient):
        degrees, flip_h, flip_v = orient
        if flip_h:
            image = image.fliphor()
        if flip_v:
            image = image.flipver()
        return image.rotate(degrees) if degrees else image

    @staticmethod
    def _crop(image, crop):
        if crop["ratio"]:
            scale = min(image.width / crop["width"], image.height / crop["height"])
            width, height = round(crop["width"] * scale), round(crop["height"] * scale)
        else:
            width, height = min(image.width, int(crop["width"])), min(image.height, int(crop["height"]))
        if crop["smart"]:
            return image.smartcrop(width, height, interesting="attention")
        left = crop["x"] if crop["x"] is not None else (
            (image.width - width) * crop["offset_x"] // 100 if crop["offset_x"] is not None else (image.width - width) // 2)
        top = crop["y"] if crop["y"] is not None else (
            (image.height - height) * crop["offset_y"] // 100 if crop["offset_y"] is not None else (image.height - height) // 2)
        left, top = min(max(0, left), image.width - width), min(max(0, top), image.height - height)
        return image.crop(left, top, width, height)

    @staticmethod
    def _save_options(suffix, plan):
        if suffix == ".png":
            return ""
        options = [f"Q={plan.quality}", "strip"]
        if plan.format == "pjpg":
            options.append("interlace")
        return "[" + ",".join(options) + "]"


def _can_save(suffix):
    try:
        pyvips.Image.black(8, 8).write_to_buffer(suffix)
    except pyvips.Error:
        return False
    return True


class Handler(BaseHTTPRequestHandler):
    engine = None
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        parts = urlsplit(self.path)
        query = {name: value for name, value in parse_qsl(parts.query, keep_blank_values=True) if name in PARAMS}
        engine = self.engine
        if not engine.workers.acquire(timeout=engine.args.queue_seconds):
            return self._answer(503, b"busy\n", "text/plain", extra={"Retry-After": "1"})
        try:
            plan = parse(query, engine.args.max_side)
            body, content_type, varies = engine.render(engine.source(parts.path), plan, self.headers.get("Accept", ""))
        except BadParameter as error:
            return self._answer(400, f"{error}\n".encode(), "text/plain")
        except Refused as error:
            return self._answer(error.status, f"{error}\n".encode(), "text/plain")
        finally:
            engine.workers.release()
        return self._answer(200, body, content_type, extra={"Vary": "Accept"} if varies else {},
                            cache=f"public, max-age={engine.args.max_age}")

    def _answer(self, status, body, content_type, extra=None, cache="no-store"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (the stdlib's signature)
        if self.engine.args.verbose:
            super().log_message(format, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--root", required=True, help="the media directory (pub/media of the live release)")
    parser.add_argument("--prefix", default="/media/", help="the URL path the media directory is served at")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--queue-seconds", type=float, default=5.0)
    parser.add_argument("--render-seconds", type=float, default=10.0)
    parser.add_argument("--max-pixels", type=int, default=50_000_000)
    parser.add_argument("--max-side", type=int, default=8192)
    parser.add_argument("--max-bytes", type=int, default=50 * 1024 * 1024)
    parser.add_argument("--max-age", type=int, default=31536000)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    # Renders are not reused: libvips' operation cache would only hold memory.
    pyvips.cache_set_max(0)
    Handler.engine = Engine(args)
    server = ThreadingHTTPServer((args.listen, args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
