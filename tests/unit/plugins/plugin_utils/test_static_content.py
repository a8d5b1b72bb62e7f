"""Where static content is deployed and with which arguments, by ece-tools' rules: ScdOnBuild (SCD_ON_DEMAND,
the build's SKIP_SCD, scopes in config.php), the deploy's SKIP_SCD, the options of each phase
(Build/Deploy Option, ThreadCountOptimizer, StrategyResolver), CommandFactory's command and matrix, the
build's and the deploy's locales, and StaticContentCompressor's command."""

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.static_content import (
    build_locales, commands, compression, deploy_locales, options, plan, run_commands)
from ansible_collections.magecloud.platform.plugins.plugin_utils.env_values import stage_maps

SCD = ["php", "./bin/magento", "setup:static-content:deploy", "--ansi", "--no-interaction"]
SCOPES = """<?php
return [
    'modules' => ['Magento_Store' => 1],
    'scopes' => [
        'websites' => ['base' => ['website_id' => '1', 'code' => 'base']],
    ],
    'system' => [
        'stores' => ['fr' => ['general' => ['locale' => ['code' => 'fr_FR']]]],
        'default' => ['general' => ['locale' => ['code' => 'de_DE']]],
    ],
    'admin_user' => ['locale' => ['code' => ['nl_NL', 'de_DE']]],
];
"""
NO_SCOPES = "<?php\nreturn ['modules' => ['Magento_Store' => 1], 'scopes' => ['websites' => []]];\n"
BUILD_HOOK = {"build": "php bin/magento setup:di:compile", "deploy": ""}


@pytest.mark.parametrize("stages, config, phase, reason", [
    ({}, SCOPES, "build", "app/etc/config.php names the stores and themes"),
    ({"global": {"SCD_ON_DEMAND": True}}, SCOPES, "on_demand", "SCD_ON_DEMAND is enabled"),
    ({"build": {"SKIP_SCD": True}}, SCOPES, "deploy", "SKIP_SCD is enabled for the build"),
    ({"global": {"SKIP_SCD": True}}, SCOPES, "skipped",
     "SKIP_SCD is enabled for the build and SKIP_SCD is enabled for the deploy"),
    ({"deploy": {"SKIP_SCD": True}}, SCOPES, "build", "app/etc/config.php names the stores and themes"),
    ({}, NO_SCOPES, "deploy", "app/etc/config.php names no website or store under scopes "
                              "(bin/magento app:config:dump scopes themes)"),
    ({}, None, "deploy", "app/etc/config.php names no website or store under scopes "
                         "(bin/magento app:config:dump scopes themes)"),
    ({}, "<?php return [", "deploy", "app/etc/config.php names no website or store under scopes "
                                     "(bin/magento app:config:dump scopes themes)"),
])
def test_the_phase_follows_on_demand_skip_scd_and_the_scopes_of_config_php(stages, config, phase, reason):
    result = plan({"stage": stages}, config, "2.4.7", {}, BUILD_HOOK)
    assert (result["phase"], result["reason"]) == (phase, reason)


def test_a_hook_that_deploys_static_content_itself_leaves_it_to_the_hooks():
    hooks = {"build": "php ./vendor/bin/ece-tools run scenario/build/generate.xml", "deploy": ""}
    assert plan({}, SCOPES, "2.4.7", {}, hooks) == {
        "phase": "hooks", "reason": "the build hook deploys static content itself",
        "env_php": {"static_content_on_demand_in_production": 0, "force_html_minification": 1}}
    hooks = {"build": "", "deploy": "php bin/magento setup:static-content:deploy -f"}
    assert plan({}, SCOPES, "2.4.7", {}, hooks)["reason"] == "the deploy hook deploys static content itself"
    post_deploy_only = {"build": "", "post_deploy": "php ./vendor/bin/ece-tools run scenario/post-deploy.xml"}
    assert plan({}, SCOPES, "2.4.7", {}, post_deploy_only)["phase"] == "build"


def test_env_php_says_whether_static_content_is_made_on_demand_and_html_minified():
    assert plan({}, SCOPES, "2.4.7", {}, BUILD_HOOK)["env_php"] == {
        "static_content_on_demand_in_production": 0, "force_html_minification": 1}
    on_demand = {"stage": {"global": {"SCD_ON_DEMAND": True, "SKIP_HTML_MINIFICATION": False}}}
    assert plan(on_demand, SCOPES, "2.4.7", {}, BUILD_HOOK)["env_php"] == {
        "static_content_on_demand_in_production": 1, "force_html_minification": 0}


def test_the_build_deploys_the_admin_locale_the_config_locales_and_en_us_once_each():
    result = plan({}, SCOPES, "2.4.7", {"ADMIN_LOCALE": "es_ES"}, BUILD_HOOK)
    assert result["locales"] == ["es_ES", "fr_FR", "de_DE", "nl_NL", "en_US"]
    assert build_locales({}, "en_US") == ["en_US"]


def test_the_deploy_deploys_the_database_locales_and_the_admin_locale():
    assert deploy_locales(["fr_FR", "en_US"], "en_US") == ["fr_FR", "en_US"]
    assert deploy_locales([], "de_DE") == ["de_DE"]
    result = plan({}, NO_SCOPES, "2.4.7", {}, BUILD_HOOK)
    assert result["admin_locale"] == "en_US"
    assert run_commands(result, 2, ["fr_FR"])[0][-2:] == ["fr_FR", "en_US"]


def test_defaults_give_ece_tools_command_with_a_job_per_cpu_up_to_four():
    build = plan({}, SCOPES, "2.4.7", {}, BUILD_HOOK)
    assert run_commands(build, 2) == [
        SCD + ["-f", "--jobs", "2", "--no-html-minify", "en_US", "fr_FR", "de_DE", "nl_NL"],
        ["timeout", "-k", "30", "600", "bash", "-c",
         "find pub/static -type f -size +300c '(' -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.html' "
         "-o -name '*.htm' ')' -print0 | xargs -0 -r -n100 -P16 gzip -q -f --keep -6"]]
    assert commands(build["options"], ["en_US"], 16)[0] == SCD + ["-f", "--jobs", "4", "--no-html-minify", "en_US"]


def test_every_variable_of_the_phase_reaches_the_command():
    stages = stage_maps({"stage": {
        "global": {"SCD_STRATEGY": "quick", "SCD_THREADS": 8, "SKIP_HTML_MINIFICATION": False},
        "deploy": {"SCD_STRATEGY": "compact", "SCD_THREADS": 3, "VERBOSE_COMMANDS": "-vv", "SCD_MAX_EXECUTION_TIME": 3600,
                   "SCD_NO_PARENT": True, "SCD_COMPRESSION_LEVEL": 0,
                   "SCD_MATRIX": {"Magento/backend": {"language": []}, "Sample/default": {"language": ["fr_FR", "de_DE"]}}},
    }})
    deploy = options(stages, "deploy", "2.4.7")
    assert commands(deploy, ["en_US"], 2) == [
        SCD + ["-f", "-s", "compact", "-vv", "--jobs", "3", "--max-execution-time", "3600", "--no-parent",
               "--exclude-theme", "Magento/backend", "--exclude-theme", "Sample/default", "en_US"],
        SCD + ["-f", "-s", "compact", "-vv", "--jobs", "3", "--max-execution-time", "3600", "--no-parent",
               "--theme", "Sample/default", "fr_FR", "de_DE"]]
    assert compression(deploy) is None
    build = options(stages, "build", "2.4.7")
    assert commands(build, ["en_US"], 2) == [SCD + ["-f", "-s", "quick", "--jobs", "8", "en_US"]]
    assert compression(build)[-1].endswith("gzip -q -f --keep -6")


def test_the_deploy_falls_back_to_standard_for_an_unknown_strategy_and_the_build_keeps_it():
    stages = stage_maps({"stage": {"global": {"SCD_STRATEGY": "fastest"}}})
    assert options(stages, "deploy", "2.4.7")["strategy"] == "standard"
    assert options(stages, "build", "2.4.7")["strategy"] == "fastest"


def test_old_magento_versions_lose_the_options_they_do_not_have():
    stages = stage_maps({"stage": {"global": {"SCD_STRATEGY": "compact", "SCD_THREADS": 4, "SCD_MAX_EXECUTION_TIME": 60,
                                              "SCD_NO_PARENT": True}}})
    assert commands(options(stages, "build", "2.2.3"), ["en_US"], 8)[0] == SCD + [
        "-f", "-s", "compact", "--jobs", "1", "--no-html-minify", "--max-execution-time", "60", "en_US"]
    assert commands(options(stages, "build", "2.1.9"), ["en_US"], 8)[0] == SCD + ["--jobs", "1", "en_US"]
    threads = stage_maps({"stage": {"build": {"SCD_THREADS": 4}}})
    assert commands(options(threads, "build", "2.1.9"), ["en_US"], 8)[0] == SCD + ["--jobs", "4", "en_US"]
    assert commands(options(stage_maps({}), "build", "2.1.9"), ["en_US"], 8)[0] == SCD + ["--jobs", "1", "en_US"]


def test_an_unknown_magento_version_is_taken_as_a_current_one():
    stages = stage_maps({"stage": {"deploy": {"SCD_STRATEGY": "compact", "SCD_THREADS": 3, "SCD_NO_PARENT": True}}})
    assert commands(options(stages, "deploy", ""), ["en_US"], 8)[0] == SCD + [
        "-f", "-s", "compact", "--jobs", "3", "--no-html-minify", "--no-parent", "en_US"]


def test_a_compression_level_outside_gzip_levels_is_level_one_and_the_timeout_is_honoured():
    stages = stage_maps({"stage": {"build": {"SCD_COMPRESSION_LEVEL": 12, "SCD_COMPRESSION_TIMEOUT": 90}}})
    command = compression(options(stages, "build", "2.4.7"))
    assert command[:4] == ["timeout", "-k", "30", "90"] and command[-1].endswith("--keep -1")
    assert compression(options(stage_maps({}), "deploy", "2.4.7"))[-1].endswith("--keep -4")


def test_on_demand_empties_what_earlier_deploys_left_and_skipped_runs_nothing():
    on_demand = plan({"stage": {"global": {"SCD_ON_DEMAND": True}}}, SCOPES, "2.4.7", {}, BUILD_HOOK)
    assert run_commands(on_demand, 2) == [
        ["find", "-H", "pub/static", "-mindepth", "1", "-maxdepth", "1", "!", "-name", ".htaccess",
         "-exec", "rm", "-rf", "--", "{}", "+"],
        ["rm", "-rf", "--", "var/view_preprocessed"]]
    skipped = plan({"stage": {"global": {"SKIP_SCD": True}}}, SCOPES, "2.4.7", {}, BUILD_HOOK)
    assert run_commands(skipped, 2) == []
    assert run_commands({"phase": "hooks"}, 2) == []
