# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: the exporters a host runs and where they listen, and the scrape jobs of the monitor hosts."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.plugin_utils import monitoring_targets
from ansible_collections.magecloud.platform.plugins.plugin_utils.private_network import PrivateNetworkError


def monitoring_exporters(host, groups, ports=None):
    """{exporter: port} of the exporters host runs (none without a monitor host)."""
    return dict(monitoring_targets.host_exporters(host, groups, ports))


def monitoring_exporter_address(host, groups, host_vars):
    """The address host's exporters listen on."""
    try:
        return monitoring_targets.exporter_address(host, groups, host_vars)
    except PrivateNetworkError as error:
        raise AnsibleFilterError(str(error)) from None


def monitoring_opensearch_uri(address, port, tls=False, user="", password=""):
    """The Elasticsearch exporter's URI of OpenSearch."""
    return monitoring_targets.opensearch_uri(address, int(port), tls, user, password)


def monitoring_scrape_jobs(groups, hostvars, ports=None):
    """Prometheus scrape_configs of every host's exporters."""
    try:
        return monitoring_targets.scrape_jobs(groups, hostvars, ports)
    except PrivateNetworkError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"monitoring_exporters": monitoring_exporters, "monitoring_exporter_address": monitoring_exporter_address,
                "monitoring_scrape_jobs": monitoring_scrape_jobs, "monitoring_opensearch_uri": monitoring_opensearch_uri}
