"""The report page of the all-in-one host, looked at in a real headless browser (Debian's chromium on the
controller): its graphs are drawn from the live Prometheus, with data, and are not blank on screen."""

import json
import os
import pathlib
import re
import subprocess
import sys
import time
from html.parser import HTMLParser

import pytest
from PIL import Image

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import PROJECT, ok, playbook  # noqa: E402

sys.path.insert(0, str(PROJECT / ".cache" / "collections"))
from ansible_collections.magecloud.platform.plugins.plugin_utils.flame_graph import flame_graph_svg, merge_collapsed  # noqa: E402

WINDOW = (1400, 3200)
# Graphs the all-in-one host always has data for; the queue has none without a queue in use.
WITH_DATA = ("edge_requests", "edge_p95", "phpfpm_workers", "db_connections", "db_queries", "redis_memory", "disk_free", "cpu_busy")
GRAPHS = WITH_DATA + ("edge_5xx", "queue_depth")
# Added to a copy of the page: the box of each graph's SVG on screen, for the screenshot's checks.
BOXES_SCRIPT = """<script>
document.body.dataset.boxes = JSON.stringify([...document.querySelectorAll('figure.graph')].map(figure => {
  const box = figure.querySelector('svg').getBoundingClientRect();
  return {id: figure.id, x: box.x, y: box.y, width: box.width, height: box.height};
}));
</script></body>"""


class Dom(HTMLParser):
    """From the DOM chromium dumps: each graph's series lines (points and width of each) and the boxes."""

    def __init__(self, text):
        super().__init__()
        self.figure, self.series = None, None
        self.segments = {}
        self.boxes = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "graph" in (attrs.get("class") or ""):
            self.figure = attrs["id"].removeprefix("graph-")
            self.segments[self.figure] = []
        elif tag == "g" and "-series-" in (attrs.get("id") or ""):
            self.series = attrs["id"]
        elif tag == "path" and self.series and self.figure:
            xs = [float(x) for x in re.findall(r"[ML] (-?[0-9.]+) ", attrs.get("d") or "")]
            self.segments[self.figure].append((len(xs), max(xs) - min(xs) if xs else 0.0))
            self.series = None
        elif tag == "body" and attrs.get("data-boxes"):
            self.boxes = json.loads(attrs["data-boxes"])


def chromium(profile_dir, *arguments):
    """Debian's chromium, headless, as root (no sandbox), with a fresh profile and none of its background
    connections (this machine has no network beyond its own)."""
    result = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                             f"--user-data-dir={profile_dir}", "--force-device-scale-factor=1",
                             f"--window-size={WINDOW[0]},{WINDOW[1]}", *arguments],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def profiles(tmp_path):
    """Two flame graphs as profile.yml names them; the newer one is the one the page shows."""
    directory = tmp_path / "profiles"
    directory.mkdir()
    for name, frame, age in (("older", "old_frame", 600), ("newer", "report_probe_frame", 0)):
        path = directory / f"magecloud-molecule-aio-{name}.svg"
        path.write_text(flame_graph_svg(merge_collapsed([f"index.php;{frame} 10\n"]), name))
        os.utime(path, (time.time() - age, time.time() - age))
    return directory


def test_the_report_page_shows_the_last_hour_in_a_browser(host, tmp_path, profiles):
    # Traffic through Varnish for the edge's graphs, bounded in count and time.
    ok(host, "for i in $(seq 200); do curl -s -o /dev/null http://127.0.0.1/health_check.php; done")
    time.sleep(6)
    started = time.monotonic()
    code, output = playbook("report.yml", "-e", f"magecloud_report_dir={tmp_path / 'reports'}", "-e", f"magecloud_profile_dir={profiles}")
    took = time.monotonic() - started
    assert code == 0, output[-4000:]
    page = next((tmp_path / "reports").glob("report-*.html"))
    text = page.read_text()
    print(f"report.yml: {took:.1f} s, page {len(text) // 1024} KiB")

    # What the page says, besides its graphs: the probe release, no alert firing after the earlier tests, the newer profile.
    assert "<td>magecloud-molecule-aio</td><td>probe</td>" in text
    assert 'id="no-alerts"' in text or "Firing alerts (" in text
    assert "report_probe_frame" in text and "old_frame" not in text

    # The browser's DOM after load: every graph, and each with data has a line of points over minutes (matplotlib
    # merges a flat line's points into one segment; the host's Prometheus has run since the converge).
    shown = tmp_path / "shown.html"
    shown.write_text(text.replace("</body>", BOXES_SCRIPT))
    dom = Dom(chromium(tmp_path / "chromium", "--dump-dom", shown.as_uri()))
    assert set(dom.segments) == set(GRAPHS)
    for name in WITH_DATA:
        assert any(points >= 2 and width > 10 for points, width in dom.segments[name]), (name, dom.segments[name])
    assert {box["id"].removeprefix("graph-") for box in dom.boxes} == set(GRAPHS)

    # The screenshot: inside each graph's box, ink, and on the graphs with data, the coloured pixels of their lines
    # (a threshold's dashed red line counts too).
    screenshot = tmp_path / "report.png"
    chromium(tmp_path / "chromium", f"--screenshot={screenshot}", shown.as_uri())
    image = Image.open(screenshot).convert("RGB")
    for box in dom.boxes:
        name = box["id"].removeprefix("graph-")
        assert box["y"] + box["height"] <= WINDOW[1], (name, box)
        graph = image.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["width"]), int(box["y"] + box["height"])))
        counts = graph.getcolors(maxcolors=graph.width * graph.height)
        ink = sum(count for count, (red, green, blue) in counts if red + green + blue < 600)
        colour = sum(count for count, (red, green, blue) in counts if max(red, green, blue) - min(red, green, blue) > 80)
        assert ink > 0.01 * graph.width * graph.height, (name, ink, graph.size)
        if name in WITH_DATA:
            assert colour > 150, (name, colour)
