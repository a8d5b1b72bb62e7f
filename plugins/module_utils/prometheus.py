# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prometheus' HTTP API: the range a report covers, the query_range URL of each query, and its answer
as plain series (JSON-safe: a missing or non-finite sample is None)."""

from __future__ import annotations

import math

from urllib.parse import urlencode

# The points a graph needs to show an hour's shape; Prometheus refuses more than 11,000 per series.
DEFAULT_POINTS = 240
MAX_POINTS = 11000


class PrometheusError(Exception):
    """An answer that is not a range of series; the message names the query."""


def query_window(end, range_seconds, step=0):
    """(start, end, step) of a range of range_seconds ending at end; step 0 is the one that gives DEFAULT_POINTS."""
    if range_seconds <= 0 or step < 0:
        raise PrometheusError(f"range_seconds must be positive and step not negative, got {range_seconds} and {step}.")
    step = step or max(1, math.ceil(range_seconds / DEFAULT_POINTS))
    if range_seconds / step > MAX_POINTS:
        raise PrometheusError(f"{range_seconds} s at a step of {step} s is over Prometheus' {MAX_POINTS} points per series: "
                              "raise step.")
    return end - range_seconds, end, step


def query_range_url(base_url, query, start, end, step):
    return f"{base_url.rstrip('/')}/api/v1/query_range?" + urlencode(
        {"query": query, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": str(step)})


def _sample(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def range_series(answer, name, query):
    """[{labels, points: [[time, value], ...]}] of a query_range answer (decoded JSON) of query."""
    if not isinstance(answer, dict) or answer.get("status") != "success":
        error = answer.get("error", answer) if isinstance(answer, dict) else answer
        raise PrometheusError(f"Prometheus refused query {name} ({query}): {error}")
    data = answer.get("data") or {}
    if data.get("resultType") != "matrix":
        raise PrometheusError(f"Query {name} ({query}) gave a {data.get('resultType')}, not a range of series.")
    return [{"labels": dict(entry.get("metric") or {}),
             "points": [[float(time), _sample(value)] for time, value in entry.get("values") or []]}
            for entry in data.get("result") or []]
