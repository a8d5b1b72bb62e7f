# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the commit holds under a mount of .magento.app.yaml.

A mount hides what the release has at its path. ece-tools moves the build's content of a mount to
init/ and copies it back over the mount on every deploy for app/etc and pub/media only; under any
other mount, a committed file reaches the mount only while the mount lacks it (this collection's
deploy), or never (the cloud). So such a file is named with a warning."""

from __future__ import annotations

# Mounts whose committed files go over the mount's on every deploy (ece-tools' recoverable directories).
RESTORED_OVER = ("app/etc", "pub/media")
# Files named per mount at most.
NAMED = 3


def check(report, app, committed_under):
    """committed_under(path, limit) -> up to limit committed file paths under path (relative to the project)."""
    mounts = app.get("mounts")
    if not isinstance(mounts, dict):
        return
    for target in mounts:
        mount = str(target).strip("/")
        if not mount or mount in RESTORED_OVER or ".." in mount.split("/"):
            continue
        files = committed_under(mount, NAMED + 1)
        if files:
            named = ", ".join(files[:NAMED]) + (" and more" if len(files) > NAMED else "")
            report.warning(("mounts", target),
                           f"`{mount}` is a mount and the commit has files under it ({named}): the mount hides them, "
                           "and a deploy copies them into it only where the mount lacks them, so a later change of "
                           "them never reaches it (on the cloud they never do)",
                           f"move the files out of `{mount}`, or write them from a deploy hook")
