"""OpenSearch with its security plugin on the split inventory: TLS on HTTP (and transport) with the internal
CA's certificates, no anonymous access, and Magento's user limited to its own indices, carried in env.php and
the relationships the way Magento and ece-tools read them."""

import base64
import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from cluster_hosts import DATA, private_address  # noqa: E402
from molecule_support import INVENTORY, ok  # noqa: E402

CA = "/etc/magecloud/tls/ca.pem"
SEARCH_PASSWORD = "molecule-search-password"
ENV_PHP = "/var/www/magento/shared/app/etc/env.php"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


@pytest.fixture(scope="module")
def search_url():
    return f"https://{private_address(DATA)}:9200"


def status(host, curl_arguments):
    return ok(host, f"curl -s -o /dev/null -w '%{{http_code}}' --cacert {CA} {curl_arguments}")


def test_opensearch_refuses_anonymous_requests(web1, search_url):
    assert status(web1, f"{search_url}/") == "401"
    assert status(web1, f"https://{DATA}:9200/_cat/indices") == "401"


def test_opensearch_speaks_only_tls_on_its_http_port(web1):
    plain = web1.run(f"curl -s -m 10 http://{DATA}:9200/")
    assert plain.rc != 0 or "cluster_name" not in plain.stdout, plain.stdout


def test_magentos_user_is_answered_over_verified_https(web1, search_url):
    health = json.loads(ok(web1, f"curl -sf --cacert {CA} -u magento:{SEARCH_PASSWORD} {search_url}/_cluster/health"))
    assert health["status"] in ("green", "yellow"), health
    assert status(web1, f"-u magento:wrong-password {search_url}/") == "401"


def test_magentos_user_owns_its_prefix_only(web1, search_url):
    login = f"-u magento:{SEARCH_PASSWORD}"
    assert status(web1, f"{login} -X PUT {search_url}/magento2_tls_probe") == "200"
    assert status(web1, f"{login} -X DELETE {search_url}/magento2_tls_probe") == "200"
    assert status(web1, f"{login} -X PUT {search_url}/other_tls_probe") == "403"
    assert status(web1, f"{login} {search_url}/.opendistro_security/_search") == "403"


def test_env_php_and_the_relationships_carry_magentos_login(web1, search_url):
    env = json.loads(ok(web1, f"php -r 'echo json_encode(include \"{ENV_PHP}\");'"))
    search = env["system"]["default"]["catalog"]["search"]
    # Through the web host's own HAProxy, which speaks TLS to the search host (below).
    assert (search["opensearch_server_hostname"], str(search["opensearch_server_port"])) == ("127.0.0.1", "9201")
    assert (search["opensearch_enable_auth"], search["opensearch_username"], search["opensearch_password"]) == \
        ("1", "magento", SEARCH_PASSWORD)
    runtime_env = ok(web1, "sed -n 's/^MAGENTO_CLOUD_RELATIONSHIPS=//p' /etc/magecloud-runtime.env")
    relationships = json.loads(base64.b64decode(runtime_env))
    entry = relationships["opensearch"][0]
    assert (entry["scheme"], entry["username"], entry["password"]) == ("https", "magento", SEARCH_PASSWORD)


def proxy_counters(host):
    """HAProxy's own count of connections it opened to the search host, and of requests that reused one."""
    script = ("import csv,socket; s=socket.socket(socket.AF_UNIX); s.connect('/run/haproxy/admin.sock');"
              " s.sendall(b'show stat\\n'); d=b''.join(iter(lambda: s.recv(65536), b''));"
              " rows=[r for r in csv.DictReader(d.decode().lstrip('# ').splitlines()) if r['pxname']=='opensearch' and r['svname']=='magecloud-cluster-data'];"
              " print(rows[0]['status'], rows[0]['connect'], rows[0]['reuse'])")
    status_word, connects, reuses = ok(host, f"python3 -c \"{script}\"").split()
    return status_word, int(connects), int(reuses)


def test_the_local_proxy_keeps_verified_tls_connections_to_the_search_host(web1):
    status_word, connects_before, reuses_before = proxy_counters(web1)
    assert status_word == "UP", "HAProxy's TLS check of the search host (CA and name verified) fails"
    answers = [status(web1, f"-u magento:{SEARCH_PASSWORD} http://127.0.0.1:9201/_cluster/health") for request in range(20)]
    assert set(answers) == {"200"}, answers
    connects_after, reuses_after = proxy_counters(web1)[1:]
    assert connects_after - connects_before <= 5 and reuses_after - reuses_before >= 15, \
        (connects_before, connects_after, reuses_before, reuses_after)


def test_the_local_proxy_grants_nothing_on_its_own(web1):
    assert status(web1, "http://127.0.0.1:9201/") == "401"
    assert status(web1, "-u magento:wrong-password http://127.0.0.1:9201/") == "401"
    listeners = ok(web1, "ss -Htln 'sport = :9201'")
    assert listeners.split()[3] == "127.0.0.1:9201", listeners


def test_the_search_host_keeps_only_a_hash_of_the_password(data):
    users = data.file("/etc/opensearch/opensearch-security/internal_users.yml")
    assert (users.user, users.mode) == ("opensearch", 0o640)
    assert "$2y$12$" in users.content_string and SEARCH_PASSWORD not in users.content_string
    # The journal also holds the commands testinfra ran through Ansible's shell module: this test's own.
    leaks = data.run(f"grep -rlF --exclude-dir=journal -- {SEARCH_PASSWORD} /var/log /etc /var/lib/opensearch;"
                     f" journalctl --no-pager | grep -F -- {SEARCH_PASSWORD} | grep -cvF _uses_shell=True")
    assert leaks.stdout.strip() == "0", leaks.stdout
