"""Elasticsearch 7.17 as the search engine, through the same role as OpenSearch."""

import json

BASE = "http://127.0.0.1:9200"


def request(host, path, method="GET", body=None):
    data = f"-H 'Content-Type: application/json' -d '{json.dumps(body)}'" if body is not None else ""
    result = host.run(f"curl -s -X {method} {data} '{BASE}{path}'")
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout)


def test_engine_is_elasticsearch_7_on_java_17(host):
    assert request(host, "/")["version"]["number"] == "7.17.25"
    assert 'version "17.' in host.run("java -version 2>&1").stdout
    assert host.service("elasticsearch").is_running and host.service("elasticsearch").is_enabled


def test_indexes_and_finds_a_document(host):
    request(host, "/products/_doc/1?refresh=true", "PUT", {"name": "blue running shoe"})
    hits = request(host, "/products/_search", "POST", {"query": {"match": {"name": "shoe"}}})["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["1"]
    assert request(host, "/_cluster/health")["status"] in ("green", "yellow")


def test_heap_follows_the_role_formula(host):
    jvm = host.file("/etc/elasticsearch/jvm.options").content_string
    memory_mb = int(host.run("awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo").stdout)
    heap = max(min(int(memory_mb * 0.2 / 2), 31744), 256)
    assert f"-Xms{heap}m" in jvm and f"-Xmx{heap}m" in jvm
