# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Magento version against the chosen PHP and service versions (data/compatibility.yml)."""

from __future__ import annotations

import json
import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table, version_in_range

_PRODUCT_PACKAGES = ("magento/product-enterprise-edition", "magento/product-community-edition",
                     "magento/magento-cloud-metapackage")
SERVICE_FAMILY = {"mysql": "mariadb", "mariadb": "mariadb", "redis": "redis", "valkey": "valkey",
                  "rabbitmq": "rabbitmq", "opensearch": "opensearch", "elasticsearch": "elasticsearch"}


def magento_version_from_lock(text):
    """The Magento version a composer.lock pins, or None."""
    try:
        packages = json.loads(text).get("packages", [])
    except (ValueError, AttributeError):
        return None
    versions = {package.get("name"): package.get("version") for package in packages if isinstance(package, dict)}
    for name in _PRODUCT_PACKAGES:
        if versions.get(name):
            return str(versions[name]).lstrip("v")
    return None


def release_line(version):
    """'2.4.7-p3' -> '2.4.7'; None when it is not a 2.x.y version."""
    match = re.match(r"^(\d+\.\d+\.\d+)", str(version or ""))
    return match.group(1) if match else None


def check(magento_version, php_version, services, app_report, services_report):
    """Warn about each version outside what the Magento release line supports."""
    line = release_line(magento_version)
    matrix = table("compatibility")
    if line is None:
        return
    if line not in matrix:
        app_report.warning(("type",), f"Magento {magento_version} is not in the compatibility table",
                           f"known release lines: {', '.join(matrix)}")
        return
    supported = matrix[line]
    if php_version and not version_in_range(php_version, *supported["php"]):
        app_report.warning(("type",), f"Magento {line} does not support PHP {php_version}", _range_text(supported["php"]))
    for service_id, service in services.items():
        if not isinstance(service, dict):
            continue
        kind, unused_sep, version = str(service.get("type", "")).partition(":")
        family = SERVICE_FAMILY.get(kind)
        if family is None or not version:
            continue
        if family not in supported:
            services_report.warning((service_id, "type"), f"Magento {line} does not support {family}",
                                    f"it supports: {', '.join(k for k in supported if k != 'php')}")
        elif not version_in_range(version, *supported[family]):
            services_report.warning((service_id, "type"), f"Magento {line} does not support {family} {version}",
                                    _range_text(supported[family]))


def _range_text(bounds):
    low, high = bounds
    return f"supported: {low}" if low == high else f"supported: {low} to {high}"
