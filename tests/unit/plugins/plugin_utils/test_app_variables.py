"""variables.env, variables.php and build.flavor of .magento.app.yaml as the deploy applies them: the
environment's variables over the project's, php.ini over variables.php, composer.lock for composer."""

import base64
import json

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive, stack_plan
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

from cloud_project_fixtures import SUPPORTED_DAY, project_files, reader

APP = ".magento.app.yaml"
VARIABLES = """\
variables:
    env:
        CONFIG__DEFAULT__GENERAL__LOCALE__CODE: en_US
        FOO: bar
        RETRIES: 3
        FLAGS: [a, b]
    php:
        memory_limit: 1G
        display_errors: false
        max_input_vars: 20000
"""


def project_with(app_tail=VARIABLES, flavor="none", **changes):
    files = project_files()
    app = files[APP].replace("flavor: none", f"flavor: {flavor}") if flavor else files[APP].replace("build:\n    flavor: none\n", "")
    files[APP] = app[:app.index("variables:\n")] + app_tail
    files.update(changes)
    for name in [name for name, content in files.items() if content is None]:
        del files[name]
    return read_project(reader(files), today=SUPPORTED_DAY)


def decode(value):
    return json.loads(base64.b64decode(value))


def runtime(project, variables):
    return derive.runtime_environment(project, {}, ["shop.test"], "production", "/var/www/magento/current", variables)


def test_variables_env_become_environment_variables_as_strings():
    env = runtime(project_with(), {})
    assert {name: env[name] for name in ("FOO", "RETRIES", "FLAGS", "CONFIG__DEFAULT__GENERAL__LOCALE__CODE")} == {
        "FOO": "bar", "RETRIES": "3", "FLAGS": '["a", "b"]', "CONFIG__DEFAULT__GENERAL__LOCALE__CODE": "en_US"}
    assert decode(env["MAGENTO_CLOUD_VARIABLES"]) == {}


def test_environment_variables_win_and_only_env_prefixed_ones_leave_magento_cloud_variables():
    env = runtime(project_with(), {"env:FOO": "from-inventory", "env:NEW": "1", "ADMIN_EMAIL": "a@b.test", "env:": "x"})
    assert (env["FOO"], env["NEW"]) == ("from-inventory", "1")
    assert "" not in env and "env:FOO" not in env
    assert decode(env["MAGENTO_CLOUD_VARIABLES"]) == {"ADMIN_EMAIL": "a@b.test", "env:": "x"}


def test_the_cloud_s_own_variables_cannot_be_overridden():
    app_tail = "variables:\n    env:\n        MAGENTO_CLOUD_ENVIRONMENT: mine\n        MAGENTO_CLOUD_APP_DIR: /elsewhere\n"
    env = runtime(project_with(app_tail), {"env:MAGENTO_CLOUD_ENVIRONMENT": "also-mine"})
    assert (env["MAGENTO_CLOUD_ENVIRONMENT"], env["MAGENTO_CLOUD_APP_DIR"]) == ("production", "/var/www/magento/current")


def test_variables_php_are_ini_values_and_the_project_php_ini_wins():
    settings = derive.php_settings(project_with())
    assert settings["display_errors"] == "Off" and settings["max_input_vars"] == "20000"
    assert settings["memory_limit"] == "2G"   # the fixture's php.ini sets memory_limit = 2G
    assert derive.php_settings(project_with(**{"php.ini": None}))["memory_limit"] == "1G"


def test_host_plan_carries_the_php_settings_and_the_pool_environment_with_their_sources():
    project = project_with(**{"php.ini": None})
    values, sources, unused = stack_plan.plan_host(project, "13", {"php"}, {"deploy_variables": {"env:SECRET_TOKEN": "t0k3n"}})
    assert values["php_ini_overrides"] == {"memory_limit": "1G", "display_errors": "Off", "max_input_vars": "20000"}
    assert values["php_fpm_env"]["FOO"] == "bar" and values["php_fpm_env"]["SECRET_TOKEN"] == "t0k3n"
    line = project.documents[APP].position(("variables", "php"))[0]
    assert f"php_ini_overrides = {values['php_ini_overrides']} (.magento.app.yaml:{line}:5)" in sources
    env_line = project.documents[APP].position(("variables", "env"))[0]
    assert ("php_fpm_env = 5 variables: CONFIG__DEFAULT__GENERAL__LOCALE__CODE, FLAGS, FOO, RETRIES, SECRET_TOKEN "
            f"(.magento.app.yaml:{env_line}:5 and deploy_variables)") in sources
    assert "t0k3n" not in " ".join(sources)


def test_a_project_without_variables_plans_no_pool_environment():
    values = stack_plan.plan_host(project_with("variables: {}\n", **{"php.ini": None}), "13", {"php"}, {})[0]
    assert "php_fpm_env" not in values and "php_ini_overrides" not in values


@pytest.mark.parametrize("flavor, expected", [("composer", "composer"), ("default", "composer"), (None, "composer"),
                                              ("none", "none")])
def test_build_flavor(flavor, expected):
    assert derive.stack(project_with(flavor=flavor))["build_flavor"] == expected


COMPOSER_JSON = '{\n    "name": "shop/app",\n    "require": {"shop/greeting": "*"}\n}\n'


def app_findings(project):
    return [(f.severity, f.line, f.path, f.message) for f in project.findings if f.file == APP]


def flavor_line(project):
    return project.documents[APP].position(("build", "flavor"))[0]


def test_composer_flavor_without_composer_lock_is_an_error_at_the_flavor():
    project = project_with(flavor="composer", **{"composer.json": COMPOSER_JSON, "composer.lock": None})
    assert app_findings(project) == [
        ("error", flavor_line(project), "build.flavor",
         "build.flavor `composer` runs `composer install`, and composer.lock is not in the project: every build would "
         "resolve the versions anew")]


def test_default_flavor_without_composer_lock_is_an_error_at_the_build_key():
    project = project_with(flavor="default", **{"composer.json": COMPOSER_JSON, "composer.lock": None})
    assert [row[:3] for row in app_findings(project)] == [("error", flavor_line(project), "build.flavor")]
    unstated = project_with(flavor=None, **{"composer.json": COMPOSER_JSON, "composer.lock": None})
    assert app_findings(unstated) == [
        ("error", 1, "build.flavor", "the default build flavor (composer) runs `composer install`, and composer.lock is "
                                     "not in the project: every build would resolve the versions anew")]


def test_composer_flavor_with_its_lock_or_flavor_none_is_clean():
    assert app_findings(project_with(flavor="composer", **{"composer.json": COMPOSER_JSON})) == []
    assert app_findings(project_with(flavor="none", **{"composer.json": COMPOSER_JSON, "composer.lock": None})) == []


def test_composer_flavor_without_composer_json_warns_that_nothing_is_installed():
    project = project_with(flavor="composer")
    assert app_findings(project) == [
        ("warning", flavor_line(project), "build.flavor",
         "build.flavor `composer` runs `composer install` only when composer.json is in the project, and it is not: "
         "the build installs no packages")]
    assert app_findings(project_with(flavor=None)) == []
