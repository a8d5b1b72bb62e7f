"""Static content deployed as the cloud deploys it, chosen by .magento.env.yaml: during the build into the
release, during the deploy into the pub/static mount while the old release serves, or on demand; each
under a short load through Varnish with no failed, torn or stale page, the new static files served
after the switch at their new version URL, and the .magento.env.yaml arguments reaching the command.
The deploy with static content on deploy also adds a module, so its setup:upgrade writes a config.php
into the app/etc mount that the committed one does not have."""

import json
import pathlib
import re
import sys
import time
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "benchmarks"))
from molecule_support import INVENTORY, SAMPLE_REPO, clone_sample_repo, commit, deploy, ok  # noqa: E402
from deploy_under_load import LoadGenerator, Timeline, container_address, run_deploy  # noqa: E402

APP_ROOT = "/var/www/magento"
SHARED_STATIC = f"{APP_ROOT}/shared/pub/static"
STYLES = "frontend/Sample/default/en_US/css/styles.min.css"
# The compact strategy keeps one copy per theme, under the `default` locale.
COMPACT_STYLES = "frontend/Sample/default/default/css/styles.min.css"
SCD_LINE = "        php bin/magento setup:static-content:deploy\n"
# Over the 300 bytes below which ece-tools compresses nothing.
WIDE_CSS = "".join(f".scd-rule-{index} {{ margin: {index}px; padding: {index}px; }}\n" for index in range(12))
CONFIG_WITH_SCOPES = """<?php
return [
    'modules' => [
        'Sample_Core' => 1,
        'Sample_Catalog' => 1
    ],
    'scopes' => [
        'websites' => [
            'base' => ['website_id' => '1', 'code' => 'base', 'name' => 'Main Website']
        ]
    ],
    'system' => [
        'default' => ['general' => ['locale' => ['code' => 'fr_FR']]]
    ]
];
"""
BUILD_ENV = """---
stage:
    global:
        SCD_ON_DEMAND: false
    build:
        SCD_STRATEGY: quick
        SCD_THREADS: 2
        VERBOSE_COMMANDS: -v
        SCD_MAX_EXECUTION_TIME: 900
        SCD_COMPRESSION_LEVEL: 9
        SCD_MATRIX:
            Magento/backend:
                language: []
            Sample/blank:
                language: [de_DE]
    deploy:
        SCD_STRATEGY: compact
"""
DEPLOY_ENV = """---
stage:
    deploy:
        SCD_STRATEGY: compact
        SCD_THREADS: 3
        SCD_COMPRESSION_LEVEL: 0
    build:
        SCD_STRATEGY: quick
"""
ON_DEMAND_ENV = """---
stage:
    global:
        SCD_ON_DEMAND: true
"""
EXTRA_MODULE = """<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="Sample_Extra">
        <sequence>
            <module name="Sample_Core"/>
        </sequence>
    </module>
</config>
"""
COMMAND_START = ["--ansi", "--no-interaction", "-f"]

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def current(host):
    return ok(host, f"readlink -f {APP_ROOT}/current").strip()


def get(host, path):
    """Status and body of a request through Varnish."""
    output = ok(host, f"curl -s -o /dev/stdout -w '\\n%{{http_code}}' -H 'Host: localhost' http://127.0.0.1{path}")
    body, unused_newline, status = output.rpartition("\n")
    return int(status), body


def scd_runs(host, static_dir):
    """The stand-in's record of each setup:static-content:deploy run into static_dir, oldest first."""
    text = ok(host, f"cat {static_dir}/deployed_arguments.log")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def repo(host, tmp_path_factory):
    """The sample app whose build hook leaves static content to the deploy, with a wider stylesheet."""
    clone = clone_sample_repo(tmp_path_factory.mktemp("scd"))
    app_yaml = clone / ".magento.app.yaml"
    assert SCD_LINE in app_yaml.read_text()
    app_yaml.write_text(app_yaml.read_text().replace(SCD_LINE, ""))
    (clone / "web" / "css" / "wide.css").write_text(WIDE_CSS)
    yield clone
    ok(host, "mariadb magento -e \"DELETE FROM core_config_data WHERE path = 'general/locale/code'; "
             "DELETE FROM setup_module WHERE module = 'Sample_Extra'\"")
    rc, output = deploy(SAMPLE_REPO)
    assert rc == 0, output[-3000:]


def deploy_under_load(host, repo, version, marker):
    """Commit version `version` of both version files and a stylesheet rule named `marker`, deploy it
    under 4 clients, and return the load's counts with the deploy's outcome."""
    for name in ("A", "B"):
        (repo / "app" / "code" / "Sample" / "Version" / f"{name}.php").write_text(f"<?php\nreturn 'v{version}';\n")
    (repo / "web" / "css" / "marker.css").write_text(f".{marker} {{ color: red; }}\n")
    commit(repo, f"v{version} with {marker}")
    timeline = Timeline()
    timeline.switched(time.time(), 0)
    load = LoadGenerator((container_address(host.backend.get_hostname()), 80), 4, 0.05)
    load.start()
    time.sleep(0.5)
    started = time.time()
    timeline.deploy_starts(started)
    outcome = run_deploy(INVENTORY, SimpleNamespace(path=repo))
    if outcome["rc"] == 0:
        timeline.switched(float(outcome["switch"]["switched_at"]), version)
    time.sleep(1)
    load.finish()
    assert outcome["rc"] == 0, outcome["failure"] or outcome["stderr"]
    counts, examples = timeline.classify(load.records_since(started))
    return counts, examples


def assert_clean_load(counts, examples):
    assert counts["responses"] > 50, counts
    assert (counts["non_2xx"], counts["connection_errors"], counts["torn"], counts["stale"]) == (0, 0, 0, 0), examples


def assert_new_static_served(host, static_dir, marker, styles=STYLES):
    version = ok(host, f"cat {static_dir}/deployed_version.txt")
    status, body = get(host, f"/static/version{version}/{styles}")
    assert status == 200 and f".{marker}{{color:red;}}" in body, body[:300]
    return version


@pytest.fixture(scope="module")
def on_build(host, repo):
    (repo / "app" / "etc" / "config.php").write_text(CONFIG_WITH_SCOPES)
    (repo / ".magento.env.yaml").write_text(BUILD_ENV)
    before = ok(host, f"cat {APP_ROOT}/current/pub/static/deployed_version.txt 2>/dev/null || echo none")
    load = deploy_under_load(host, repo, 201, "scd-on-build")
    return SimpleNamespace(load=load, release=current(host), version_before=before)


def test_on_build_static_content_is_in_the_release_and_served_after_a_clean_switch(host, on_build):
    assert_clean_load(*on_build.load)
    assert host.file(f"{APP_ROOT}/current/pub/static").is_directory
    assert not host.file(f"{on_build.release}/pub/static").is_symlink
    version = assert_new_static_served(host, f"{on_build.release}/pub/static", "scd-on-build")
    assert version != on_build.version_before
    status, body = get(host, "/")
    assert status == 200 and "a=v201 b=v201" in body


def test_on_build_the_build_stage_variables_reach_the_command(host, on_build):
    static = f"{on_build.release}/pub/static"
    options = ["-s", "quick", "-v", "--jobs", "2", "--no-html-minify", "--max-execution-time", "900"]
    assert [run["arguments"] for run in scd_runs(host, static)] == [
        COMMAND_START + options + ["--exclude-theme", "Magento/backend", "--exclude-theme", "Sample/blank", "en_US", "fr_FR"],
        COMMAND_START + options + ["--theme", "Sample/blank", "de_DE"]]
    assert host.file(f"{static}/frontend/Sample/blank/de_DE/css/styles.min.css").exists
    assert host.file(f"{static}/{STYLES}.gz").exists, "SCD_COMPRESSION_LEVEL 9 of the build made no gzip copy"


@pytest.fixture(scope="module")
def on_deploy(host, repo, on_build):
    (repo / "app" / "etc" / "config.php").write_text((SAMPLE_REPO / "app" / "etc" / "config.php").read_text())
    (repo / ".magento.env.yaml").write_text(DEPLOY_ENV)
    extra = repo / "app" / "code" / "Sample" / "Extra" / "etc"
    extra.mkdir(parents=True)
    (extra / "module.xml").write_text(EXTRA_MODULE)
    # A new module, unknown to the database, so that setup:db:status asks for setup:upgrade.
    ok(host, "mariadb magento -e \"REPLACE INTO core_config_data (path, value) VALUES ('general/locale/code', 'de_DE'); "
             "DELETE FROM setup_module WHERE module = 'Sample_Extra'\"")
    load = deploy_under_load(host, repo, 202, "scd-on-deploy")
    return SimpleNamespace(load=load, release=current(host), build_release=on_build.release)


def test_on_deploy_static_content_goes_into_the_mount_and_is_served_after_a_clean_switch(host, on_deploy):
    assert_clean_load(*on_deploy.load)
    assert host.file(f"{on_deploy.release}/pub/static").linked_to == SHARED_STATIC
    version = assert_new_static_served(host, SHARED_STATIC, "scd-on-deploy", COMPACT_STYLES)
    assert version != ok(host, f"cat {on_deploy.build_release}/pub/static/deployed_version.txt")
    status, body = get(host, "/")
    assert status == 200 and "a=v202 b=v202" in body


def test_on_deploy_the_deploy_stage_variables_and_the_database_locales_reach_the_command(host, on_deploy):
    assert scd_runs(host, SHARED_STATIC)[-1]["arguments"] == COMMAND_START + [
        "-s", "compact", "--jobs", "3", "--no-html-minify", "de_DE", "en_US"]
    assert host.file(f"{SHARED_STATIC}/frontend/Sample/default/de_DE/js-translation.json").exists
    assert not host.file(f"{SHARED_STATIC}/{COMPACT_STYLES}.gz").exists, \
        "SCD_COMPRESSION_LEVEL 0 of the deploy still made gzip copies"


def test_setup_upgrade_wrote_config_php_into_the_app_etc_mount_under_load(host, on_deploy):
    assert_clean_load(*on_deploy.load)
    config = ok(host, f"cat {APP_ROOT}/shared/app/etc/config.php")
    assert re.search(r"'Sample_Core' => 1,\s+'Sample_Catalog' => 1,\s+'Sample_Extra' => 1", config), config
    assert "Sample_Extra" not in ok(host, f"cat {on_deploy.release}/init/app/etc/config.php")


def test_on_demand_nothing_is_deployed_and_the_page_is_still_served(host, repo, on_deploy):
    (repo / ".magento.env.yaml").write_text(ON_DEMAND_ENV)
    assert_clean_load(*deploy_under_load(host, repo, 203, "scd-on-demand"))
    assert host.file(f"{APP_ROOT}/current/pub/static").linked_to == SHARED_STATIC
    assert ok(host, f"ls -A {SHARED_STATIC}") == ""
    assert ok(host, f"php -r '$c = include \"{APP_ROOT}/shared/app/etc/env.php\"; "
                    "echo $c[\"static_content_on_demand_in_production\"];'") == "1"
    status, body = get(host, "/")
    assert status == 200 and "a=v203 b=v203" in body
