# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `log:` section of .magento.env.yaml: ece-tools' log handlers (its Config\\Log and HandlerFactory).

ece-tools merges the section over its own stream, file and file_errors handlers and builds every
handler named there before it does anything else: an unknown handler name, a handler that is not
a mapping, a missing required option or an unknown level stops the build ("Unable to create a
logger object"). Unknown options are only ignored, so they are warnings here.
"""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import KIND_NAMES, is_whole_number, kind_of

STRICTER = "stricter than ece-tools"
LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
COMMON = ("min_level", "use_default_formatter")
# handler: ({option: kinds}, required options)
HANDLERS = {
    "stream": ({"stream": ("string",)}, ()),
    "file": ({"file": ("string",)}, ()),
    "file_errors": ({"file": ("string",)}, ()),
    "email": ({"to": ("string", "list"), "from": ("string",), "subject": ("string",)}, ("to", "from")),
    "slack": ({"token": ("string",), "channel": ("string",), "username": ("string",)}, ("token",)),
    "syslog": ({"ident": ("string",), "facility": ("integer", "string"), "logopts": ("integer",)}, ("ident",)),
    "syslog_udp": ({"host": ("string",), "port": ("integer",), "facility": ("integer", "string"), "ident": ("string",)},
                   ("host", "port")),
    "gelf": ({"transport": ("map",), "additional": ("map",)}, ("transport",)),
}
# Defaults ece-tools gives these handlers; naming the option with an empty value removes the default.
DEFAULTED = {"stream": "stream", "file": "file", "file_errors": "file"}
TRANSPORTS = {
    "http": ("host", "port", "path", "connection_timeout"),
    "tcp": ("host", "port", "connection_timeout"),
    "udp": ("host", "port", "chunk_size"),
}


def validate(report, log):
    if log is None or log == []:
        return
    if not isinstance(log, dict):
        report.error(("log",), f"`log` must be a mapping of log handlers, not {_kind(log)}; ece-tools cannot build its "
                               "logger and stops", "for example: log: {slack: {token: ..., channel: ...}}")
        return
    for name, config in log.items():
        path = ("log", name)
        if name not in HANDLERS:
            report.error(path, f"unknown log handler `{name}`; ece-tools cannot build its logger and stops",
                         did_you_mean(name, HANDLERS) or f"known handlers: {', '.join(HANDLERS)}")
            continue
        if not isinstance(config, dict):
            report.error(path, f"log handler `{name}` must be a mapping of options, not {_kind(config)}; "
                               "ece-tools cannot build its logger and stops")
            continue
        _handler(report, path, name, config)


def _handler(report, path, name, config):
    options, required = HANDLERS[name]
    for key in required:
        if config.get(key) is None:
            report.error(path if key not in config else path + (key,),
                         f"log handler `{name}` needs `{key}`; ece-tools cannot build its logger and stops",
                         f"{name} needs: {', '.join(required)}")
    for key, value in config.items():
        where = path + (key,)
        if key == "min_level":
            _level(report, where, value)
        elif key == "use_default_formatter":
            if not isinstance(value, bool):
                report.warning(where, f"{STRICTER}: use_default_formatter is true or false")
        elif key == "formatter":
            report.error(where, "a log formatter cannot be given in YAML: ece-tools passes the text to its logger, "
                                "which rejects it", "remove it; use_default_formatter: true keeps Monolog's own format")
        elif key not in options:
            report.warning(where, f"{STRICTER}: log handler `{name}` has no option `{key}`; ece-tools ignores it",
                           did_you_mean(key, tuple(options) + COMMON) or f"options: {', '.join(tuple(options) + COMMON)}")
        elif value is None:
            if key in required:
                continue
            if DEFAULTED.get(name) == key:
                report.error(where, f"`{key}` is empty: it replaces ece-tools' default and the handler cannot open; "
                                    "ece-tools stops", "give a path or remove the line")
        elif kind_of(value) not in options[key]:
            wanted = " or ".join(KIND_NAMES[kind] for kind in options[key])
            report.warning(where, f"{STRICTER}: `{key}` of log handler `{name}` is {wanted}, not {_kind(value)}")
    if name == "gelf" and isinstance(config.get("transport"), dict):
        _transports(report, path + ("transport",), config["transport"])


def _level(report, where, value):
    if isinstance(value, bool) or value in (None, "", 0):
        return
    text = str(value)
    if text.lower() in LEVELS or is_whole_number(text):
        return
    report.error(where, f"`{value}` is not a log level; ece-tools cannot build its logger and stops",
                 did_you_mean(text.lower(), LEVELS) or f"levels: {', '.join(LEVELS)}")


def _transports(report, path, transports):
    if not transports:
        report.error(path, "gelf has no transport; ece-tools' logger then fails on its first message",
                     f"add one of: {', '.join(TRANSPORTS)}")
    for kind, options in transports.items():
        where = path + (kind,)
        if kind not in TRANSPORTS:
            report.error(where, f"unknown gelf transport `{kind}`; ece-tools cannot build its logger and stops",
                         did_you_mean(kind, TRANSPORTS) or f"transports: {', '.join(TRANSPORTS)}")
            continue
        if not isinstance(options, dict):
            report.error(where, f"gelf transport `{kind}` must be a mapping of options; ece-tools stops")
            continue
        for key in options:
            if key not in TRANSPORTS[kind]:
                report.warning(where + (key,), f"{STRICTER}: gelf {kind} transport has no option `{key}`; ece-tools ignores it",
                               did_you_mean(key, TRANSPORTS[kind]) or f"options: {', '.join(TRANSPORTS[kind])}")


def _kind(value):
    kind = kind_of(value)
    return "empty" if kind == "null" else KIND_NAMES.get(kind, kind)
