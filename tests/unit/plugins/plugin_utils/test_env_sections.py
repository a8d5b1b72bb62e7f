"""The deploy configuration sections of .magento.env.yaml with ece-tools' `_merge` semantics. The cases
restate the data of ece-tools' unit tests (Validator/Deploy/DatabaseConfigurationTest,
SearchConfigurationTest, SessionConfigurationTest, ResourceConfigurationTest,
DatabaseSplitConnectionTest and Step/Deploy/PreDeploy/ConfigUpdate/CacheTest); each expects the
exact findings."""

import textwrap

import pytest


from cloud_project_fixtures import env_findings, expected

ENV = ".magento.env.yaml"


def deploy(section, body):
    """An env file with one deploy section whose options are body (YAML, one level under the section)."""
    options = textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 12) if body.strip() else ""
    return f"stage:\n    deploy:\n        {section}:{' {}' if not options else ''}\n{options}\n"


DB = "stage.deploy.DATABASE_CONFIGURATION"
SEARCH = "stage.deploy.SEARCH_CONFIGURATION"
SESSION = "stage.deploy.SESSION_CONFIGURATION"
RESOURCE = "stage.deploy.RESOURCE_CONFIGURATION"
CACHE = "stage.deploy.CACHE_CONFIGURATION"

# (id, env text, Magento version, [(severity, text on the finding's line, key path)])
CASES = [
    # DatabaseConfigurationTest
    ("db-empty", deploy("DATABASE_CONFIGURATION", ""), "2.4.7", []),
    ("db-only-prefix", deploy("DATABASE_CONFIGURATION", "table_prefix: test"), "2.4.7",
     [("error", "DATABASE_CONFIGURATION", DB)]),
    ("db-prefix-merged", deploy("DATABASE_CONFIGURATION", "table_prefix: test\n_merge: true"), "2.4.7", []),
    ("db-host-only", deploy("DATABASE_CONFIGURATION", """
        connection:
            default:
                host: some.host
        """), "2.4.7", [("error", "default:", DB + ".connection.default")]),
    ("db-no-password", deploy("DATABASE_CONFIGURATION", """
        connection:
            default:
                host: test.host
                dbname: dbname
                username: username
        """), "2.4.7", [("error", "default:", DB + ".connection.default")]),
    ("db-empty-password", deploy("DATABASE_CONFIGURATION", """
        connection:
            default:
                host: test.host
                dbname: dbname
                username: username
                password: ''
        """), "2.4.7", []),
    ("db-documented", deploy("DATABASE_CONFIGURATION", """
        _merge: false
        connection:
            default: {username: user, host: host, dbname: magento, password: password, model: mysql4,
                      engine: innodb, initStatements: 'SET NAMES utf8;', active: 1}
            indexer: {username: user_indexer, host: host, dbname: magento, password: password}
        slave_connection:
            default: {host: slave.host, username: slave.user, dbname: slave.name, password: slave.pswd}
        """), "2.4.7", []),
    # DatabaseSplitConnectionTest (on 2.4.1, before split database was deprecated)
    ("split-connections-none", deploy("DATABASE_CONFIGURATION", """
        _merge: true
        connection:
            default: {}
            indexer: {}
        slave_connection:
            default: {}
            indexer: {}
        """), "2.4.1", []),
    ("split-connection-sales", deploy("DATABASE_CONFIGURATION", """
        _merge: true
        connection:
            default: {}
            sales: {}
        """), "2.4.1", [("warning", "sales: {}", DB + ".connection.sales")]),
    ("split-connection-slave-checkout", deploy("DATABASE_CONFIGURATION", """
        _merge: true
        slave_connection:
            default: {}
            checkout: {}
        """), "2.4.1", [("warning", "checkout: {}", DB + ".slave_connection.checkout")]),
    # SearchConfigurationTest, before Magento 2.4 ...
    ("search-empty", deploy("SEARCH_CONFIGURATION", ""), "2.3.7", []),
    ("search-only-merge", deploy("SEARCH_CONFIGURATION", "_merge: true"), "2.3.7", []),
    ("search-no-engine", deploy("SEARCH_CONFIGURATION", "elasticsearh_host: '9200'"), "2.3.7",
     [("error", "SEARCH_CONFIGURATION", SEARCH)]),
    ("search-no-engine-merged", deploy("SEARCH_CONFIGURATION", "elasticsearh_host: '9200'\n_merge: true"), "2.3.7", []),
    # ... where MySQL search passes the check but DeprecatedSearchEngine warns;
    ("search-mysql-2.3", deploy("SEARCH_CONFIGURATION", "engine: mysql"), "2.3.7",
     [("warning", "engine: mysql", SEARCH + ".engine")]),
    # ... and on Magento 2.4, where MySQL fails even when merged.
    ("search-mysql-2.4", deploy("SEARCH_CONFIGURATION", "engine: mysql"), "2.4.7",
     [("error", "engine: mysql", SEARCH + ".engine")]),
    ("search-mysql-merged-2.4", deploy("SEARCH_CONFIGURATION", "engine: mysql\n_merge: true"), "2.4.7",
     [("error", "engine: mysql", SEARCH + ".engine")]),
    ("search-elasticsearch7", deploy("SEARCH_CONFIGURATION", "engine: elasticsearch7"), "2.4.7", []),
    ("search-elasticsuite", deploy("SEARCH_CONFIGURATION", "engine: elasticsuite"), "2.4.7", []),
    ("search-opensearch", deploy("SEARCH_CONFIGURATION", "engine: opensearch"), "2.4.7", []),
    # ece-tools lets `elasticsearch` pass; Magento 2.4 removed that (Elasticsearch 2) engine: our warning.
    ("search-elasticsearch-2.4", deploy("SEARCH_CONFIGURATION", "engine: elasticsearch"), "2.4.7",
     [("warning", "engine: elasticsearch", SEARCH + ".engine")]),
    ("search-elasticsearch5-2.4", deploy("SEARCH_CONFIGURATION", "engine: elasticsearch5"), "2.4.7",
     [("error", "engine: elasticsearch5", SEARCH + ".engine")]),
    ("search-elasticsearch6-2.4.5", deploy("SEARCH_CONFIGURATION", "engine: elasticsearch6"), "2.4.5",
     [("warning", "engine: elasticsearch6", SEARCH + ".engine")]),
    ("search-elasticsearch6-2.4.6", deploy("SEARCH_CONFIGURATION", "engine: elasticsearch6"), "2.4.6",
     [("error", "engine: elasticsearch6", SEARCH + ".engine")]),
    ("search-third-party-engine", deploy("SEARCH_CONFIGURATION", "engine: amasty_elastic\n_merge: true"), "2.4.7",
     [("error", "engine: amasty_elastic", SEARCH + ".engine")]),
    # SessionConfigurationTest (Redis and Valkey alike)
    ("session-empty", deploy("SESSION_CONFIGURATION", ""), "2.4.7", []),
    ("session-no-save", deploy("SESSION_CONFIGURATION", "redis: {max_connection: 10}"), "2.4.7",
     [("error", "SESSION_CONFIGURATION", SESSION)]),
    ("session-no-save-merged", deploy("SESSION_CONFIGURATION", "redis: {max_connection: 10}\n_merge: true"), "2.4.7", []),
    ("session-no-save-merge-false", deploy("SESSION_CONFIGURATION", "valkey: {max_connection: 10}\n_merge: false"), "2.4.7",
     [("error", "SESSION_CONFIGURATION", SESSION)]),
    ("session-save", deploy("SESSION_CONFIGURATION", "save: valkey\nvalkey: {max_connection: 10}\n_merge: false"), "2.4.7", []),
    ("session-save-only", deploy("SESSION_CONFIGURATION", "save: redis"), "2.4.7", []),
    # ConfigMerger: a section of only `_merge` is no merge, so it replaces and needs `save`.
    ("session-only-merge", deploy("SESSION_CONFIGURATION", "_merge: true"), "2.4.7",
     [("error", "SESSION_CONFIGURATION", SESSION)]),
    # A `!php/const` key is resolved by ece-tools, not here: not judged incomplete.
    ("session-constant-key", deploy("SESSION_CONFIGURATION",
                                    '"\\\\Magento\\\\Framework\\\\Config\\\\ConfigOptionsListConstants::KEY_SAVE": redis'),
     "2.4.7", []),
    # ResourceConfigurationTest
    ("resource-empty", deploy("RESOURCE_CONFIGURATION", ""), "2.4.7", []),
    ("resource-default", deploy("RESOURCE_CONFIGURATION", "default_setup: {connection: default}"), "2.4.7", []),
    ("resource-two", deploy("RESOURCE_CONFIGURATION", "default_setup: {connection: default}\nsome_setup: {connection: value}"),
     "2.4.7", []),
    ("resource-without-connection", deploy("RESOURCE_CONFIGURATION", "default_setup: []"), "2.4.7",
     [("error", "default_setup", RESOURCE + ".default_setup")]),
    ("resource-second-without-connection",
     deploy("RESOURCE_CONFIGURATION", "default_setup: {connection: default}\nsome_setup: []"), "2.4.7",
     [("error", "some_setup", RESOURCE + ".some_setup")]),
    ("resource-merged-into-default", deploy("RESOURCE_CONFIGURATION", "_merge: true\ndefault_setup: {engine: innodb}"),
     "2.4.7", []),
    ("resource-merged-new-without-connection", deploy("RESOURCE_CONFIGURATION", "_merge: true\nsome_setup: {engine: innodb}"),
     "2.4.7", [("error", "some_setup", RESOURCE + ".some_setup")]),
    # CacheTest (pre-deploy cache step): a replaced Redis frontend needs server and port.
    ("cache-redis-no-port", deploy("CACHE_CONFIGURATION", """
        frontend:
            frontName:
                backend: Cm_Cache_Backend_Redis
                backend_options: {server: redis.server}
        """), "2.4.7", [("error", "backend_options", CACHE + ".frontend.frontName.backend_options")]),
    ("cache-redis-empty-server", deploy("CACHE_CONFIGURATION", """
        frontend:
            frontName:
                backend: Cm_Cache_Backend_Redis
                backend_options: {server: '', port: '6379'}
        """), "2.4.7", [("error", "backend_options", CACHE + ".frontend.frontName.backend_options")]),
    ("cache-redis-no-server", deploy("CACHE_CONFIGURATION", """
        frontend:
            frontName:
                backend: Cm_Cache_Backend_Redis
                backend_options: {port: '6379'}
        """), "2.4.7", [("error", "backend_options", CACHE + ".frontend.frontName.backend_options")]),
    ("cache-valid-frontends", deploy("CACHE_CONFIGURATION", """
        frontend:
            frontName1:
                backend: Cm_Cache_Backend_Redis
                backend_options: {server: redis.server, port: 6379}
            frontName2:
                backend: \\Magento\\Framework\\Cache\\Backend\\Redis
                backend_options: {server: 'redis.server:6379'}
            frontName3:
                backend: \\Magento\\Framework\\Cache\\Backend\\RemoteSynchronizedCache
                backend_options:
                    remote_backend_options: {server: redis.server, port: 6379}
            frontName4:
                backend: SomeModel
        """), "2.4.7", []),
    ("cache-documented", deploy("CACHE_CONFIGURATION", """
        _merge: false
        frontend:
            default: {backend: file}
            page_cache: {backend: file}
        """), "2.4.7", []),
    ("cache-merged-generated-frontend", deploy("CACHE_CONFIGURATION", """
        _merge: true
        frontend:
            default:
                backend_options: {read_timeout: 10}
        type:
            layout: {frontend: stale_cache_enabled}
        """), "2.4.7", []),
    ("cache-merged-new-frontend-without-backend", deploy("CACHE_CONFIGURATION", """
        _merge: true
        frontend:
            custom:
                backend_options: {read_timeout: 10}
        """), "2.4.7", [("error", "custom:", CACHE + ".frontend.custom")]),
    # Queue: ece-tools' default and its documented example.
    ("queue-default", "stage:\n    deploy:\n        QUEUE_CONFIGURATION: []\n", "2.4.7", []),
    ("queue-documented", deploy("QUEUE_CONFIGURATION", """
        _merge: false
        amqp: {host: test.host, port: 1234}
        amqp2: {host: test.host2, port: 12345}
        stomp: {host: activemq-artemis, port: 61616, user: admin, password: admin}
        default_connection: stomp
        """), "2.4.7", []),
    # CRON_CONSUMERS_RUNNER: the documented shape passes; the rest are our (warning) checks.
    ("consumers-documented", deploy("CRON_CONSUMERS_RUNNER", """
        cron_run: true
        max_messages: 1000
        consumers: [consumer1, consumer2]
        multiple_processes: {consumer1: 4, consumer2: 3}
        """), "2.4.7", []),
    ("consumers-typo", deploy("CRON_CONSUMERS_RUNNER", "cron_run: true\nmax_message: 1000"), "2.4.7",
     [("warning", "max_message", "stage.deploy.CRON_CONSUMERS_RUNNER.max_message")]),
    ("consumers-processes-before-2.4.4", deploy("CRON_CONSUMERS_RUNNER", "multiple_processes: {consumer1: 4}"), "2.4.3",
     [("warning", "multiple_processes", "stage.deploy.CRON_CONSUMERS_RUNNER.multiple_processes")]),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_sections_are_judged_as_ece_tools_judges_them(case):
    unused_id, env, version, items = case
    assert env_findings(env, version) == expected(env, items)


def test_a_deploy_section_replaces_the_global_one_whole():
    env = """
        stage:
          global:
            SESSION_CONFIGURATION: {save: redis}
          deploy:
            SESSION_CONFIGURATION: {redis: {max_concurrency: 10}}
        """
    assert env_findings(env) == expected(env, [("error", "{redis:", SESSION), ("error", "{save:", "stage.global.SESSION_CONFIGURATION")])
