"""Cloud projects shaped like the official templates, written here from the documented facts."""

import textwrap
from datetime import date

from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

# A day when every service version the fixtures pair with a release was inside its support window:
# the end-of-life checks measure against `today`, and these projects are otherwise clean.
SUPPORTED_DAY = date(2022, 6, 1)

APP = """\
name: mymagento
type: php:{php}
build:
    flavor: none
dependencies:
    php:
        composer/composer: '{composer}'
runtime:
    extensions:
        - xsl
        - sodium
        - redis
relationships:
    database: "mysql:mysql"
    {cache_rel}: "{cache_id}:{cache_kind}"
    opensearch: "opensearch:opensearch"
    rabbitmq: "rabbitmq:rabbitmq"
web:
    locations:
        "/":
            root: "pub"
            passthru: "/index.php"
            index:
                - index.php
            expires: -1
            scripts: true
            allow: false
            rules:
                \\.(css|js|map|gif|jpe?g|png|svg|woff2?|html?)$:
                    allow: true
                ^/sitemap(.*)\\.xml$:
                    passthru: "/media/sitemap$1.xml"
        "/media":
            root: "pub/media"
            allow: true
            scripts: false
            expires: 1y
            passthru: "/get.php"
        "/static":
            root: "pub/static"
            allow: true
            scripts: false
            expires: 1y
            passthru: "/front-static.php"
            rules:
                ^/static/version\\d+/(?<resource>.*)$:
                    passthru: "/static/$resource"
disk: 5120
mounts:
    "var": "shared:files/var"
    "app/etc": "shared:files/etc"
    "pub/media": "shared:files/media"
    "pub/static":
        source: shared
        source_path: files/static
hooks:
    build: |
        set -e
        composer install --no-dev
    deploy: |
        php ./vendor/bin/ece-tools run scenario/deploy.xml
    post_deploy: |
        php ./vendor/bin/ece-tools run scenario/post-deploy.xml
crons:
    cronrun:
        spec: "*/5 * * * *"
        cmd: "php bin/magento cron:run"
workers:
    queue:
        commands:
            start: php bin/magento queue:consumers:start async.operations.all
variables:
    env:
        CONFIG__DEFAULT__GENERAL__LOCALE__CODE: en_US
"""

SERVICES = """\
mysql:
    type: mysql:{mysql}
    disk: 5120

{cache_id}:
    type: {cache_kind}:{cache_version}

opensearch:
    type: opensearch:{opensearch}
    disk: 1024

rabbitmq:
    type: rabbitmq:{rabbitmq}
    disk: 1024
"""

ROUTES = """\
"https://{{default}}/":
    type: upstream
    upstream: "mymagento:http"
    cache:
        enabled: true
        default_ttl: 300
        cookies: ["PHPSESSID"]

"http://{{default}}/":
    type: redirect
    to: "https://{{default}}/"
"""

ENV = """\
stage:
    global:
        SCD_ON_DEMAND: false
        MIN_LOGGING_LEVEL: info
    build:
        SCD_THREADS: 2
        QUALITY_PATCHES:
            - MDVA-30106
    deploy:
        REDIS_USE_SLAVE_CONNECTION: true
        SCD_COMPRESSION_LEVEL: 4
        CRON_CONSUMERS_RUNNER:
            cron_run: true
            max_messages: 1000
            consumers: []
        SPLIT_DB: []
    post-deploy:
        WARM_UP_PAGES:
            - "index.php"
            - "category:*:1"
"""

PHP_INI = """\
; project php.ini
memory_limit = 2G
realpath_cache_size = 10M
opcache.max_accelerated_files=16229
opcache.blacklist_filename="${MAGENTO_CLOUD_APP_DIR}/op-exclude.txt"
"""

# The cloud template's op-exclude.txt and the app/etc/config.php `bin/magento module:enable --all` writes.
OP_EXCLUDE = """\
/app/*/app/etc/config.php
/app/*/app/etc/env.php
/app/app/etc/config.php
/app/app/etc/env.php
/app/etc/config.php
/app/etc/env.php
"""

CONFIG_PHP = """\
<?php
return [
    'modules' => [
        'Magento_Store' => 1,
        'Magento_Catalog' => 1,
        'Magento_OpenSearch' => 1,
    ],
];
"""

# Per Magento release line: versions its template and the system requirements pair with it.
RELEASES = {
    "2.4.4": dict(php="8.1", composer="2.2.21", mysql="10.6", cache_kind="redis", cache_id="redis", cache_rel="redis",
                  cache_version="6.2", opensearch="1.2", rabbitmq="3.9"),
    "2.4.5": dict(php="8.1", composer="2.2.21", mysql="10.4", cache_kind="redis", cache_id="redis", cache_rel="redis",
                  cache_version="7.2", opensearch="2", rabbitmq="3.9"),
    "2.4.6": dict(php="8.2", composer="2.2.21", mysql="10.11", cache_kind="redis", cache_id="redis", cache_rel="redis",
                  cache_version="7.2", opensearch="2", rabbitmq="3.11"),
    "2.4.7": dict(php="8.3", composer="2.9.3", mysql="10.11", cache_kind="redis", cache_id="redis", cache_rel="redis",
                  cache_version="7.2", opensearch="2.12", rabbitmq="3.13"),
    "2.4.8": dict(php="8.4", composer="2.9.3", mysql="11.4", cache_kind="valkey", cache_id="cache", cache_rel="valkey",
                  cache_version="8.0", opensearch="3", rabbitmq="4.1"),
}


def project_files(release="2.4.7"):
    values = RELEASES[release]
    return {
        ".magento.app.yaml": APP.format(**values),
        ".magento/services.yaml": SERVICES.format(**values),
        ".magento/routes.yaml": ROUTES.format(),
        ".magento.env.yaml": ENV,
        "php.ini": PHP_INI,
        "op-exclude.txt": OP_EXCLUDE,
        "app/etc/config.php": CONFIG_PHP,
        "composer.lock": '{"packages": [{"name": "magento/product-community-edition", "version": "%s-p1"}]}' % release,
    }


def reader(files):
    def read(relative):
        value = files.get(relative)
        return value.encode() if isinstance(value, str) else value
    return read


ENV_FILE, APP_FILE = ".magento.env.yaml", ".magento.app.yaml"
TEMPLATE_HOOK = "    post_deploy: |\n        php ./vendor/bin/ece-tools run scenario/post-deploy.xml\n"


def env_findings(env, version="2.4.7", post_deploy=None):
    """(severity, file, line, key path) of each .magento.env.yaml finding of a 2.4.7 project with this env text
    (and, when given, this post_deploy hook in place of the template's)."""
    files = project_files("2.4.7")
    files[ENV_FILE] = textwrap.dedent(env)
    if post_deploy is not None:
        assert TEMPLATE_HOOK in files[APP_FILE]
        files[APP_FILE] = files[APP_FILE].replace(TEMPLATE_HOOK, post_deploy)
    project = read_project(reader(files), magento_version=version)
    return sorted((f.severity, f.file, f.line, f.path) for f in project.findings if f.file == ENV_FILE)


def expected(env, items):
    """The findings env_findings should give: items are (severity, text on the finding's line, key path)."""
    lines = textwrap.dedent(env).splitlines()
    line = {marker: next(number for number, text in enumerate(lines, 1) if marker in text) for unused_severity, marker, unused_path in items}
    return sorted((severity, ENV_FILE, line[marker], path) for severity, marker, path in items)
