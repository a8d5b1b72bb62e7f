"""The all-in-one Debian 13 host converged from the sample app's cloud files (the current Magento
line: php:8.4, mysql:11.4, valkey:8.0, opensearch:2.19, rabbitmq:4.0): what runs is what they ask."""

import json
import pathlib
import re
import sys

import pytest
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, PROJECT, SAMPLE_REPO, clone_sample_repo, commit, deploy, ok  # noqa: E402

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")

APP = yaml.safe_load((PROJECT / "examples" / "sample-app" / ".magento.app.yaml").read_text())
REDIS_PASSWORD = "molecule-redis-password"


def test_the_host_runs_debian_13(host):
    assert host.system_info.distribution == "debian" and host.system_info.release.startswith("13")


def test_php_is_the_version_the_project_asks_for(host):
    wanted = APP["type"].split(":")[1]
    assert ok(host, "php -r 'echo PHP_MAJOR_VERSION, \".\", PHP_MINOR_VERSION;'") == wanted
    assert host.service(f"php{wanted}-fpm").is_running


def test_every_requested_extension_is_loaded_in_fpm(host):
    modules = {line.strip().lower() for line in ok(host, "php-fpm8.4 -m").splitlines()}
    missing = [name for name in APP["runtime"]["extensions"] if name not in modules]
    assert not missing


def test_the_projects_php_ini_is_live_in_fpm_and_cli(host):
    assert re.search(r"^max_input_vars => 20000 => 20000$", ok(host, "php-fpm8.4 -i"), re.M)
    assert ok(host, "php -r 'echo ini_get(\"max_input_vars\");'") == "20000"


def test_nginx_serves_the_projects_web_locations(host):
    config = ok(host, "nginx -T 2>/dev/null")
    for path in APP["web"]["locations"]:
        assert re.search(rf"location \^?~? ?{re.escape(path)}", config), path


def test_mariadb_is_debian_13s_11_8(host):
    assert "11.8." in ok(host, "mariadb --version")


def test_the_cache_is_valkey_8(host):
    info = ok(host, f"REDISCLI_AUTH={REDIS_PASSWORD} valkey-cli -p 6380 INFO server")
    assert re.search(r"^valkey_version:8\.", info, re.M)
    assert host.service("valkey-server@cache").is_running and host.service("valkey-server@session").is_running


def test_rabbitmq_is_4_with_every_stable_feature_flag_on(host):
    assert ok(host, "rabbitmqctl --quiet version").startswith("4.")
    flags = ok(host, "rabbitmqctl --quiet list_feature_flags name state stability --no-table-headers").splitlines()
    assert not [line for line in flags if line.split()[1:] == ["disabled", "stable"]]


def test_opensearch_is_2_19_on_java_21(host):
    assert json.loads(ok(host, "curl -s http://127.0.0.1:9200/"))["version"]["number"].startswith("2.19.")
    assert 'version "21' in host.run("java -version").stderr


def test_a_release_asking_for_php_the_host_lacks_fails_before_the_switch(host, tmp_path):
    repo = clone_sample_repo(tmp_path)
    app_file = repo / ".magento.app.yaml"
    app_file.write_text(app_file.read_text().replace("        - xsl\n", "        - xsl\n        - gmp\n"))
    commit(repo, "needs gmp")
    before = ok(host, "readlink /var/www/magento/current")
    rc, out = deploy(repo)
    assert rc != 0
    assert "cannot run this release" in out and "lacks php8.4-gmp" in out
    assert ok(host, "readlink /var/www/magento/current") == before
    assert SAMPLE_REPO.exists()
