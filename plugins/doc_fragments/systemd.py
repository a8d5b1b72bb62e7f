# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The platform of the modules that drive systemd units."""

    DOCUMENTATION = r"""
attributes:
  platform:
    support: full
    platforms: posix
    description: Needs systemd as the init system.
"""
