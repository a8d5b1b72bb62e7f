#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: git_export
short_description: Write a tar archive of one commit of a repository on the controller
version_added: 0.1.0
description:
  - Runs C(git archive) for O(commit) into O(dest) on the controller, through a temporary file that is
    renamed into place, so O(dest) is complete or absent. An existing O(dest) is kept.
  - The archive holds the commit's tracked files only, which makes it a clean checkout of the commit.
  - This is an action plugin; it runs on the controller only.
author: magecloud.platform maintainers (@magecloud)
options:
  repo:
    description: The repository on the controller.
    type: path
    required: true
  commit:
    description: The commit (or any ref) to export.
    type: str
    required: true
  dest:
    description: The archive to write; its directory is created.
    type: path
    required: true
attributes:
  check_mode:
    support: none
    description: Skipped in check mode.
  diff_mode:
    support: none
    description: Nothing to show; the archive is new or kept.
  platform:
    support: full
    platforms: posix
    description: Needs C(git) on the controller.
"""

EXAMPLES = r"""
- name: Export the commit to deploy
  magecloud.platform.git_export:
    repo: /srv/git/shop
    commit: 5d1c0f4e2a9b7c3d8e6f1a2b3c4d5e6f7a8b9c0d
    dest: ~/.cache/magecloud/deploy/5d1c0f4e.tar
"""

RETURN = r"""
dest:
  description: The archive.
  returned: success
  type: str
"""
