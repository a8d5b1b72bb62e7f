# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings as validate.yml and the git hub print them: lines per file, the rest of a file counted.

Apart from the action plugin so that a git hook can print them without loading Ansible."""

from __future__ import annotations

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR, WARNING, counts, not_shown_line, shown


def findings_result(findings):
    """(the findings part of the result, the lines of the errors): at most MAX_FINDINGS_PER_FILE findings
    per file, the rest of a file as one `… and K more not shown` line, counts over every finding."""
    visible, hidden = shown(findings)
    text, error_text = [], []
    for file in sorted({finding.file for finding in visible} | set(hidden)):
        for finding in (finding for finding in visible if finding.file == file):
            text.append(str(finding))
            if finding.severity == ERROR:
                error_text.append(text[-1])
        if file in hidden:
            text.append(not_shown_line(file, hidden[file]))
            if hidden[file][ERROR]:
                error_text.append(text[-1])
    total = counts(findings)
    return {
        "findings": [finding.as_dict() for finding in visible],
        "findings_text": text,
        "findings_not_shown": {file: sum(number.values()) for file, number in hidden.items()},
        "error_count": total[ERROR],
        "warning_count": total[WARNING],
    }, error_text
