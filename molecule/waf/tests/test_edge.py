# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The TLS edge and the image optimizer behind Varnish: https with our CA, the redirects of routes.yaml,
TLS 1.2+ only, the expired-certificate preflight, Fastly IO resizing through the cache, and bad input."""

import datetime
import pathlib
import re
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, PLAIN_OUTPUT, PROJECT, ok  # noqa: E402

CA = "/etc/magecloud/tls/edge-ca.pem"
EDGE = "https://localhost"
MEDIA = "/media/catalog"


def fetch(host, url, *options):
    """(status, headers lowercased, seconds) of a GET through curl on the host, trusting our CA."""
    out = ok(host, f"curl -sS -o /tmp/edge-body -D - -w '%{{time_total}}' --cacert {CA} {' '.join(options)} '{url}'")
    head, seconds = out.rsplit("\n", 1)
    status = int(head.split()[1])
    headers = {name.strip().lower(): value.strip() for name, _sep, value in
               (line.partition(":") for line in head.splitlines()[1:] if ":" in line)}
    return status, headers, float(seconds)


def test_https_works_with_our_ca_over_http2_with_hsts(host):
    status, headers, unused = fetch(host, f"{EDGE}/", "--http2")
    assert status == 200
    assert ok(host, f"curl -s -o /dev/null -w '%{{http_version}}' --cacert {CA} --http2 {EDGE}/") == "2"
    assert headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize("url, target", [
    ("http://localhost/some/page?q=1", "https://localhost/some/page?q=1"),
    ("http://www.localhost/a", "https://localhost/a"),
    ("https://www.localhost/b", "https://localhost/b"),
])
def test_http_and_other_names_redirect_as_routes_yaml_says(host, url, target):
    # The CRS suite's server holds 127.0.0.1:80: reach the edge's port 80 on the host's own address.
    address = ok(host, "hostname -I").split()[0]
    status, headers, unused = fetch(host, url, f"--connect-to ::{address}:")
    assert (status, headers["location"]) == (301, target)


@pytest.mark.parametrize("option, accepted", [("-tls1_1", False), ("-tls1_2", True), ("-tls1_3", True)])
def test_tls_1_2_and_up_only(host, option, accepted):
    result = host.run(f"openssl s_client -connect 127.0.0.1:443 -servername localhost {option} </dev/null")
    assert (result.rc == 0) == accepted, result.stdout + result.stderr


def test_varnish_gets_the_scheme(host):
    # The backend's cache key hashes X-Forwarded-Proto: the same page over http and https are two objects.
    fetch(host, f"{EDGE}/scheme-probe")
    assert fetch(host, f"{EDGE}/scheme-probe")[1]["x-cache"] == "HIT"
    assert "X-Forwarded-Proto: https" in ok(host, "varnishlog -d -g request -i ReqHeader -q 'ReqURL eq \"/scheme-probe\"'")


def expired_certificate(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=30))
                   .not_valid_after(now - datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    (directory / "edge.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "edge.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))


def test_an_expired_certificate_fails_the_preflight_without_changes(tmp_path):
    expired_certificate(tmp_path)
    result = subprocess.run(["ansible-playbook", "-i", INVENTORY, str(PROJECT / "molecule" / "waf" / "edge_preflight.yml"),
                             "-e", f"edge_tls_certificate={tmp_path / 'edge.pem'}",
                             "-e", f"edge_tls_private_key={tmp_path / 'edge.key'}"],
                            env=PLAIN_OUTPUT, capture_output=True, text=True, timeout=300, check=False)
    # molecule verify may force colours on: the recap's fields are coloured one by one.
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode != 0
    assert re.search(r"ERROR: The edge certificate of magecloud-waf expired on \d{4}-\d\d-\d\d", output), output
    assert re.search(r"magecloud-waf\s*:\s*ok=\d+\s+changed=0\s+unreachable=0\s+failed=1", output), output


def image_size(host):
    return ok(host, "/opt/magecloud-image-optimizer/venv/bin/python -c "
                    "\"import pyvips; i = pyvips.Image.new_from_file('/tmp/edge-body'); "
                    "print(i.get('vips-loader'), i.width, i.height)\"")


def test_a_resized_webp_then_a_cache_hit(host):
    url = f"{EDGE}{MEDIA}/photo.jpg?width=300&format=webp"
    status, headers, unused = fetch(host, url)
    assert (status, headers["content-type"]) == (200, "image/webp")
    assert image_size(host) == "webpload 300 300"
    assert "vary" not in headers
    assert fetch(host, url)[1]["x-cache"] == "HIT"
    # Other parameters and their order do not split the key.
    assert fetch(host, f"{EDGE}{MEDIA}/photo.jpg?utm_source=x&format=webp&foo=1&width=300")[1]["x-cache"] == "HIT"


@pytest.mark.parametrize("accept, content_type", [("image/webp,*/*", "image/webp"), ("*/*", "image/jpeg")])
def test_format_auto_picks_by_accept_and_varies(host, accept, content_type):
    status, headers, unused = fetch(host, f"{EDGE}{MEDIA}/photo.jpg?width=200&format=auto", f"-H 'Accept: {accept}'")
    assert (status, headers["content-type"], headers["vary"]) == (200, content_type, "Accept")


def test_the_original_is_untouched(host):
    fetch(host, f"{EDGE}{MEDIA}/photo.jpg")
    assert image_size(host) == "jpegload 2000 2000"


@pytest.mark.parametrize("path, status", [
    ("/bomb.png?width=100", 422),
    ("/corrupt.jpg?width=100", 422),
    ("/photo.jpg?width=100000", 400),
    ("/photo.jpg?width=100&format=bmp", 400),
])
def test_bad_input_gets_a_4xx_quickly_and_the_service_stays_up(host, path, status):
    answer, unused, seconds = fetch(host, f"{EDGE}{MEDIA}{path}")
    assert answer == status and seconds < 3
    assert host.service("magecloud-image-optimizer").is_running
    assert fetch(host, f"{EDGE}{MEDIA}/photo.jpg?width=120&format=png")[0] == 200


def test_a_path_leaving_media_is_refused_by_nginx_and_by_the_service(host):
    assert fetch(host, f"{EDGE}/media/..%2F..%2Fapp%2Fetc%2Fenv.php?width=100", "--path-as-is")[0] in (400, 403, 404)
    # The service itself, past nginx: its own check, links and .. resolved.
    assert ok(host, "curl -s -o /dev/null -w '%{http_code}' --path-as-is "
                    "'http://127.0.0.1:8090/media/../../index.php?width=100'") == "400"
