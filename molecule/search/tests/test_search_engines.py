# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Elasticsearch 7.17 on Debian 12 and OpenSearch 3 on Debian 13, through the same role as OpenSearch 2."""

import json

import pytest

# Per host: the engine's service, its version and the Java major it runs on.
EXPECTED = {"magecloud-search-es7": ("elasticsearch", "7.17.25", "17"),
            "magecloud-search-os3": ("opensearch", "3.3.0", "21")}


@pytest.fixture
def expected(host):
    return EXPECTED[host.backend.get_hostname()]


def listen_address(host):
    """A search host outside the web group listens on its private address only, as the role decides."""
    service = EXPECTED[host.backend.get_hostname()][0]
    config = host.file(f"/etc/{service}/{service}.yml").content_string
    return next(line.split(":", 1)[1].strip() for line in config.splitlines() if line.startswith("network.host:"))


def request(host, path, method="GET", body=None):
    data = f"-H 'Content-Type: application/json' -d '{json.dumps(body)}'" if body is not None else ""
    result = host.run(f"curl -s -X {method} {data} 'http://{listen_address(host)}:9200{path}'")
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout)


def test_engine_and_version_on_the_releases_java(host, expected):
    service, version, java = expected
    assert listen_address(host) not in ("127.0.0.1", "0.0.0.0")
    assert request(host, "/")["version"]["number"] == version
    assert f'version "{java}.' in host.run("java -version 2>&1").stdout
    assert host.service(service).is_running and host.service(service).is_enabled


def test_indexes_and_finds_a_document(host):
    request(host, "/products/_doc/1?refresh=true", "PUT", {"name": "blue running shoe"})
    hits = request(host, "/products/_search", "POST", {"query": {"match": {"name": "shoe"}}})["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["1"]
    assert request(host, "/_cluster/health")["status"] in ("green", "yellow")


def test_heap_follows_the_role_formula(host, expected):
    jvm = host.file(f"/etc/{expected[0]}/jvm.options").content_string
    memory_mb = int(host.run("awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo").stdout)
    heap = max(min(int(memory_mb * 0.2 / 2), 31744), 256)
    assert f"-Xms{heap}m" in jvm and f"-Xmx{heap}m" in jvm
