"""The report page: matplotlib's SVG graphs inlined with their series, alerts, releases and the latest profile."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.monitoring_report import monitoring_report
from ansible_collections.magecloud.platform.plugins.plugin_utils import monitoring_report as report
from ansible_collections.magecloud.platform.plugins.plugin_utils.flame_graph import flame_graph_svg, merge_collapsed

SVG = "{http://www.w3.org/2000/svg}"
START, END = 1764331200.0, 1764334800.0
GRAPHS = [
    {"name": "requests", "title": "Requests", "unit": "req/s", "legend": "{instance} {code}", "why": "What customers get."},
    {"name": "errors", "title": "5xx share", "unit": "ratio", "alert": "EdgeErrorRate"},
    {"name": "queue", "title": "Queue <depth>", "unit": "messages"},
]


def points(value, gap=False):
    return [[START + 15 * i, None if gap and 10 <= i < 20 else value + i % 7] for i in range(241)]


SERIES = {"start": START, "end": END, "step": 15, "series": {
    "requests": [{"labels": {"instance": "web1", "code": "2xx"}, "points": points(40, gap=True)},
                 {"labels": {"instance": "web1", "code": "5xx"}, "points": points(1)}],
    "errors": [{"labels": {"instance": "web1"}, "points": points(0.01)}],
    "queue": [],
}}
RULES = {"groups": [{"name": "magecloud-store", "rules": [
    {"name": "EdgeErrorRate", "annotations": {"threshold": "0.05", "summary": "x"}, "alerts": []},
    {"name": "DeployFailed", "annotations": {}, "alerts": [
        {"labels": {"alertname": "DeployFailed", "instance": "web1", "severity": "critical"}, "state": "firing",
         "annotations": {"summary": "web1: the last deploy failed"}, "activeAt": "2026-11-28T12:00:00Z"}]},
    {"name": "DiskSpaceLow", "annotations": {"threshold": "not a number"}, "alerts": [
        {"labels": {"alertname": "DiskSpaceLow", "instance": "web2", "severity": "warning"}, "state": "pending",
         "annotations": {"summary": "pending, not shown"}}]},
]}]}
RELEASES = {
    "web1": {"stat": {"exists": True, "islnk": True, "lnk_source": "/var/www/magento/releases/20261128-abc123", "mtime": START}},
    "web2": {"stat": {"exists": False}},
    "web3": {},
}


class Elements(HTMLParser):
    """(tag, attributes) of every element, to check the page parses and find its parts."""

    def __init__(self, text):
        super().__init__()
        self.found = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def figure_svg(page, name):
    start = page.index(f'id="graph-{name}"')
    svg = page[page.index("<svg", start):page.index("</svg>", start) + len("</svg>")]
    return ET.fromstring(svg)


def series_paths(svg):
    """The path data of each series group matplotlib wrote (their ids are <graph>-series-<n>)."""
    return {group.get("id"): [path.get("d") for path in group.iter(f"{SVG}path")]
            for group in svg.iter(f"{SVG}g") if "-series-" in (group.get("id") or "")}


@pytest.fixture(scope="module")
def page():
    profile = {"path": "/tmp/profiles/web1-20261128T120000Z.svg", "mtime": START,
               "svg": flame_graph_svg(merge_collapsed(["index.php;render_page 30\n"]), "web1, 30 s")}
    return report.render_report(SERIES, GRAPHS, RULES, RELEASES, profile, source="Prometheus on mon1")


def test_each_graph_is_an_inline_svg_with_a_drawn_line_per_series(page):
    requests = series_paths(figure_svg(page, "requests"))
    assert sorted(requests) == ["requests-series-0", "requests-series-1"]
    # The gap in the first series' points breaks its line; every line goes across the hour.
    assert all(len(paths) == 1 and paths[0].count("L") > 30 for paths in requests.values())
    assert list(series_paths(figure_svg(page, "errors"))) == ["errors-series-0"]
    assert 'data-series="2"' in page and 'data-series="1"' in page


def test_a_graph_without_data_says_so(page):
    queue = figure_svg(page, "queue")
    assert series_paths(queue) == {}
    assert report.NO_DATA in "".join(queue.itertext())
    assert 'id="graph-queue" data-series="0"' in page


def test_the_alert_threshold_is_drawn_and_labelled(page):
    errors = "".join(figure_svg(page, "errors").itertext())
    assert "alert threshold" in errors and "web1" in errors
    assert "alert threshold" not in "".join(figure_svg(page, "requests").itertext())


def test_svg_ids_are_unique_across_the_page(page):
    ids = [attributes["id"] for unused_tag, attributes in Elements(page).found if "id" in attributes]
    assert len(ids) == len(set(ids))


def test_firing_alerts_are_listed_and_pending_ones_are_not(page):
    section = page[page.index('<section id="alerts">'):page.index("</section>", page.index('<section id="alerts">'))]
    assert "Firing alerts (1)" in section and "web1: the last deploy failed" in section and "critical" in section
    assert "pending, not shown" not in page


def test_releases_say_what_each_web_host_serves(page):
    assert report.release_rows(RELEASES) == [("web1", "20261128-abc123", "2025-11-28 12:00:00 UTC"),
                                             ("web2", "none: nothing deployed", ""),
                                             ("web3", "unknown: the host was not reached", "")]
    assert "<td>20261128-abc123</td>" in page


def test_the_latest_profile_is_inlined(page):
    section = page[page.index('<section id="profile">'):]
    assert "web1-20261128T120000Z.svg" in section and "render_page" in section and "<svg" in section


def test_text_from_labels_and_titles_is_escaped(page):
    assert "Queue &lt;depth&gt;" in page and "Queue <depth>" not in page


def test_without_a_profile_or_alerts_the_page_says_how_to_get_one():
    page = report.render_report(SERIES, GRAPHS[:1])
    assert 'id="no-alerts"' in page and 'id="no-profile"' in page and "playbooks/profile.yml" in page


def test_the_legend_template_takes_labels_and_defaults_to_their_values():
    assert report._legend("{instance} {code}", {"instance": "web1"}) == "web1"
    assert report._legend(None, {"__name__": "up", "job": "node", "instance": "a"}) == "instance=a job=node"


def test_labels_every_series_shares_are_left_out_of_the_legend_unless_nothing_is_left():
    series = [{"labels": {"instance": "aio", "code": code}} for code in ("2xx", "5xx")]
    common = report._common_labels(series)
    assert common == {"instance"}
    assert report._legend("{instance} {code}", series[0]["labels"], common) == "2xx"
    assert report._legend("{instance}", {"instance": "aio"}, {"instance"}) == "aio"
    assert report._common_labels(series[:1]) == set()


@pytest.mark.parametrize("series, graphs, words", [
    ({"failed": True}, GRAPHS, "registered result of magecloud.platform.prometheus_series"),
    (SERIES, GRAPHS + [{"name": "disk"}], "Graphs without a query in the prometheus_series result: disk"),
])
def test_input_the_page_cannot_be_made_from_fails_the_filter(series, graphs, words):
    with pytest.raises(AnsibleFilterError) as error:
        monitoring_report(series, graphs)
    assert isinstance(error.value, AnsibleFilterError) and words in str(error.value)


def test_a_profile_that_is_not_svg_is_refused():
    with pytest.raises(report.ReportError, match="not an SVG flame graph"):
        report.render_report(SERIES, GRAPHS[:1], profile={"path": "/tmp/x.svg", "mtime": START, "svg": "plain text"})


def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(report, "matplotlib", None)
    with pytest.raises(report.ReportError, match="pip install -r requirements-dev.txt"):
        report.render_report(SERIES, GRAPHS)


@pytest.mark.parametrize("value, text", [(0, "0"), (0.25, "0.25"), (12, "12"), (1500, "1.5k"), (2_000_000, "2M")])
def test_counts_on_an_axis_never_get_a_milli_prefix(value, text):
    assert report._count(value) == text
