# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deploy configuration sections of .magento.env.yaml, checked as ece-tools' deploy checks them.

Each section is read as the deploy stage sees it (its `deploy` value, else its `global` one). A
section whose `_merge` is true is merged into what ece-tools generates from the relationships, so
it may give only the options it changes; without `_merge` it replaces the generated configuration
and must be complete. A mapping that holds `!php/const` keys is not judged incomplete: ece-tools
resolves those names, this reader cannot.
"""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.env_values import (
    MERGE, MISSING, as_array, effective, has_constant_keys, is_empty_config, isset, merge_required, nested,
    replace_recursive, satisfies, version)
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import (
    KIND_NAMES, kind_of, looks_like_php_constant, php_empty)

STRICTER = "stricter than ece-tools"
DB_REQUIRED = ("host", "dbname", "username", "password")
CONNECTION_TYPES = ("connection", "slave_connection")
SPLIT_CONNECTIONS = ("checkout", "sales")
DEFAULT_RESOURCES = {"default_setup": {"connection": "default"}}
# Cache backends whose connection ece-tools tests before the deploy (Factory\Cache::AVAILABLE_REDIS_BACKEND).
REDIS_BACKENDS = ("Cm_Cache_Backend_Redis", "\\Magento\\Framework\\Cache\\Backend\\Redis",
                  "\\Magento\\Framework\\Cache\\Backend\\RemoteSynchronizedCache")
SYNCHRONIZED_BACKEND = "\\Magento\\Framework\\Cache\\Backend\\RemoteSynchronizedCache"
# Frontends ece-tools generates itself when a Redis or Valkey relationship exists.
GENERATED_FRONTENDS = ("default", "page_cache", "stale_cache_enabled")
CONSUMERS_RUNNER_KEYS = ("cron_run", "max_messages", "consumers", "multiple_processes")


def validate(report, stages, magento_version):
    _database(report, stages)
    _search(report, stages, magento_version)
    _session(report, stages)
    _resource(report, stages)
    _cache(report, stages)
    _consumers_runner(report, stages, magento_version)
    for stage in ("global", "build", "deploy"):
        if "SCD_MATRIX" in stages.get(stage, {}):
            _scd_matrix(report, ("stage", stage, "SCD_MATRIX"), stages[stage]["SCD_MATRIX"])


def _section(stages, name):
    """(config as a PHP array, path) of a deploy section; (None, None) when unset or not an array."""
    value, path = effective(stages, name, "deploy")
    if value is MISSING:
        return None, None
    return as_array(value), path


def _database(report, stages):
    config, path = _section(stages, "DATABASE_CONFIGURATION")
    if config is None:
        return
    _split_connections(report, path, config)
    if php_empty(config) or not php_empty(config.get(MERGE)):
        return
    default = nested(config, "connection", "default")
    if has_constant_keys(config) or has_constant_keys(default):
        return
    missing = [key for key in DB_REQUIRED if not isset(default, key)]
    if missing:
        where = path + ("connection", "default") if isinstance(default, dict) else (
            path + ("connection",) if "connection" in config else path)
        report.error(where, f"DATABASE_CONFIGURATION replaces the database configuration, but connection.default lacks "
                            f"{', '.join(missing)}; ece-tools stops the deploy",
                     "without `_merge: true`, connection.default needs host, dbname, username and password "
                     "(an empty password is fine); or add `_merge: true` to change only some options")


def _split_connections(report, path, config):
    """ece-tools' DatabaseSplitConnection: custom checkout/sales connections are ignored on the cloud."""
    for kind in CONNECTION_TYPES:
        for name in SPLIT_CONNECTIONS:
            if isset(config, kind, name):
                report.warning(path + (kind, name), f"custom split-database connection `{kind}.{name}` is ignored: "
                                                    "ece-tools does not support custom connections for split databases",
                               "remove it from DATABASE_CONFIGURATION; the split connections come from the "
                               "database-quote and database-sales relationships")


def _search(report, stages, magento_version):
    config, path = _section(stages, "SEARCH_CONFIGURATION")
    if config is None:
        return
    engine = config.get("engine")
    release = version(magento_version)
    if engine is not None and release is not None:
        _engine(report, path + ("engine",), engine, release, magento_version)
    if is_empty_config(config) or merge_required(config) or has_constant_keys(config):
        return
    if engine is None:
        report.error(path, "SEARCH_CONFIGURATION replaces the search configuration but has no `engine`; "
                           "ece-tools stops the deploy",
                     "add `engine:` (for example opensearch or elasticsearch7), or `_merge: true` to change only some options")


def _engine(report, path, engine, release, magento_version):
    if not isinstance(engine, str):
        report.warning(path, f"{STRICTER}: the search engine is a name, not {KIND_NAMES.get(kind_of(engine), kind_of(engine))}")
        return
    if release < (2, 4, 0):
        if engine == "mysql":
            report.warning(path, "the MySQL search engine is deprecated (ece-tools warns the same)",
                           "use Elasticsearch; Magento 2.4 has no MySQL search")
        return
    ours = _engine_on_24(engine, release)
    if ours:
        severity, message, hint = ours
        getattr(report, severity)(path, message, hint)
    elif not (engine.startswith("elasticsearch") or engine in ("elasticsuite", "opensearch")):
        report.error(path, f"search engine `{engine}` on Magento {magento_version}: ece-tools stops the deploy, since on "
                           "Magento 2.4 the engine must be an Elasticsearch or OpenSearch one (or elasticsuite)",
                     did_you_mean(engine.lower(), ("elasticsuite", "opensearch", "elasticsearch7"))
                     or "use opensearch (Magento 2.4.6 and later) or elasticsearch7, or remove `engine` to use the "
                        "search service of the relationships")


def _engine_on_24(engine, release):
    """Engines Magento 2.4 removed or deprecated (Adobe's release notes); ece-tools' own check is wider."""
    if engine == "mysql":
        return ("error", "the MySQL search engine is gone in Magento 2.4; ece-tools stops the deploy",
                "use opensearch (Magento 2.4.6 and later) or elasticsearch7, or remove `engine`")
    if engine == "elasticsearch5":
        return ("error", "Magento 2.4 no longer supports the elasticsearch5 engine, so its setup fails "
                         "(ece-tools' own check lets every elasticsearch* name pass)",
                "use opensearch (Magento 2.4.6 and later) or elasticsearch7")
    if engine == "elasticsearch6":
        if release >= (2, 4, 6):
            return ("error", "Magento 2.4.6 removed the elasticsearch6 engine, so its setup fails "
                             "(ece-tools' own check lets every elasticsearch* name pass)", "use opensearch or elasticsearch7")
        return ("warning", "the elasticsearch6 engine is deprecated since Magento 2.4.0 and removed in 2.4.6",
                "use elasticsearch7")
    if engine == "elasticsearch":
        return ("warning", f"{STRICTER}: `elasticsearch` is the Elasticsearch 2 engine, whose code Magento 2.4 removed "
                           "(ece-tools accepts the name)", "use opensearch (Magento 2.4.6 and later) or elasticsearch7")
    if engine == "opensearch" and release < (2, 4, 6):
        return ("warning", f"{STRICTER}: Magento before 2.4.6 has no `opensearch` engine; there OpenSearch is used "
                           "through elasticsearch7", "use elasticsearch7")
    return None


def _session(report, stages):
    config, path = _section(stages, "SESSION_CONFIGURATION")
    if config is None or php_empty(config) or merge_required(config) or has_constant_keys(config):
        return
    if not isset(config, "save"):
        only_merge = is_empty_config(config)
        report.error(path, "SESSION_CONFIGURATION replaces the session configuration but has no `save`; "
                           "ece-tools stops the deploy",
                     "a section of only `_merge` still counts as a replacement here; remove it or add "
                     "`save: redis`" if only_merge else
                     "add `save:` (for example redis), or `_merge: true` to change only some options")


def _resource(report, stages):
    config, path = _section(stages, "RESOURCE_CONFIGURATION")
    if config is None:
        return
    clear = {key: value for key, value in config.items() if key != MERGE}
    if not is_empty_config(config) and not merge_required(config):
        resources = clear
    elif merge_required(config):
        resources = replace_recursive(DEFAULT_RESOURCES, clear)
    else:
        resources = DEFAULT_RESOURCES
    if has_constant_keys(resources):
        return
    for name, data in resources.items():
        if not isset(data, "connection") and not has_constant_keys(data):
            report.error(path + (name,), f"resource `{name}` has no `connection`; ece-tools stops the deploy",
                         "give every resource a connection, for example `connection: default`")


def _cache(report, stages):
    config, path = _section(stages, "CACHE_CONFIGURATION")
    if config is None:
        return
    frontends = as_array(config.get("frontend"))
    if frontends is None:
        if "frontend" in config and config["frontend"] is not None:
            report.error(path + ("frontend",), "`frontend` must be a mapping of cache frontends; ece-tools stops the deploy")
        return
    replaces = not is_empty_config(config) and not php_empty(config.get("frontend")) and not merge_required(config)
    for name, frontend in frontends.items():
        where = path + ("frontend", name)
        if looks_like_php_constant(name):
            continue
        if not replaces and name in GENERATED_FRONTENDS:
            continue
        if not isinstance(frontend, dict):
            report.error(where, f"cache frontend `{name}` must be a mapping; ece-tools stops the deploy")
            continue
        _cache_frontend(report, where, name, frontend, replaces)


def _cache_frontend(report, where, name, frontend, replaces):
    backend = frontend.get("backend")
    if backend is None:
        report.error(where, f"cache frontend `{name}` has no `backend`; ece-tools stops the deploy",
                     "add `backend:` (for example Cm_Cache_Backend_Redis)" + (
                         "" if replaces else "; with `_merge` only the generated default and page_cache frontends get one"))
        return
    if not isinstance(backend, str):
        report.error(where + ("backend",), "the cache backend is a class name; ece-tools stops the deploy on anything else")
        return
    custom = not php_empty(frontend.get("_custom_valkey_backend")) or not php_empty(frontend.get("_custom_redis_backend"))
    if not replaces or (backend not in REDIS_BACKENDS and not custom) or looks_like_php_constant(backend):
        return
    keys = ("backend_options", "remote_backend_options") if backend == SYNCHRONIZED_BACKEND else ("backend_options",)
    options = nested(frontend, *keys)
    options_path = where + keys
    if not isinstance(options, dict):
        report.error(options_path if nested(frontend, *keys[:1]) is not None else where,
                     f"cache frontend `{name}` uses {backend} without {'.'.join(keys)}; ece-tools stops the deploy",
                     "give the Redis or Valkey server and port")
        return
    server = options.get("server")
    if php_empty(server):
        report.error(options_path, f"cache frontend `{name}` has no Redis or Valkey `server`; ece-tools stops the deploy",
                     "set server and port, or add `_merge: true` to keep the generated connection")
    elif options.get("port") is None and not _has_port(server):
        report.error(options_path, f"cache frontend `{name}` has no Redis or Valkey `port`; ece-tools stops the deploy",
                     "set port, or write the server as host:port")


def _has_port(server):
    text = str(server)
    text = text.split("://", 1)[1] if "://" in text[:8] else text
    host, sep, port = text.partition(":")
    return bool(host) and bool(sep) and port[:1].isdigit()


def _consumers_runner(report, stages, magento_version):
    config, path = _section(stages, "CRON_CONSUMERS_RUNNER")
    if not config:
        return
    for key, value in config.items():
        where = path + (key,)
        if key == MERGE:
            report.warning(where, f"{STRICTER}: CRON_CONSUMERS_RUNNER is not merged; ece-tools ignores `_merge` here",
                           "remove `_merge`; unset options take ece-tools' defaults")
        elif key not in CONSUMERS_RUNNER_KEYS:
            if not looks_like_php_constant(key):
                report.warning(where, f"{STRICTER}: unknown key `{key}`; ece-tools ignores it",
                               did_you_mean(key, CONSUMERS_RUNNER_KEYS) or f"known keys: {', '.join(CONSUMERS_RUNNER_KEYS)}")
        elif key == "cron_run" and not isinstance(value, bool):
            report.warning(where, f"{STRICTER}: cron_run is true or false, not {KIND_NAMES.get(kind_of(value), kind_of(value))}")
        elif key == "max_messages" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            report.warning(where, f"{STRICTER}: max_messages is a whole number, 0 or more (0: consumers never stop)")
        elif key == "consumers" and not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            report.warning(where, f"{STRICTER}: consumers is a list of consumer names ([] runs them all)")
        elif key == "multiple_processes":
            _multiple_processes(report, where, value, magento_version)


def _multiple_processes(report, where, value, magento_version):
    if not isinstance(value, dict) or not all(isinstance(count, int) and not isinstance(count, bool) and count > 0
                                              for count in value.values()):
        report.warning(where, f"{STRICTER}: multiple_processes maps a consumer name to a number of processes")
    if magento_version and not satisfies(magento_version, ">=2.4.4") and value:
        report.warning(where, f"multiple_processes works from Magento 2.4.4; this project is on {magento_version}",
                       "ece-tools' variable description says so; remove it or upgrade")


def _scd_matrix(report, path, matrix):
    if not isinstance(matrix, dict):
        return
    for theme, setting in matrix.items():
        where = path + (theme,)
        if setting is None or setting == []:
            continue
        languages = setting.get("language") if isinstance(setting, dict) else None
        if not isinstance(setting, dict) or set(setting) - {"language"} or not (
                isinstance(languages, list) and all(isinstance(item, str) for item in languages)):
            report.warning(where, f"{STRICTER}: a theme in SCD_MATRIX maps to `language: [locales]`, or to [] to skip it",
                           "for example: language: [en_US, fr_FR]")
