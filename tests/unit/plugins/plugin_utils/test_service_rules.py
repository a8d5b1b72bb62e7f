"""Service checks as ece-tools makes them at deploy, on projects built inline from the template-shaped
fixtures. Each case restates the data of the ece-tools unit test it comes from (src/Test/Unit/...)
and asserts the exact severity, file, line and key path of every finding of the rule."""

import json
from datetime import date

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.composer_data import (
    Lock, magento_key, newest_minor, parse_constraint)
from ansible_collections.magecloud.platform.plugins.plugin_utils.service_rules import eol_message, eol_verdict
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

from cloud_project_fixtures import SUPPORTED_DAY, project_files, reader

APP, SERVICES, ENV = ".magento.app.yaml", ".magento/services.yaml", ".magento.env.yaml"
OS_REL = '    opensearch: "opensearch:opensearch"\n'
MQ_REL = '    rabbitmq: "rabbitmq:rabbitmq"\n'
ES_SERVICE = "\nelasticsearch:\n    type: elasticsearch:7.17\n    disk: 1024\n"


def line_of(text, marker):
    return next(number for number, content in enumerate(text.splitlines(), start=1) if marker in content)


def edit(files, name, old, new):
    assert old in files[name], f"{old!r} not in {name}"
    files[name] = files[name].replace(old, new, 1)


def lock(version, *packages, base_php=None):
    listed = [{"name": "magento/product-community-edition", "version": version}]
    if base_php:
        listed.append({"name": "magento/magento2-base", "version": version, "require": {"php": base_php}})
    listed += [{"name": name, "version": "1.0.0"} for name in packages]
    return json.dumps({"packages": listed}, indent=4)


def found(files, version=None, today=SUPPORTED_DAY, fragment=""):
    findings = read_project(reader(files), magento_version=version, today=today).findings
    return [(f.severity, f.file, f.line, f.path) for f in findings if fragment in f.message]


def search_findings(files, version):
    findings = read_project(reader(files), magento_version=version, today=SUPPORTED_DAY).findings
    return [(f.severity, f.file, f.line, f.path) for f in findings if f.file == APP and f.path.startswith("relationships")]


# --- search service by relationship name: ElasticsearchIntegrityTest, OpenSearchIntegrity, both installed ---

def with_relationships(opensearch=True, elasticsearch=False, renamed=None, live_search=False):
    files = project_files("2.4.7")
    if not opensearch:
        edit(files, APP, OS_REL, f'    {renamed}: "opensearch:opensearch"\n' if renamed else "")
    if elasticsearch:
        edit(files, APP, MQ_REL, '    elasticsearch: "elasticsearch:elasticsearch"\n' + MQ_REL)
        files[SERVICES] += ES_SERVICE
    if live_search:
        edit(files, "app/etc/config.php", "        'Magento_Store' => 1,", "        'Magento_LiveSearchAdapter' => 1,")
    return files


@pytest.mark.parametrize("version, layout, expected", [
    # testValidate: below 2.4.0 no search service is needed
    ("2.3.5", dict(opensearch=False), []),
    # testValidateNoElasticSearchAndNoOpenSearchMagentoGreater244: neither -> the deploy stops
    ("2.4.4", dict(opensearch=False), [("error", "relationships:")]),
    # testValidateWithElasticSearchNoOrWithOpenSearch240: 2.4.0 with Elasticsearch
    ("2.4.0", dict(opensearch=False, elasticsearch=True), []),
    # testValidateWithElasticSearchNoOpenSearch244
    ("2.4.4", dict(opensearch=False, elasticsearch=True), []),
    # testValidateWithOrNoElasticSearchWithOpenSearch244
    ("2.4.4", dict(), []),
    # testValidateNoElasticSearchWithOpenSearch240: Elasticsearch missing, and OpenSearch not supported before 2.4.3-p2
    ("2.4.0", dict(), [("error", "relationships:"), ("error", "opensearch: ")]),
    # testValidateNoElasticSearchAndNoOpenSearchWithLiveSearchEnabledMagentoGreater244
    ("2.4.4", dict(opensearch=False, live_search=True), []),
    # OpenSearchIntegrity: versions '>=2.3.7-p3 <2.4.0 || >=2.4.3-p2' support OpenSearch
    ("2.3.7-p3", dict(), []),
    ("2.3.7-p2", dict(), [("error", "opensearch: ")]),
    ("2.4.3-p1", dict(), [("error", "relationships:"), ("error", "opensearch: ")]),
    ("2.4.3-p2", dict(), []),
    # a renamed relationship is not found either; the finding points at it
    ("2.4.7", dict(opensearch=False, renamed="search"), [("error", "search: ")]),
    # OpenSearchElasticSearchBothInstalled: a warning whatever the version
    ("2.4.7", dict(elasticsearch=True), [("warning", "elasticsearch: ")]),
    # without composer.lock the version is unknown: a warning, not ece-tools' verdict
    (None, dict(opensearch=False), [("warning", "relationships:")]),
], ids=["2.3.5-none", "2.4.4-none", "2.4.0-es", "2.4.4-es", "2.4.4-os", "2.4.0-os", "2.4.4-live-search",
        "2.3.7-p3-os", "2.3.7-p2-os", "2.4.3-p1-os", "2.4.3-p2-os", "renamed", "both", "unknown-version"])
def test_search_service_is_found_by_relationship_name(version, layout, expected):
    files = with_relationships(**layout)
    if version is None:
        del files["composer.lock"]
    app = files[APP]
    wanted = [(severity, APP, line_of(app, marker), "relationships" + (
        "." + marker.strip().rstrip(":") if marker.strip() != "relationships:" else "")) for severity, marker in expected]
    assert sorted(search_findings(files, version)) == sorted(wanted)


# --- ElasticSuiteIntegrityTest ---

def elasticsuite_project(installed=True, opensearch=True, elasticsearch=False, engine=None):
    files = with_relationships(opensearch=opensearch, elasticsearch=elasticsearch)
    if installed:
        files["composer.lock"] = lock("2.4.7-p1", "smile/elasticsuite")
    if engine:
        edit(files, ENV, "        SPLIT_DB: []\n", f"        SPLIT_DB: []\n        SEARCH_CONFIGURATION:\n            engine: {engine}\n")
    return files


@pytest.mark.parametrize("layout, expected", [
    (dict(installed=False, opensearch=False), []),                           # testValidate
    (dict(), []),                                                            # testValidateEsOs
    (dict(opensearch=False, elasticsearch=True), []),                        # testValidateEs
    (dict(opensearch=True), []),                                             # testValidateOs
    (dict(opensearch=False), [("error", APP, "relationships:", "relationships")]),  # testValidateNoESandOSInstalled
    (dict(elasticsearch=True, engine="mysql"),                               # testValidateSearchEngineIsMysql
     [("error", ENV, "engine: mysql", "stage.deploy.SEARCH_CONFIGURATION.engine")]),
    (dict(elasticsearch=True, engine="elasticsuite"), []),                   # testValidateNoErrors
], ids=["absent", "es-os", "es", "os", "no-search", "engine-mysql", "engine-elasticsuite"])
def test_elasticsuite_integrity(layout, expected):
    files = elasticsuite_project(**layout)
    wanted = [(severity, name, line_of(files[name], marker), path) for severity, name, marker, path in expected]
    assert found(files, fragment="ElasticSuite") == wanted


# --- ServiceEol: EolValidatorTest data, then the project's services with data/eol.yml ---

ECE_TOOLS_TEST_TABLE = {
    "php": [{"version": "7.0", "eol": date(2018, 12, 1)}, {"version": "7.1", "eol": date(2019, 12, 1)}],
    "elasticsearch": [{"version": "6.5", "eol": date(2020, 5, 14)}],
}


def test_eol_rule_on_ece_tools_test_data():
    # testValidateNoticeMessage: 2019-11-01, php 7.1.30, EOL 2019-12-01 -> approaching (a notice there)
    verdict = eol_verdict(ECE_TOOLS_TEST_TABLE["php"], "7.1.30", date(2019, 11, 1))
    assert (verdict.ours, str(verdict.entry["eol"])) == ("approaching", "2019-12-01")
    assert "reaches its end of life on 2019-12-01" in eol_message("php", "7.1.30", verdict)[0]
    # testValidateWarningMessage: 2019-12-02, php 7.0, EOL 2018-12-01 -> passed (a warning)
    verdict = eol_verdict(ECE_TOOLS_TEST_TABLE["php"], "7.0", date(2019, 12, 2))
    assert verdict.ours == "passed"
    assert eol_message("php", "7.0", verdict)[0].startswith("PHP 7.0 passed its end of life on 2018-12-01")
    # testCompatibleVersion: elasticsearch 8.11 is in no entry; testValidateServiceWithoutConfigs: no rabbitmq table
    assert eol_verdict(ECE_TOOLS_TEST_TABLE["elasticsearch"], "8.11", date(2019, 12, 2)) is None
    assert eol_verdict(ECE_TOOLS_TEST_TABLE.get("rabbitmq"), "3.5", date(2019, 12, 2)) is None
    # testValidateServiceEol: every eol null -> nothing to report
    verdict = eol_verdict([{"version": "7.1", "eol": None}], "7.1", date(2019, 12, 2))
    assert (verdict.ours, verdict.ece_tools) == (None, None)


@pytest.mark.parametrize("today, status", [
    (date(2026, 8, 31), None),            # four whole months before 2026-12-31
    (date(2026, 9, 1), "approaching"),    # three whole months: ece-tools' NOTIFICATION_PERIOD
    (date(2026, 12, 30), "approaching"),
    (date(2026, 12, 31), "passed"),       # on the day itself the date is no longer in the future
])
def test_eol_notice_window_is_three_whole_months(today, status):
    assert eol_verdict([{"version": "8.2", "eol": date(2026, 12, 31)}], "8.2", today).ours == status


def test_php_past_its_end_of_life_is_a_warning_on_type_naming_the_date():
    files = project_files("2.4.4")   # php:8.1
    assert found(files, today=date(2026, 11, 27), fragment="PHP 8.1 passed its end of life on 2025-12-31") == [
        ("warning", APP, line_of(files[APP], "type: php:8.1"), "type")]
    assert found(files, today=SUPPORTED_DAY, fragment="end of life") == []


def test_php_approaching_its_end_of_life_is_a_warning_too():
    files = project_files("2.4.6")   # php:8.2, EOL 2026-12-31
    assert found(files, today=date(2026, 11, 27), fragment="PHP 8.2 reaches its end of life on 2026-12-31") == [
        ("warning", APP, line_of(files[APP], "type: php:8.2"), "type")]


def test_services_are_checked_through_ece_tools_relationship_names():
    files = project_files("2.4.4")   # rabbitmq:3.9, EOL 2023-01-31
    edit(files, APP, 'rabbitmq: "rabbitmq:rabbitmq"', 'mq: "rabbitmq:rabbitmq"')   # `mq` is one of its names
    assert found(files, today=date(2026, 11, 27), fragment="RabbitMQ 3.9 passed its end of life on 2023-01-31") == [
        ("warning", SERVICES, line_of(files[SERVICES], "type: rabbitmq:3.9"), "rabbitmq.type")]
    edit(files, APP, 'mq: "rabbitmq:rabbitmq"', 'queue: "rabbitmq:rabbitmq"')      # a name ece-tools does not read
    assert found(files, today=date(2026, 11, 27), fragment="RabbitMQ") == []


def test_where_our_date_differs_from_ece_tools_the_finding_names_both():
    files = project_files("2.4.8")   # opensearch:3: ece-tools says 2026-05-06, OpenSearch announced no end
    findings = [f for f in read_project(reader(files), today=date(2026, 11, 27)).findings if "OpenSearch 3" in f.message]
    assert [(f.severity, f.file, f.line, f.path) for f in findings] == [
        ("warning", SERVICES, line_of(files[SERVICES], "type: opensearch:3"), "opensearch.type")]
    assert "ece-tools' eol.yaml says OpenSearch 3 passed its end of life on 2026-05-06" in findings[0].message
    assert "opensearch.org: no end of life announced" in findings[0].message


def test_eol_table_entries_name_their_source():
    from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
    for service, entries in table("eol").items():
        for entry in entries:
            assert entry["source"], (service, entry)
            assert entry["eol"] is None or isinstance(entry["eol"], date), (service, entry)
    assert {entry["version"]: entry["eol"] for entry in table("eol")["php"]}["8.1"] == date(2025, 12, 31)


# --- PhpVersionTest ---

@pytest.mark.parametrize("php, requirement, expected_newest", [
    ("7.2", "~7.1.13|~7.2.0", None),          # validateDataProvider: matches -> success
    ("7.1", "~7.1.13|~7.2.0", "7.2"),         # validateDataProvider: does not match -> a warning
    ("8.3", "~8.1.0||~8.2.0||~8.3.0", None),
    ("8.2", "~8.1.0||~8.2.0||~8.3.0", "8.3"),
])
def test_php_version_recommended_by_magento2_base(php, requirement, expected_newest):
    files = project_files("2.4.7")
    edit(files, APP, "type: php:8.3", f"type: php:{php}")
    files["composer.lock"] = lock("2.4.7-p1", base_php=requirement)
    findings = [f for f in read_project(reader(files), today=SUPPORTED_DAY).findings if "recommends" in f.message]
    if expected_newest is None:
        assert findings == []
        return
    assert [(f.severity, f.file, f.line, f.path) for f in findings] == [
        ("warning", APP, line_of(files[APP], f"type: php:{php}"), "type")]
    assert f"satisfying `~{expected_newest}.0`" in findings[0].message
    assert findings[0].suggestion == f"set `type: php:{expected_newest}`"


def test_php_version_is_not_checked_without_magento2_base_or_from_git():
    files = project_files("2.4.7")
    edit(files, APP, "type: php:8.3", "type: php:8.2")
    # testValidationSuccessInstallFromComposerVersion: no magento/magento2-base in composer.lock
    assert found(files, fragment="recommends") == []
    # testValidationSuccessInstallFromGit: DEPLOYED_MAGENTO_VERSION_FROM_GIT set
    files["composer.lock"] = lock("2.4.7-p1", base_php="~8.2.0||~8.3.0")
    edit(files, ENV, "        MIN_LOGGING_LEVEL: info\n", "        MIN_LOGGING_LEVEL: info\n        DEPLOYED_MAGENTO_VERSION_FROM_GIT: '2.4.7'\n")
    assert found(files, fragment="recommends") == []


# --- the Composer answers these rules rely on ---

def test_magento_versions_sort_like_composer():
    assert magento_key("2.4.3") < magento_key("2.4.3-p1") < magento_key("2.4.3-p2") < magento_key("2.4.4")
    assert magento_key("2.4.9-beta1") < magento_key("2.4.9")
    assert magento_key("not a version") is None


@pytest.mark.parametrize("constraint, bounds, newest", [
    ("~8.3.0", ((8, 3, 0), (8, 4, 0)), "8.3"),
    ("^8.1", ((8, 1, 0), (9, 0, 0)), None),
    (">=8.1 <8.4", ((8, 1, 0), (8, 4, 0)), "8.3"),
    ("8.3.*", ((8, 3, 0), (8, 4, 0)), "8.3"),
    ("nonsense", None, None),
])
def test_php_constraints_as_ranges(constraint, bounds, newest):
    assert parse_constraint(constraint) == bounds
    if bounds:
        assert newest_minor(bounds) == newest


def test_lock_reads_packages_and_ignores_junk():
    assert Lock.parse(b"{not json").packages == {}
    assert Lock.parse(b"[1, 2]").packages == {}
    parsed = Lock.parse(lock("2.4.7", "smile/elasticsuite", base_php="~8.3.0").encode())
    assert parsed.has("smile/elasticsuite") and parsed.requires("magento/magento2-base", "php") == "~8.3.0"
