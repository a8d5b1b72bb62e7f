"""Project-file checks as ece-tools makes them at build and deploy, on projects built inline from the
template-shaped fixtures. Each case restates the data of the ece-tools unit test it comes from
(src/Test/Unit/Config/Validator/...) and asserts the exact severity, file, line and key path."""

import json

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.project import UnreadableFile, read_project

from cloud_project_fixtures import SUPPORTED_DAY, project_files, reader

APP = ".magento.app.yaml"
CONFIG_PHP, COMPOSER_JSON, OP_EXCLUDE, LOCAL_XML, BUILD_OPTIONS, PHP_INI = (
    "app/etc/config.php", "composer.json", "op-exclude.txt", "pub/errors/local.xml", "build_options.ini", "php.ini")


def line_of(text, marker):
    return next(number for number, content in enumerate(text.splitlines(), start=1) if marker in content)


def found(files, name, version=None):
    """(severity, line, path, message) of every finding in file `name`."""
    findings = read_project(reader(files), magento_version=version, today=SUPPORTED_DAY).findings
    return [(f.severity, f.line, f.path, f.message) for f in findings if f.file == name]


def brief(rows):
    return [row[:3] for row in rows]


def lock(version, *packages):
    listed = [{"name": "magento/product-community-edition", "version": version}]
    listed += [{"name": name, "version": "1.0.0"} for name in packages]
    return json.dumps({"packages": listed})


def test_the_fixture_project_has_no_file_findings():
    files = project_files()
    for name in (CONFIG_PHP, COMPOSER_JSON, OP_EXCLUDE, LOCAL_XML, BUILD_OPTIONS, PHP_INI, APP):
        assert found(files, name) == [], name


def test_a_file_that_is_there_but_refused_is_not_also_reported_missing():
    files = project_files()
    files["composer.lock"] = lock("2.3.5", "laminas/laminas-mvc")   # composer.json is checked on 2.3
    del files[OP_EXCLUDE]
    read = reader(files)

    def refusing(relative):
        if relative in (CONFIG_PHP, COMPOSER_JSON, PHP_INI):
            raise UnreadableFile("is a symbolic link to /etc/passwd, outside the project directory; it is not read")
        return read(relative)

    findings = read_project(refusing, today=SUPPORTED_DAY).findings
    for name in (CONFIG_PHP, COMPOSER_JSON, PHP_INI):
        assert [(f.severity, f.line, f.path, f.message) for f in findings if f.file == name] == [
            ("error", 1, "", "is a symbolic link to /etc/passwd, outside the project directory; it is not read")], name
    # op-exclude.txt is really absent: that is still said, though php.ini could not be read
    assert [(f.severity, f.line, f.path, f.message) for f in findings if f.file == OP_EXCLUDE] == [
        ("warning", 1, "", "op-exclude.txt is not in the project: OPcache then caches app/etc files a deploy rewrites")]


# --- UnsupportedBuildOptionsIniTest / BuildOptionsIniTest ---

def test_build_options_ini_is_no_longer_supported():
    files = project_files()
    files[BUILD_OPTIONS] = "scd_strategy=quick\n"
    rows = found(files, BUILD_OPTIONS)
    assert brief(rows) == [("warning", 1, "")]
    assert rows[0][3].startswith("build_options.ini is a leftover of old cloud projects: ece-tools reads none of it")


# --- ConfigFileExistsTest, ModulesExistsTest, and a config.php PHP cannot read ---

def test_missing_config_php_is_a_warning():
    files = project_files()
    del files[CONFIG_PHP]
    rows = found(files, CONFIG_PHP)
    assert brief(rows) == [("warning", 1, "")]
    assert rows[0][3] == "app/etc/config.php is not in the project, so the build cannot tell which modules are on"


@pytest.mark.parametrize("text, expected", [
    # ModulesExistsTest::testValidate: ['modules' => ['Some_module' => 1]]
    ("<?php\nreturn ['modules' => ['Some_module' => 1]];\n", []),
    # ModulesExistsTest::testValidateWithoutModules: []
    ("<?php\nreturn [];\n", [("warning", 1, "", "has no `modules` list")]),
    # the array() form Magento wrote before 2.2, with comments
    ("<?php\n// generated\nreturn array (\n  'modules' => array (\n    'Magento_Store' => 1, /* on */\n  ),\n);\n", []),
    # PHP rejects these: the build stops when ece-tools reads the file
    ("<?php\nreturn [\n    'modules' => [\n        'Magento_Store' => 1\n        'Magento_Catalog' => 1,\n    ],\n];\n",
     [("error", 5, "", "expected `,` or `]`")]),
    ("<?php\nreturn [\n    'modules' => [\n        'Magento_Store => 1,\n    ],\n];\n",
     [("error", 4, "", "a string is not closed")]),
    ("<?php\nreturn [\n    'modules' => [\n        'Magento_Store' => 1,\n    ],\n",
     [("error", 6, "", "the file ends inside an array; `]` is missing")]),
    ("return ['modules' => []];\n", [("error", 1, "", "does not start with `<?php`")]),
    # valid PHP this reader does not evaluate: a warning, never an error
    ("<?php\nreturn [\n    'modules' => [\n        'Magento_Store' => MODULE_ON,\n    ],\n];\n",
     [("warning", 4, "", "`MODULE_ON` (a constant or function call)")]),
], ids=["modules", "no-modules", "array-syntax", "missing-comma", "open-string", "unclosed", "no-php-tag", "constant"])
def test_config_php_modules_section(text, expected):
    files = project_files()
    files[CONFIG_PHP] = text
    rows = found(files, CONFIG_PHP)
    assert brief(rows) == [row[:3] for row in expected]
    for row, (unused_severity, unused_line, unused_path, fragment) in zip(rows, expected):
        assert fragment in row[3]


# --- OpcacheExcludePathsTest ---

EXCLUDE_LIST = "\n".join(("/app/*/app/etc/config.php", "/app/*/app/etc/env.php", "/app/app/etc/config.php",
                          "/app/app/etc/env.php", "/app/etc/config.php", "/app/etc/env.php"))


def test_opcache_exclude_paths_success():
    # testValidateSuccess: php.ini points at op-exclude.txt, which lists the six paths
    files = project_files()
    files[OP_EXCLUDE] = EXCLUDE_LIST
    assert found(files, PHP_INI) == [] and found(files, OP_EXCLUDE) == []


@pytest.mark.parametrize("ini, exclude, missing", [
    # validateFilesDoNotExistDataProvider
    (True, False, OP_EXCLUDE), (False, True, PHP_INI), (False, False, PHP_INI)])
def test_opcache_exclude_files_do_not_exist(ini, exclude, missing):
    files = project_files()
    if not ini:
        del files[PHP_INI]
    if not exclude:
        del files[OP_EXCLUDE]
    rows = found(files, missing)
    assert brief(rows) == [("warning", 1, "")]
    assert rows[0][3] == f"{missing} is not in the project: OPcache then caches app/etc files a deploy rewrites"


@pytest.mark.parametrize("setting", [
    # validatePhpIniWrongConfigurationDataProvider: unreadable/absent, another file, another setting
    None, 'opcache.blacklist_filename = "/tmp/some.file"', "some.config = some.value",
    'opcache.blacklist_filename = "/app/op-exclude.txt"'])
def test_opcache_blacklist_filename_wrong_configuration(setting):
    files = project_files()
    lines = [line for line in files[PHP_INI].splitlines() if not line.startswith("opcache.blacklist_filename")]
    files[PHP_INI] = "\n".join(lines + ([setting] if setting else [])) + "\n"
    rows = found(files, PHP_INI)
    expected_line = line_of(files[PHP_INI], "opcache.blacklist_filename") if "blacklist" in (setting or "") else 1
    assert brief(rows) == [("warning", expected_line, "opcache.blacklist_filename")]
    assert rows[0][3].startswith("php.ini does not point OPcache at op-exclude.txt: opcache.blacklist_filename ")


def test_opcache_exclude_list_missing_paths():
    # testValidateMissedPaths: only the four /app/app/etc and /app/etc paths
    files = project_files()
    files[OP_EXCLUDE] = "/app/app/etc/config.php\n/app/app/etc/env.php\n/app/etc/config.php\n/app/etc/env.php"
    rows = found(files, OP_EXCLUDE)
    assert brief(rows) == [("warning", 1, "")]
    assert rows[0][3] == ("op-exclude.txt leaves these app/etc files to OPcache: /app/*/app/etc/config.php, "
                          "/app/*/app/etc/env.php")
    files[OP_EXCLUDE] = EXCLUDE_LIST.replace("\n", "\r\n")   # whole lines compared, as ece-tools' explode(PHP_EOL)
    assert "Windows line ends" in found(files, OP_EXCLUDE)[0][3]


# --- ComposerFileTest (_files/correct_composer_2.3.json, correct_composer_2.3_2.json, wrong_composer_2.3.json) ---

def composer(extra_psr4=None):
    psr4 = {"Magento\\Framework\\": "lib/internal/Magento/Framework/", "Magento\\Setup\\": "setup/src/Magento/Setup/",
            "Magento\\": "app/code/Magento/"}
    psr4.update(extra_psr4 or {})
    return json.dumps({"require": {"magento/product-enterprise-edition": "2.3"},
                       "autoload": {"psr-4": psr4, "psr-0": {"": ["app/code/", "generated/code/"]},
                                    "files": ["app/etc/NonComposerComponentRegistration.php"]}}, indent=2)


@pytest.mark.parametrize("version, psr4, packages, expected", [
    ("2.3.5", {"Zend\\Mvc\\Controller\\": "setup/src/Zend/Mvc/Controller/"}, ["laminas/laminas-mvc"], []),    # correct 2.3
    ("2.3.5", {"Laminas\\Mvc\\Controller\\": "setup/src/Zend/Mvc/Controller/"}, ["laminas/laminas-mvc"], []),  # 2.3_2
    ("2.3.5", None, ["laminas/laminas-mvc"], [("error", '"psr-4"', "autoload.psr-4")]),                       # wrong
    ("2.4.2-p1", None, ["zendframework/zend-mvc"], [("error", '"psr-4"', "autoload.psr-4")]),
    ("2.3.5", None, [], []),                  # edge case: no MVC package installed
    ("2.2.11", None, ["laminas/laminas-mvc"], []),    # testValidateMagentoLower23
    ("2.4.3", None, ["laminas/laminas-mvc"], []),     # testValidateMagentoHigherEqual243
], ids=["zend-autoload", "laminas-autoload", "wrong", "zend-mvc-2.4.2", "no-mvc", "below-2.3", "2.4.3"])
def test_composer_file_mvc_autoload(version, psr4, packages, expected):
    files = project_files()
    files[COMPOSER_JSON] = composer(psr4)
    files["composer.lock"] = lock(version, *packages)
    rows = found(files, COMPOSER_JSON, version)
    assert brief(rows) == [(severity, line_of(files[COMPOSER_JSON], marker), path) for severity, marker, path in expected]
    if expected:
        assert rows[0][3].startswith("composer.json does not map the MVC controller namespace Magento's setup needs")


def test_composer_json_missing_or_not_json():
    files = project_files()
    files["composer.lock"] = lock("2.3.5", "laminas/laminas-mvc")
    # testValidateComposerFileNotExists
    assert brief(found(files, COMPOSER_JSON, "2.3.5")) == [("error", 1, "")]
    files[COMPOSER_JSON] = '{\n  "require": {\n    "php": "~8.3.0",\n  }\n}\n'
    rows = found(files, COMPOSER_JSON, "2.4.7")
    assert brief(rows) == [("error", 4, "")] and "not valid JSON" in rows[0][3]


# --- ReportDirNestingLevelTest ---

LOCAL_XML_TEXT = '<?xml version="1.0"?>\n<config>\n    <report>\n        <dir_nesting_level>{}</dir_nesting_level>\n    </report>\n</config>\n'


def with_env_var(files, value):
    files[APP] = files[APP].replace("    env:\n", f"    env:\n        MAGE_ERROR_REPORT_DIR_NESTING_LEVEL: {value}\n", 1)


@pytest.mark.parametrize("xml, env_var, expected", [
    (LOCAL_XML_TEXT.format(4), 4, []),              # testValidateWithEnvVar
    (LOCAL_XML_TEXT.format(4), None, []),           # testValidateWithoutEnvVarAndWithConfigValue
    ('<?xml version="1.0"?>\n<config>\n    <report>\n    </report>\n</config>\n', None,   # WithoutConfigValue
     [("warning", 3, "config.report.dir_nesting_level", "sets no directory nesting level")]),
    ('<?xml version="1.0"?>\n<config>\n    <report>\n</config>\n', None,                   # WithInvalidConfigFile
     [("warning", 4, "", "pub/errors/local.xml cannot be read as XML")]),
    ('<?xml version="1.0"?>\n<!DOCTYPE config [<!ENTITY a "b">]>\n<config/>\n', None,
     [("warning", 2, "", "Document types are not allowed")]),
    # Magento's error processor reads 0 to 32 and uses 0 for anything else
    (LOCAL_XML_TEXT.format(33), None, [("warning", 4, "config.report.dir_nesting_level", "is `33`")]),
    (LOCAL_XML_TEXT.format("deep"), None, [("warning", 4, "config.report.dir_nesting_level", "is `deep`")]),
    (LOCAL_XML_TEXT.format(0), None, []),
], ids=["env-var", "config-value", "no-value", "invalid-xml", "doctype", "above-32", "not-a-number", "zero"])
def test_report_dir_nesting_level(xml, env_var, expected):
    files = project_files()
    files[LOCAL_XML] = xml
    if env_var is not None:
        with_env_var(files, env_var)
    rows = found(files, LOCAL_XML)
    assert brief(rows) == [row[:3] for row in expected]
    for row, expectation in zip(rows, expected):
        assert expectation[3] in row[3]


def test_report_dir_nesting_level_without_the_file():
    # testValidateWithoutEnvVarWithoutConfigFile errors on a missing file at deploy; but ece-tools' build
    # (SetReportDirNestingLevel) always writes pub/errors/local.xml when the project has none, so a
    # project without the file is fine.
    files = project_files()
    assert found(files, LOCAL_XML) == []
    with_env_var(files, 40)
    assert brief(found(files, APP)) == [
        ("warning", line_of(files[APP], "MAGE_ERROR_REPORT_DIR_NESTING_LEVEL"), "variables.env.MAGE_ERROR_REPORT_DIR_NESTING_LEVEL")]


# --- MagentoAppYamlTest ---

CHANNEL = "CONFIG__STORES__DEFAULT__PAYMENT__BRAINTREE__CHANNEL"


@pytest.mark.parametrize("version, variable, expected", [
    ("2.3.7", CHANNEL, []),                                 # testSuccessVersion: below 2.4.0
    ("2.4.7", "some_variable", []),                         # testSuccessNoVariable
    ("2.4.7", CHANNEL, [("error", "has no such module any more (2.4.0 dropped it)")]),   # testError
    ("2.4.0", CHANNEL, [("error", "has no such module any more (2.4.0 dropped it)")]),
    (None, CHANNEL, [("warning", "composer.lock does not say which Magento")]),         # testWithException
], ids=["2.3.7", "no-variable", "2.4.7", "2.4.0", "unknown-version"])
def test_braintree_channel_variable(version, variable, expected):
    files = project_files()
    files[APP] = files[APP].replace("    env:\n", f"    env:\n        {variable}: Magento_Enterprise_Cloud_BT\n", 1)
    if version is None:
        del files["composer.lock"]
    rows = [row for row in found(files, APP, version) if "Braintree" in row[3]]
    line = line_of(files[APP], variable)
    assert brief(rows) == [(severity, line, f"variables.env.{CHANNEL}") for severity, unused in expected]
    for row, (unused, fragment) in zip(rows, expected):
        assert fragment in row[3]
