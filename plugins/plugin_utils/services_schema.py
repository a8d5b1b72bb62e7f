# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of .magento/services.yaml."""

from __future__ import annotations

import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import did_you_mean
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import (
    expect, known_keys, positive_integer, require)

SERVICE_KEYS = ("type", "disk", "configuration", "size", "resources")
_SERVICE_ID = re.compile(r"^[a-z0-9]+$")


def split_type(service_type):
    kind, unused_sep, version = str(service_type).partition(":")
    return kind, version


def validate(report, services):
    if not expect(report, (), services, "map"):
        return
    catalog = table("services")
    provided = [kind for kind in catalog if kind != "unprovided"]
    for service_id, service in services.items():
        path = (service_id,)
        if not _SERVICE_ID.match(str(service_id)):
            report.error(path, f"service id `{service_id}` must be lowercase letters and digits only",
                         "renaming an id on the cloud loses its data; choose the final name now")
        if not expect(report, path, service, "map"):
            continue
        known_keys(report, path, service, SERVICE_KEYS)
        service_type = require(report, path, service, "type", "string")
        if service_type is not None:
            _type(report, path + ("type",), service_type, catalog, provided)
        if "disk" in service:
            positive_integer(report, path + ("disk",), service["disk"])
        if "configuration" in service:
            expect(report, path + ("configuration",), service["configuration"], "map")


def _type(report, path, service_type, catalog, provided):
    kind, version = split_type(service_type)
    if not version:
        report.error(path, f"`{service_type}` must be \"<type>:<version>\"", f"for example \"{kind}:{(catalog.get(kind) or {}).get('versions', ['1'])[-1]}\"")
    elif kind in catalog.get("unprovided", []):
        report.warning(path, f"service type `{kind}` is not run by magecloud.platform", "provide it outside this collection")
    elif kind not in provided:
        report.error(path, f"unknown service type `{kind}`", did_you_mean(kind, provided) or f"known: {', '.join(provided)}")
    elif version not in catalog[kind]["versions"]:
        report.error(path, f"{kind} {version} is not a version the cloud offers",
                     f"choose one of {', '.join(catalog[kind]['versions'])}")
