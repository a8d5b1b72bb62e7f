# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prometheus metrics Debian has no exporter for, with the standard library only.

  php-fpm ADDRESS:PORT SOCKET   serves the pool's status page, asked over FastCGI on its socket;
  edge ADDRESS:PORT             serves status classes and a latency histogram of Varnish's client
                                requests, read from `varnishncsa` as they happen;
  certificates OUTPUT PATTERN.. writes the expiry of each certificate file (glob patterns) to OUTPUT,
                                a file of the node exporter's textfile collector.
"""

from __future__ import annotations

import bisect
import calendar
import glob
import http.server
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

FCGI_VERSION = 1
FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6
FCGI_RESPONDER = 1
REQUEST_ID = 1
# The pool's status page fields, as PHP-FPM names them in its JSON, and the metric each becomes.
FPM_COUNTERS = {"accepted conn": "accepted_connections_total", "max children reached": "max_children_reached_total",
                "slow requests": "slow_requests_total"}
FPM_GAUGES = {"start since": "uptime_seconds", "listen queue": "listen_queue", "max listen queue": "max_listen_queue",
              "listen queue len": "listen_queue_length", "idle processes": "idle_processes",
              "active processes": "active_processes", "total processes": "total_processes",
              "max active processes": "max_active_processes"}
# Seconds; the edge's p95 alert reads between these bounds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


def sample_line(name, labels, value):
    label_text = ",".join(f'{key}="{escape(str(val))}"' for key, val in labels.items())
    return f"{name}{{{label_text}}} {value}" if label_text else f"{name} {value}"


def metric_lines(name, kind, help_text, samples):
    """Prometheus text for one metric: samples are (labels dict, value)."""
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"] + [sample_line(name, labels, value) for labels, value in samples]


def escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _fcgi_record(kind, content):
    return struct.pack(">BBHHBx", FCGI_VERSION, kind, REQUEST_ID, len(content), 0) + content


def _fcgi_pair(name, value):
    def length(data):
        return struct.pack(">B", len(data)) if len(data) < 128 else struct.pack(">I", len(data) | 0x80000000)
    name, value = name.encode(), value.encode()
    return length(name) + length(value) + name + value


def fcgi_request(path, query):
    """The bytes of a FastCGI GET of path?query."""
    params = b"".join(_fcgi_pair(key, value) for key, value in (
        ("SCRIPT_NAME", path), ("SCRIPT_FILENAME", path), ("REQUEST_URI", f"{path}?{query}"),
        ("QUERY_STRING", query), ("REQUEST_METHOD", "GET"), ("SERVER_PROTOCOL", "HTTP/1.1")))
    return (_fcgi_record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", FCGI_RESPONDER, 0)) + _fcgi_record(FCGI_PARAMS, params)
            + _fcgi_record(FCGI_PARAMS, b"") + _fcgi_record(FCGI_STDIN, b""))


def fcgi_body(response):
    """The body of the STDOUT records of a FastCGI response, without its CGI headers."""
    output, offset = b"", 0
    while offset + 8 <= len(response):
        kind, length, padding = struct.unpack(">xBxxHBx", response[offset:offset + 8])
        content = response[offset + 8:offset + 8 + length]
        offset += 8 + length + padding
        if kind == FCGI_STDOUT:
            output += content
        elif kind == FCGI_END_REQUEST:
            break
    return output.partition(b"\r\n\r\n")[2]


def fpm_status(socket_path, status_path="/fpm-status", timeout=2.0):
    """The pool's status page as a dict."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(socket_path)
        connection.sendall(fcgi_request(status_path, "json"))
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return json.loads(fcgi_body(b"".join(chunks)))


def fpm_metrics(status):
    """Prometheus text of a status page dict; None: the pool did not answer."""
    if status is None:
        return "\n".join(metric_lines("phpfpm_up", "gauge", "1 when the pool answered its status page.", [({}, 0)])) + "\n"
    pool = {"pool": status.get("pool", "")}
    lines = metric_lines("phpfpm_up", "gauge", "1 when the pool answered its status page.", [(pool, 1)])
    for field, name in FPM_COUNTERS.items():
        lines += metric_lines(f"phpfpm_{name}", "counter", f"The status page's '{field}'.", [(pool, status.get(field, 0))])
    for field, name in FPM_GAUGES.items():
        lines += metric_lines(f"phpfpm_{name}", "gauge", f"The status page's '{field}'.", [(pool, status.get(field, 0))])
    return "\n".join(lines) + "\n"


class EdgeRequests:
    """Counts of Varnish's client requests by status class, and their durations as a histogram."""

    def __init__(self):
        self._lock = threading.Lock()
        self.by_class = dict.fromkeys(STATUS_CLASSES, 0)
        self.buckets = [0] * len(LATENCY_BUCKETS)
        self.count = 0
        self.seconds = 0.0

    def add_line(self, line):
        """One `varnishncsa -F '%s %D'` line: status and microseconds; anything else is skipped."""
        fields = line.split()
        if len(fields) != 2 or not fields[0].isdigit() or not fields[1].isdigit():
            return
        status_class, seconds = f"{fields[0][0]}xx", int(fields[1]) / 1e6
        with self._lock:
            if status_class in self.by_class:
                self.by_class[status_class] += 1
            # Buckets are cumulative: the request counts in every bucket from its own up.
            for index in range(bisect.bisect_left(LATENCY_BUCKETS, seconds), len(LATENCY_BUCKETS)):
                self.buckets[index] += 1
            self.count += 1
            self.seconds += seconds

    def metrics(self):
        with self._lock:
            lines = metric_lines("magecloud_edge_requests_total", "counter", "Client requests Varnish answered, by status class.",
                                 [({"code": code}, count) for code, count in self.by_class.items()])
            name = "magecloud_edge_request_duration_seconds"
            lines += [f"# HELP {name} Time Varnish took to answer a client request.", f"# TYPE {name} histogram"]
            lines += [sample_line(f"{name}_bucket", {"le": str(bound)}, count) for bound, count in zip(LATENCY_BUCKETS, self.buckets)]
            lines += [sample_line(f"{name}_bucket", {"le": "+Inf"}, self.count),
                      sample_line(f"{name}_sum", {}, self.seconds), sample_line(f"{name}_count", {}, self.count)]
        return "\n".join(lines) + "\n"


def certificate_expiry(path):
    """The notAfter of a PEM certificate file, in seconds since the epoch; None when openssl cannot read it."""
    result = subprocess.run(["openssl", "x509", "-enddate", "-noout", "-in", path], capture_output=True, text=True, check=False)
    if result.returncode != 0 or not result.stdout.startswith("notAfter="):
        return None
    return calendar.timegm(time.strptime(result.stdout.strip().partition("=")[2], "%b %d %H:%M:%S %Y %Z"))


def certificate_metrics(patterns):
    paths = sorted({path for pattern in patterns for path in glob.glob(pattern)})
    expiries = [(path, certificate_expiry(path)) for path in paths]
    return "\n".join(metric_lines("magecloud_certificate_expiry_timestamp_seconds", "gauge",
                                  "When the certificate in the file expires.",
                                  [({"path": path}, expiry) for path, expiry in expiries if expiry is not None])) + "\n"


def write_atomically(path, text):
    """The textfile collector must never read a half-written file."""
    staging = f"{path}.{os.getpid()}.tmp"
    with open(staging, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(staging, 0o644)
    os.replace(staging, path)


def serve(address, render):
    host, unused_sep, port = address.rpartition(":")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            body = render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            """Scrapes are not worth a journal line each."""

    server_class = http.server.ThreadingHTTPServer
    if ":" in host.strip("[]"):
        server_class = type("IPv6Server", (server_class,), {"address_family": socket.AF_INET6})
    server_class((host.strip("[]"), int(port)), Handler).serve_forever()


def _fpm_render(socket_path):
    def render():
        try:
            return fpm_metrics(fpm_status(socket_path))
        except (OSError, ValueError):
            return fpm_metrics(None)
    return render


def _follow_varnishncsa(requests):
    reader = subprocess.Popen(["varnishncsa", "-F", "%s %D"], stdout=subprocess.PIPE, text=True)
    for line in reader.stdout:
        requests.add_line(line)
    # varnishncsa ended (Varnish restarted): exit, and systemd starts this exporter again.
    os._exit(1)


def main(argv):
    if len(argv) >= 3 and argv[0] == "php-fpm":
        serve(argv[1], _fpm_render(argv[2]))
    elif len(argv) == 2 and argv[0] == "edge":
        requests = EdgeRequests()
        threading.Thread(target=_follow_varnishncsa, args=(requests,), daemon=True).start()
        serve(argv[1], requests.metrics)
    elif len(argv) >= 2 and argv[0] == "certificates":
        write_atomically(argv[1], certificate_metrics(argv[2:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
