# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version resolution per host: every official template on Debian 12 and 13, then each rule on a small
project whose findings must name the exact file, line, column, key and text."""

import pathlib

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR, WARNING
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import Project, directory_reader, read_project
from ansible_collections.magecloud.platform.plugins.plugin_utils.stack_resolution import apply_overrides, resolve_host

from cloud_project_fixtures import reader

TEMPLATES = pathlib.Path(__file__).resolve().parents[5] / "shared" / "corpus" / "magento-cloud-templates"
TEMPLATE_NAMES = sorted(path.name for path in TEMPLATES.iterdir()) if TEMPLATES.is_dir() else []
NEEDS_CORPUS = pytest.mark.skipif(not TEMPLATES.is_dir(), reason="the shared corpus is not beside this checkout")
ALL_LAYERS = {"php", "mariadb", "redis", "rabbitmq", "opensearch"}
APP, SERVICES = ".magento.app.yaml", ".magento/services.yaml"

# Errors on each template that php_source does not change (services), per Debian release. The
# templates carry no composer.lock: their Magento version is the directory's (master: unknown).
NO_MARIADB_FOR_244 = ("no Debian release provides a MariaDB that Magento 2.4.4 supports: upgrade Magento, "
                      "or run MariaDB outside magecloud.platform")
SERVICE_ERRORS = {
    ("2.4.4", "12"): [
        f".magento/services.yaml:6:5: error: mysql.type: mysql:10.6 — Debian 12 provides MariaDB 10.11, Debian 13 MariaDB 11.8; "
        f"Magento 2.4.4 supports 10.4 to 10.6 ({NO_MARIADB_FOR_244})",
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 12 provides Redis 7.0, Debian 13 Redis 8.0; "
        "Magento 2.4.4 supports 6.2 to 7.2 (type: redis:7.0)"],
    ("2.4.4", "13"): [
        f".magento/services.yaml:6:5: error: mysql.type: mysql:10.6 — Debian 13 provides MariaDB 11.8, Debian 12 MariaDB 10.11; "
        f"Magento 2.4.4 supports 10.4 to 10.6 ({NO_MARIADB_FOR_244})",
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 13 provides Redis 8.0, Debian 12 Redis 7.0; "
        "Magento 2.4.4 supports 6.2 to 7.2 (use Debian 12 hosts with type: redis:7.0)"],
    ("2.4.5", "12"): [
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 12 provides Redis 7.0, Debian 13 Redis 8.0; "
        "Magento 2.4.5 supports 6.2 to 7.2 (type: redis:7.0)"],
    ("2.4.5", "13"): [
        ".magento/services.yaml:6:5: error: mysql.type: mysql:10.11 — Debian 13 provides MariaDB 11.8, Debian 12 MariaDB 10.11; "
        "Magento 2.4.5 supports 10.4 to 10.11 (use Debian 12 hosts)",
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 13 provides Redis 8.0, Debian 12 Redis 7.0; "
        "Magento 2.4.5 supports 6.2 to 7.2 (use Debian 12 hosts with type: redis:7.0)"],
    ("2.4.6", "12"): [
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 12 provides Redis 7.0, Debian 13 Redis 8.0; "
        "Magento 2.4.6 supports 7.0 to 7.2 (use Debian 13 hosts with type: valkey:8.1, or type: redis:7.0)"],
    ("2.4.6", "13"): [
        ".magento/services.yaml:6:5: error: mysql.type: mysql:10.11 — Debian 13 provides MariaDB 11.8, Debian 12 MariaDB 10.11; "
        "Magento 2.4.6 supports 10.6 to 10.11 (use Debian 12 hosts)",
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 13 provides Redis 8.0, Debian 12 Redis 7.0; "
        "Magento 2.4.6 supports 7.0 to 7.2 (use Debian 12 hosts with type: redis:7.0, or type: valkey:8.1)"],
    ("2.4.7", "12"): [
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 12 provides Redis 7.0, Debian 13 Redis 8.0; "
        "Magento 2.4.7 supports 7.2 (use Debian 13 hosts with type: valkey:8.1)"],
    ("2.4.7", "13"): [
        ".magento/services.yaml:10:5: error: redis.type: redis:7.2 — Debian 13 provides Redis 8.0, Debian 12 Redis 7.0; "
        "Magento 2.4.7 supports 7.2 (type: valkey:8.1)"],
    ("2.4.8", "12"): [
        ".magento/services.yaml:6:5: error: mysql.type: mysql:11.4 — Debian 12 provides MariaDB 10.11, Debian 13 MariaDB 11.8; "
        "Magento 2.4.8 supports 11.4 to 11.8 (use Debian 13 hosts with their MariaDB 11.8)",
        ".magento/services.yaml:13:5: error: cache.type: valkey:8.0 — Debian 12 provides no Valkey, Debian 13 Valkey 8.1; "
        "Magento 2.4.8 supports 8.x (use Debian 13 hosts with their Valkey 8.1)",
        ".magento/services.yaml:16:5: error: opensearch.type: opensearch:3 — OpenSearch 3 needs Java 21; Debian 12 provides OpenJDK 17, "
        "Debian 13 OpenJDK 21; Magento 2.4.8 supports 2.19 to 3.x (use Debian 13 hosts, or type: opensearch:2.19)"],
    ("2.4.8-php8.3", "12"): [
        ".magento/services.yaml:6:5: error: mysql.type: mysql:10.6 — Debian 12 provides MariaDB 10.11, Debian 13 MariaDB 11.8; "
        "Magento 2.4.8 supports 11.4 to 11.8 (use Debian 13 hosts with their MariaDB 11.8)",
        ".magento/services.yaml:13:3: error: cache.type: valkey:8.0 — Debian 12 provides no Valkey, Debian 13 Valkey 8.1; "
        "Magento 2.4.8 supports 8.x (use Debian 13 hosts with their Valkey 8.1)"],
    ("2.4.9-beta", "12"): [
        ".magento/services.yaml:6:5: error: mysql.type: mysql:11.4 — Debian 12 provides MariaDB 10.11, Debian 13 MariaDB 11.8; "
        "Magento 2.4.9 supports 11.4 to 11.8 (use Debian 13 hosts with their MariaDB 11.8)",
        ".magento/services.yaml:13:5: error: cache.type: valkey:8.0 — Debian 12 provides no Valkey, Debian 13 Valkey 8.1; "
        "Magento 2.4.9 supports 8.x to 9.x (use Debian 13 hosts with their Valkey 8.1)",
        ".magento/services.yaml:16:5: error: opensearch.type: opensearch:3 — OpenSearch 3 needs Java 21; Debian 12 provides OpenJDK 17, "
        "Debian 13 OpenJDK 21; Magento 2.4.9 supports 3.x (use Debian 13 hosts)"],
    ("master", "12"): [
        ".magento/services.yaml:6:5: error: mysql.type: mysql:11.4 — Debian 12 provides MariaDB 10.11, Debian 13 MariaDB 11.8 "
        "(use Debian 13 hosts with their MariaDB 11.8, or type: mysql:10.11)",
        ".magento/services.yaml:13:3: error: cache.type: valkey:8.0 — Debian 12 provides no Valkey, Debian 13 Valkey 8.1 "
        "(use Debian 13 hosts with their Valkey 8.1, or type: redis:7.0)",
        ".magento/services.yaml:16:5: error: opensearch.type: opensearch:3 — OpenSearch 3 needs Java 21; Debian 12 provides OpenJDK 17, "
        "Debian 13 OpenJDK 21 (use Debian 13 hosts, or type: opensearch:2.19)"],
}
SERVICE_ERRORS[("2.4.7-appserver", "12")] = SERVICE_ERRORS[("2.4.7", "12")]
SERVICE_ERRORS[("2.4.7-appserver", "13")] = SERVICE_ERRORS[("2.4.7", "13")]
SERVICE_ERRORS[("2.4.8-appserver", "12")] = [error.replace("mysql.type: mysql:", "mariadb.type: mariadb:")
                                             for error in SERVICE_ERRORS[("2.4.8", "12")]]

# The PHP error with php_source debian; with auto every template's PHP resolves (Debian's or sury's).
PHP_81_ON_12 = (".magento.app.yaml:8:1: error: type: php:8.1 — Debian 12 provides PHP 8.2, Debian 13 PHP 8.4; "
                "Magento {} supports 8.1 (php_source: sury)")
PHP_81_ON_13 = (".magento.app.yaml:8:1: error: type: php:8.1 — Debian 13 provides PHP 8.4, Debian 12 PHP 8.2; "
                "Magento {} supports 8.1 (php_source: sury)")
PHP_83_ON_12_FOR_247 = (".magento.app.yaml:8:1: error: type: php:8.3 — Debian 12 provides PHP 8.2, Debian 13 PHP 8.4; "
                        "Magento 2.4.7 supports 8.2 and 8.3 (type: php:8.2, or php_source: sury)")
PHP_83_ON_13_FOR_247 = (".magento.app.yaml:8:1: error: type: php:8.3 — Debian 13 provides PHP 8.4, Debian 12 PHP 8.2; "
                        "Magento 2.4.7 supports 8.2 and 8.3 (use Debian 12 hosts with type: php:8.2, or php_source: sury)")
PHP_84_ON_12_FOR_248 = (".magento.app.yaml:8:1: error: type: php:8.4 — Debian 12 provides PHP 8.2, Debian 13 PHP 8.4; "
                        "Magento 2.4.8 supports 8.3 and 8.4 (use Debian 13 hosts, or php_source: sury)")
PHP_DEBIAN_ERRORS = {
    ("2.4.4", "12"): PHP_81_ON_12.format("2.4.4"), ("2.4.4", "13"): PHP_81_ON_13.format("2.4.4"),
    ("2.4.5", "12"): PHP_81_ON_12.format("2.4.5"), ("2.4.5", "13"): PHP_81_ON_13.format("2.4.5"),
    ("2.4.6", "13"): ".magento.app.yaml:8:1: error: type: php:8.2 — Debian 13 provides PHP 8.4, Debian 12 PHP 8.2; "
                     "Magento 2.4.6 supports 8.1 and 8.2 (use Debian 12 hosts, or php_source: sury)",
    ("2.4.7", "12"): PHP_83_ON_12_FOR_247, ("2.4.7", "13"): PHP_83_ON_13_FOR_247,
    ("2.4.7-appserver", "12"): PHP_83_ON_12_FOR_247, ("2.4.7-appserver", "13"): PHP_83_ON_13_FOR_247,
    ("2.4.8", "12"): PHP_84_ON_12_FOR_248, ("2.4.8-appserver", "12"): PHP_84_ON_12_FOR_248,
    ("2.4.8-php8.3", "12"): ".magento.app.yaml:8:1: error: type: php:8.3 — Debian 12 provides PHP 8.2, Debian 13 PHP 8.4; "
                            "Magento 2.4.8 supports 8.3 and 8.4 (use Debian 13 hosts with their PHP 8.4, or php_source: sury)",
    ("2.4.9-beta", "12"): ".magento.app.yaml:8:1: error: type: php:8.5 — Debian 12 provides PHP 8.2, Debian 13 PHP 8.4; "
                          "Magento 2.4.9 supports 8.3 to 8.5 (use Debian 13 hosts with type: php:8.4, or php_source: sury)",
    ("2.4.9-beta", "13"): ".magento.app.yaml:8:1: error: type: php:8.5 — Debian 13 provides PHP 8.4, Debian 12 PHP 8.2; "
                          "Magento 2.4.9 supports 8.3 to 8.5 (type: php:8.4, or php_source: sury)",
    ("master", "12"): ".magento.app.yaml:8:1: error: type: php:8.4 — Debian 12 provides PHP 8.2, Debian 13 PHP 8.4 "
                      "(use Debian 13 hosts, or type: php:8.2, or php_source: sury)",
}
# Where each template runs with no error at all: the 2.4.8 line on Debian 13; older templates ask for
# redis:7.2, which neither release provides in a version their Magento supports (the errors say what to change).
RUNS_WITHOUT_CHANGES = {"2.4.8": "13", "2.4.8-appserver": "13", "2.4.8-php8.3": "13", "2.4.9-beta": "13", "master": "13"}


def template(name):
    project = read_project(directory_reader(str(TEMPLATES / name)))
    return project, (None if name == "master" else name.partition("-")[0])


def errors(findings):
    return [str(finding) for finding in findings if finding.severity == ERROR]


@NEEDS_CORPUS
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
@pytest.mark.parametrize("release", ["12", "13"])
@pytest.mark.parametrize("php_source", ["debian", "auto"])
def test_template_resolution_table(name, release, php_source):
    project, magento_version = template(name)
    values, findings = resolve_host(project, release, ALL_LAYERS, php_source, magento_version)
    php_error = PHP_DEBIAN_ERRORS.get((name, release)) if php_source == "debian" else None
    expected = ([php_error] if php_error else []) + SERVICE_ERRORS.get((name, release), [])
    assert errors(findings) == expected
    assert ("php_version" in values) == (php_error is None)


@NEEDS_CORPUS
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_each_template_runs_where_the_table_says(name):
    project, magento_version = template(name)
    runs = [release for release in ("12", "13")
            if not errors(resolve_host(project, release, ALL_LAYERS, magento_version=magento_version)[1])]
    assert runs == ([RUNS_WITHOUT_CHANGES[name]] if name in RUNS_WITHOUT_CHANGES else [])


@NEEDS_CORPUS
def test_template_248_on_debian_13_values_and_their_sources():
    project, magento_version = template("2.4.8")
    values, findings = resolve_host(project, "13", ALL_LAYERS, "debian", magento_version)
    assert values == {
        "php_version": {"value": "8.4", "source": ".magento.app.yaml:8:1"},
        "php_source": {"value": "debian", "source": ".magento.app.yaml:8:1"},
        "php_extension_packages": {"value": ["php8.4-xsl"], "source": ".magento.app.yaml:18:5"},
        "php_disabled_extensions": {"value": [], "source": "Debian 13 default"},
        "mariadb_version": {"value": "11.8", "source": ".magento/services.yaml:6:5"},
        "redis_engine": {"value": "valkey", "source": ".magento/services.yaml:13:5"},
        "redis_version": {"value": "8.1", "source": ".magento/services.yaml:13:5"},
        "rabbitmq_version": {"value": "4.0", "source": "Debian 13 default"},
        "opensearch_engine": {"value": "opensearch", "source": ".magento/services.yaml:16:5"},
        "opensearch_version": {"value": "3.3.0", "source": ".magento/services.yaml:16:5"},
    }
    assert [str(finding) for finding in findings] == [
        ".magento/services.yaml:6:5: warning: mysql.type: mysql:11.4 requested, Debian 13 provides MariaDB 11.8, "
        "which Magento 2.4.8 supports",
        ".magento/services.yaml:13:5: warning: cache.type: valkey:8.0 requested, Debian 13 provides Valkey 8.1, "
        "which Magento 2.4.8 supports"]


def small_project(app_type="php:8.3", services="", extensions=(), disabled=(), magento_version="2.4.8"):
    app = f"name: app\ntype: {app_type}\n"
    if extensions or disabled:
        app += "runtime:\n" + "".join(f"    {key}:\n" + "".join(f"        - {name}\n" for name in names)
                                      for key, names in (("extensions", extensions), ("disabled_extensions", disabled)) if names)
    return read_project(reader({APP: app, SERVICES: services}), magento_version=magento_version)


def only(findings, severity):
    assert [finding.severity for finding in findings] == [severity]
    return findings[0]


def test_php_83_on_debian_12_from_debian_names_every_way_out():
    values, findings = resolve_host(small_project(), "12", {"php"}, "debian")
    error = only(findings, ERROR)
    assert (error.file, error.line, error.column, error.path) == (APP, 2, 1, "type")
    assert error.message == "php:8.3 — Debian 12 provides PHP 8.2, Debian 13 PHP 8.4; Magento 2.4.8 supports 8.3 and 8.4"
    assert error.suggestion == "use Debian 13 hosts with their PHP 8.4, or php_source: sury"
    assert values == {}


@pytest.mark.parametrize("php_source", ["auto", "sury"])
def test_php_debian_lacks_comes_from_sury(php_source):
    values, findings = resolve_host(small_project(extensions=["intl"]), "12", {"php"}, php_source)
    assert findings == []
    assert values["php_version"] == {"value": "8.3", "source": ".magento.app.yaml:2:1"}
    assert values["php_source"] == {"value": "sury", "source": ".magento.app.yaml:2:1"}
    assert values["php_extension_packages"]["value"] == ["php8.3-intl"]


def test_auto_prefers_debian_when_it_has_the_version():
    values, findings = resolve_host(small_project("php:8.4"), "13", {"php"}, "auto")
    assert (findings, values["php_source"]["value"], values["php_version"]["value"]) == ([], "debian", "8.4")


def test_php_newer_than_debian_and_not_in_sury_is_an_error():
    unused_values, findings = resolve_host(small_project("php:8.6", magento_version=None), "13", {"php"}, "auto")
    error = only(findings, ERROR)
    assert (error.file, error.line, error.path) == (APP, 2, "type")
    assert error.message == "php:8.6 — Debian 13 provides PHP 8.4, Debian 12 PHP 8.2"
    assert error.suggestion == "type: php:8.5"


def test_php_source_sury_without_the_version_is_an_error():
    unused_values, findings = resolve_host(small_project("php:7.3", magento_version=None), "12", {"php"}, "sury")
    error = only(findings, ERROR)
    assert error.message == "php:7.3 — the sury repository provides PHP 7.4, 8.0, 8.1, 8.2, 8.3, 8.4, 8.5"
    assert error.suggestion == "type: php:8.5"


def test_mariadb_114_on_13_warns_naming_both_versions():
    project = small_project("php:8.4", "mysql:\n    type: mariadb:11.4\n")
    values, findings = resolve_host(project, "13", {"mariadb"})
    warning = only(findings, WARNING)
    assert (warning.file, warning.line, warning.column, warning.path) == (SERVICES, 2, 5, "mysql.type")
    assert warning.message == "mariadb:11.4 requested, Debian 13 provides MariaDB 11.8, which Magento 2.4.8 supports"
    assert values == {"mariadb_version": {"value": "11.8", "source": ".magento/services.yaml:2:5"}}


def test_unknown_magento_version_warns_about_a_newer_version_and_refuses_an_older_one():
    project = small_project("php:8.4", "db:\n    type: mysql:10.6\ncache:\n    type: redis:7.2\n", magento_version=None)
    unused_values, findings = resolve_host(project, "12", {"mariadb", "redis"})
    assert [(f.severity, f.line, f.message, f.suggestion) for f in findings] == [
        (WARNING, 2, "mysql:10.6 requested, Debian 12 provides MariaDB 10.11; the Magento version is unknown, so its support "
         "is not checked", "commit composer.lock, or pass the Magento version"),
        (ERROR, 4, "redis:7.2 — Debian 12 provides Redis 7.0, Debian 13 Redis 8.0",
         "use Debian 13 hosts with their Redis 8.0, or type: redis:7.0")]


def test_valkey_on_12_is_an_error_with_redis_70_as_way_out_where_magento_supports_it():
    project = small_project("php:8.2", "cache:\n    type: valkey:8.0\n", magento_version="2.4.6")
    values, findings = resolve_host(project, "12", {"redis"})
    error = only(findings, ERROR)
    assert (error.file, error.line, error.column, error.path) == (SERVICES, 2, 5, "cache.type")
    assert error.message == "valkey:8.0 — Debian 12 provides no Valkey, Debian 13 Valkey 8.1; Magento 2.4.6 supports 8.x"
    assert error.suggestion == "use Debian 13 hosts with their Valkey 8.1, or type: redis:7.0"
    assert values == {}


def test_opensearch_3_on_12_needs_java_21():
    project = small_project("php:8.4", "search:\n    type: opensearch:3\n")
    unused_values, findings = resolve_host(project, "12", {"opensearch"})
    error = only(findings, ERROR)
    assert (error.file, error.line, error.path) == (SERVICES, 2, "search.type")
    assert error.message == ("opensearch:3 — OpenSearch 3 needs Java 21; Debian 12 provides OpenJDK 17, Debian 13 OpenJDK 21; "
                             "Magento 2.4.8 supports 2.19 to 3.x")
    assert error.suggestion == "use Debian 13 hosts, or type: opensearch:2.19"


@pytest.mark.parametrize("service_type, release, engine, version", [
    ("opensearch:2", "12", "opensearch", "2.19.1"),
    ("opensearch:2", "13", "opensearch", "2.19.1"),
    ("opensearch:3", "13", "opensearch", "3.3.0"),
    ("elasticsearch:7.17", "12", "elasticsearch", "7.17.25"),
    ("elasticsearch:7.17", "13", "elasticsearch", "7.17.25"),
])
def test_search_engine_archive_per_release(service_type, release, engine, version):
    project = small_project("php:8.4", f"search:\n    type: {service_type}\n", magento_version=None)
    values, findings = resolve_host(project, release, {"opensearch"})
    assert findings == []
    assert values == {"opensearch_engine": {"value": engine, "source": ".magento/services.yaml:2:5"},
                      "opensearch_version": {"value": version, "source": ".magento/services.yaml:2:5"}}


def test_older_elasticsearch_moves_to_717_with_a_warning_and_8_is_refused():
    project = small_project("php:8.1", "es:\n    type: elasticsearch:7.7\nes8:\n    type: elasticsearch:8.11\n", magento_version="2.4.4")
    values, findings = resolve_host(project, "12", {"opensearch"})
    assert [(f.severity, f.line, f.message, f.suggestion) for f in findings] == [
        (WARNING, 2, "elasticsearch:7.7 requested, magecloud.platform installs Elasticsearch 7.17, which Magento 2.4.4 supports", ""),
        (ERROR, 4, "elasticsearch:8.11 — magecloud.platform installs Elasticsearch 7.17; Magento 2.4.4 supports 7.16 and 7.17",
         "type: elasticsearch:7.17")]
    assert values["opensearch_version"]["value"] == "7.17.25"


def test_extensions_become_packages_of_the_resolved_php():
    project = small_project("php:8.4", extensions=["xsl", "sodium", "pdo_mysql", "redis", "excimer"], disabled=["xdebug"])
    values, findings = resolve_host(project, "13", {"php"}, "debian")
    assert findings == []
    assert values["php_extension_packages"] == {"value": ["php8.4-excimer", "php8.4-mysql", "php8.4-redis", "php8.4-xsl"],
                                                "source": ".magento.app.yaml:4:5"}
    assert values["php_disabled_extensions"] == {"value": ["xdebug"], "source": ".magento.app.yaml:10:5"}


def test_debian_12_names_excimer_without_the_php_version():
    values, findings = resolve_host(small_project("php:8.2", extensions=["excimer"], magento_version=None), "12", {"php"}, "debian")
    assert (findings, values["php_extension_packages"]["value"]) == ([], ["php-excimer"])


def test_imap_is_missing_from_debian_13_but_not_from_sury():
    project = small_project("php:8.4", extensions=["imap"])
    unused_values, findings = resolve_host(project, "13", {"php"}, "debian")
    error = only(findings, ERROR)
    assert (error.file, error.line, error.column, error.path) == (APP, 5, 11, "runtime.extensions.0")
    assert error.message == "extension `imap` has no package in Debian 13 for PHP 8.4"
    assert error.suggestion == "set php_source: sury (its repository builds it), or remove it"
    values, findings = resolve_host(small_project("php:8.3", extensions=["imap"]), "13", {"php"}, "auto")
    assert (findings, values["php_extension_packages"]["value"]) == ([], ["php8.3-imap"])


def test_vendor_and_unknown_extensions_are_reported_once_by_the_reader_not_per_host():
    project = small_project("php:8.4", extensions=["xsl", "newrelic", "frobnicate"])
    values, findings = resolve_host(project, "13", {"php"})
    assert findings == []
    assert values["php_extension_packages"]["value"] == ["php8.4-xsl"]
    assert [(f.severity, f.line, f.path) for f in project.findings if f.path.startswith("runtime")] == [
        (WARNING, 6, "runtime.extensions.1"), (ERROR, 7, "runtime.extensions.2")]


def test_mixed_hosts_resolve_each_for_its_own_release_and_layers():
    project = small_project("php:8.4", "mysql:\n    type: mysql:10.11\n", magento_version=None)
    web_values, web_findings = resolve_host(project, "13", {"php"}, "debian")
    database_values, database_findings = resolve_host(project, "12", {"mariadb"}, "debian")
    assert (web_findings, sorted(web_values)) == ([], ["php_disabled_extensions", "php_extension_packages", "php_source", "php_version"])
    assert web_values["php_version"]["value"] == "8.4"
    assert (database_findings, database_values) == ([], {"mariadb_version": {"value": "10.11", "source": ".magento/services.yaml:2:5"}})
    unused_values, findings_on_13 = resolve_host(project, "13", {"mariadb"}, "debian")
    assert [(f.severity, f.line, f.path) for f in findings_on_13] == [(WARNING, 2, "mysql.type")]


def test_layers_the_project_does_not_ask_for_take_the_release_default():
    project = small_project("php:8.4", magento_version=None)
    values_12, findings_12 = resolve_host(project, "12", {"mariadb", "redis", "rabbitmq", "opensearch"})
    values_13, findings_13 = resolve_host(project, "13", {"redis", "opensearch"})
    assert findings_12 == findings_13 == []
    assert {name: value["value"] for name, value in values_12.items()} == {
        "mariadb_version": "10.11", "redis_engine": "redis", "redis_version": "7.0", "rabbitmq_version": "3.10",
        "opensearch_engine": "opensearch", "opensearch_version": "2.19.1"}
    assert {name: value["value"] for name, value in values_13.items()} == {
        "redis_engine": "valkey", "redis_version": "8.1", "opensearch_engine": "opensearch", "opensearch_version": "3.3.0"}
    assert {value["source"] for value in values_12.values()} == {"Debian 12 default"}


def test_two_services_for_one_layer_that_resolve_differently_warn_at_the_second():
    project = small_project("php:8.4", "cache:\n    type: valkey:8.1\nsession:\n    type: redis:8.0\n", magento_version=None)
    values, findings = resolve_host(project, "13", {"redis"})
    warning = only(findings, WARNING)
    assert (warning.line, warning.path) == (4, "session.type")
    assert warning.message == "this host runs one Redis; it is set up for `cache`"
    assert values["redis_engine"]["value"] == "valkey"


def test_a_project_without_documents_still_resolves_with_positions_at_line_1():
    project = Project(app={"type": "php:8.3"}, magento_version="2.4.8")
    unused_values, findings = resolve_host(project, "12", {"php"}, "debian")
    assert [(f.file, f.line, f.column, f.path) for f in findings] == [(APP, 1, 1, "type")]


@pytest.mark.parametrize("release, php_source, message", [
    ("11", "auto", "Debian 11 is not supported; supported releases: 12, 13"),
    ("13", "ppa", "php_source must be one of debian, sury, auto, not 'ppa'"),
])
def test_bad_release_or_php_source_is_refused(release, php_source, message):
    with pytest.raises(ValueError, match=message):
        resolve_host(small_project(), release, {"php"}, php_source)


def test_inventory_values_win_and_say_so():
    values = {"php_version": {"value": "8.4", "source": ".magento.app.yaml:2:1"},
              "mariadb_version": {"value": "11.8", "source": "Debian 13 default"}}
    merged = apply_overrides(values, {"php_version": "8.3"})
    assert merged == {"php_version": {"value": "8.3", "source": "inventory"},
                      "mariadb_version": {"value": "11.8", "source": "Debian 13 default"}}
    assert values["php_version"]["value"] == "8.4"


def test_release_tables_have_the_same_keys_and_exceptions_name_known_extensions():
    releases = table("debian_releases")["releases"]
    assert len({tuple(sorted(facts)) for facts in releases.values()}) == 1
    extensions = table("php_extensions")
    assert set(extensions["debian"]) == set(releases)
    for exceptions in extensions["debian"].values():
        assert set(exceptions) <= set(extensions["packages"])


def test_an_inventory_php_version_silences_the_project_type_and_keeps_its_extensions():
    values, findings = resolve_host(small_project(extensions=["intl"]), "12", {"php"}, "debian", pinned={"php_version": "8.2"})
    assert findings == []
    assert values["php_version"] == {"value": "8.2", "source": "inventory"}
    assert values["php_extension_packages"]["value"] == ["php8.2-intl"]


def test_inventory_extension_packages_silence_what_the_release_lacks():
    project = small_project("php:8.4", extensions=["imap"])
    assert only(resolve_host(project, "13", {"php"}, "debian")[1], ERROR).path == "runtime.extensions.0"
    values, findings = resolve_host(project, "13", {"php"}, "debian", pinned={"php_extension_packages": ["php8.4-intl"]})
    assert findings == []
    assert values["php_extension_packages"]["value"] == []


def test_an_inventory_service_version_silences_the_project_type_and_keeps_its_engine():
    project = small_project("php:8.2", "cache:\n    type: redis:7.2\n", magento_version="2.4.6")
    values, findings = resolve_host(project, "12", {"redis"}, pinned={"redis_version": "7.0"})
    assert findings == []
    assert values == {"redis_engine": {"value": "redis", "source": ".magento/services.yaml:2:5"},
                      "redis_version": {"value": "7.0", "source": "inventory"}}
