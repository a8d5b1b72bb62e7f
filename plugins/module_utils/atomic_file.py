# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small text file written whole: compared first, then replaced by rename(2), so readers see the old or the new."""

from __future__ import annotations

import os


def write_if_changed(path, content, mode, check_mode=False):
    """Writes content to path with mode unless it holds that already; whether it differed."""
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == content:
                return False
    except FileNotFoundError:
        pass
    if not check_mode:
        staging = f"{path}.magecloud-new"
        with open(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(staging, mode)
        os.rename(staging, path)
    return True
