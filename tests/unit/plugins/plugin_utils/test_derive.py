"""Derived stack variables and the MAGENTO_CLOUD_* values in the cloud's documented shapes."""

import base64
import json

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

from cloud_project_fixtures import project_files, reader

ENDPOINTS = {
    "mysql": {"host": "10.1.0.5", "username": "magento", "password": "s3cret", "path": "magento"},
    "cache": {"host": "10.1.0.6", "port": 6380, "password": "r3dis"},
    "opensearch": {"host": "10.1.0.7"},
    "rabbitmq": {"host": "10.1.0.8", "username": "magento", "password": "mq"},
}


def decode(value):
    return json.loads(base64.b64decode(value))


def environment(release="2.4.8"):
    project = read_project(reader(project_files(release)))
    return project, derive.runtime_environment(project, ENDPOINTS, ["shop.test"], "production",
                                               "/var/www/magento/current", {"ADMIN_EMAIL": "a@b.test"}, "abc123")


def test_relationships_have_the_cloud_shape_with_inventory_endpoints():
    env = environment()[1]
    relationships = decode(env["MAGENTO_CLOUD_RELATIONSHIPS"])
    assert sorted(relationships) == ["database", "opensearch", "rabbitmq", "valkey"]
    database = relationships["database"][0]
    assert {key: database[key] for key in ("host", "port", "scheme", "username", "password", "path", "type", "service", "rel")} == {
        "host": "10.1.0.5", "port": 3306, "scheme": "mysql", "username": "magento", "password": "s3cret",
        "path": "magento", "type": "mysql:11.4", "service": "mysql", "rel": "mysql"}
    assert database["query"] == {"is_master": True}
    valkey = relationships["valkey"][0]
    assert (valkey["host"], valkey["port"], valkey["scheme"], valkey["password"]) == ("10.1.0.6", 6380, "redis", "r3dis")
    assert relationships["rabbitmq"][0]["scheme"] == "amqp" and relationships["rabbitmq"][0]["port"] == 5672
    assert relationships["opensearch"][0]["port"] == 9200


def test_routes_resolve_placeholders_and_pair_http_with_https():
    env = environment()[1]
    routes = decode(env["MAGENTO_CLOUD_ROUTES"])
    assert routes["https://shop.test/"]["type"] == "upstream"
    assert routes["https://shop.test/"]["upstream"] == "mymagento:http"
    assert routes["https://shop.test/"]["original_url"] == "https://{default}/"
    assert routes["https://shop.test/"]["primary"] is True
    assert routes["http://shop.test/"] == {**routes["http://shop.test/"], "type": "redirect", "to": "https://shop.test/"}


def test_application_variables_and_plain_values():
    project, env = environment()
    assert decode(env["MAGENTO_CLOUD_APPLICATION"]) == project.app
    assert decode(env["MAGENTO_CLOUD_VARIABLES"]) == {"ADMIN_EMAIL": "a@b.test"}
    assert env["MAGENTO_CLOUD_ENVIRONMENT"] == "production"
    assert env["MAGENTO_CLOUD_TREE_ID"] == "abc123"
    assert env["MAGENTO_CLOUD_APP_DIR"] == "/var/www/magento/current"
    assert env["MAGENTO_CLOUD_LOCKS_DIR"] == "/var/www/magento/current/var/locks"
    assert env["MAGENTO_CLOUD_DOCUMENT_ROOT"] == "/var/www/magento/current/pub"


def test_stack_variables_for_the_roles():
    project = read_project(reader(project_files("2.4.7")))
    stack = derive.stack(project)
    assert stack["services"]["mysql"] == {"type": "mysql", "version": "10.11", "disk": 5120, "role": "mariadb"}
    assert stack["redis_instances"] == ["redis"]
    assert {"path": "pub/static", "source": "shared", "source_path": "files/static"} in stack["mounts"]
    assert stack["crons"] == [{"name": "cronrun", "spec": "*/5 * * * *", "cmd": "php bin/magento cron:run", "timeout": None}]
    assert stack["workers"] == {"queue": "php bin/magento queue:consumers:start async.operations.all"}
    assert [location["path"] for location in derive.web_locations(project.app)] == ["/", "/media", "/static"]
    assert stack["route_cache"][0]["default_ttl"] == 300


def test_project_without_routes_gets_the_default_route():
    files = project_files()
    del files[".magento/routes.yaml"]
    project = read_project(reader(files))
    routes = derive.routes(project, ["example.test"])
    assert routes["https://example.test/"]["upstream"] == "mymagento:http"
    assert routes["http://example.test/"]["type"] == "redirect"
