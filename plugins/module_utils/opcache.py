# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Makes PHP-FPM's OPcache forget files, through the pool's own FastCGI socket.

OPcache lives in the shared memory of the FPM pool, which the PHP CLI cannot reach, and with
opcache.validate_timestamps off (production) it never looks at a cached file again. env.php and config.php
sit in shared/ under the same real path for every release, so a pool keeps serving the ones it compiled
first until it reloads, which would also throw away the compiled code of the whole shop. Instead a small
PHP file, run by the pool, invalidates just the files named.
"""

from __future__ import annotations

import json
import os
import socket
import struct

from ansible_collections.magecloud.platform.plugins.module_utils.atomic_file import write_if_changed

# Root's, readable by the pool's user; outside the releases, so no web location serves it.
SCRIPT = "/usr/local/lib/magecloud/opcache_forget.php"
SCRIPT_TEXT = """<?php
// magecloud.platform: run through PHP-FPM's socket by the deploy, never served by nginx.
// Invalidates the files of MAGECLOUD_FILES (JSON) in the pool's OPcache; with MAGECLOUD_CHECK=1 it only
// says which of them are cached.
$files = json_decode($_SERVER['MAGECLOUD_FILES'] ?? '[]', true) ?: [];
$check = ($_SERVER['MAGECLOUD_CHECK'] ?? '') === '1';
$enabled = function_exists('opcache_get_status') && is_array(@opcache_get_status(false));
$cached = [];
foreach ($files as $file) {
    $known = $enabled && opcache_is_script_cached($file);
    $cached[$file] = $known && !$check ? opcache_invalidate($file, true) : $known;
}
header('Content-Type: application/json');
echo json_encode((object) $cached);
"""

VERSION = 1
BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7
RESPONDER = 1
REQUEST_ID = 1


class OpcacheError(Exception):
    pass


def record(kind, content=b""):
    """One FastCGI record of the request (content under 64 KiB, no padding)."""
    return struct.pack(">BBHHBB", VERSION, kind, REQUEST_ID, len(content), 0, 0) + content


def pair_length(length):
    return struct.pack(">B", length) if length < 128 else struct.pack(">I", length | 0x80000000)


def encode_params(params):
    body = b""
    for name, value in params.items():
        name, value = name.encode(), value.encode()
        body += pair_length(len(name)) + pair_length(len(value)) + name + value
    return body


def request_bytes(params):
    return (record(BEGIN_REQUEST, struct.pack(">HB5x", RESPONDER, 0)) + record(PARAMS, encode_params(params)) + record(PARAMS)
            + record(STDIN))


def parse_records(data):
    """(stdout, stderr, complete) of a FastCGI response."""
    out, err, offset = b"", b"", 0
    while offset + 8 <= len(data):
        unused_version, kind, unused_id, length, padding, unused_reserved = struct.unpack_from(">BBHHBB", data, offset)
        content = data[offset + 8:offset + 8 + length]
        offset += 8 + length + padding
        if kind == STDOUT:
            out += content
        elif kind == STDERR:
            err += content
        elif kind == END_REQUEST:
            return out, err, True
    return out, err, False


def cgi_body(stdout):
    """The body of a CGI response, and its status (200 when the headers name none)."""
    head, unused_separator, body = stdout.partition(b"\r\n\r\n")
    status = 200
    for line in head.split(b"\r\n"):
        name, unused_colon, value = line.partition(b":")
        if name.strip().lower() == b"status":
            status = int(value.split()[0])
    return status, body


def fastcgi_get(socket_path, script, variables, timeout=10):
    params = dict({"SCRIPT_FILENAME": script, "SCRIPT_NAME": "/" + os.path.basename(script), "REQUEST_METHOD": "GET",
                   "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1",
                   "SERVER_SOFTWARE": "magecloud.platform", "REMOTE_ADDR": "127.0.0.1"}, **variables)
    received = b""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        try:
            connection.connect(socket_path)
            connection.sendall(request_bytes(params))
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += chunk
        except OSError as error:
            raise OpcacheError(f"PHP-FPM's socket {socket_path} did not answer: {error}") from error
    out, err, complete = parse_records(received)
    if not complete:
        raise OpcacheError(f"PHP-FPM's socket {socket_path} closed the request before its end: {err.decode(errors='replace')}")
    status, body = cgi_body(out)
    if status != 200:
        raise OpcacheError(f"PHP-FPM answered {status} for {script}: {(body + err).decode(errors='replace')[:500]}")
    return body


def install_script():
    """Writes SCRIPT when it is missing or differs; whether it wrote."""
    os.makedirs(os.path.dirname(SCRIPT), mode=0o755, exist_ok=True)
    return write_if_changed(SCRIPT, SCRIPT_TEXT, 0o644)


def forget(socket_path, files, check=False):
    """Invalidates files (their real paths) in the OPcache of the pool behind socket_path: ({file: was cached},
    whether SCRIPT was written). With check, only reports which are cached. A pool without OPcache holds none."""
    files = [os.path.realpath(name) for name in files]
    if check and not os.path.isfile(SCRIPT):
        return dict.fromkeys(files, False), True
    wrote = not check and install_script()
    answer = fastcgi_get(socket_path, SCRIPT, {"MAGECLOUD_FILES": json.dumps(files), "MAGECLOUD_CHECK": "1" if check else "0"})
    try:
        cached = json.loads(answer)
        return {name: bool(cached.get(name)) for name in files}, wrote
    except (ValueError, AttributeError) as error:
        raise OpcacheError(f"{SCRIPT} gave no answer through {socket_path}: {answer[:300]!r}") from error
