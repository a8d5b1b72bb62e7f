""".magento.env.yaml variables against ece-tools' schema: unknown, removed, type, stage, range, split-db
values, allowed values and the Magento versions of AppropriateVersion. The cases restate the data of
ece-tools' unit tests (Config/Schema/ValidatorTest, Schema/Validator/RangeTest and SplitDbTest,
Validator/Deploy/AppropriateVersionTest) on real variables; each expects the exact findings."""


import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

from cloud_project_fixtures import env_findings, expected, project_files, reader

ENV = ".magento.env.yaml"


# (id, env text, Magento version, [(severity, text on the finding's line, key path)])
CASES = [
    # Schema\ValidatorTest: a boolean given the integer 2 or the string 'test' is the wrong type.
    ("boolean-given-integer", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: 2
        """, "2.4.7", [("error", "SKIP_HTML_MINIFICATION", "stage.global.SKIP_HTML_MINIFICATION")]),
    ("boolean-given-string", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: test
        """, "2.4.7", [("error", "SKIP_HTML_MINIFICATION", "stage.global.SKIP_HTML_MINIFICATION")]),
    # ... a global-only boolean set in deploy is in the wrong stage; in global it passes.
    ("boolean-wrong-stage", """
        stage:
          deploy:
            SKIP_HTML_MINIFICATION: true
        """, "2.4.7", [("error", "SKIP_HTML_MINIFICATION", "stage.deploy.SKIP_HTML_MINIFICATION")]),
    ("boolean-right-stage", """
        stage:
          global:
            SKIP_HTML_MINIFICATION: true
        """, "2.4.7", []),
    # ... a string given the integer 1; a string outside its allowed values; an allowed one.
    ("string-given-integer", """
        stage:
          deploy:
            LOCK_PROVIDER: 1
        """, "2.4.7", [("error", "LOCK_PROVIDER", "stage.deploy.LOCK_PROVIDER")]),
    ("string-not-allowed", """
        stage:
          deploy:
            LOCK_PROVIDER: test_undefined
        """, "2.4.7", [("error", "LOCK_PROVIDER", "stage.deploy.LOCK_PROVIDER")]),
    ("string-allowed", """
        stage:
          deploy:
            LOCK_PROVIDER: db
        """, "2.4.7", []),
    # ... a variable the schema does not define.
    ("undefined-variable", """
        stage:
          deploy:
            TEST_UNDEFINED: 1
        """, "2.4.7", [("error", "TEST_UNDEFINED", "stage.deploy.TEST_UNDEFINED")]),
    # RangeTest: 4 within 0..32 passes, 10 outside 0..9 fails.
    ("range-inside", """
        stage:
          build:
            ERROR_REPORT_DIR_NESTING_LEVEL: 4
        """, "2.4.7", []),
    ("range-outside", """
        stage:
          build:
            SCD_COMPRESSION_LEVEL: 10
        """, "2.4.7", [("error", "SCD_COMPRESSION_LEVEL", "stage.build.SCD_COMPRESSION_LEVEL")]),
    # Schema\Validator\SplitDbTest: [sales, quote] passes, [invalid_value] fails (on 2.4.1, before the
    # deprecation of split database).
    ("split-db-values", """
        stage:
          deploy:
            SPLIT_DB: [sales, quote]
        """, "2.4.1", []),
    ("split-db-invalid-value", """
        stage:
          deploy:
            SPLIT_DB:
              - invalid_value
        """, "2.4.1", [("error", "- invalid_value", "stage.deploy.SPLIT_DB.0")]),
    # Exact PHP types: a numeric string is not an integer, `disabled`/`enabled` are not booleans nor an
    # allowed VERBOSE_COMMANDS in this file, and null is a type of its own.
    ("numeric-string-for-integer", """
        stage:
          build:
            SCD_THREADS: "4"
        """, "2.4.7", [("error", "SCD_THREADS", "stage.build.SCD_THREADS")]),
    ("disabled-for-boolean", """
        stage:
          deploy:
            CLEAN_STATIC_FILES: disabled
        """, "2.4.7", [("error", "CLEAN_STATIC_FILES", "stage.deploy.CLEAN_STATIC_FILES")]),
    ("enabled-verbose-commands", """
        stage:
          deploy:
            VERBOSE_COMMANDS: enabled
        """, "2.4.7", [("error", "VERBOSE_COMMANDS", "stage.deploy.VERBOSE_COMMANDS")]),
    ("null-value", """
        stage:
          build:
            SKIP_SCD:
        """, "2.4.7", [("error", "SKIP_SCD", "stage.build.SKIP_SCD")]),
    ("empty-strategy-not-allowed", """
        stage:
          build:
            SCD_STRATEGY: ''
        """, "2.4.7", [("error", "SCD_STRATEGY", "stage.build.SCD_STRATEGY")]),
    # Removed from the schema: an error, with the replacement in the suggestion.
    ("removed-static-content-symlink", """
        stage:
          deploy:
            STATIC_CONTENT_SYMLINK: false
        """, "2.4.7", [("error", "STATIC_CONTENT_SYMLINK", "stage.deploy.STATIC_CONTENT_SYMLINK")]),
    ("removed-scd-exclude-themes", """
        stage:
          build:
            SCD_EXCLUDE_THEMES: magento/luma
        """, "2.4.7", [("error", "SCD_EXCLUDE_THEMES", "stage.build.SCD_EXCLUDE_THEMES")]),
    ("cloud-variable-in-file", """
        stage:
          deploy:
            ADMIN_EMAIL: admin@example.com
        """, "2.4.7", [("error", "ADMIN_EMAIL", "stage.deploy.ADMIN_EMAIL")]),
    # Stricter checks of ours are warnings.
    ("advisory-range", """
        stage:
          build:
            SCD_THREADS: -5
        """, "2.4.7", [("warning", "SCD_THREADS", "stage.build.SCD_THREADS")]),
    ("list-variable-as-mapping", """
        stage:
          build:
            QUALITY_PATCHES: {a: MDVA-30106}
        """, "2.4.7", [("warning", "QUALITY_PATCHES", "stage.build.QUALITY_PATCHES")]),
    ("queue-configuration-empty-list", """
        stage:
          deploy:
            QUEUE_CONFIGURATION: []
        """, "2.4.7", []),
    ("newest-ece-tools-backend", """
        stage:
          deploy:
            REDIS_BACKEND: symfony_l2
        """, "2.4.7", [("warning", "REDIS_BACKEND", "stage.deploy.REDIS_BACKEND")]),
    # A `!php/const` name stands for a value ece-tools resolves; it is not judged here.
    ("constant-value", """
        stage:
          build:
            SCD_THREADS: '\\Vendor\\Module\\Config::THREADS'
        """, "2.4.7", []),
    # Stages: one ece-tools does not know fails once it holds a variable; a list fails; a scalar is skipped.
    ("unknown-stage-with-variable", """
        stage:
          postdeploy:
            WARM_UP_PAGES: [index.php]
        """, "2.4.7", [("error", "postdeploy", "stage.postdeploy")]),
    ("unknown-stage-empty", """
        stage:
          postdeploy:
        """, "2.4.7", [("warning", "postdeploy", "stage.postdeploy")]),
    ("stage-as-list", """
        stage:
          build:
            - SCD_THREADS
        """, "2.4.7", [("error", "build:", "stage.build")]),
    # Top level: stage, system and log are ece-tools' sections; anything else is ignored.
    ("top-level-unknown", """
        integration:
          deploy: {}
        log:
          slack: {token: abc}
        """, "2.4.7", [("warning", "integration", "integration")]),
    ("system-variables", """
        system:
          variables:
            ENV_RELATIONSHIPS: PLATFORM_RELATIONSHIPS
            ENV_LOCKS_DIR: PLATFORM_LOCKS_DIR
        """, "2.4.7", [("warning", "ENV_LOCKS_DIR", "system.variables.ENV_LOCKS_DIR")]),
    # AppropriateVersionTest: every variable configured on a version below what it needs.
    ("appropriate-version-2.1", """
        stage:
          deploy:
            CRON_CONSUMERS_RUNNER: {cron_run: true}
            SCD_STRATEGY: quick
          global:
            SCD_MAX_EXECUTION_TIME: 3600
        """, "2.1.18", [("warning", "CRON_CONSUMERS_RUNNER", "stage.deploy.CRON_CONSUMERS_RUNNER"),
                        ("warning", "SCD_STRATEGY", "stage.deploy.SCD_STRATEGY"),
                        ("warning", "SCD_MAX_EXECUTION_TIME", "stage.global.SCD_MAX_EXECUTION_TIME")]),
    ("generated-code-symlink-on-2.1", """
        stage:
          deploy:
            GENERATED_CODE_SYMLINK: false
        """, "2.1.18", []),
    ("generated-code-symlink-on-2.4", """
        stage:
          deploy:
            GENERATED_CODE_SYMLINK: false
        """, "2.4.7", [("warning", "GENERATED_CODE_SYMLINK", "stage.deploy.GENERATED_CODE_SYMLINK")]),
    ("use-lua-before-2.4.7", """
        stage:
          deploy:
            USE_LUA: true
        """, "2.4.6", [("warning", "USE_LUA", "stage.deploy.USE_LUA")]),
    ("use-lua-on-2.4.7", """
        stage:
          deploy:
            USE_LUA: true
        """, "2.4.7-p3", []),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_variables_are_judged_as_ece_tools_judges_them(case):
    unused_id, env, version, items = case
    assert env_findings(env, version) == expected(env, items)


def test_messages_name_the_rule_and_the_replacement():
    files = project_files("2.4.7")
    files[ENV] = "stage:\n  build:\n    SCD_EXCLUDE_THEMES: magento/luma\n    SCD_THREADS: '4'\n    SKIP_SCD: enabled\n"
    findings = {f.path: str(f) for f in read_project(reader(files)).findings if f.file == ENV and f.severity == "error"}
    assert "SCD_MATRIX" in findings["stage.build.SCD_EXCLUDE_THEMES"]
    assert "write the number without quotes: 4" in findings["stage.build.SCD_THREADS"]
    assert "`enabled`/`disabled` work only in the environment's variables" in findings["stage.build.SKIP_SCD"]


@pytest.mark.parametrize("text", ["'²'", "'-²'", "'٣'", "'--4'"])
def test_a_string_of_unicode_digits_is_a_type_error_without_the_unquote_hint(text):
    files = project_files("2.4.7")
    files[ENV] = f"stage:\n  deploy:\n    SCD_COMPRESSION_LEVEL: {text}\n"
    [finding] = [f for f in read_project(reader(files)).findings if f.file == ENV]
    assert (finding.severity, finding.line, finding.column, finding.path) == (
        "error", 3, 5, "stage.deploy.SCD_COMPRESSION_LEVEL")
    assert finding.message.startswith("SCD_COMPRESSION_LEVEL must be an integer, not a string")
    assert "without quotes" not in finding.suggestion, "YAML would not read it as a number unquoted either"
