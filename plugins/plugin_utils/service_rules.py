# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service checks ece-tools makes when it deploys, decided from the project's files.

ece-tools finds a service by the *relationship name* in .magento.app.yaml, never by the service
type: `opensearch`, `elasticsearch`, `rabbitmq` (or `mq`, `amqp`), `redis`, `redis-session`,
`valkey`, `valkey-session` and `database`. A search service behind a relationship with another
name is not found, and gets the verdict ece-tools gives a project without one.

Severities follow ece-tools' deploy scenario: validators in its `critical` group stop the deploy
(error here), those in its `warning` group log a warning (warning here). Its `notice` group (a
service approaching its end of life) has no level of its own here and is a warning."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.magecloud.platform.plugins.plugin_utils.app_schema import php_version
from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
from ansible_collections.magecloud.platform.plugins.plugin_utils.composer_data import (
    allows_minor, at_least, magento_key, newest_minor, parse_constraint)
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import Report

SEARCH_RELATIONSHIPS = ("opensearch", "elasticsearch")
SEARCH_KINDS = ("opensearch", "elasticsearch")
# The relationships ece-tools' EolValidator reads, and the table of data/eol.yml each one uses.
# For RabbitMQ it takes the first of its names that exists.
EOL_RELATIONSHIPS = ((("elasticsearch",), "elasticsearch"), (("opensearch",), "opensearch"),
                     (("rabbitmq", "mq", "amqp"), "rabbitmq"), (("redis",), "redis"), (("redis-session",), "redis"),
                     (("valkey",), "valkey"), (("valkey-session",), "valkey"), (("database",), "mariadb"))
LABELS = {"php": "PHP", "mariadb": "MariaDB", "elasticsearch": "Elasticsearch", "opensearch": "OpenSearch",
          "rabbitmq": "RabbitMQ", "redis": "Redis", "valkey": "Valkey"}
NOTICE_MONTHS = 3
LIVE_SEARCH_MODULE = "Magento_LiveSearchAdapter"
ELASTICSUITE_PACKAGE = "smile/elasticsuite"


@dataclass
class Verdict:
    """What the EOL rule says of one service version: `passed`, `approaching` or None, by our date
    and by ece-tools' date."""
    entry: dict
    ours: str | None
    ece_tools: str | None


def relationships(app):
    """{relationship name: service id} for each `<service>:<endpoint>` relationship."""
    found = {}
    listed = app.get("relationships") if isinstance(app, dict) else None
    for name, target in (listed.items() if isinstance(listed, dict) else ()):
        if isinstance(target, str) and ":" in target:
            found[name] = target.partition(":")[0]
    return found


def _service_type(services, service_id):
    service = services.get(service_id)
    kind, unused_sep, version = str(service.get("type", "") if isinstance(service, dict) else "").partition(":")
    return kind, version


def check(findings, app_doc, services_doc, env_doc, magento_version, lock, modules, today, eol_table=None):
    """Every service check. modules: the `modules` of app/etc/config.php (or None); today: a date."""
    app = app_doc.data if isinstance(app_doc.data, dict) else None
    if app is None:
        return
    services = services_doc.data if isinstance(services_doc.data, dict) else {}
    env = env_doc.data if isinstance(env_doc.data, dict) else {}
    app_report, services_report, env_report = (Report(app_doc, findings), Report(services_doc, findings),
                                               Report(env_doc, findings))
    rels = relationships(app)
    search(app_report, rels, services, magento_version, modules)
    elasticsuite(app_report, env_report, rels, env, lock)
    end_of_life(app_report, services_report, app, services, rels, today, eol_table or table("eol"))
    php_recommendation(app_report, app, env, lock)


def _live_search(modules):
    value = (modules or {}).get(LIVE_SEARCH_MODULE) if isinstance(modules, dict) else None
    return bool(value) and value != "0"


def search(report, rels, services, magento_version, modules):
    """ece-tools' ElasticSearchIntegrity, OpenSearchIntegrity (critical) and
    OpenSearchElasticSearchBothInstalled (warning), with the search service found by relationship name."""
    has_es, has_os = "elasticsearch" in rels, "opensearch" in rels
    renamed = next((name for name, service_id in rels.items()
                    if name not in SEARCH_RELATIONSHIPS and _service_type(services, service_id)[0] in SEARCH_KINDS), None)
    anchor = ("relationships", renamed) if renamed else ("relationships",)
    if renamed:
        kind = _service_type(services, rels[renamed])[0]
        hint = (f"rename relationship `{renamed}` to `{kind}`: ece-tools finds the search service by the "
                f"relationship name `opensearch` or `elasticsearch` only")
    else:
        hint = 'add a relationship `opensearch: "opensearch:opensearch"` to an opensearch service'
    if has_es and has_os:
        report.warning(("relationships", "elasticsearch"),
                       "Elasticsearch and OpenSearch services are both installed; Adobe Commerce and Magento Open "
                       "Source 2.4.4 and later use OpenSearch by default (ece-tools warns at deploy)",
                       "remove the relationship and service you do not use")
    key = magento_key(magento_version)
    live = _live_search(modules)
    if key is None:
        if not (has_es or has_os or live):
            report.warning(anchor, "no relationship named `opensearch` or `elasticsearch`; ece-tools stops the deploy "
                                   "of Magento 2.4.0 and later without one (composer.lock does not say which Magento "
                                   "this is)", hint)
        return
    if at_least(key, "2.4.0") and has_es:
        return
    supports_os = (at_least(key, "2.3.7-p3") and not at_least(key, "2.4.0")) or at_least(key, "2.4.3-p2")
    if has_os and not supports_os:
        report.error(("relationships", "opensearch"),
                     f"Magento {magento_version} does not support OpenSearch; ece-tools stops the deploy "
                     "(incorrect search engine)",
                     "use Magento 2.3.7-p3, 2.4.3-p2 or later, or Elasticsearch through a relationship named "
                     "`elasticsearch`")
    if live:
        return
    if at_least(key, "2.4.3-p2") and not has_os:
        report.error(anchor, f"Magento {magento_version} requires an OpenSearch or Elasticsearch service and there is "
                             "no relationship named `opensearch` or `elasticsearch`; ece-tools stops the deploy", hint)
    elif at_least(key, "2.4.0") and not at_least(key, "2.4.3-p2"):
        report.error(anchor, f"Magento {magento_version} requires an Elasticsearch service and there is no relationship "
                             "named `elasticsearch`; ece-tools stops the deploy",
                     'add a relationship `elasticsearch: "elasticsearch:elasticsearch"` to an elasticsearch service')


def elasticsuite(app_report, env_report, rels, env, lock):
    """ece-tools' ElasticSuiteIntegrity (critical): smile/elasticsuite in composer.lock needs a search
    service, and a SEARCH_CONFIGURATION engine, when set, must be elasticsuite."""
    if lock is None or not lock.has(ELASTICSUITE_PACKAGE):
        return
    if not any(name in rels for name in SEARCH_RELATIONSHIPS):
        app_report.error(("relationships",),
                         "ElasticSuite is installed without available ElasticSearch or OpenSearch service "
                         f"({ELASTICSUITE_PACKAGE} is in composer.lock); ece-tools stops the deploy",
                         "add a relationship named `opensearch` or `elasticsearch` to a search service")
        return
    deploy = ((env.get("stage") or {}).get("deploy") if isinstance(env.get("stage"), dict) else None) or {}
    search_config = deploy.get("SEARCH_CONFIGURATION") if isinstance(deploy, dict) else None
    engine = search_config.get("engine") if isinstance(search_config, dict) else None
    if engine and str(engine).lower() != "elasticsuite":
        env_report.error(("stage", "deploy", "SEARCH_CONFIGURATION", "engine"),
                         f"ElasticSuite is installed but {engine} set as search engine; ece-tools stops the deploy",
                         "set `engine: elasticsuite`, or remove `engine` and let ece-tools configure ElasticSuite")


def _whole_months(start, end):
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _status(eol, today):
    if eol is None:
        return None
    if eol <= today:
        return "passed"
    return "approaching" if _whole_months(today, eol) <= NOTICE_MONTHS else None


def eol_verdict(entries, version, today):
    """ece-tools' EolValidator rule on one service version: the table entry it falls under (an entry
    for `X.Y` covers X.Y.*; the most specific entry wins) and its status; None when no entry fits."""
    parts = str(version).split(".")
    fitting = [entry for entry in entries or [] if isinstance(entry, dict)
               and parts[:len(str(entry.get("version", "")).split("."))] == str(entry.get("version", "")).split(".")]
    if not fitting:
        return None
    entry = max(fitting, key=lambda item: len(str(item["version"]).split(".")))
    return Verdict(entry, _status(entry.get("eol"), today), _status(entry.get("ece_tools"), today))


def _source(entry):
    source = str(entry.get("source", ""))
    return re.sub(r"^www\.", "", source.split("//", 1)[-1].split("/", 1)[0]) if "//" in source else source


def eol_message(service, version, verdict):
    """(message, suggestion) for a verdict that has a status, naming both dates when they differ."""
    entry = verdict.entry
    label, ours, ece = LABELS.get(service, service), entry.get("eol"), entry.get("ece_tools")
    both = f"; ece-tools' eol.yaml says {ece}" if ece and ece != ours else ""
    if verdict.ours == "passed":
        return (f"{label} {version} passed its end of life on {ours} ({_source(entry)}{both})",
                "upgrade it; ece-tools warns at every deploy that a service has passed its EOL")
    if verdict.ours == "approaching":
        return (f"{label} {version} reaches its end of life on {ours} ({_source(entry)}{both}), in less than "
                f"{NOTICE_MONTHS + 1} months (ece-tools logs this as a notice)", "plan the upgrade")
    ours_text = f"supported until {ours}" if ours else "no end of life announced"
    what = "passed its end of life on" if verdict.ece_tools == "passed" else "reaches its end of life on"
    return (f"ece-tools' eol.yaml says {label} {version} {what} {ece} and ece-tools logs it at every deploy; "
            f"{_source(entry)}: {ours_text}", "expect that message in the deploy log; nothing to change here")


def end_of_life(app_report, services_report, app, services, rels, today, eol_table):
    """ece-tools' ServiceEol warnings and notices on the PHP version and on each service it finds
    by relationship name, with the dates of data/eol.yml."""
    checks = []
    php = php_version(app.get("type", ""))
    if php:
        checks.append(("php", php, app_report, ("type",)))
    for names, service in EOL_RELATIONSHIPS:
        name = next((candidate for candidate in names if candidate in rels), None)
        version = _service_type(services, rels[name])[1] if name else ""
        if version:
            checks.append((service, version, services_report, (rels[name], "type")))
    seen = set()
    for service, version, report, path in checks:
        verdict = eol_verdict(eol_table.get(service), version, today)
        if (service, path) in seen or verdict is None or not (verdict.ours or verdict.ece_tools):
            continue
        seen.add((service, path))
        report.warning(path, *eol_message(service, version, verdict))


def php_recommendation(report, app, env, lock):
    """ece-tools' PhpVersion (warning): the PHP of `type` must satisfy the last `|` alternative of
    the PHP requirement magento/magento2-base has in composer.lock, the newest PHP the installed
    Magento allows. Skipped, as there, without that package or with DEPLOYED_MAGENTO_VERSION_FROM_GIT."""
    stage = env.get("stage") if isinstance(env.get("stage"), dict) else {}
    global_stage = stage.get("global") if isinstance(stage.get("global"), dict) else {}
    php = php_version(app.get("type", ""))
    requirement = lock.requires("magento/magento2-base", "php") if lock is not None else None
    if global_stage.get("DEPLOYED_MAGENTO_VERSION_FROM_GIT") or not php or not requirement:
        return
    recommended = requirement.split("|")[-1].strip()
    bounds = parse_constraint(recommended)
    if bounds is None or allows_minor(bounds, php):
        return
    base_version = str(lock.packages["magento/magento2-base"].get("version", "")).lstrip("v")
    newest = newest_minor(bounds)
    report.warning(("type",),
                   f"for Magento {base_version} ece-tools recommends a PHP version satisfying `{recommended}` (the last "
                   f"alternative of magento/magento2-base's `php: {requirement}` in composer.lock); `type` runs PHP {php}",
                   f"set `type: php:{newest}`" if newest else "change the PHP version in `type`")
