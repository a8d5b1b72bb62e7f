# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The versions one host installs: what the project asks for, held against what its Debian release
provides and what the project's Magento version supports. Each value says where it came from; a
request the host cannot honour is an error at its key, with the ways out, before any host changes."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils import release_offers
from ansible_collections.magecloud.platform.plugins.plugin_utils.app_schema import php_version
from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table, version_in_range, version_key
from ansible_collections.magecloud.platform.plugins.plugin_utils.compatibility import SERVICE_FAMILY, release_line
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import Report, sorted_findings
from ansible_collections.magecloud.platform.plugins.plugin_utils.located_yaml import Document
from ansible_collections.magecloud.platform.plugins.plugin_utils.php_packages import extension_names, extension_packages
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import APP_FILE, SERVICES_FILE
from ansible_collections.magecloud.platform.plugins.plugin_utils.release_offers import LABELS, PHP_SOURCES, same_line
from ansible_collections.magecloud.platform.plugins.plugin_utils.services_schema import split_type

SERVICE_LAYERS = ("mariadb", "redis", "rabbitmq", "opensearch")
# Families each layer can run; with nothing asked, a host runs the first one its release provides.
LAYER_FAMILIES = {"php": ("php",), "mariadb": ("mariadb",), "redis": ("valkey", "redis"),
                  "rabbitmq": ("rabbitmq",), "opensearch": ("opensearch", "elasticsearch")}
FINE, WARNING, ERROR = "fine", "warning", "error"
INVENTORY = "inventory"


def resolve_host(project, release, layers, php_source="auto", magento_version=None, pinned=None):
    """(values, findings) for a host on Debian `release` running `layers` (php, mariadb, redis, rabbitmq,
    opensearch). values: {role variable: {"value": ..., "source": "file:line:col" or "Debian N default"}}.
    pinned: values the inventory decides ({key: value}); the project is not held against the release for them."""
    release_offers.release(release)
    if php_source not in PHP_SOURCES:
        raise ValueError(f"php_source must be one of {', '.join(PHP_SOURCES)}, not {php_source!r}")
    resolution = _Resolution(project, str(release), php_source, magento_version or project.magento_version, pinned or {})
    values = {}
    if "php" in layers:
        values.update(resolution.php())
    for layer in SERVICE_LAYERS:
        if layer in layers:
            values.update(resolution.service_layer(layer))
    return values, sorted_findings(resolution.findings)


def apply_overrides(values, overrides):
    """values with each inventory value in place of the resolved one (source "inventory")."""
    merged = dict(values)
    merged.update({name: {"value": value, "source": INVENTORY} for name, value in overrides.items()})
    return merged


def verdict(requested, offer, supported):
    """supported: None when the Magento version is unknown, else the (low, high) range it supports or ()."""
    if offer.version is None or offer.missing_java:
        return ERROR
    if same_line(requested, offer.version):
        return FINE
    # An older version than asked for is never accepted: the project's code and data may need the newer one.
    newer = version_key(offer.version) > version_key(requested)
    return WARNING if newer and fits(supported, offer.version) else ERROR


def fits(supported, version):
    """Whether the Magento version supports version (True when the Magento version is unknown)."""
    return supported is None or bool(supported) and version_in_range(version, *supported)


def range_text(bounds):
    """'8.3 and 8.4', '10.6 to 11.8', '8.x' (a bound of one number covers its whole major)."""
    low, high = (bound if "." in bound else f"{bound}.x" for bound in bounds)
    if low == high:
        return low
    low_key, high_key = version_key(low), version_key(high)
    adjacent = len(low_key) == len(high_key) == 2 and low_key[0] == high_key[0] and high_key[1] == low_key[1] + 1
    return f"{low} and {high}" if adjacent else f"{low} to {high}"


class _Resolution:
    def __init__(self, project, release, php_source, magento_version, pinned):
        self.project, self.release, self.php_source, self.pinned = project, release, php_source, pinned
        self.line = release_line(magento_version)
        self.matrix = table("compatibility").get(self.line) if self.line else None
        self.others = [name for name in release_offers.release_names() if name != release]
        self.findings = []
        # A Project built by hand has no documents: its findings then point at line 1.
        self.documents = {name: project.documents.get(name) or Document(name) for name in (APP_FILE, SERVICES_FILE)}
        self.reports = {name: Report(document, self.findings) for name, document in self.documents.items()}

    def php(self):
        app_type = self.project.app.get("type")
        requested = php_version(app_type) if isinstance(app_type, str) else None
        runtime = self.project.app.get("runtime") or {}
        if "php_version" in self.pinned:
            offer, source = release_offers.offer("php", str(self.pinned["php_version"]), self.release, self.php_source), INVENTORY
            if offer.install is None:
                return {}
        elif not requested:
            offer, source = release_offers.offer("php", self.default_install("php"), self.release, "debian"), self.default_source()
        else:
            source = self.source(APP_FILE, ("type",))
            offer = release_offers.offer("php", requested, self.release, self.php_source)
            if self.check(APP_FILE, ("type",), app_type, "php", requested, offer) == ERROR:
                return {}
        packages = ([] if "php_extension_packages" in self.pinned
                    else extension_packages(self.reports[APP_FILE], runtime, offer.install, offer.origin, self.release))
        disabled = [name for unused_index, name in extension_names(runtime, "disabled_extensions")]
        return {"php_version": {"value": offer.install, "source": source},
                "php_source": {"value": offer.origin, "source": source},
                "php_extension_packages": {"value": packages, "source": self.runtime_source(runtime, "extensions")},
                "php_disabled_extensions": {"value": disabled, "source": self.runtime_source(runtime, "disabled_extensions")}}

    def service_layer(self, layer):
        requests = self.requests(layer)
        if f"{layer}_version" in self.pinned:
            family = SERVICE_FAMILY[requests[0][1]] if requests else self.default_family(layer)
            source = self.source(SERVICES_FILE, (requests[0][0], "type")) if requests else self.default_source()
            values = _layer_values(layer, family, None, source)
            values[f"{layer}_version"] = {"value": self.pinned[f"{layer}_version"], "source": INVENTORY}
            return values
        if not requests:
            family = self.default_family(layer)
            return _layer_values(layer, family, self.default_install(family), self.default_source())
        chosen = chosen_id = None
        for service_id, kind, requested in requests:
            family = SERVICE_FAMILY[kind]
            offer = release_offers.offer(family, requested, self.release)
            path = (service_id, "type")
            if self.check(SERVICES_FILE, path, f"{kind}:{requested}", family, requested, offer) == ERROR:
                continue
            values = _layer_values(layer, family, offer.install, self.source(SERVICES_FILE, path))
            if chosen is None:
                chosen, chosen_id = values, service_id
            elif {k: v["value"] for k, v in values.items()} != {k: v["value"] for k, v in chosen.items()}:
                self.reports[SERVICES_FILE].warning(path, f"this host runs one {LABELS[layer]}; it is set up for `{chosen_id}`",
                                                    f"put `{service_id}` on other hosts, or make both services the same type")
        return chosen or {}

    def requests(self, layer):
        """(service id, type name, version) of each service this layer runs, in file order."""
        catalog = table("services")
        typed = ((service_id, split_type(service.get("type", ""))) for service_id, service in self.project.services.items()
                 if isinstance(service, dict))
        return [(service_id, kind, version) for service_id, (kind, version) in typed
                if version and kind in SERVICE_FAMILY and catalog[kind].get("role") == layer]

    def default_family(self, layer):
        return next(family for family in LAYER_FAMILIES[layer] if release_offers.candidates(family, self.release, "debian"))

    def default_install(self, family):
        newest = release_offers.candidates(family, self.release, "debian")[0]
        return release_offers.offer(family, newest, self.release, "debian").install

    def supported(self, family):
        if self.matrix is None:
            return None
        return tuple(self.matrix.get(family) or ())

    def check(self, file_name, path, written, family, requested, offer):
        supported = self.supported(family)
        result = verdict(requested, offer, supported)
        report = self.reports[file_name]
        if result == WARNING:
            provider = "magecloud.platform installs" if offer.origin == "archive" else f"Debian {self.release} provides"
            known = (f", which Magento {self.line} supports" if supported
                     else "; the Magento version is unknown, so its support is not checked")
            report.warning(path, f"{written} requested, {provider} {LABELS[family]} {offer.version}{known}",
                           "" if supported else "commit composer.lock, or pass the Magento version")
        elif result == ERROR:
            report.error(path, f"{written} — {self.facts(family, offer)}{self.support_text(family, supported)}",
                         self.ways_out(written, family, requested))
        return result

    def facts(self, family, offer):
        """What the releases provide, as far as it explains why the request fails."""
        if offer.missing_java:
            return f"{LABELS[family]} {offer.version} needs Java {offer.missing_java}; {self.per_release('java', 'OpenJDK')}"
        if offer.origin == "archive":
            return f"magecloud.platform installs {LABELS[family]} {', '.join(release_offers.archives(family))}"
        if offer.origin == "sury":
            return f"the sury repository provides PHP {', '.join(release_offers.sury_php())}"
        return self.per_release(family, LABELS[family])

    def per_release(self, key, label):
        """'Debian 12 provides <label> X, Debian 13 <label> Y', this host's release first."""
        phrases = [f"Debian {name} {'provides ' if name == self.release else ''}"
                   + (f"{label} {release_offers.release(name)[key]}" if release_offers.release(name).get(key) else f"no {label}")
                   for name in [self.release] + self.others]
        return ", ".join(phrases)

    def support_text(self, family, supported):
        if supported is None:
            return ""
        if not supported:
            return f"; Magento {self.line} does not support {LABELS[family]}"
        return f"; Magento {self.line} supports {range_text(supported)}"

    def ways_out(self, written, family, requested):
        """Each change that makes the request resolve: other hosts, another type, another PHP source."""
        kind = written.partition(":")[0]
        here = self.fitting_type(kind, family, self.release)
        ways = []
        for name in self.others:
            offer = release_offers.offer(family, requested, name, self.php_source)
            result = verdict(requested, offer, self.supported(family))
            change = self.fitting_type(kind, family, name)
            if result != ERROR:
                ways.append(f"use Debian {name} hosts" + (f" with their {LABELS[family]} {offer.version}" if result == WARNING else ""))
            elif change and change != here:
                ways.append(f"use Debian {name} hosts with {change}")
        ways += [here] if here else []
        if family == "php" and self.php_source == "debian" and requested in release_offers.sury_php():
            ways.append("php_source: sury")
        return ", or ".join(ways) or (f"no Debian release provides a {LABELS[family]} that Magento {self.line} supports: "
                                      f"upgrade Magento, or run {LABELS[family]} outside magecloud.platform")

    def fitting_type(self, kind, family, release_name):
        """`type: <type>:<version>` for the newest version release_name installs that the Magento version
        supports, the requested family first; "" when there is none."""
        layer = next(layer for layer, families in LAYER_FAMILIES.items() if family in families)
        for other in sorted(LAYER_FAMILIES[layer], key=lambda name: name != family):
            fitting = [version for version in release_offers.candidates(other, release_name, self.php_source)
                       if fits(self.supported(other), version)]
            if fitting:
                return f"type: {kind if other == family else other}:{fitting[0]}"
        return ""

    def source(self, file_name, path):
        line, column = self.documents[file_name].position(path)
        return f"{file_name}:{line}:{column}"

    def runtime_source(self, runtime, key):
        return self.source(APP_FILE, ("runtime", key)) if isinstance(runtime, dict) and key in runtime else self.default_source()

    def default_source(self):
        return f"Debian {self.release} default"


def _layer_values(layer, family, install, source):
    values = {f"{layer}_version": {"value": install, "source": source}}
    if len(LAYER_FAMILIES[layer]) > 1:
        values[f"{layer}_engine"] = {"value": family, "source": source}
    return values
