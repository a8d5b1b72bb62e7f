#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: prometheus_series
short_description: Read time series of the last hour (or another range) from Prometheus' HTTP API
version_added: 0.1.0
description:
  - Runs each PromQL expression of O(queries) as a range query (C(/api/v1/query_range)) over the O(range_seconds)
    that end now, and returns the series of each, as the report playbook draws them.
  - Runs on the C(monitor) host, since Prometheus listens on its loopback by default; it only reads.
  - A query that Prometheus refuses, or an unreachable Prometheus, fails the task and names the query.
    A query without data gives an empty list.
author: magecloud.platform maintainers (@magecloud)
options:
  url:
    description: Prometheus' base URL, as seen from the host the module runs on.
    type: str
    default: http://127.0.0.1:9090
  queries:
    description: PromQL expressions by name; RV(series) has the same names.
    type: dict
    required: true
  range_seconds:
    description: How far back the range starts, in seconds.
    type: int
    default: 3600
  step:
    description: Seconds between two points of a series; C(0) chooses the step that gives 240 points over the range.
    type: int
    default: 0
  timeout:
    description: Seconds to wait for each answer.
    type: int
    default: 30
attributes:
  check_mode:
    support: full
    description: Only reads; check mode runs the queries too.
  diff_mode:
    support: none
    description: Nothing is changed.
  platform:
    support: full
    platforms: posix
    description: Asks Prometheus over HTTP with Python's standard library.
"""

EXAMPLES = r"""
- name: Read the edge's request rate and the disks' free share over the last hour
  magecloud.platform.prometheus_series:
    url: http://127.0.0.1:9090
    queries:
      requests: sum by (code) (rate(magecloud_edge_requests_total[5m]))
      disk_free: node_filesystem_avail_bytes / node_filesystem_size_bytes
  register: last_hour
"""

RETURN = r"""
series:
  description:
    - The series of each query, by the name of O(queries). Each series has C(labels) (its label set) and C(points),
      a list of C([unix time, value]); a value Prometheus gave as NaN or infinite is null.
  returned: always
  type: dict
  sample: {requests: [{labels: {code: 2xx}, points: [[1764331200.0, 12.5], [1764331215.0, 13.0]]}]}
start:
  description: Unix time of the range's start.
  returned: always
  type: float
end:
  description: Unix time of the range's end (when the module ran).
  returned: always
  type: float
step:
  description: Seconds between two points.
  returned: always
  type: int
"""

import json
import time
from urllib.error import HTTPError

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url
from ansible_collections.magecloud.platform.plugins.module_utils.prometheus import PrometheusError, query_range_url, query_window, range_series


def _answer(address, timeout):
    """The decoded JSON answer of address; an HTTP error's body is Prometheus' own JSON reason (a bad expression is a 400)."""
    try:
        with open_url(address, timeout=timeout, follow_redirects="none") as response:
            return json.loads(response.read())
    except HTTPError as error:
        return json.loads(error.read() or b"null")


def read_series(url, queries, start, end, step, timeout):
    series = {}
    for name, query in queries.items():
        try:
            answer = _answer(query_range_url(url, query, start, end, step), timeout)
        except ValueError as error:
            raise PrometheusError(f"{url} answered query {name} ({query}) with no JSON: {error}") from None
        except OSError as error:
            raise PrometheusError(f"Could not ask {url} for query {name} ({query}): {error}. Is Prometheus running and "
                                  "listening there (monitoring_prometheus_listen_address)?") from None
        series[name] = range_series(answer, name, query)
    return series


def main():
    module = AnsibleModule(
        argument_spec={
            "url": {"type": "str", "default": "http://127.0.0.1:9090"},
            "queries": {"type": "dict", "required": True},
            "range_seconds": {"type": "int", "default": 3600},
            "step": {"type": "int", "default": 0},
            "timeout": {"type": "int", "default": 30},
        },
        supports_check_mode=True,
    )
    params = module.params
    try:
        start, end, step = query_window(time.time(), params["range_seconds"], params["step"])
        series = read_series(params["url"], {str(name): str(query) for name, query in params["queries"].items()},
                             start, end, step, params["timeout"])
    except PrometheusError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=False, series=series, start=start, end=end, step=step)


if __name__ == "__main__":
    main()
