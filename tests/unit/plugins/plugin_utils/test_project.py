"""The project reader on valid template-shaped projects and on broken inputs: each finding must
name the exact file, line and key."""

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project

from cloud_project_fixtures import RELEASES, SUPPORTED_DAY, project_files, reader

APP, SERVICES, ROUTES, ENV = ".magento.app.yaml", ".magento/services.yaml", ".magento/routes.yaml", ".magento.env.yaml"


@pytest.mark.parametrize("release", sorted(RELEASES))
def test_template_shaped_project_has_no_findings(release):
    project = read_project(reader(project_files(release)), today=SUPPORTED_DAY)
    assert [str(finding) for finding in project.findings] == []
    assert project.magento_version == f"{release}-p1"


# (id, file, text replaced, replacement, text on the line the finding must name, key path, message part)
BROKEN = [
    ("app-top-typo", APP, "relationships:", "relationship:", "relationship:", "relationship", "did you mean `relationships`?"),
    ("app-unknown-key", APP, "disk: 5120", "disk: 5120\nfoo: bar", "foo: bar", "foo", "unknown key `foo`"),
    ("app-name-missing", APP, "name: mymagento\n", "", "type: php", "", "`name` is required"),
    ("app-name-uppercase", APP, "name: mymagento", "name: MyMagento", "name: MyMagento", "name", "lowercase"),
    ("app-type-missing", APP, "type: php:8.3\n", "", "name: mymagento", "", "`type` is required"),
    ("app-type-not-php", APP, "type: php:8.3", "type: nodejs:20", "type: nodejs", "type", "not a PHP application"),
    ("app-php-old", APP, "type: php:8.3", "type: php:7.4", "type: php:7.4", "type", "PHP 7.4 is not provided"),
    ("app-type-list", APP, "type: php:8.3", "type: [php]", "type: [php]", "type", "must be a string"),
    ("app-flavor", APP, "flavor: none", "flavor: maven", "flavor: maven", "build.flavor", "unknown build flavor"),
    ("app-build-key", APP, "flavor: none", "flavour: none", "flavour: none", "build.flavour", "did you mean `flavor`?"),
    ("app-extension-unknown", APP, "- sodium", "- sodum", "- sodum", "runtime.extensions.1", "did you mean `sodium`?"),
    ("app-extensions-string", APP, "    extensions:\n        - xsl\n        - sodium\n        - redis", "    extensions: xsl", "extensions: xsl",
     "runtime.extensions", "must be a list"),
    ("app-runtime-key", APP, "    extensions:", "    extension:", "extension:", "runtime.extension", "did you mean `extensions`?"),
    ("rel-no-colon", APP, '"mysql:mysql"', '"mysql"', 'database: "mysql"', "relationships.database", "<service>:<endpoint>"),
    ("rel-unknown-service", APP, '"mysql:mysql"', '"mysqldb:mysql"', 'database: "mysqldb', "relationships.database", "not defined"),
    ("rel-service-typo-suggests", APP, '"mysql:mysql"', '"mysq:mysql"', 'database: "mysq:', "relationships.database", "did you mean `mysql`?"),
    ("rel-bad-endpoint", APP, '"opensearch:opensearch"', '"opensearch:elasticsearch"', 'opensearch: "opensearch:elastic',
     "relationships.opensearch", "no endpoint `elasticsearch`"),
    ("rel-not-string", APP, '"mysql:mysql"', "[mysql]", "database: [mysql]", "relationships.database", "must be a string"),
    ("location-no-slash", APP, '"/media":', '"media":', '"media":', "web.locations.media", "must start with /"),
    ("location-key", APP, "            passthru: \"/get.php\"", "            passthrough: \"/get.php\"", "passthrough:",
     "web.locations./media.passthrough", "did you mean `passthru`?"),
    ("location-allow-type", APP, "            allow: false", "            allow: nope", "allow: nope", "web.locations./.allow", "true or false"),
    ("location-expires", APP, "expires: 1y\n            passthru: \"/get.php\"", "expires: soon\n            passthru: \"/get.php\"",
     "expires: soon", "web.locations./media.expires", "not a duration"),
    ("rule-regex", APP, "^/sitemap(.*)\\.xml$:", "^/sitemap(.*\\.xml$:", "^/sitemap(", "web.locations./.rules.^/sitemap(.*\\.xml$",
     "not a valid regular expression"),
    ("rule-key", APP, "                    allow: true", "                    alow: true", "alow: true",
     "web.locations./.rules.\\.(css|js|map|gif|jpe?g|png|svg|woff2?|html?)$.alow", "did you mean `allow`?"),
    ("disk-zero", APP, "disk: 5120", "disk: 0", "disk: 0", "disk", "greater than 0"),
    ("disk-string", APP, "disk: 5120", "disk: big", "disk: big", "disk", "must be an integer"),
    ("mount-form", APP, '"var": "shared:files/var"', '"var": "files/var"', '"var": "files', "mounts.var", "shared:files"),
    ("mount-source", APP, '"var": "shared:files/var"', '"var": "sharde:files/var"', '"var": "sharde', "mounts.var", "did you mean `shared`?"),
    ("mount-absolute", APP, '"var": "shared:files/var"', '"/var": "shared:files/var"', '"/var"', "mounts./var", "relative"),
    ("mount-dict-source", APP, "        source: shared", "        source: remote", "source: remote", "mounts.pub/static.source", "unknown mount source"),
    ("hook-unknown", APP, "    post_deploy: |", "    postdeploy: |", "postdeploy:", "hooks.postdeploy", "did you mean `post_deploy`?"),
    ("hook-list", APP, "    deploy: |\n        php ./vendor/bin/ece-tools run scenario/deploy.xml", "    deploy: [a, b]",
     "deploy: [a, b]", "hooks.deploy", "must be a string"),
    ("cron-4-fields", APP, '"*/5 * * * *"', '"*/5 * * *"', 'spec: "*/5 * * *"', "crons.cronrun.spec", "has 4 fields"),
    ("cron-minute-range", APP, '"*/5 * * * *"', '"61 * * * *"', 'spec: "61', "crons.cronrun.spec", "minute `61` is outside 0-59"),
    ("cron-step-zero", APP, '"*/5 * * * *"', '"*/0 * * * *"', 'spec: "*/0', "crons.cronrun.spec", "never fires"),
    ("cron-month-name", APP, '"*/5 * * * *"', '"0 0 1 jab *"', 'spec: "0 0 1 jab', "crons.cronrun.spec", "month `jab`"),
    ("cron-no-cmd", APP, '        cmd: "php bin/magento cron:run"\n', "", "cronrun:", "crons.cronrun", "`cmd` is required"),
    ("cron-no-spec", APP, '        spec: "*/5 * * * *"\n', "", "cronrun:", "crons.cronrun", "`spec` is required"),
    ("cron-timeout", APP, '        cmd: "php bin/magento cron:run"', '        cmd: "php bin/magento cron:run"\n        timeout: -5',
     "timeout: -5", "crons.cronrun.timeout", "greater than 0"),
    ("worker-no-start", APP, "            start: php bin/magento", "            begin: php bin/magento", "commands:",
     "workers.queue.commands", "`start` is required"),
    ("variables-group", APP, "    env:\n        CONFIG", "    envs:\n        CONFIG", "envs:", "variables.envs", "did you mean `env`?",
     "warning"),
    ("app-duplicate-key", APP, "disk: 5120", "disk: 5120\ndisk: 2048", "disk: 2048", "disk", "duplicate key `disk`"),
    ("services-id-upper", SERVICES, "rabbitmq:\n    type", "RabbitMQ:\n    type", "RabbitMQ:", "RabbitMQ", "lowercase"),
    ("services-type-missing", SERVICES, "    type: opensearch", "    kind: opensearch", "kind: opensearch", "opensearch.kind", "unknown key"),
    ("services-unknown-type", SERVICES, "type: mysql:", "type: mysqll:", "type: mysqll", "mysql.type", "did you mean `mysql`?"),
    ("services-bad-version", SERVICES, "type: opensearch:", "type: opensearch:9.", "type: opensearch:9", "opensearch.type",
     "not a version the cloud offers"),
    ("services-no-version", SERVICES, "type: rabbitmq:", "type: rabbitmq #", "type: rabbitmq #", "rabbitmq.type", "<type>:<version>"),
    ("services-disk-negative", SERVICES, "    disk: 1024\n\nrabbitmq", "    disk: -1\n\nrabbitmq", "disk: -1", "opensearch.disk", "greater than 0"),
    ("services-not-map", SERVICES, "rabbitmq:\n    type: rabbitmq:{rabbitmq}\n    disk: 1024\n", "rabbitmq: yes\n", "rabbitmq: yes",
     "rabbitmq", "must be a mapping"),
    ("routes-placeholder", ROUTES, '"https://{default}/":', '"https://{defualt}/":', "defualt", "https://{defualt}/", "did you mean `default`?"),
    ("routes-not-url", ROUTES, '"https://{default}/":', '"{default}/":', '"{default}/":', "{default}/", "not an http:// or https://"),
    ("routes-upstream-name", ROUTES, '"mymagento:http"', '"magento:http"', 'upstream: "magento', "https://{default}/.upstream", "names it `mymagento`"),
    ("routes-type", ROUTES, "    type: upstream", "    type: proxy", "type: proxy", "https://{default}/.type", "unknown route type"),
    ("routes-redirect-no-to", ROUTES, '    to: "https://{default}/"\n', "", '"http://{default}/":', "http://{default}/", "`to` is required"),
    ("routes-cache-enabled", ROUTES, "enabled: true", "enabled: sometimes", "enabled: sometimes", "https://{default}/.cache.enabled", "true or false"),
    ("routes-cache-ttl", ROUTES, "default_ttl: 300", "default_ttl: -3", "default_ttl: -3", "https://{default}/.cache.default_ttl", "0 or more"),
    ("routes-cache-key", ROUTES, "cookies:", "cookie:", "cookie:", "https://{default}/.cache.cookie", "did you mean `cookies`?"),
    ("env-unknown-variable", ENV, "SCD_THREADS: 2", "SCD_THREAD: 2", "SCD_THREAD:", "stage.build.SCD_THREAD", "did you mean `SCD_THREADS`?"),
    ("env-wrong-stage-name", ENV, "    post-deploy:", "    postdeploy:", "postdeploy:", "stage.postdeploy", "did you mean `post-deploy`?"),
    ("env-variable-in-wrong-stage", ENV, "        SCD_ON_DEMAND: false", "        SKIP_COMPOSER_DUMP_AUTOLOAD: true", "SKIP_COMPOSER",
     "stage.global.SKIP_COMPOSER_DUMP_AUTOLOAD", "cannot be set in stage `global`"),
    ("env-type-bool", ENV, "REDIS_USE_SLAVE_CONNECTION: true", "REDIS_USE_SLAVE_CONNECTION: maybe", "REDIS_USE_SLAVE",
     "stage.deploy.REDIS_USE_SLAVE_CONNECTION", "true or false"),
    ("env-type-int", ENV, "SCD_THREADS: 2", "SCD_THREADS: many", "SCD_THREADS", "stage.build.SCD_THREADS", "must be an integer"),
    ("env-range", ENV, "SCD_COMPRESSION_LEVEL: 4", "SCD_COMPRESSION_LEVEL: 12", "SCD_COMPRESSION_LEVEL", "stage.deploy.SCD_COMPRESSION_LEVEL",
     "outside 0..9"),
    ("env-allowed", ENV, "MIN_LOGGING_LEVEL: info", "MIN_LOGGING_LEVEL: verbose", "MIN_LOGGING_LEVEL", "stage.global.MIN_LOGGING_LEVEL",
     "not an allowed value"),
    ("env-split-db-item", ENV, "SPLIT_DB: []", "SPLIT_DB: [quote, orders]", "SPLIT_DB", "stage.deploy.SPLIT_DB.1", "`orders` is not allowed"),
    ("env-consumers-key", ENV, "max_messages: 1000", "max_message: 1000", "max_message:", "stage.deploy.CRON_CONSUMERS_RUNNER.max_message",
     "did you mean `max_messages`?", "warning"),
    ("env-list-type", ENV, "        QUALITY_PATCHES:\n            - MDVA-30106", "        QUALITY_PATCHES: {a: 1}", "QUALITY_PATCHES",
     "stage.build.QUALITY_PATCHES", "must be a list", "warning"),
    ("env-stage-not-map", ENV, "    build:\n        SCD_THREADS: 2\n        QUALITY_PATCHES:\n            - MDVA-30106\n", "    build: [SCD_THREADS]\n",
     "build: [SCD", "stage.build", "must be a mapping"),
    ("env-duplicate", ENV, "        SCD_ON_DEMAND: false", "        SCD_ON_DEMAND: false\n        SCD_ON_DEMAND: true", "SCD_ON_DEMAND: true",
     "stage.global.SCD_ON_DEMAND", "duplicate key"),
    ("yaml-bad-indent", APP, "build:\n    flavor: none", "build:\n    flavor: none\n  oops: 1", "oops: 1", "", "YAML syntax error"),
    ("yaml-tab", ENV, "    build:", "\tbuild:", "\tbuild:", "", "YAML syntax error"),
    ("yaml-mapping-in-value", SERVICES, "    disk: 5120", "    disk: 5120: big", "5120: big", "", "YAML syntax error"),
]


def apply(files, name, old, new):
    assert old in files[name], f"fixture text {old!r} not found in {name}"
    files[name] = files[name].replace(old, new, 1)
    return files[name]


@pytest.mark.parametrize("case", BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_input_is_reported_at_its_file_line_and_key(case):
    name, old, new, marker, path, fragment, *severity = case[1:]
    files = project_files()
    if name == SERVICES:
        old = old.replace("{rabbitmq}", RELEASES["2.4.7"]["rabbitmq"])
    text = apply(files, name, old, new)
    line = next(number for number, content in enumerate(text.splitlines(), start=1) if marker in content)
    findings = read_project(reader(files)).findings
    matching = [f for f in findings if f.file == name and f.line == line and f.path == path and fragment in str(f)]
    assert matching, "\n".join(str(finding) for finding in findings) or "no findings"
    assert matching[0].severity == (severity[0] if severity else "error")


def test_there_are_at_least_sixty_broken_inputs():
    assert len(BROKEN) >= 60
