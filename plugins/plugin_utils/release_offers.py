# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Debian release can install for one service family (data/debian_releases.yml): its own
package, a PHP from Ondřej Surý's repository, or a search engine archive its Java can run."""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table, version_key

LABELS = {"php": "PHP", "mariadb": "MariaDB", "redis": "Redis", "valkey": "Valkey", "rabbitmq": "RabbitMQ",
          "opensearch": "OpenSearch", "elasticsearch": "Elasticsearch"}
PHP_SOURCES = ("debian", "sury", "auto")


@dataclass(frozen=True)
class Offer:
    version: str | None       # the major.minor compared with the request; None = nothing to offer
    install: str | None       # what the role installs (the full version of an archive)
    origin: str               # debian, sury or archive
    missing_java: str = ""    # the Java an archive needs that the release lacks


def release_names():
    return list(table("debian_releases")["releases"])


def release(name):
    releases = table("debian_releases")["releases"]
    if str(name) not in releases:
        raise ValueError(f"Debian {name} is not supported; supported releases: {', '.join(releases)}")
    return releases[str(name)]


def sury_php():
    return table("debian_releases")["sury_php"]


def archives(family):
    """{line: {version, java}} for a search engine family, None for a family Debian packages."""
    return table("debian_releases")["archives"].get(family)


def same_line(requested, provided):
    """'2' and '2.19' are the same line, '8.0' and '8.1' are not."""
    wanted, given = version_key(requested), version_key(provided)
    width = min(len(wanted), len(given))
    return wanted[:width] == given[:width]


def offer(family, requested, release_name, php_source="auto"):
    """What release_name installs when the project asks for family:requested."""
    facts = release(release_name)
    if family == "php":
        return _php_offer(requested, facts["php"], php_source)
    lines = archives(family)
    if lines is None:
        version = facts.get(family)
        return Offer(version, version, "debian")
    line = _archive_line(lines, requested)
    needs = lines[line]["java"]
    return Offer(line, lines[line]["version"], "archive", "" if facts["java"] in needs else " or ".join(needs))


def candidates(family, release_name, php_source="auto"):
    """Every version release_name can install for family, newest first."""
    facts = release(release_name)
    if family == "php":
        versions = ([facts["php"]] if php_source != "sury" else []) + (sury_php() if php_source != "debian" else [])
    elif archives(family) is None:
        versions = [facts[family]] if facts.get(family) else []
    else:
        versions = [line for line, spec in archives(family).items() if facts["java"] in spec["java"]]
    return sorted(set(versions), key=version_key, reverse=True)


def _php_offer(requested, debian, php_source):
    use_debian = php_source == "debian" or (php_source == "auto" and (same_line(requested, debian) or requested not in sury_php()))
    if use_debian:
        return Offer(debian, debian, "debian")
    version = requested if requested in sury_php() else None
    return Offer(version, version, "sury")


def _archive_line(lines, requested):
    """The line of the requested major, else the oldest newer one, else the newest older one."""
    ordered = sorted(lines, key=version_key)
    wanted = version_key(requested)
    for line in ordered:
        if version_key(line)[0] == wanted[0]:
            return line
    newer = [line for line in ordered if version_key(line) > wanted]
    return newer[0] if newer else ordered[-1]
