# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Project-file checks ece-tools makes at build and deploy, decided from the files alone:
app/etc/config.php (ConfigFileExists, ModulesExists), php.ini and op-exclude.txt
(OpcacheExcludePaths), build_options.ini (UnsupportedBuildOptionsIni), composer.json
(ComposerFile), pub/errors/local.xml (ReportDirNestingLevel), the Braintree variable of
.magento.app.yaml (MagentoAppYaml), and composer.lock for the composer build flavor (the cloud's
build runs `composer install`, which without a lock file resolves versions anew on every build).

Severities follow ece-tools' scenarios: its `critical` validators stop the build or deploy (error
here), its `warning` validators log a warning (warning here). Findings in files that are not YAML
carry the line of the setting they are about."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive, php_config, php_ini
from ansible_collections.magecloud.platform.plugins.plugin_utils.composer_data import at_least, magento_key
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import Report
from ansible_collections.magecloud.platform.plugins.plugin_utils.located_yaml import Document

CONFIG_PHP = "app/etc/config.php"
COMPOSER_JSON = "composer.json"
OP_EXCLUDE = "op-exclude.txt"
ERROR_REPORT_XML = "pub/errors/local.xml"
BUILD_OPTIONS = "build_options.ini"
PHP_INI = "php.ini"
COMPOSER_LOCK = "composer.lock"
# The files these checks read besides the YAML files and php.ini.
FILES = (CONFIG_PHP, COMPOSER_JSON, OP_EXCLUDE, ERROR_REPORT_XML, BUILD_OPTIONS, COMPOSER_LOCK)

OPCACHE_BLACKLIST = "opcache.blacklist_filename"
OPCACHE_BLACKLIST_VALUE = "${MAGENTO_CLOUD_APP_DIR}/op-exclude.txt"
OPCACHE_EXCLUDED_PATHS = ("/app/*/app/etc/config.php", "/app/*/app/etc/env.php", "/app/app/etc/config.php",
                          "/app/app/etc/env.php", "/app/etc/config.php", "/app/etc/env.php")
# ComposerFile: package installed -> the psr-4 namespace its controllers need (Magento 2.3 to 2.4.3).
MVC_AUTOLOAD = {"laminas/laminas-mvc": "Laminas\\Mvc\\Controller\\", "zendframework/zend-mvc": "Zend\\Mvc\\Controller\\"}
MVC_AUTOLOAD_PATH = "setup/src/Zend/Mvc/Controller/"
BRAINTREE_VARIABLE = "CONFIG__STORES__DEFAULT__PAYMENT__BRAINTREE__CHANNEL"
NESTING_VARIABLE = "MAGE_ERROR_REPORT_DIR_NESTING_LEVEL"
NESTING_PATH = ("config", "report", "dir_nesting_level")
MAX_NESTING_LEVEL = 32  # a report id has 64 characters, two per directory level


def _text(raw):
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _line_of(text, pattern, default=1):
    match = re.search(pattern, text, re.MULTILINE)
    return text[:match.start()].count("\n") + 1 if match else default


def _report(name, findings, positions=None, present=True):
    """A Report for a file that is not YAML: positions maps a key path to its (line, column)."""
    return Report(Document(name, None, positions or {}, present=present), findings)


def check(findings, files, ini_raw, app_doc, magento_version, lock, refused=()):
    """Every file check. files: {name in FILES: bytes or None}. Returns config.php's `modules` (or None).
    refused: names of files that are there but were not read, each already a finding of its own; they
    are not reported as missing, and the checks of their content are skipped."""
    app = app_doc.data if isinstance(app_doc.data, dict) else {}
    build_options(findings, files.get(BUILD_OPTIONS))
    modules = config_php(findings, files.get(CONFIG_PHP)) if CONFIG_PHP not in refused else None
    opcache_exclude_paths(findings, ini_raw, files.get(OP_EXCLUDE), refused)
    if COMPOSER_JSON not in refused:
        composer_json(findings, files.get(COMPOSER_JSON), magento_version, lock)
        if COMPOSER_LOCK not in refused:
            composer_flavor(Report(app_doc, findings), app, files.get(COMPOSER_JSON), files.get(COMPOSER_LOCK))
    report_dir_nesting_level(findings, files.get(ERROR_REPORT_XML), app, Report(app_doc, findings))
    braintree_variable(Report(app_doc, findings), app, magento_version)
    return modules


def build_options(findings, raw):
    """UnsupportedBuildOptionsIni (warning)."""
    if raw is not None:
        _report(BUILD_OPTIONS, findings).warning((), "build_options.ini is a leftover of old cloud projects: ece-tools "
                                                     "reads none of it",
                                                 "move its settings to the build stage of .magento.env.yaml and "
                                                 "delete the file")


def config_php(findings, raw):
    """ConfigFileExists and ModulesExists (warnings); a file PHP cannot parse stops the build (error)."""
    if raw is None:
        _report(CONFIG_PHP, findings, present=False).warning(
            (), "app/etc/config.php is not in the project, so the build cannot tell which modules are on",
            "run `bin/magento module:enable --all`, then `git add -f app/etc/config.php` and commit it")
        return None
    try:
        data, positions = php_config.parse(_text(raw))
    except php_config.PhpSyntaxError as error:
        _report(CONFIG_PHP, findings, {(): (error.line, 1)}).error(
            (), f"app/etc/config.php cannot be read as PHP: {error}; the build stops when ece-tools reads it",
            "fix this line, or write the file again with `bin/magento module:enable --all`")
        return None
    except php_config.Unsupported as error:
        _report(CONFIG_PHP, findings, {(): (error.line, 1)}).warning(
            (), f"app/etc/config.php uses PHP this validator does not evaluate ({error}); its modules are not checked",
            "keep config.php as Magento writes it: literal keys and values only")
        return None
    if not isinstance(data, dict) or "modules" not in data:
        _report(CONFIG_PHP, findings).warning((), "app/etc/config.php has no `modules` list, so the build cannot "
                                                  "tell which modules are on",
                                              "run `bin/magento module:enable --all` and commit app/etc/config.php")
        return None
    return data["modules"] if isinstance(data["modules"], dict) else None


def _ini_setting(text, name):
    """(value, line) of the last `name = value` line of php.ini, as php_ini reads it."""
    settings = php_ini.parse(text, _report(PHP_INI, []))
    lines = [number for number, line in enumerate(text.splitlines(), start=1)
             if re.match(rf"^\s*{re.escape(name)}\s*=", line)]
    return settings.get(name), (lines[-1] if lines else 1)


def opcache_exclude_paths(findings, ini_raw, exclude_raw, refused=()):
    """OpcacheExcludePaths (warning): php.ini points opcache.blacklist_filename at the app's
    op-exclude.txt, and that file lists the app/etc paths OPcache must not cache."""
    if ini_raw is None or exclude_raw is None:
        missing = [name for name, raw in ((PHP_INI, ini_raw), (OP_EXCLUDE, exclude_raw))
                   if raw is None and name not in refused]
        if missing:
            _report(missing[0], findings, present=False).warning(
                (), f"{missing[0]} is not in the project: OPcache then caches app/etc files a deploy rewrites",
                "take php.ini and op-exclude.txt from the current cloud template of your Magento line")
        return
    value, line = _ini_setting(_text(ini_raw), OPCACHE_BLACKLIST)
    if value != OPCACHE_BLACKLIST_VALUE:
        found = "is not set" if value is None else f"is `{value}`"
        extra = (" (that is the app directory only on Adobe's cloud; ece-tools compares it with this host's app "
                 "directory)") if value == "/app/op-exclude.txt" else ""
        _report(PHP_INI, findings, {(OPCACHE_BLACKLIST,): (line, 1)}).warning(
            (OPCACHE_BLACKLIST,), f"php.ini does not point OPcache at op-exclude.txt: {OPCACHE_BLACKLIST} {found}"
                                  f"{extra}",
            f'set `{OPCACHE_BLACKLIST}="{OPCACHE_BLACKLIST_VALUE}"` as the cloud template php.ini does')
        return
    lines = _text(exclude_raw).split("\n")
    missing = [path for path in OPCACHE_EXCLUDED_PATHS if path not in lines]
    if missing:
        crlf = " (the file has Windows line ends; ece-tools compares whole lines)" \
            if all(path in [line.rstrip("\r") for line in lines] for path in missing) else ""
        _report(OP_EXCLUDE, findings).warning(
            (), f"op-exclude.txt leaves these app/etc files to OPcache: {', '.join(missing)}{crlf}",
            "add each path on a line of its own")


def composer_json(findings, raw, magento_version, lock):
    """composer.json must be JSON (Composer reads it before ece-tools runs), and ComposerFile
    (critical): on Magento 2.3 to before 2.4.3, with laminas/laminas-mvc or zendframework/zend-mvc
    installed, autoload.psr-4 must map the MVC controller namespace to setup/src/Zend/Mvc/Controller/."""
    data = None
    if raw is not None:
        try:
            data = json.loads(_text(raw))
        except ValueError as error:
            _report(COMPOSER_JSON, findings, {(): (getattr(error, "lineno", 1), 1)}).error(
                (), f"composer.json is not valid JSON ({getattr(error, 'msg', error)}); Composer cannot install the "
                    "project", "fix the JSON syntax at this line")
            return
    key = magento_key(magento_version)
    if key is None or not at_least(key, "2.3") or at_least(key, "2.4.3"):
        return
    if raw is None:
        _report(COMPOSER_JSON, findings, present=False).error(
            (), "composer.json is not in the project", "commit the project's composer.json")
        return
    autoload = data.get("autoload") if isinstance(data, dict) else None
    psr4 = autoload.get("psr-4") if isinstance(autoload, dict) else None
    psr4 = psr4 if isinstance(psr4, dict) else {}
    if any(namespace in psr4 for namespace in MVC_AUTOLOAD.values()):
        return
    package = next((name for name in MVC_AUTOLOAD if lock is not None and lock.has(name)), None)
    if package is None:
        return
    text = _text(raw)
    autoload_line = _line_of(text, r'"autoload"\s*:')
    psr4_match = re.search(r'"psr-4"\s*:', text[text.find('"autoload"'):]) if '"autoload"' in text else None
    positions = {("autoload",): (autoload_line, 1)}
    if psr4_match:
        positions[("autoload", "psr-4")] = (text[:text.find('"autoload"') + psr4_match.start()].count("\n") + 1, 1)
    _report(COMPOSER_JSON, findings, positions).error(
        ("autoload", "psr-4"),
        f"composer.json does not map the MVC controller namespace Magento's setup needs ({package} is installed)",
        f'map "{MVC_AUTOLOAD[package]}" to "{MVC_AUTOLOAD_PATH}" under autoload.psr-4, run `composer update` '
        'and commit composer.json and composer.lock')


def composer_flavor(app_report, app, composer_raw, lock_raw):
    """The composer build flavor (also the cloud's default for PHP) runs `composer install`, and only
    when composer.json is there; composer.lock must be committed with it."""
    if derive.build_flavor(app) != "composer":
        return
    build = app.get("build") if isinstance(app.get("build"), dict) else {}
    stated = "flavor" in build
    flavor = f"build.flavor `{build['flavor']}`" if stated else "the default build flavor (composer)"
    if composer_raw is None:
        if stated:
            app_report.warning(("build", "flavor"), f"{flavor} runs `composer install` only when composer.json is in the "
                                                    "project, and it is not: the build installs no packages",
                               "commit composer.json and composer.lock, or set build.flavor to none")
        return
    if lock_raw is None:
        app_report.error(("build", "flavor"), f"{flavor} runs `composer install`, and composer.lock is not in the "
                                              "project: every build would resolve the versions anew",
                         "run `composer update --lock` (or `composer install`) and commit composer.lock")


def _nesting_level_ok(value):
    return re.fullmatch(r"\d+", str(value).strip()) is not None and int(str(value).strip()) <= MAX_NESTING_LEVEL


def report_dir_nesting_level(findings, raw, app, app_report):
    """ReportDirNestingLevel (warning): a committed pub/errors/local.xml must be XML that sets
    config.report.dir_nesting_level, unless MAGE_ERROR_REPORT_DIR_NESTING_LEVEL is set. Without the
    file there is nothing to check: ece-tools' build writes it from ERROR_REPORT_DIR_NESTING_LEVEL.
    Magento's error processor reads the level as 0 to 32 and uses 0 (no nesting) for anything else."""
    env_value = derive.app_variables(app, "env").get(NESTING_VARIABLE)
    if env_value is not None and not _nesting_level_ok(env_value):
        app_report.warning(("variables", "env", NESTING_VARIABLE),
                           f"{NESTING_VARIABLE} is `{env_value}`; Magento reads 0 to {MAX_NESTING_LEVEL} and uses 0 "
                           "(no nesting) for anything else", f"set a whole number from 0 to {MAX_NESTING_LEVEL}")
    if raw is None:
        return
    text = _text(raw)
    declaration = re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE)
    try:
        if declaration:
            raise ValueError("Document types are not allowed.", text[:declaration.start()].count("\n") + 1)
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        problem, line = str(error), error.position[0]
    except ValueError as error:
        problem, line = error.args
    else:
        problem, line = None, 1
    if problem:
        _report(ERROR_REPORT_XML, findings, {(): (line, 1)}).warning(
            (), f"pub/errors/local.xml cannot be read as XML: {problem}",
            "fix the file, or delete it and let the build write Magento's default")
        return
    node = root.find("report/dir_nesting_level")
    if node is None:
        if env_value is None:
            _report(ERROR_REPORT_XML, findings, {("config", "report"): (_line_of(text, r"<report\b"), 1)}).warning(
                NESTING_PATH, "pub/errors/local.xml sets no directory nesting level for error reports",
                "set config.report.dir_nesting_level in pub/errors/local.xml, or the "
                "MAGE_ERROR_REPORT_DIR_NESTING_LEVEL variable")
        return
    value = (node.text or "").strip()
    if env_value is None and not _nesting_level_ok(value):
        _report(ERROR_REPORT_XML, findings, {NESTING_PATH: (_line_of(text, r"<dir_nesting_level\b"), 1)}).warning(
            NESTING_PATH, f"config.report.dir_nesting_level is `{value}`; Magento reads 0 to {MAX_NESTING_LEVEL} and "
                          "uses 0 (no nesting) for anything else", f"set a whole number from 0 to {MAX_NESTING_LEVEL}")


def braintree_variable(app_report, app, magento_version):
    """MagentoAppYaml (critical): Magento 2.4.0 and later dropped the Braintree module, and ece-tools
    stops the build while variables.env still sets its CHANNEL."""
    if derive.app_variables(app, "env").get(BRAINTREE_VARIABLE) is None:
        return
    path = ("variables", "env", BRAINTREE_VARIABLE)
    suggestion = (f"delete variables.env.{BRAINTREE_VARIABLE}; Braintree now comes as PayPal's own extension "
                  "with its own settings")
    key = magento_key(magento_version)
    if key is None:
        app_report.warning(path, "Braintree module configuration, which Magento 2.4.0 and later no longer support; "
                                 "ece-tools stops the build on 2.4.0 and later (composer.lock does not say which "
                                 "Magento this is)", suggestion)
    elif at_least(key, "2.4.0"):
        app_report.error(path, f"sets the Braintree module's {BRAINTREE_VARIABLE}, and Magento {magento_version} has no "
                               "such module any more (2.4.0 dropped it); ece-tools stops the build", suggestion)
