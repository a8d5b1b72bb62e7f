# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a cloud project's files, validate them together and collect every finding."""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass, field
from datetime import date

from ansible_collections.magecloud.platform.plugins.plugin_utils import (
    app_schema, compatibility, composer_data, env_schema, file_rules, located_yaml, mount_rules, php_ini, routes_schema,
    service_rules, services_schema)
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR, Finding, FindingList, Report, sorted_findings

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


class UnreadableFile(Exception):
    """A project file that is there but is not read: a directory, a link out of the project, a
    device, a file over its size limit, one the controller may not read."""

    def __init__(self, message, suggestion=""):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion

    def finding(self, relative):
        return Finding(ERROR, relative, 1, 1, "", self.message, self.suggestion)


# Bytes read at most per file; a file over its limit is reported with its size and not read.
READ_LIMITS = {LOCK_FILE: 8 * 1024 * 1024, PHP_INI_FILE: 256 * 1024}
_SYSTEM_TREES = ("/dev", "/proc", "/sys")
_LINK_FIX = "commit the file itself instead of a symbolic link to it"


def read_limit(relative):
    return READ_LIMITS.get(relative, located_yaml.MAX_FILE_BYTES)


def _too_big(size, limit):
    return UnreadableFile(f"file is {_amount(size)}; a file over {_amount(limit)} is not read",
                          "a cloud configuration file is a few kilobytes; check that this is the right file")


def _amount(size):
    return f"{size:,} bytes ({size / 1048576:.1f} MiB)" if size >= 1048576 else f"{size:,} bytes"


def _within(path, tree):
    return path == tree or path.startswith(tree.rstrip(os.sep) + os.sep)


def directory_reader(directory):
    """Reads files of a project directory; read(relative) -> bytes, or None when the file is absent.

    Raises UnreadableFile, naming the file and reading nothing, for a path that resolves outside the
    directory (a symbolic link, `..`) or into /dev, /proc or /sys, a directory, anything but a regular
    file, a file over read_limit(relative) and a file the controller may not read."""
    root = os.path.realpath(directory)

    def read(relative):
        path = os.path.join(root, relative)
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise UnreadableFile(f"cannot be read: {error.strerror}") from error
        real = os.path.realpath(path)
        linked = real != os.path.normpath(path)
        if not _within(real, root) or any(_within(real, tree) and not _within(root, tree) for tree in _SYSTEM_TREES):
            raise UnreadableFile(f"{'is a symbolic link to' if linked else 'resolves to'} {real}, outside the project "
                                 "directory; it is not read", _LINK_FIX if linked else "")
        try:
            info = os.stat(real)
        except FileNotFoundError as error:
            raise UnreadableFile(f"is a symbolic link to {real}, which does not exist", _LINK_FIX) from error
        except OSError as error:
            raise UnreadableFile(f"cannot be read: {error.strerror}") from error
        _check_kind(info.st_mode)
        try:
            handle = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError as error:
            raise UnreadableFile(f"cannot be read: {error.strerror}") from error
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(handle)  # what was opened, should the path have changed since
            _check_kind(info.st_mode)
            limit = read_limit(relative)
            if info.st_size > limit:
                raise _too_big(info.st_size, limit)
            try:
                return stream.read(limit + 1)
            except OSError as error:
                raise UnreadableFile(f"cannot be read: {error.strerror}") from error

    def under(relative, limit):
        """Up to limit files under the project's directory `relative`, links not followed, sorted."""
        top = os.path.join(root, relative)
        if os.path.islink(top) or not _within(os.path.realpath(top), root):
            return []
        found = []
        for current, dirs, files in os.walk(top):
            dirs.sort()
            found += [os.path.relpath(os.path.join(current, name), root) for name in sorted(files)]
            if len(found) >= limit:
                break
        return found[:limit]
    read.under = under
    return read


def _check_kind(mode):
    if stat.S_ISDIR(mode):
        raise UnreadableFile("is a directory, not a file", "a cloud configuration file is expected at this path")
    if not stat.S_ISREG(mode):
        raise UnreadableFile("is not a regular file (a FIFO, socket or device); it is not read", "commit a plain file")


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
    """Reads files of a commit without a checkout; read(relative) -> bytes, or None when absent.

    Each path is looked up in the commit's tree first (`git ls-tree`): a symbolic link (mode 120000)
    is not followed, and a directory, a submodule or a blob over read_limit(relative) is not read;
    each raises UnreadableFile. The project's usual files are looked up in one call."""
    entries = {}

    def listing(paths):
        result = subprocess.run(["git", "-C", repository, "ls-tree", "-l", "-z", "--full-tree", "--end-of-options", ref, "--",
                                 *paths], capture_output=True, check=False)
        if result.returncode != 0:
            reason = (result.stderr.decode("utf-8", "replace").strip().splitlines() or ["git failed"])[-1]
            raise UnreadableFile(f"cannot be read from {ref} in {repository}: {reason}")
        for record in result.stdout.split(b"\0"):
            meta, unused_tab, name = record.partition(b"\t")
            if name:
                mode, kind, sha, size = meta.decode().split()
                entries[name.decode("utf-8", "surrogateescape")] = (mode, kind, sha, size)
        for path in paths:
            entries.setdefault(path, None)

    def entry(relative):
        if relative not in entries:
            listing([relative] + [path for path in _USUAL_PATHS if path not in entries and path != relative])
        return entries[relative]

    def read(relative):
        found = entry(relative)
        if found is None:
            parent = relative.rpartition("/")[0]
            while parent:
                above = entry(parent)
                if above and above[0] == _GIT_LINK:
                    raise UnreadableFile(f"lies under {parent}, a symbolic link in the commit; links are not followed",
                                         "commit the directory itself instead of a symbolic link to it")
                parent = parent.rpartition("/")[0]
            return None
        mode, kind, sha, size = found
        if mode == _GIT_LINK:
            raise UnreadableFile("is a symbolic link in the commit; links are not followed, so it is not read", _LINK_FIX)
        if kind == "tree":
            raise UnreadableFile("is a directory, not a file", "a cloud configuration file is expected at this path")
        if kind != "blob":
            raise UnreadableFile("is a git submodule, not a file", "commit the file itself")
        if int(size) > read_limit(relative):
            raise _too_big(int(size), read_limit(relative))
        result = subprocess.run(["git", "-C", repository, "cat-file", "blob", sha], capture_output=True, check=False)
        if result.returncode != 0:
            raise UnreadableFile(f"cannot be read from {ref}: {result.stderr.decode('utf-8', 'replace').strip()}")
        return result.stdout

    def under(relative, limit):
        """Up to limit files the commit has under `relative`, in git's order."""
        result = subprocess.run(["git", "-C", repository, "ls-tree", "-r", "-z", "--name-only", "--full-tree", "--end-of-options",
                                 ref, "--", relative], capture_output=True, check=False)
        names = [name.decode("utf-8", "surrogateescape") for name in result.stdout.split(b"\0") if name]
        return names[:limit] if result.returncode == 0 else []
    read.under = under
    return read


_GIT_LINK = "120000"
_USUAL_PATHS = (APP_FILE, SERVICES_FILE, ROUTES_FILE, ENV_FILE, PHP_INI_FILE, LOCK_FILE, ".magento")


class _Reporting:
    """A reader whose refusals become findings (one per file) and read as None, so every other
    file is still read and every other finding kept."""

    def __init__(self, read, findings):
        self._read = read
        self._findings = findings
        self.refused = set()

    def __call__(self, relative):
        if relative in self.refused:
            return None
        try:
            return self._read(relative)
        except UnreadableFile as problem:
            self.refused.add(relative)
            self._findings.append(problem.finding(relative))
            return None


def _document(read, name, findings):
    try:
        raw = read(name)
    except UnreadableFile as problem:
        findings.append(problem.finding(name))
        return located_yaml.Document(name, None)
    if raw is None:
        return located_yaml.Document(name, None, present=name in getattr(read, "refused", ()))
    return located_yaml.load(name, raw, findings)


def read_project(read, magento_version=None, today=None):
    """Parse and validate every project file through read(relative_path) -> bytes | None.
    today: the date the end-of-life checks measure against (default: the real date)."""
    findings = FindingList()
    committed_under = getattr(read, "under", None)
    read = _Reporting(read, findings)
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
        if committed_under is not None and isinstance(app_doc.data, dict):
            mount_rules.check(app_report, app_doc.data, committed_under)
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
    modules = file_rules.check(findings, {name: read(name) for name in file_rules.FILES}, ini_raw, app_doc, version, lock,
                               read.refused)
    service_rules.check(findings, app_doc, services_doc, env_doc, version, lock, modules, today or date.today())
    return Project(app=app, services=services,
                   routes=routes_doc.data if isinstance(routes_doc.data, dict) else {},
                   env=env_doc.data if isinstance(env_doc.data, dict) else {},
                   php_ini=ini_settings, magento_version=version or "", findings=sorted_findings(findings),
                   documents={document.name: document for document in (app_doc, services_doc, routes_doc, env_doc)})
