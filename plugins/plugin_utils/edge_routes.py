# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The TLS edge's servers from .magento/routes.yaml: per host name and scheme, which paths are passed to
the cache and which are redirected, and whether the name may be reached over https only (HSTS)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import Project


def edge_servers(routes, domains):
    """[{name, scheme, default, hsts, locations: [{path, redirect|None}]}] for the routes (the routes.yaml
    mapping, empty for the cloud's default route) resolved for each domain, with the cloud's http/https
    pairing: a name declared only as https gets its http requests redirected to https. The primary
    route's name is each scheme's default server."""
    servers = {}
    resolved = derive.routes(Project(routes=routes or {}), domains)
    primary = next((urlsplit(url).hostname for url, route in resolved.items() if route.get("primary")), None)
    for url, route in resolved.items():
        parts = urlsplit(url)
        server = servers.setdefault((parts.hostname, parts.scheme), {
            "name": parts.hostname, "scheme": parts.scheme, "default": parts.hostname == primary, "hsts": False,
            "locations": []})
        path = parts.path or "/"
        redirect = _redirect_prefix(route, path) if route.get("type") == "redirect" else None
        server["locations"].append({"path": path, "redirect": redirect})
    for server in servers.values():
        server["locations"].sort(key=lambda location: location["path"], reverse=True)
        if server["scheme"] == "https":
            plain = servers.get((server["name"], "http"))
            server["hsts"] = plain is None or all(location["redirect"] for location in plain["locations"])
    return sorted(servers.values(), key=lambda server: (server["scheme"], not server["default"], server["name"]))


def _redirect_prefix(route, path):
    """The target a request under `path` is sent to, as `target$1` of a rewrite capturing the rest of its path."""
    target = route.get("to") or "/"
    return target.rstrip("/") + "/" if path.endswith("/") else target


def rewrite_pattern(path):
    """The nginx rewrite regex that captures what follows the route's path."""
    return "^" + re.escape(path) + "(.*)$"
