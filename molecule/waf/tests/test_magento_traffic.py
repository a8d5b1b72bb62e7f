"""The WAF at paranoia 1 in blocking mode: a store's normal traffic passes, attacks get 403; and at
paranoia 4 the Magento exclusions take the special-character counts off the fields they name only."""

import json
import pathlib
import re
import shlex
import sys
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import ok  # noqa: E402
from magento_traffic import ATTACKS, NORMAL  # noqa: E402

VHOST = "http://127.0.0.1:8080"
# The regression server (converge.yml): same rule set, paranoia 4, detection only (molecule.yml).
PARANOIA_4 = "http://127.0.0.1:80"
SPECIAL_CHARACTER_COUNTS = {"942430", "942431", "942432"}
AUDIT_LOG = "/var/log/modsecurity/audit.json"
BROWSER_HEADERS = {
    # The store's name: CRS scores a bare IP address as Host (920350), as scanners send it.
    "Host": "localhost",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.7,fr;q=0.3",
    "Cookie": "PHPSESSID=8f1c2b7e9a0d4c3b; form_key=kX2pQ9wLmN3rT7vB; mage-cache-sessid=true",
}


def send(host, method, path, content_type, body, server=VHOST):
    """Send one request to a server on the host: (status, {(rule id, variable)} the WAF matched)."""
    marker = f"magecloud-{abs(hash((method, path, body)))}"
    headers = dict(BROWSER_HEADERS, **({"Content-Type": content_type} if content_type else {}))
    args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "-H", f"X-Request-Marker: {marker}"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if body is not None:
        args += ["--data-binary", body]
    status = int(ok(host, " ".join(shlex.quote(arg) for arg in args + [server + path])))
    return status, matches(host, marker)


def matches(host, marker):
    """(rule id, variable) of each rule in the audit log entry of the request carrying this marker."""
    lines = ok(host, f"grep -F {shlex.quote(marker)} {AUDIT_LOG} || true").splitlines()
    return {(message["details"]["ruleId"], variable_of(message["details"]["match"])) for line in lines
            for message in json.loads(line)["transaction"].get("messages", [])}


def variable_of(match):
    """The variable in ModSecurity's match text: ... against variable `ARGS:q' (Value: ..."""
    found = re.search(r"against variable `([^']*)'", match)
    return found.group(1) if found else ""


def rule_ids(found):
    return sorted({rule for rule, unused_variable in found})


@pytest.mark.parametrize("name, method, path, content_type, body", NORMAL, ids=[entry[0] for entry in NORMAL])
def test_normal_traffic_passes(host, name, method, path, content_type, body):
    status, found = send(host, method, path, content_type, body)
    rules = rule_ids(found)
    assert (status, rules) == (200, []), f"{name}: {method} {path} got {status}, rules {rules}"


@pytest.mark.parametrize("name, method, path, content_type, body", ATTACKS, ids=[entry[0] for entry in ATTACKS])
def test_attacks_are_blocked(host, name, method, path, content_type, body):
    status, found = send(host, method, path, content_type, body)
    rules = rule_ids(found)
    assert status == 403 and "949110" in rules, f"{name}: {method} {path} got {status}, rules {rules}"


@pytest.mark.parametrize("path, excluded_field", [
    ("/catalogsearch/result/", "q"),
    ("/customer/address/formPost/", "lastname"),
    ("/checkout/cart/add/", "city"),
])
def test_special_character_counts_are_off_for_the_named_field_only(host, path, excluded_field):
    value = 'O\'Neill-D\'Arcy "The Old Mill" (rear); Apt. 3/B & co: #2'
    unused_status, excluded = send(host, "GET", f"{path}?{urlencode({excluded_field: value})}", None, None, PARANOIA_4)
    unused_status, other = send(host, "GET", f"{path}?{urlencode({'comment': value})}", None, None, PARANOIA_4)
    assert {rule for rule, variable in excluded if variable == f"ARGS:{excluded_field}"} & SPECIAL_CHARACTER_COUNTS == set()
    assert {rule for rule, variable in other if variable == "ARGS:comment"} & SPECIAL_CHARACTER_COUNTS


@pytest.mark.parametrize("path, expected", [
    ("/static/styles.css", 200),  # a file nginx serves: the WAF is off there (nginx_waf_off_paths)
    ("/static/missing.css", 403),  # no such file: front-static.php's request is inspected
    ("/media/missing.jpg", 403),  # /media keeps the WAF
])
def test_waf_is_off_only_while_nginx_serves_a_file(host, path, expected):
    attack = urlencode({"q": "1' UNION SELECT password FROM admin_user-- -"})
    status, unused_found = send(host, "GET", f"{path}{'&' if '?' in path else '?'}{attack}", None, None)
    assert status == expected, f"{path} got {status}"
