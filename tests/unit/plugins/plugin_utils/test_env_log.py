"""The `log:` section of .magento.env.yaml: ece-tools' log handlers. The cases restate the data of
ece-tools' unit tests (Config/LogTest, App/Logger/HandlerFactoryTest, Gelf/TransportFactoryTest) and
Adobe's documented example; each expects the exact findings."""

import textwrap

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

from cloud_project_fixtures import project_files, reader

ENV = ".magento.env.yaml"


def env_findings(env):
    files = project_files("2.4.7")
    files[ENV] = textwrap.dedent(env)
    return sorted((f.severity, f.file, f.line, f.path) for f in read_project(reader(files)).findings if f.file == ENV)


def expected(env, items):
    lines = textwrap.dedent(env).splitlines()
    line = {marker: next(number for number, text in enumerate(lines, 1) if marker in text) for unused_severity, marker, unused_path in items}
    return sorted((severity, ENV, line[marker], path) for severity, marker, path in items)


DOCUMENTED = """
    log:
      slack:
        token: "slack-token"
        channel: "general"
        username: "Slack Log Notifier"
        min_level: "info"
      email:
        to: admin@example.com
        from: cloud@example.com
        min_level: "notice"
      syslog:
        ident: "ident"
        facility: 8
        min_level: "info"
        logopts: 1
      syslog_udp:
        host: "127.0.0.1"
        port: 514
        facility: 8
        ident: "ident"
        min_level: "info"
      gelf:
        min_level: "info"
        use_default_formatter: true
        additional:
          project: "project"
          app_id: "app"
        transport:
          http:
            host: "127.0.0.1"
            port: 12202
            path: "/gelf"
            connection_timeout: 60
          tcp:
            host: "127.0.0.1"
            port: 12201
            connection_timeout: 60
          udp:
            host: "127.0.0.1"
            port: 12201
            chunk_size: 1024
    """

# (id, env text, [(severity, text on the finding's line, key path)])
CASES = [
    ("documented-handlers", DOCUMENTED, []),
    # LogTest: an empty section keeps ece-tools' own handlers; a handler ece-tools cannot build fails.
    ("empty-section", "log: []\n", []),
    ("own-handlers-tuned", "log:\n  file: {min_level: info}\n  stream: {min_level: warning}\n", []),
    ("unknown-handler", "log:\n  SomeHandler: [SomeConfig]\n", [("error", "SomeHandler", "log.SomeHandler")]),
    ("handler-not-a-mapping", "log:\n  slack: slack-token\n", [("error", "slack:", "log.slack")]),
    # HandlerFactoryTest: the options each handler is built from.
    ("slack-without-token", "log:\n  slack:\n    channel: general\n", [("error", "slack:", "log.slack")]),
    ("email-without-from", "log:\n  email:\n    to: admin@example.com\n", [("error", "email:", "log.email")]),
    ("syslog-udp-port-as-text", "log:\n  syslog_udp:\n    host: 127.0.0.1\n    port: '514'\n",
     [("warning", "port:", "log.syslog_udp.port")]),
    ("file-path-emptied", "log:\n  file:\n    file:\n", [("error", "    file:", "log.file.file")]),
    ("level-unknown", "log:\n  slack:\n    token: abc\n    min_level: verbose\n", [("error", "min_level", "log.slack.min_level")]),
    ("level-upper-case", "log:\n  slack:\n    token: abc\n    min_level: INFO\n", []),
    # a Monolog level number is a whole number as PHP's is_numeric reads it: "²" and "--5" are not
    ("level-number", "log:\n  slack:\n    token: abc\n    min_level: \"300\"\n", []),
    ("level-superscript-digit", "log:\n  slack:\n    token: abc\n    min_level: \"²\"\n",
     [("error", "min_level", "log.slack.min_level")]),
    ("level-double-minus", "log:\n  slack:\n    token: abc\n    min_level: \"--5\"\n",
     [("error", "min_level", "log.slack.min_level")]),
    ("option-typo", "log:\n  slack:\n    token: abc\n    chanel: general\n", [("warning", "chanel", "log.slack.chanel")]),
    # TransportFactoryTest: http, tcp and udp only.
    ("gelf-unknown-transport", "log:\n  gelf:\n    transport:\n      amqp: {host: 127.0.0.1}\n",
     [("error", "amqp:", "log.gelf.transport.amqp")]),
    ("gelf-without-transport", "log:\n  gelf:\n    min_level: info\n", [("error", "gelf:", "log.gelf")]),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_log_section_is_judged_as_ece_tools_builds_its_logger(case):
    unused_id, env, items = case
    assert env_findings(env) == expected(env, items)


def test_log_is_a_known_top_level_section():
    assert not any("top-level key" in f.message for f in read_project(reader(dict(project_files(), **{ENV: textwrap.dedent(DOCUMENTED)}))).findings)
