# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The store's report page: one static HTML file with the last hour's graphs (matplotlib, as SVG inlined in
the page), the firing alerts, the current release of each web host and the latest flame graph."""

from __future__ import annotations

import datetime
import html
import io
import math
import os
import re
import sys

try:
    import matplotlib
    from matplotlib import dates, ticker
    from matplotlib.figure import Figure
except ImportError:
    matplotlib = None

MISSING_MATPLOTLIB = ("The report page draws its graphs with matplotlib, which the controller's Python "
                      "({python}) cannot import. Install it there: pip install -r requirements-dev.txt "
                      "-c constraints.txt (or pip install matplotlib).")
# Graph size in inches at matplotlib's 72 points per inch; the page scales the SVG to its column.
FIGURE_SIZE = (6.4, 2.4)
LEGEND_ROW = 0.22
# Characters of legend text a row holds at the legend's small font, markers included.
LEGEND_WIDTH = 90
NO_DATA = "no data in this range"
SI_UNITS = {"bytes": "B", "seconds": "s"}


class ReportError(Exception):
    """Input the page cannot be made from; the message says what to fix."""


def _utc(timestamp):
    return datetime.datetime.fromtimestamp(float(timestamp), tz=datetime.timezone.utc)


def _when(timestamp):
    return _utc(timestamp).strftime("%Y-%m-%d %H:%M:%S UTC")


def _legend(template, labels, common=()):
    """The series' name in the legend: template filled from its labels (missing ones empty), or its label values;
    labels in common (the same in every series of the graph, such as the one host) are left out when that leaves a name."""
    def fill(skip):
        if template:
            text = re.sub(r"\{(\w+)\}", lambda match: "" if match.group(1) in skip else str(labels.get(match.group(1), "")), template)
        else:
            text = " ".join(f"{key}={value}" for key, value in sorted(labels.items()) if key != "__name__" and key not in skip)
        return " ".join(text.split())
    return fill(common) or fill(()) or "value"


def _common_labels(series):
    """Names of the labels whose value is the same in every series (none when there is one series)."""
    if len(series) < 2:
        return set()
    first = series[0]["labels"]
    return {key for key, value in first.items() if all(entry["labels"].get(key) == value for entry in series[1:])}


def _count(value, unused_position=None):
    """A count or rate on an axis: 0.25, 12, 1.5k, 2M; no milli- for fractions of a request."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def _formatter(unit):
    """Ticks of the y axis, and its label: percentages and SI sizes and durations carry their unit, counts are labelled."""
    if unit == "ratio":
        return ticker.PercentFormatter(xmax=1.0, decimals=0), None
    if unit in SI_UNITS:
        return ticker.EngFormatter(unit=SI_UNITS[unit]), None
    return ticker.FuncFormatter(_count), unit


def graph_svg(graph, series, start, end, threshold=None):
    """SVG text of one graph: a line per series (each in an element with id <graph>-series-<n>), a dashed line at
    threshold when given, UTC times on the x axis."""
    name = graph["name"]
    drawable = [entry for entry in series if any(value is not None for unused_time, value in entry["points"])]
    common = _common_labels(drawable)
    labels = [_legend(graph.get("legend"), entry["labels"], common) for entry in drawable]
    entries = len(drawable) + (threshold is not None)
    # The legend goes under the axes, as many names a row as fit the width, and the figure grows with it so the
    # axes keep their size.
    columns = max(1, min(3, entries, LEGEND_WIDTH // max([len(label) + 6 for label in labels] + [20])))
    figure = Figure(figsize=(FIGURE_SIZE[0], FIGURE_SIZE[1] + LEGEND_ROW * math.ceil(entries / columns)), layout="constrained")
    axes = figure.subplots()
    for index, (entry, label) in enumerate(zip(drawable, labels)):
        times = [_utc(time) for time, unused_value in entry["points"]]
        values = [float("nan") if value is None else value for unused_time, value in entry["points"]]
        (line,) = axes.plot(times, values, linewidth=1.4, label=label)
        line.set_gid(f"series-{index}")
    if threshold is not None:
        axes.axhline(threshold, color="#c0392b", linestyle="--", linewidth=1, label="alert threshold")
    if not drawable:
        axes.text(0.5, 0.5, NO_DATA, transform=axes.transAxes, ha="center", va="center", color="#777777")
    axes.set_xlim(_utc(start), _utc(end))
    axes.xaxis.set_major_formatter(dates.DateFormatter("%H:%M", tz=datetime.timezone.utc))
    formatter, label = _formatter(graph.get("unit"))
    axes.yaxis.set_major_formatter(formatter)
    if label:
        axes.set_ylabel(label)
    axes.set_ylim(bottom=0)
    axes.grid(True, color="#e5e5e5", linewidth=0.6)
    if entries:
        figure.legend(loc="outside lower center", fontsize="small", frameon=False, ncols=columns)
    buffer = io.StringIO()
    # Text as <text> (no per-figure glyph definitions); a fixed salt makes the same graph the same SVG.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "magecloud-report"}):
        figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return _prefix_ids(svg[svg.index("<svg"):], f"{name}-"), len(drawable)


def _prefix_ids(svg, prefix):
    """svg with every id, and every reference to one, prefixed: every figure numbers its parts alike (figure_1,
    patch_1, ...), and ids must be unique in the page that inlines them all."""
    svg = re.sub(r'\bid="([^"]+)"', lambda match: f'id="{prefix}{match.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda match: f"url(#{prefix}{match.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda match: f'href="#{prefix}{match.group(1)}"', svg)


def firing_alerts(rules):
    """(name, labels, summary, since) of every firing alert in the data of Prometheus' /api/v1/rules."""
    found = []
    for group in (rules or {}).get("groups") or []:
        for rule in group.get("rules") or []:
            for alert in rule.get("alerts") or []:
                if alert.get("state") == "firing":
                    labels = {key: value for key, value in (alert.get("labels") or {}).items() if key != "alertname"}
                    found.append((rule.get("name", ""), labels, (alert.get("annotations") or {}).get("summary", ""),
                                  alert.get("activeAt", "")))
    return sorted(found, key=lambda alert: (alert[1].get("severity") != "critical", alert[0], sorted(alert[1].items())))


def alert_thresholds(rules):
    """{alert name: threshold} of the rules that carry a threshold annotation (the monitoring role's do)."""
    thresholds = {}
    for group in (rules or {}).get("groups") or []:
        for rule in group.get("rules") or []:
            value = (rule.get("annotations") or {}).get("threshold")
            if value is not None:
                try:
                    thresholds[rule["name"]] = float(value)
                except (TypeError, ValueError):
                    continue
    return thresholds


def release_rows(releases):
    """(host, release, switched at) of each web host from its registered stat result of <app_root>/current."""
    rows = []
    for host, result in sorted((releases or {}).items()):
        stat = (result or {}).get("stat") or {}
        if not stat:
            rows.append((host, "unknown: the host was not reached", ""))
        elif not stat.get("exists"):
            rows.append((host, "none: nothing deployed", ""))
        else:
            release = os.path.basename(stat.get("lnk_source") or "") if stat.get("islnk") else "not a release link"
            rows.append((host, release, _when(stat["mtime"]) if stat.get("mtime") else ""))
    return rows


def _table(headers, rows, table_id):
    head = "".join(f"<th>{html.escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fff; }
h1 { font-size: 1.5em; margin: 0 0 .2em; } h2 { font-size: 1.15em; margin: 1.4em 0 .5em; }
.meta { color: #555; margin: 0; }
table { border-collapse: collapse; } th, td { text-align: left; padding: .25em .8em .25em 0; border-bottom: 1px solid #ddd; }
.critical td:first-child { color: #b00020; font-weight: 600; }
.graphs { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 1em; }
figure.graph { margin: 0; border: 1px solid #ddd; padding: .4em; }
figure.graph figcaption { font-weight: 600; } figure.graph .why { color: #666; font-size: .85em; }
figure.graph svg { width: 100%; height: auto; display: block; }
.flame svg { max-width: 100%; height: auto; }
""".strip()


def render_report(series, graphs, rules=None, releases=None, profile=None, title="Store report", source=""):
    """The report page's HTML.

    series: the prometheus_series module's result (series, start, end). graphs: [{name, title, unit, legend, why,
    alert}], in page order, each name a key of series' queries. rules: the data of Prometheus' /api/v1/rules.
    releases: {web host: its registered stat result of <app_root>/current}. profile: {path, mtime, svg} of the latest flame
    graph, or none. source: where the data came from, for the page's header."""
    if matplotlib is None:
        raise ReportError(MISSING_MATPLOTLIB.format(python=sys.executable))
    if not isinstance(series, dict) or "series" not in series:
        raise ReportError("The report's input is the registered result of magecloud.platform.prometheus_series.")
    missing = [graph.get("name") for graph in graphs if graph.get("name") not in series["series"]]
    if missing:
        raise ReportError(f"Graphs without a query in the prometheus_series result: {', '.join(map(str, missing))}.")
    start, end = float(series["start"]), float(series["end"])
    thresholds = alert_thresholds(rules)
    figures = []
    for graph in graphs:
        svg, drawn = graph_svg(graph, series["series"][graph["name"]], start, end, thresholds.get(graph.get("alert")))
        why = f'<div class="why">{html.escape(graph["why"])}</div>' if graph.get("why") else ""
        figures.append(f'<figure class="graph" id="graph-{html.escape(graph["name"])}" data-series="{drawn}">'
                       f'<figcaption>{html.escape(graph.get("title", graph["name"]))}</figcaption>{why}{svg}</figure>')
    alerts = firing_alerts(rules)
    if alerts:
        rows = "".join(
            f'<tr class="{html.escape(labels.get("severity", ""))}"><td>{html.escape(name)}</td>'
            f'<td>{html.escape(labels.get("instance", ""))}</td><td>{html.escape(labels.get("severity", ""))}</td>'
            f"<td>{html.escape(summary)}</td><td>{html.escape(since)}</td></tr>" for name, labels, summary, since in alerts)
        alerts_html = ('<table id="alerts-table"><thead><tr><th>alert</th><th>instance</th><th>severity</th><th>summary</th>'
                       f"<th>firing since</th></tr></thead><tbody>{rows}</tbody></table>")
    else:
        alerts_html = '<p id="no-alerts">None firing.</p>'
    if profile:
        if "<svg" not in profile["svg"]:
            raise ReportError(f"The latest profile {profile['path']} is not an SVG flame graph.")
        profile_html = (f'<p class="meta">{html.escape(os.path.basename(profile["path"]))}, {_when(profile["mtime"])}</p>'
                        f'<div class="flame">{profile["svg"][profile["svg"].index("<svg"):]}</div>')
    else:
        profile_html = '<p id="no-profile">No profile yet: playbooks/profile.yml brings one back.</p>'
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{html.escape(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<header><h1>{html.escape(title)}</h1>",
        f'<p class="meta">{_when(start)} to {_when(end)}{", from " + html.escape(source) if source else ""}.</p></header>',
        f'<section id="alerts"><h2>Firing alerts ({len(alerts)})</h2>{alerts_html}</section>',
        f'<section id="graphs"><h2>Graphs</h2><div class="graphs">{"".join(figures)}</div></section>',
        f'<section id="releases"><h2>Current release per web host</h2>'
        f'{_table(("host", "release", "switched at"), release_rows(releases), "releases-table")}</section>',
        f'<section id="profile"><h2>Latest profile</h2>{profile_html}</section>',
        "</body></html>", ""])
