# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pushed commit's cloud files, read and validated the way validate.yml reads a repository."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings_report import findings_result
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import git_reader, read_project


def commit_findings(repository, commit):
    """(finding lines as validate.yml prints them, error count, warning count) of the commit."""
    project = read_project(git_reader(repository, commit))
    part, unused_error_lines = findings_result(project.findings)
    return part["findings_text"], part["error_count"], part["warning_count"]
