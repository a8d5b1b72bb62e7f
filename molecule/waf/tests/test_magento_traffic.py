"""The WAF at paranoia 1 in blocking mode: a store's normal traffic passes, attacks get 403."""

import json
import pathlib
import shlex
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import ok  # noqa: E402
from magento_traffic import ATTACKS, NORMAL  # noqa: E402

VHOST = "http://127.0.0.1:8080"
AUDIT_LOG = "/var/log/modsecurity/audit.json"
BROWSER_HEADERS = {
    # The store's name: CRS scores a bare IP address as Host (920350), as scanners send it.
    "Host": "localhost",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.7,fr;q=0.3",
    "Cookie": "PHPSESSID=8f1c2b7e9a0d4c3b; form_key=kX2pQ9wLmN3rT7vB; mage-cache-sessid=true",
}


def send(host, method, path, content_type, body):
    """Send one request to the store's vhost on the host: (status, rule ids the WAF matched)."""
    marker = f"magecloud-{abs(hash((method, path, body)))}"
    headers = dict(BROWSER_HEADERS, **({"Content-Type": content_type} if content_type else {}))
    args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "-H", f"X-Request-Marker: {marker}"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if body is not None:
        args += ["--data-binary", body]
    status = int(ok(host, " ".join(shlex.quote(arg) for arg in args + [VHOST + path])))
    return status, matched_rules(host, marker)


def matched_rules(host, marker):
    """Rule ids in the audit log entry of the request carrying this marker header."""
    lines = ok(host, f"grep -F {shlex.quote(marker)} {AUDIT_LOG} || true").splitlines()
    return sorted({message["details"]["ruleId"] for line in lines
                   for message in json.loads(line)["transaction"].get("messages", [])})


@pytest.mark.parametrize("name, method, path, content_type, body", NORMAL, ids=[entry[0] for entry in NORMAL])
def test_normal_traffic_passes(host, name, method, path, content_type, body):
    status, rules = send(host, method, path, content_type, body)
    assert (status, rules) == (200, []), f"{name}: {method} {path} got {status}, rules {rules}"


@pytest.mark.parametrize("name, method, path, content_type, body", ATTACKS, ids=[entry[0] for entry in ATTACKS])
def test_attacks_are_blocked(host, name, method, path, content_type, body):
    status, rules = send(host, method, path, content_type, body)
    assert status == 403 and "949110" in rules, f"{name}: {method} {path} got {status}, rules {rules}"
