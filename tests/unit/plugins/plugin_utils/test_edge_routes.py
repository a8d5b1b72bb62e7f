# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import re

from ansible_collections.magecloud.platform.plugins.plugin_utils import stack_plan
from ansible_collections.magecloud.platform.plugins.plugin_utils.edge_routes import edge_servers, rewrite_pattern
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import Project

UPSTREAM = {"type": "upstream", "upstream": "mymagento:http"}


def by_key(servers):
    return {(server["name"], server["scheme"]): server for server in servers}


def test_the_default_route_is_https_only_and_redirects_http():
    servers = by_key(edge_servers({}, ["shop.test"]))
    assert servers[("shop.test", "http")]["locations"] == [{"path": "/", "redirect": "https://shop.test/"}]
    assert servers[("shop.test", "https")]["locations"] == [{"path": "/", "redirect": None}]
    assert servers[("shop.test", "https")]["hsts"] is True
    assert servers[("shop.test", "https")]["default"] and servers[("shop.test", "http")]["default"]


def test_a_name_also_served_over_http_gets_no_hsts():
    routes = {"https://{default}/": UPSTREAM, "http://{default}/": UPSTREAM}
    servers = by_key(edge_servers(routes, ["shop.test"]))
    assert servers[("shop.test", "http")]["locations"] == [{"path": "/", "redirect": None}]
    assert servers[("shop.test", "https")]["hsts"] is False


def test_redirect_routes_are_kept_per_name_and_path():
    routes = {"https://{default}/": UPSTREAM,
              "http://www.{default}/": {"type": "redirect", "to": "https://{default}/"},
              "https://{default}/old-blog/": {"type": "redirect", "to": "https://blog.example.org/"}}
    servers = by_key(edge_servers(routes, ["shop.test"]))
    assert servers[("www.shop.test", "http")]["locations"] == [{"path": "/", "redirect": "https://shop.test/"}]
    assert servers[("www.shop.test", "http")]["default"] is False
    assert servers[("shop.test", "https")]["locations"] == [
        {"path": "/old-blog/", "redirect": "https://blog.example.org/"}, {"path": "/", "redirect": None}]


def test_defaults_come_first_in_each_scheme():
    routes = {"https://{default}/": UPSTREAM, "http://a.{default}/": {"type": "redirect", "to": "https://{default}/"}}
    order = [(server["scheme"], server["name"]) for server in edge_servers(routes, ["shop.test"])]
    assert order == [("http", "shop.test"), ("http", "a.shop.test"), ("https", "shop.test"), ("https", "a.shop.test")]


def test_the_rewrite_pattern_captures_the_rest_of_the_path():
    pattern = rewrite_pattern("/old.blog/")
    assert re.match(pattern, "/old.blog/2020/post").group(1) == "2020/post"
    assert re.match(pattern, "/oldXblog/2020") is None


def test_the_host_plan_hands_the_project_s_routes_to_the_edge():
    routes = {"https://{default}/": UPSTREAM}
    values, sources, unused = stack_plan.plan_host(Project(routes=routes), "13", set(), {})
    assert values["edge_routes"] == routes
    assert f"edge_routes = {routes} (.magento/routes.yaml)" in sources
    assert "edge_routes" not in stack_plan.plan_host(Project(), "13", set(), {})[0]
