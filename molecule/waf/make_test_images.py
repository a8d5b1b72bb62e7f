# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image optimizer's test originals in the given directory: a 2000x2000 photo-like JPEG, a PNG whose
header declares 100000x100000 pixels (a pixel bomb), and a JPEG cut short (corrupt)."""

import pathlib
import struct
import sys
import zlib

import pyvips


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def main(directory):
    target = pathlib.Path(directory)
    # Smooth colour gradients with some noise: about what a product photo costs to decode and encode.
    ramp = pyvips.Image.xyz(2000, 2000)
    red, green = ramp[0] * 255 / 2000, ramp[1] * 255 / 2000
    noise = pyvips.Image.gaussnoise(2000, 2000, mean=0, sigma=12)
    photo = red.bandjoin([green, (red + green) / 2]).add(noise).cast("uchar").copy(interpretation="srgb")
    photo.write_to_file(str(target / "photo.jpg"), Q=90)
    header = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    (target / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
                                      + png_chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + png_chunk(b"IEND", b""))
    (target / "corrupt.jpg").write_bytes((target / "photo.jpg").read_bytes()[:3000])
    for path in target.iterdir():
        path.chmod(0o644)


if __name__ == "__main__":
    main(sys.argv[1])
