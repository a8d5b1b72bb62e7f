"""What ece-tools judges across variables: SCD options ignored when static content is not deployed in
that phase, its "ideal state" (static content on build, HTML minification skipped, a post_deploy hook)
and split database (deprecated from Magento 2.4.2, removed in 2.5.0). The cases restate the data of
ece-tools' unit tests (Validator/Build/ScdOptionsIgnoranceTest, Deploy/ScdOptionsIgnoranceTest,
IdealStateTest, Application/HookCheckerTest, Deploy/SplitDbTest, DeprecatedSplitDbTest,
RemovedSplitDbTest); each expects the exact findings."""


import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

from cloud_project_fixtures import TEMPLATE_HOOK, env_findings, expected, project_files, reader

ENV, APP = ".magento.env.yaml", ".magento.app.yaml"

ON_DEMAND = ("warning", "SCD_ON_DEMAND", "stage.global.SCD_ON_DEMAND")

# (id, env text, Magento version, .magento.app.yaml post_deploy hook or None, expected findings)
CASES = [
    # Build ScdOptionsIgnoranceTest: static content on build, nothing ignored ...
    ("build-scd-on-build", """
        stage:
          build:
            SCD_THREADS: 3
            SCD_STRATEGY: quick
        """, "2.4.7", None, []),
    # ... not on build (here: SCD_ON_DEMAND), so SCD_STRATEGY and SCD_THREADS of the build are ignored,
    # and SCD_ON_DEMAND itself is not the ideal state.
    ("build-scd-not-on-build", """
        stage:
          global:
            SCD_ON_DEMAND: true
          build:
            SCD_THREADS: 3
            SCD_STRATEGY: quick
        """, "2.4.7", None, [ON_DEMAND, ("warning", "SCD_THREADS", "stage.build.SCD_THREADS"),
                             ("warning", "SCD_STRATEGY", "stage.build.SCD_STRATEGY")]),
    # Deploy ScdOptionsIgnoranceTest: SCD not on deploy; SCD_STRATEGY configured there, SCD_THREADS not.
    ("deploy-scd-skipped", """
        stage:
          deploy:
            SKIP_SCD: true
            SCD_STRATEGY: compact
        """, "2.4.7", None, [("warning", "SCD_STRATEGY", "stage.deploy.SCD_STRATEGY")]),
    ("deploy-scd-runs", """
        stage:
          deploy:
            SKIP_SCD: false
            SCD_STRATEGY: compact
        """, "2.4.7", None, []),
    # IdealStateTest: each of its reasons on its own ...
    ("ideal-skip-scd-on-build", """
        stage:
          build:
            SKIP_SCD: true
        """, "2.4.7", None, [("warning", "SKIP_SCD", "stage.build.SKIP_SCD")]),
    ("ideal-html-minification-disabled", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: false
        """, "2.4.7", None, [("warning", "SKIP_HTML_MINIFICATION", "stage.global.SKIP_HTML_MINIFICATION")]),
    ("ideal-html-minification-enabled", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: true
        """, "2.4.7", None, []),
    # ... and HookCheckerTest: ece-tools' post-deploy in the post_deploy hook, other commands, no hook.
    ("hook-ece-tools-post-deploy", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: true
        """, "2.4.7", "    post_deploy: |\n        php ./vendor/bin/ece-tools post-deploy\n        php test\n", []),
    ("hook-other-commands", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: true
        """, "2.4.7", "    post_deploy: |\n        php test\n        php test2\n", [("warning", "stage:", "")]),
    ("hook-absent", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: true
        """, "2.4.7", "", [("warning", "stage:", "")]),
    # Deploy SplitDbTest: what counts as a configured split database (here on 2.4.7, where
    # DeprecatedSplitDb warns).
    ("split-db-not-configured", """
        stage:
          deploy:
            SPLIT_DB: []
            DATABASE_CONFIGURATION:
              _merge: true
              connection:
                default: {host: some_host}
        """, "2.4.7", None, []),
    ("split-db-variable", """
        stage:
          deploy:
            SPLIT_DB: [quote, sales]
        """, "2.4.7", None, [("warning", "SPLIT_DB", "stage.deploy.SPLIT_DB")]),
    ("split-db-sales-connection", """
        stage:
          deploy:
            DATABASE_CONFIGURATION:
              _merge: true
              connection:
                default: {host: some_host}
                sales: {host: some_host}
        """, "2.4.7", None, [("warning", "sales:", "stage.deploy.DATABASE_CONFIGURATION.connection.sales"),
                             ("warning", "sales:", "stage.deploy.DATABASE_CONFIGURATION.connection.sales")]),
    ("split-db-quote-connection", """
        stage:
          deploy:
            DATABASE_CONFIGURATION:
              _merge: true
              connection:
                default: {host: some_host}
                quote: {host: some_host}
        """, "2.4.7", None, [("warning", "quote:", "stage.deploy.DATABASE_CONFIGURATION.connection.quote")]),
    # DeprecatedSplitDbTest / RemovedSplitDbTest: before 2.4.2 nothing, from 2.5.0 the deploy stops.
    ("split-db-before-deprecation", """
        stage:
          deploy:
            SPLIT_DB: [quote]
        """, "2.4.1", None, []),
    ("split-db-removed", """
        stage:
          global:
            SPLIT_DB: [quote]
        """, "2.5.0", None, [("error", "SPLIT_DB", "stage.global.SPLIT_DB")]),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_state_is_judged_as_ece_tools_judges_it(case):
    unused_id, env, version, hook, items = case
    assert env_findings(env, version, hook) == expected(env, items)


def test_ideal_state_findings_give_the_reason():
    files = project_files("2.4.7")
    files[ENV] = "stage:\n  global:\n    SCD_ON_DEMAND: true\n"
    files[APP] = files[APP].replace(TEMPLATE_HOOK, "")
    messages = [str(f) for f in read_project(reader(files)).findings if f.file == ENV]
    assert any("first requests after every deploy" in message for message in messages)
    assert any("while the site is in maintenance" in message and "post_deploy" in message for message in messages)
