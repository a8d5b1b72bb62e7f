# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The init/ copy of the mounts, as ece-tools keeps it.

A mount hides whatever the build put at its path, so the build moves that content to
`init/<mount>` in the release (ece-tools' build step that backs up the writable directories).
On deploy it goes back into the mount (its pre-deploy restore of the writable directories):
for `app/etc` and `pub/media` ece-tools copies every file over the mount's (`cp -R`), so a
config.php committed or written by the build reaches the mount on every deploy; for any other
mount a file is copied only where the mount lacks it, so what the application wrote there is kept.
Each file lands by rename(2), so a request reading it sees the old or the new file, never a part.
"""

from __future__ import annotations

import os
import shutil

INIT = "init"


def collect(tree, mounts):
    """Moves what the tree holds at each mount path to init/<mount>; returns the mounts moved."""
    moved = []
    for mount in mounts:
        inside = os.path.join(tree, mount)
        if os.path.islink(inside) or not os.path.isdir(inside):
            continue
        target = os.path.join(tree, INIT, mount)
        if os.path.lexists(target):
            shutil.rmtree(target)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.rename(inside, target)
        moved.append(mount)
    return moved


def planned_copies(release_dir, shared_dir, mount, overwrite):
    """(source, destination, relative name) of each file of init/<mount> the mount takes."""
    source_top = os.path.join(release_dir, INIT, mount)
    copies = []
    for root, dirs, files in os.walk(source_top):
        dirs.sort()
        for name in sorted(files):
            source = os.path.join(root, name)
            relative = os.path.relpath(source, source_top)
            destination = os.path.join(shared_dir, mount, relative)
            if overwrite or not os.path.lexists(destination):
                copies.append((source, destination, os.path.join(mount, relative)))
    return copies


def restore(copies, uid, gid):
    """Copies each planned file into the mount by rename(2), making missing directories, owned by uid:gid."""
    for source, destination, unused_relative in copies:
        _make_dirs(os.path.dirname(destination), uid, gid)
        partial = f"{destination}.init-partial.{os.getpid()}"
        shutil.copy2(source, partial, follow_symlinks=False)
        os.lchown(partial, uid, gid)
        if not os.path.islink(partial):
            os.chmod(partial, (os.stat(partial).st_mode | 0o600) & 0o7777)
        os.rename(partial, destination)


def _make_dirs(path, uid, gid):
    if os.path.isdir(path):
        return
    _make_dirs(os.path.dirname(path), uid, gid)
    os.mkdir(path, 0o755)
    os.chown(path, uid, gid)
