# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a directory of deploy artifacts holds, and which entries no kept release needs any more.

Three kinds of entries are written there: the release's artifact `<release>.tar.gz`, the git export
of a tree `<tree>.tar` and the copy of a tree's cloud files `project-<tree>/` (both on the controller).
A release id starts with the first 12 hex digits of its tree and a dash (filter release_id), which
ties the last two to the releases built from them. Entries of any other name are never touched.
"""

from __future__ import annotations

import os
import re
import shutil

from ansible_collections.magecloud.platform.plugins.module_utils.releases import RELEASE_ID

ARTIFACT = re.compile(r"^(?P<release>.+)\.tar\.gz$")
TREE_ENTRY = re.compile(r"^(?:project-(?P<project>[0-9a-f]{40,64})|(?P<export>[0-9a-f]{40,64})\.tar)$")
# What a killed write left: `<name>.partial.<pid>` (release_switch, git_export).
PARTIAL = re.compile(r"\.partial\.\d+$")


def stale_entries(directory, kept_releases):
    """Names in directory that belong to no release of kept_releases, sorted; partial writes are stale too.

    Callers hold the deploy lock, so no partial write of a running deploy can be in the directory.
    """
    if not os.path.isdir(directory):
        return []
    kept = set(kept_releases)
    kept_trees = {release.split("-", 1)[0] for release in kept if "-" in release}
    stale = []
    for name in os.listdir(directory):
        artifact = ARTIFACT.match(name)
        tree = TREE_ENTRY.match(name)
        if PARTIAL.search(name):
            stale.append(name)
        elif artifact and RELEASE_ID.match(artifact["release"]):
            if artifact["release"] not in kept:
                stale.append(name)
        elif tree and (tree["project"] or tree["export"])[:12] not in kept_trees:
            stale.append(name)
    return sorted(stale)


def remove_stale_entries(directory, kept_releases, check_mode=False):
    """Removes what stale_entries finds; returns the names removed (or that would be, in check mode)."""
    stale = stale_entries(directory, kept_releases)
    if not check_mode:
        for name in stale:
            path = os.path.join(directory, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
    return stale
