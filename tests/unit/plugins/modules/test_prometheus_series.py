"""prometheus_series: range queries against a stand-in Prometheus on loopback, which answers as the real API does."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from module_runner import run_module

from ansible_collections.magecloud.platform.plugins.module_utils.prometheus import (
    MAX_POINTS, PrometheusError, query_range_url, query_window, range_series)


def matrix(*series):
    return {"status": "success", "data": {"resultType": "matrix", "result": list(series)}}


def test_the_window_ends_now_and_its_step_gives_240_points():
    assert query_window(10000.0, 3600) == (6400.0, 10000.0, 15)
    assert query_window(10000.0, 3600, 60) == (6400.0, 10000.0, 60)
    assert query_window(10000.0, 100) == (9900.0, 10000.0, 1)


@pytest.mark.parametrize("range_seconds, step", [(0, 0), (-60, 0), (3600, -1), (MAX_POINTS * 2, 1)])
def test_a_window_prometheus_would_refuse_is_refused_first(range_seconds, step):
    with pytest.raises(PrometheusError):
        query_window(10000.0, range_seconds, step)


def test_the_url_carries_the_query_encoded():
    url = query_range_url("http://127.0.0.1:9090/", 'rate(x{code="5xx"}[5m])', 100.0, 200.5, 15)
    address, query = url.split("?")
    assert address == "http://127.0.0.1:9090/api/v1/query_range"
    assert urllib.parse.parse_qs(query) == {"query": ['rate(x{code="5xx"}[5m])'], "start": ["100.000"], "end": ["200.500"], "step": ["15"]}


def test_a_matrix_becomes_plain_series_with_non_finite_samples_as_none():
    answer = matrix({"metric": {"instance": "web1", "code": "2xx"}, "values": [[100, "1.5"], [115, "NaN"], [130, "+Inf"], [145, "2"]]})
    assert range_series(answer, "requests", "q") == [{"labels": {"instance": "web1", "code": "2xx"},
                                                     "points": [[100.0, 1.5], [115.0, None], [130.0, None], [145.0, 2.0]]}]
    assert range_series(matrix(), "requests", "q") == []


@pytest.mark.parametrize("answer, words", [
    ({"status": "error", "errorType": "bad_data", "error": "parse error at char 5"}, "parse error at char 5"),
    ({"status": "success", "data": {"resultType": "vector", "result": []}}, "gave a vector"),
    ("not json object", "not json object"),
])
def test_an_answer_that_is_not_a_range_names_the_query(answer, words):
    with pytest.raises(PrometheusError) as error:
        range_series(answer, "requests", "sum(x)")
    assert "requests (sum(x))" in str(error.value) and words in str(error.value)


class FakePrometheus(BaseHTTPRequestHandler):
    """query_range answers: a series whose value is the query's length; 'bad(' is a 400 with the API's error JSON."""

    asked = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        address = urllib.parse.urlparse(self.path)
        params = {key: values[0] for key, values in urllib.parse.parse_qs(address.query).items()}
        FakePrometheus.asked.append((address.path, params))
        if params["query"] == "bad(":
            status, body = 400, {"status": "error", "errorType": "bad_data", "error": "1:5: parse error: unclosed left parenthesis"}
        else:
            status, body = 200, matrix({"metric": {"instance": "aio"}, "values": [[float(params["start"]), str(len(params["query"]))]]})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def prometheus():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePrometheus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakePrometheus.asked = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_each_query_is_asked_over_the_range_and_returned_by_name(prometheus, tmp_path):
    result = run_module("prometheus_series", tmp_path, url=prometheus, queries={"up": "up", "load": "node_load1"},
                        range_seconds=600, step=30)
    assert result["changed"] is False and "failed" not in result, result
    assert result["end"] - result["start"] == 600 and result["step"] == 30
    assert result["series"] == {"up": [{"labels": {"instance": "aio"}, "points": [[round(result["start"], 3), 2.0]]}],
                                "load": [{"labels": {"instance": "aio"}, "points": [[round(result["start"], 3), 10.0]]}]}
    assert [(path, params["query"], params["step"]) for path, params in FakePrometheus.asked] == [
        ("/api/v1/query_range", "up", "30"), ("/api/v1/query_range", "node_load1", "30")]


def test_check_mode_reads_too(prometheus, tmp_path):
    result = run_module("prometheus_series", tmp_path, check=True, url=prometheus, queries={"up": "up"})
    assert result["series"]["up"][0]["labels"] == {"instance": "aio"} and result["step"] == 15


def test_a_refused_query_fails_with_prometheus_reason(prometheus, tmp_path):
    result = run_module("prometheus_series", tmp_path, url=prometheus, queries={"up": "up", "broken": "bad("})
    assert result["failed"] is True
    assert "broken (bad()" in result["msg"] and "unclosed left parenthesis" in result["msg"]


def test_an_unreachable_prometheus_fails_naming_the_setting(tmp_path):
    result = run_module("prometheus_series", tmp_path, url="http://127.0.0.1:9", queries={"up": "up"}, timeout=5)
    assert result["failed"] is True
    assert "http://127.0.0.1:9" in result["msg"] and "monitoring_prometheus_listen_address" in result["msg"]
