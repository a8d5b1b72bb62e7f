# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release layout on a web host: <app_root>/releases/<id>, shared/, artifacts/, the current link and its history."""

from __future__ import annotations

import json
import os
import re
import time

RELEASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
HISTORY_FILE = ".history.json"
# Written into each release when it is prepared: its id, when, from which artifact, and its unpacked size.
MARKER = ".magecloud-release.json"


class ReleaseError(Exception):
    pass


class Layout:
    def __init__(self, app_root):
        self.app_root = app_root
        self.releases = os.path.join(app_root, "releases")
        self.shared = os.path.join(app_root, "shared")
        self.current = os.path.join(app_root, "current")
        self.artifacts = os.path.join(app_root, "artifacts")

    def path_of(self, release):
        if not RELEASE_ID.match(release or ""):
            raise ReleaseError(f"Release id {release!r} is not valid: use letters, digits, '.', '_' and '-'.")
        return os.path.join(self.releases, release)

    def exists(self, release):
        return os.path.isdir(self.path_of(release))

    def current_release(self):
        if not os.path.lexists(self.current):
            return None
        if not os.path.islink(self.current):
            raise ReleaseError(f"{self.current} is not a symbolic link; move it away so deploys can manage it.")
        return os.path.basename(os.path.normpath(os.path.join(self.app_root, os.readlink(self.current))))

    def all_releases(self):
        if not os.path.isdir(self.releases):
            return []
        return sorted(name for name in os.listdir(self.releases)
                      if RELEASE_ID.match(name) and os.path.isdir(os.path.join(self.releases, name)))

    def point_current_at(self, release):
        """Atomically repoint `current` with rename(2): there is no moment without a current release."""
        self.path_of(release)
        staging = os.path.join(self.app_root, f".current.{os.getpid()}")
        if os.path.lexists(staging):
            os.unlink(staging)
        os.symlink(os.path.join("releases", release), staging)
        os.rename(staging, self.current)

    # History: one entry per switch, oldest first, so "previous" survives host reboots and prunes.
    def history(self):
        try:
            with open(os.path.join(self.releases, HISTORY_FILE), encoding="utf-8") as handle:
                entries = json.load(handle)
        except FileNotFoundError:
            return []
        except ValueError as error:
            raise ReleaseError(f"{os.path.join(self.releases, HISTORY_FILE)} is not valid JSON ({error}); "
                               f"fix or remove it.") from error
        return [entry for entry in entries if isinstance(entry, dict) and "release" in entry]

    def record_switch(self, release, previous, switched_at, keep_entries=100):
        entries = self.history() + [{"release": release, "previous": previous, "at": switched_at}]
        target = os.path.join(self.releases, HISTORY_FILE)
        staging = f"{target}.{os.getpid()}"
        with open(staging, "w", encoding="utf-8") as handle:
            json.dump(entries[-keep_entries:], handle, indent=1)
        os.rename(staging, target)

    def previous_release(self):
        current = self.current_release()
        for entry in reversed(self.history()):
            if entry["release"] != current and self.exists(entry["release"]):
                return entry["release"]
        return None

    def last_served(self):
        """When each release stopped being current (epoch seconds); the current one maps to now."""
        served_until = {}
        entries = self.history()
        for earlier, later in zip(entries, entries[1:]):
            served_until[earlier["release"]] = later["at"]
        current = self.current_release()
        if current:
            served_until[current] = time.time()
        return served_until


def releases_in_use(releases_dir, proc="/proc"):
    """Releases some process has as working directory or holds a file open in (PHP workers mid-request)."""
    in_use = set()
    prefix = os.path.realpath(releases_dir) + os.sep
    for pid in (name for name in os.listdir(proc) if name.isdigit()):
        paths = []
        for link in ("cwd", "root"):
            paths.append(_readlink(os.path.join(proc, pid, link)))
        fd_dir = os.path.join(proc, pid, "fd")
        try:
            paths += [_readlink(os.path.join(fd_dir, fd)) for fd in os.listdir(fd_dir)]
        except OSError:
            continue
        for path in paths:
            if path and path.startswith(prefix):
                in_use.add(path[len(prefix):].split(os.sep, 1)[0])
    return in_use


def _readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return None


def prune_candidates(layout, keep, grace_seconds, in_use, now=None):
    """Releases beyond the newest `keep` ones that nobody can still be served from."""
    now = time.time() if now is None else now
    current = layout.current_release()
    served_until = layout.last_served()
    order = {entry["release"]: index for index, entry in enumerate(layout.history())}
    newest_first = sorted(layout.all_releases(),
                          key=lambda name: (order.get(name, -1), os.path.getmtime(layout.path_of(name))), reverse=True)
    return [name for name in newest_first[keep:]
            if name != current and name not in in_use and now - served_until.get(name, 0) >= grace_seconds]


def release_size(release_dir):
    """Bytes a release takes: the size its marker recorded when it was unpacked, else what its files use on disk.

    Links are not followed: the shared mounts are links, and they are not part of the release.
    """
    try:
        with open(os.path.join(release_dir, MARKER), encoding="utf-8") as handle:
            recorded = json.load(handle).get("size")
        if isinstance(recorded, int) and recorded >= 0:
            return recorded
    except (OSError, ValueError, AttributeError):
        pass
    total = 0
    for root, dirs, files in os.walk(release_dir):
        for name in dirs + files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
    return total
