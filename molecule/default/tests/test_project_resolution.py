# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml against a project this Debian 12 host cannot run: the plan play stops the run with the
project's file and line before any role touches the host."""

import json
import pathlib
import re
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import PLAIN_OUTPUT, PROJECT, ok, playbook  # noqa: E402

PHP_83_ON_DEBIAN_12 = re.compile(
    r"\.magento\.app\.yaml:\d+:\d+: error: type: php:8\.3 — Debian 12 provides PHP 8\.2, Debian 13 PHP 8\.4\b.* "
    r"\(use Debian 13 hosts with their PHP 8\.4, or .*php_source: sury\)")
VENDOR_WARNING = re.compile(r"\.magento\.app\.yaml:\d+:\d+: warning: runtime\.extensions\.\d+: extension `newrelic` is not in Debian; "
                            r"it comes from its vendor's repository")
UNKNOWN_ERROR = re.compile(r"\.magento\.app\.yaml:\d+:\d+: error: runtime\.extensions\.\d+: extension `no_such_extension` is not known")
# The packages the Debian 12 host has: the project's PHP comes from Debian only, as on a host without the sury repository.
FROM_DEBIAN = ("-e", "php_source=debian")


@pytest.fixture(scope="module")
def php83_project(tmp_path_factory):
    """The sample app at Debian 12's versions, then asking for PHP 8.3, a vendor and an unknown extension."""
    project = tmp_path_factory.mktemp("php83") / "sample-app"
    subprocess.run(["ansible-playbook", str(PROJECT / "tests" / "fixtures" / "sample_repo.yml"),
                    "-e", f"sample_repo_dir={project}", "-e", "sample_app_debian_release=12"],
                   env=PLAIN_OUTPUT, check=True, capture_output=True)
    app_file = project / ".magento.app.yaml"
    text = app_file.read_text()
    text = re.sub(r"(?m)^type: php:.*$", "type: php:8.3", text)
    text = text.replace("        - xsl\n", "        - xsl\n        - newrelic\n        - no_such_extension\n")
    app_file.write_text(text)
    return project


@pytest.fixture(scope="module")
def refused_run(host, php83_project):
    """The run, and the host's packages and files under /etc before and after it."""
    def host_state():
        return (ok(host, "dpkg-query -W -f '${Package} ${Version}\\n' | sha256sum"),
                ok(host, "find /etc /var/www -newer /etc/hostname -printf '%p %T@\\n' | sort | sha256sum"))

    before = host_state()
    code, output = playbook("site.yml", *FROM_DEBIAN, "-e", f"magecloud_project_dir={php83_project}")
    return code, output, before, host_state()


def test_php_the_release_lacks_stops_the_run_with_the_project_line(refused_run):
    code, output, unused_before, unused_after = refused_run
    assert code != 0
    assert PHP_83_ON_DEBIAN_12.search(output), output[-4000:]


def test_vendor_extension_is_a_warning_and_unknown_one_an_error_each_said_once(refused_run):
    unused_code, output, unused_before, unused_after = refused_run
    assert VENDOR_WARNING.search(output) and UNKNOWN_ERROR.search(output), output[-4000:]
    start = output.index("FAILED! => ") + len("FAILED! => ")
    result = json.JSONDecoder().raw_decode(output[start:])[0]
    about = [finding["message"] for finding in result["findings"] if "newrelic" in finding["message"] or "no_such" in finding["message"]]
    assert len(about) == 2, about


def test_nothing_ran_on_the_host_before_the_refusal(refused_run):
    unused_code, output, before, after = refused_run
    assert after == before
    recap = re.search(r"PLAY RECAP \*+\n(.*)", output, re.S).group(1)
    assert not re.search(r"changed=[1-9]", recap), recap
    assert "magecloud.platform.common" not in output


def test_an_inventory_php_version_wins_over_the_project(php83_project):
    """The inventory names the PHP the host has: the project's php:8.3 no longer stops the plan, and
    the plan still reads the rest of the project (the unknown extension stays an error)."""
    unused_code, output = playbook("site.yml", *FROM_DEBIAN, "-e", "php_version=8.2", "-e", f"magecloud_project_dir={php83_project}")
    assert UNKNOWN_ERROR.search(output), output[-4000:]
    assert not PHP_83_ON_DEBIAN_12.search(output), output[-4000:]
    assert "php_version = 8.2 (inventory)" in output
