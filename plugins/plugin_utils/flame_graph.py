# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flame graphs from collapsed stacks (one `frame;frame;frame count` line per distinct stack, root
first, as Excimer's formatCollapsed writes them): merged, drawn as SVG, and as a speedscope profile."""

from __future__ import annotations

import hashlib
from collections import Counter
from xml.sax.saxutils import escape

WIDTH = 1200
FRAME_HEIGHT = 17
# Room above the frames for the title, and the narrowest frame worth drawing (in pixels).
TOP = 30
MIN_WIDTH = 0.3
CHAR_WIDTH = 7
SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"


def merge_collapsed(texts):
    """Sample counts per stack (a tuple of frames, root first) over every text; malformed lines are skipped."""
    stacks = Counter()
    for text in texts:
        for line in text.splitlines():
            stack, unused_sep, count = line.rstrip().rpartition(" ")
            if stack and count.isdigit():
                stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def _tree(stacks):
    """Nested {frame: [samples, children]} of the stacks."""
    root = [0, {}]
    for stack, count in stacks.items():
        root[0] += count
        node = root
        for frame in stack:
            node = node[1].setdefault(frame, [0, {}])
            node[0] += count
    return root


def _colour(name):
    """A warm colour that is the same for the same frame name in every graph."""
    digest = hashlib.md5(name.encode()).digest()
    return f"rgb({205 + digest[0] % 50},{80 + digest[1] % 130},{digest[2] % 55})"


def _frames(node, x, depth, scale):
    """(x, depth, width, name, samples) of every frame of node's children wide enough to draw, depth first."""
    for name, (samples, children) in sorted(node[1].items()):
        width = samples * scale
        if width >= MIN_WIDTH:
            yield x, depth, width, name, samples
            yield from _frames((samples, children), x, depth + 1, scale)
        x += width


def flame_graph_svg(stacks, title="Flame graph"):
    """An SVG flame graph of the stacks: roots at the bottom, each frame as wide as its share of samples."""
    tree = _tree(stacks)
    total = tree[0] or 1
    frames = list(_frames(tree, 0.0, 0, WIDTH / total))
    depth = max((frame[1] for frame in frames), default=0) + 1
    height = TOP + depth * FRAME_HEIGHT + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
             f'font-family="monospace" font-size="12">',
             '<rect width="100%" height="100%" fill="#fdf6e3"/>',
             f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="15">{escape(title)} ({tree[0]} samples)</text>']
    for x, level, width, name, samples in frames:
        y = height - 10 - (level + 1) * FRAME_HEIGHT
        label = name if len(name) * CHAR_WIDTH < width - 4 else name[:max(int((width - 4) / CHAR_WIDTH) - 2, 0)] + ".."
        parts.append(f'<g><title>{escape(name)} ({samples} samples, {100 * samples / total:.2f} %)</title>'
                     f'<rect x="{x:.2f}" y="{y}" width="{width:.2f}" height="{FRAME_HEIGHT - 1}" fill="{_colour(name)}" rx="2"/>'
                     + (f'<text x="{x + 3:.2f}" y="{y + 12}">{escape(label)}</text>' if len(label) > 2 else "") + "</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def speedscope_profile(stacks, name="profile"):
    """The stacks as a speedscope file (one sampled profile, weights in samples)."""
    frame_index = {}
    samples, weights = [], []
    for stack, count in sorted(stacks.items()):
        samples.append([frame_index.setdefault(frame, len(frame_index)) for frame in stack])
        weights.append(count)
    return {
        "$schema": SPEEDSCOPE_SCHEMA,
        "name": name,
        "shared": {"frames": [{"name": frame} for frame in frame_index]},
        "profiles": [{"type": "sampled", "name": name, "unit": "none", "startValue": 0, "endValue": sum(weights),
                      "samples": samples, "weights": weights}],
        "exporter": "magecloud.platform",
    }
