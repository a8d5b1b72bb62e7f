"""The monitoring role's exporter: FastCGI to the PHP-FPM pool, the edge's request counts and histogram,
and certificate expiry, checked against a real FastCGI exchange over a socket pair and real openssl."""

import importlib.util
import json
import pathlib
import shutil
import socket
import struct
import subprocess
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SPEC = importlib.util.spec_from_file_location("magecloud_exporter", ROOT / "roles" / "monitoring" / "files" / "magecloud_exporter.py")
exporter = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(exporter)

STATUS = {"pool": "magento", "start since": 42, "accepted conn": 1234, "listen queue": 0, "max listen queue": 3,
          "listen queue len": 4096, "idle processes": 5, "active processes": 1, "total processes": 6,
          "max active processes": 4, "max children reached": 0, "slow requests": 2}


def read_records(data):
    """(type, request id, content) of each FastCGI record in data."""
    records, offset = [], 0
    while offset < len(data):
        unused_version, kind, request_id, length, padding = struct.unpack(">BBHHBx", data[offset:offset + 8])
        records.append((kind, request_id, data[offset + 8:offset + 8 + length]))
        offset += 8 + length + padding
    return records


def read_pairs(content):
    pairs, offset = {}, 0
    while offset < len(content):
        lengths = []
        for unused in range(2):
            if content[offset] < 128:
                lengths.append(content[offset])
                offset += 1
            else:
                lengths.append(struct.unpack(">I", content[offset:offset + 4])[0] & 0x7FFFFFFF)
                offset += 4
        name = content[offset:offset + lengths[0]].decode()
        pairs[name] = content[offset + lengths[0]:offset + sum(lengths)].decode()
        offset += sum(lengths)
    return pairs


def record(kind, content, padding=0):
    return struct.pack(">BBHHBx", 1, kind, 1, len(content), padding) + content + b"\0" * padding


def test_the_status_request_is_a_get_of_the_status_path_as_json():
    records = read_records(exporter.fcgi_request("/fpm-status", "json"))
    assert [kind for kind, unused_id, unused in records] == [1, 4, 4, 5]
    assert all(request_id == 1 for unused, request_id, unused_content in records)
    assert struct.unpack(">HB", records[0][2][:3]) == (1, 0)
    params = read_pairs(records[1][2])
    assert params["SCRIPT_NAME"] == "/fpm-status" and params["SCRIPT_FILENAME"] == "/fpm-status"
    assert params["QUERY_STRING"] == "json" and params["REQUEST_METHOD"] == "GET"


def test_long_parameter_values_use_four_byte_lengths():
    long_value = "x" * 300
    assert read_pairs(exporter._fcgi_pair("A", long_value)) == {"A": long_value}


def test_the_body_is_the_stdout_records_joined_without_headers_and_padding():
    body = json.dumps(STATUS).encode()
    response = (record(6, b"Content-type: application/json\r\n\r\n" + body[:10], padding=3) + record(6, body[10:])
                + record(7, b"a warning on stderr") + record(3, b"\0" * 8) + record(6, b"after the end"))
    assert json.loads(exporter.fcgi_body(response)) == STATUS


def test_the_pool_is_asked_over_its_socket(tmp_path):
    path = str(tmp_path / "fpm.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    received = []

    def answer():
        connection, unused_address = server.accept()
        with connection:
            data = b""
            while not data.endswith(record(5, b"")):
                data += connection.recv(4096)
            received.append(data)
            connection.sendall(record(6, b"Content-type: application/json\r\n\r\n" + json.dumps(STATUS).encode()) + record(3, b"\0" * 8))

    thread = threading.Thread(target=answer)
    thread.start()
    assert exporter.fpm_status(path) == STATUS
    thread.join()
    server.close()
    assert read_pairs(read_records(received[0])[1][2])["QUERY_STRING"] == "json"


def test_status_fields_become_counters_and_gauges_labelled_with_the_pool():
    text = exporter.fpm_metrics(STATUS)
    assert 'phpfpm_up{pool="magento"} 1' in text.splitlines()
    assert "# TYPE phpfpm_accepted_connections_total counter" in text
    assert 'phpfpm_accepted_connections_total{pool="magento"} 1234' in text.splitlines()
    assert 'phpfpm_slow_requests_total{pool="magento"} 2' in text.splitlines()
    assert 'phpfpm_active_processes{pool="magento"} 1' in text.splitlines()
    assert 'phpfpm_uptime_seconds{pool="magento"} 42' in text.splitlines()


def test_a_pool_that_does_not_answer_is_down():
    assert exporter.fpm_metrics(None).splitlines()[-1] == "phpfpm_up 0"


def test_edge_requests_count_by_class_and_fill_the_cumulative_buckets():
    edge = exporter.EdgeRequests()
    for line in ("200 3000", "503 120000", "404 10000", "200 20000000", "garbage", "- 12", "200\n"):
        edge.add_line(line)
    lines = edge.metrics().splitlines()
    assert 'magecloud_edge_requests_total{code="2xx"} 2' in lines and 'magecloud_edge_requests_total{code="5xx"} 1' in lines
    assert 'magecloud_edge_requests_total{code="4xx"} 1' in lines
    assert 'magecloud_edge_request_duration_seconds_bucket{le="0.005"} 1' in lines
    assert 'magecloud_edge_request_duration_seconds_bucket{le="0.01"} 2' in lines
    assert 'magecloud_edge_request_duration_seconds_bucket{le="0.1"} 2' in lines
    assert 'magecloud_edge_request_duration_seconds_bucket{le="0.25"} 3' in lines
    assert 'magecloud_edge_request_duration_seconds_bucket{le="10.0"} 3' in lines
    assert 'magecloud_edge_request_duration_seconds_bucket{le="+Inf"} 4' in lines
    assert "magecloud_edge_request_duration_seconds_count 4" in lines
    assert "# TYPE magecloud_edge_request_duration_seconds histogram" in lines


def test_label_values_are_escaped():
    assert exporter.sample_line("m", {"path": 'a"b\\c'}, 1) == 'm{path="a\\"b\\\\c"} 1'


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")
def test_certificate_expiry_is_read_from_each_file_the_patterns_match(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=shop", "-days", "30",
                    "-keyout", str(tmp_path / "shop.key"), "-out", str(tmp_path / "shop.crt")], check=True, capture_output=True)
    (tmp_path / "broken.crt").write_text("not a certificate")
    output = tmp_path / "certificates.prom"
    exporter.main(["certificates", str(output), str(tmp_path / "*.crt")])
    samples = [line for line in output.read_text().splitlines() if not line.startswith("#")]
    assert len(samples) == 1 and samples[0].startswith(f'magecloud_certificate_expiry_timestamp_seconds{{path="{tmp_path}/shop.crt"}} ')
    assert abs(int(samples[0].split()[-1]) - (time.time() + 30 * 86400)) < 120
