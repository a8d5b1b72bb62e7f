"""The FastCGI client that makes PHP-FPM's OPcache forget files, against a stand-in pool on a Unix socket."""

import json
import socket
import struct
import threading

import pytest

from ansible_collections.magecloud.platform.plugins.module_utils import opcache


def read_params(data):
    """The FastCGI parameters of a request, decoded the way PHP-FPM reads them."""
    params, offset, body = {}, 0, b""
    while offset < len(data):
        unused_version, kind, unused_id, length, padding, unused_reserved = struct.unpack_from(">BBHHBB", data, offset)
        if kind == opcache.PARAMS:
            body += data[offset + 8:offset + 8 + length]
        offset += 8 + length + padding
    position = 0

    def length_at(at):
        return (struct.unpack_from(">I", body, at)[0] & 0x7FFFFFFF, 4) if body[at] & 0x80 else (body[at], 1)

    while position < len(body):
        name_length, size = length_at(position)
        position += size
        value_length, size = length_at(position)
        position += size
        name = body[position:position + name_length].decode()
        params[name] = body[position + name_length:position + name_length + value_length].decode()
        position += name_length + value_length
    return params


@pytest.fixture
def pool(tmp_path, monkeypatch):
    """A stand-in pool: answers each request with what `reply` returns for its parameters."""
    monkeypatch.setattr(opcache, "SCRIPT", str(tmp_path / "lib" / "forget.php"))
    path = str(tmp_path / "fpm.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    state = {"reply": lambda params: (b"Content-type: application/json\r\n\r\n{}", b""), "seen": []}

    def serve():
        while True:
            try:
                connection, unused_address = server.accept()
            except OSError:
                return
            with connection:
                data = b""
                while not data.endswith(opcache.record(opcache.STDIN)):
                    data += connection.recv(65536)
                params = read_params(data)
                state["seen"].append(params)
                out, err = state["reply"](params)
                answer = opcache.record(opcache.STDOUT, out) + (opcache.record(opcache.STDERR, err) if err else b"")
                connection.sendall(answer + opcache.record(opcache.END_REQUEST, bytes(8)))

    threading.Thread(target=serve, daemon=True).start()
    yield path, state
    server.close()


def test_long_values_use_four_length_bytes():
    assert read_params(opcache.record(opcache.PARAMS, opcache.encode_params({"A": "x" * 300}))) == {"A": "x" * 300}


def test_forget_sends_the_real_paths_and_reports_the_cached_ones(pool, tmp_path):
    path, state = pool
    real = tmp_path / "shared" / "env.php"
    real.parent.mkdir()
    real.write_text("<?php return [];")
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "env.php").symlink_to(real)
    other = str(tmp_path / "shared" / "config.php")
    state["reply"] = lambda params: (b"Content-type: application/json\r\n\r\n" + json.dumps(
        {name: name.endswith("env.php") for name in json.loads(params["MAGECLOUD_FILES"])}).encode(), b"")

    cached, wrote = opcache.forget(path, [str(tmp_path / "release" / "env.php"), other])

    assert cached == {str(real): True, other: False} and wrote
    params = state["seen"][0]
    assert params["SCRIPT_FILENAME"] == opcache.SCRIPT and params["MAGECLOUD_CHECK"] == "0" and params["REQUEST_METHOD"] == "GET"
    with open(opcache.SCRIPT, encoding="utf-8") as script:
        assert script.read() == opcache.SCRIPT_TEXT
    assert opcache.forget(path, [other]) == ({other: False}, False)


def test_check_mode_writes_nothing_and_asks_only(pool, tmp_path):
    path, state = pool
    assert opcache.forget(path, [str(tmp_path / "env.php")], check=True) == ({str(tmp_path / "env.php"): False}, True)
    assert not state["seen"]
    opcache.install_script()
    opcache.forget(path, [str(tmp_path / "env.php")], check=True)
    assert state["seen"][0]["MAGECLOUD_CHECK"] == "1"


def test_an_error_status_of_the_pool_fails_with_its_words(pool, tmp_path):
    path, state = pool
    state["reply"] = lambda params: (b"Status: 404 Not Found\r\nContent-type: text/html\r\n\r\nFile not found.", b"Primary script unknown")
    with pytest.raises(opcache.OpcacheError, match="404.*File not found.*Primary script unknown"):
        opcache.forget(path, [str(tmp_path / "env.php")])


def test_a_missing_socket_fails_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(opcache, "SCRIPT", str(tmp_path / "forget.php"))
    with pytest.raises(opcache.OpcacheError, match="fpm.sock did not answer"):
        opcache.forget(str(tmp_path / "fpm.sock"), [str(tmp_path / "env.php")])
