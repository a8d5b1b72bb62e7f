# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of .magento/routes.yaml."""

from __future__ import annotations

import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import (
    expect, known_keys, require)

ROUTE_KEYS = ("type", "upstream", "to", "cache", "ssi", "redirects", "id", "primary", "attributes", "tls")
CACHE_KEYS = ("enabled", "headers", "cookies", "default_ttl")
PLACEHOLDERS = ("default", "all")
_PLACEHOLDER = re.compile(r"\{([^}]*)\}")
_URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")


def validate(report, routes, app_name):
    if not expect(report, (), routes, "map"):
        return
    for url, route in routes.items():
        path = (url,)
        _url_template(report, path, str(url))
        if not expect(report, path, route, "map"):
            continue
        known_keys(report, path, route, ROUTE_KEYS)
        kind = require(report, path, route, "type", "string")
        if kind == "upstream":
            _upstream(report, path, route, app_name)
        elif kind == "redirect":
            target = require(report, path, route, "to", "string")
            if target is not None:
                _url_template(report, path + ("to",), target)
        elif kind is not None:
            report.error(path + ("type",), f"unknown route type `{kind}`",
                         did_you_mean(kind, ("upstream", "redirect")) or "use upstream or redirect")
        _cache(report, path, route.get("cache"))


def _url_template(report, path, url):
    for name in _PLACEHOLDER.findall(url):
        if name not in PLACEHOLDERS:
            report.error(path, f"unknown placeholder `{{{name}}}` in `{url}`",
                         did_you_mean(name, PLACEHOLDERS) or "use {default} or {all}")
    if not _URL.match(_PLACEHOLDER.sub("host", url)):
        report.error(path, f"`{url}` is not an http:// or https:// URL template", "for example \"https://{default}/\"")


def _upstream(report, path, route, app_name):
    upstream = require(report, path, route, "upstream", "string")
    if upstream is None:
        return
    name, unused_sep, protocol = upstream.partition(":")
    if app_name is not None and name != app_name:
        report.error(path + ("upstream",), f"upstream `{name}` is not the app; .magento.app.yaml names it `{app_name}`",
                     f"use \"{app_name}:http\"")
    if protocol not in ("", "http", "php"):
        report.error(path + ("upstream",), f"upstream protocol `{protocol}` is not served", "use <app>:http")


def _cache(report, path, cache):
    if cache is None or not expect(report, path + ("cache",), cache, "map"):
        return
    known_keys(report, path + ("cache",), cache, CACHE_KEYS)
    if "enabled" in cache:
        expect(report, path + ("cache", "enabled"), cache["enabled"], "boolean")
    for key in ("headers", "cookies"):
        if key in cache:
            expect(report, path + ("cache", key), cache[key], "list")
    if "default_ttl" in cache and expect(report, path + ("cache", "default_ttl"), cache["default_ttl"], "integer") \
            and cache["default_ttl"] < 0:
        report.error(path + ("cache", "default_ttl"), "must be 0 or more seconds")
