# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a cloud project's files, validate them together and collect every finding."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import date

from ansible_collections.magecloud.platform.plugins.plugin_utils import (
    app_schema, compatibility, composer_data, env_schema, file_rules, located_yaml, php_ini, routes_schema,
    service_rules, services_schema)
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import Report, sorted_findings

APP_FILE = ".magento.app.yaml"
SERVICES_FILE = ".magento/services.yaml"
ROUTES_FILE = ".magento/routes.yaml"
ENV_FILE = ".magento.env.yaml"
PHP_INI_FILE = "php.ini"
LOCK_FILE = "composer.lock"


@dataclass
class Project:
    app: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)
    routes: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    php_ini: dict = field(default_factory=dict)
    magento_version: str = ""
    findings: list = field(default_factory=list)
    documents: dict = field(default_factory=dict)


def directory_reader(directory):
    def read(relative):
        path = os.path.join(directory, relative)
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as handle:
            return handle.read(located_yaml.MAX_FILE_BYTES + 1)
    return read


class GitRefError(Exception):
    pass


def resolve_git_ref(repository, ref):
    """(commit, tree) of REF in the repository, or GitRefError saying what is wrong."""
    if ref.startswith("-"):
        raise GitRefError(f"git ref {ref!r} may not start with '-'")
    result = subprocess.run(["git", "-C", repository, "rev-parse", f"{ref}^{{commit}}", f"{ref}^{{tree}}", "--"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["git failed"])[-1]
        raise GitRefError(f"cannot read {ref} from {repository}: {reason}")
    commit, tree = result.stdout.split()[:2]
    return commit, tree


def git_reader(repository, ref):
    """Reads files of a commit without a checkout (`git show REF:PATH`)."""
    def read(relative):
        result = subprocess.run(["git", "-C", repository, "show", f"{ref}:{relative}"],
                                capture_output=True, check=False)
        return result.stdout if result.returncode == 0 else None
    return read


def _document(read, name, findings):
    raw = read(name)
    if raw is None:
        return located_yaml.Document(name, None, present=False)
    return located_yaml.load(name, raw, findings)


def read_project(read, magento_version=None, today=None):
    """Parse and validate every project file through read(relative_path) -> bytes | None.
    today: the date the end-of-life checks measure against (default: the real date)."""
    findings = []
    app_doc = _document(read, APP_FILE, findings)
    services_doc = _document(read, SERVICES_FILE, findings)
    routes_doc = _document(read, ROUTES_FILE, findings)
    env_doc = _document(read, ENV_FILE, findings)
    app_report, services_report = Report(app_doc, findings), Report(services_doc, findings)

    services = services_doc.data if isinstance(services_doc.data, dict) else {}
    if not app_doc.present:
        app_report.error((), f"{APP_FILE} is missing", "run this against the project's root directory")
    elif app_doc.data is None and not any(f.file == APP_FILE for f in findings):
        app_report.error((), f"{APP_FILE} is empty", "it must define at least name and type")
    elif app_doc.data is not None:
        app_schema.validate(app_report, app_doc.data, services)
    if services_doc.data is not None:
        services_schema.validate(services_report, services_doc.data)
    app = app_doc.data if isinstance(app_doc.data, dict) else {}
    app_name = app.get("name") if isinstance(app.get("name"), str) else None
    if routes_doc.data is not None:
        routes_schema.validate(Report(routes_doc, findings), routes_doc.data, app_name)

    version = magento_version or compatibility.magento_version_from_lock((read(LOCK_FILE) or b"").decode("utf-8", "replace"))
    env_schema.validate(Report(env_doc, findings), env_doc.data, version, app_doc.data)
    compatibility.check(version, app_schema.php_version(app.get("type", "")), services, app_report, services_report)

    ini_raw = read(PHP_INI_FILE)
    ini_settings = php_ini.parse(ini_raw.decode("utf-8", "replace"), Report(located_yaml.Document(PHP_INI_FILE), findings)) \
        if ini_raw is not None else {}
    lock = composer_data.Lock.parse(read(LOCK_FILE))
    modules = file_rules.check(findings, {name: read(name) for name in file_rules.FILES}, ini_raw, app_doc, version, lock)
    service_rules.check(findings, app_doc, services_doc, env_doc, version, lock, modules, today or date.today())
    return Project(app=app, services=services,
                   routes=routes_doc.data if isinstance(routes_doc.data, dict) else {},
                   env=env_doc.data if isinstance(env_doc.data, dict) else {},
                   php_ini=ini_settings, magento_version=version or "", findings=sorted_findings(findings),
                   documents={document.name: document for document in (app_doc, services_doc, routes_doc, env_doc)})
