# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the store's report page (HTML) from Prometheus' series and rules, the web hosts' releases and a profile."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def monitoring_report(series, graphs, rules=None, releases=None, profile=None, title="Store report", source=""):
    """The report page's HTML."""
    # Imported here, not at the top: Ansible loads every filter file of the collection in each task's worker, and
    # matplotlib's import alone made a second converge of the stack (188 tasks) take 59 s instead of 31.
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.magecloud.platform.plugins.plugin_utils.monitoring_report import ReportError, render_report

    try:
        return render_report(series, graphs, rules, releases, profile, title, source)
    except ReportError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"monitoring_report": monitoring_report}
