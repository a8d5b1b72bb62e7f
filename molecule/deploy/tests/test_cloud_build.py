"""variables.env, variables.php and build.flavor of .magento.app.yaml take effect as on the cloud: the
environment variable in the hooks, a cron run, a worker and a web request, the php.ini value in FPM and
CLI, composer install from a path repository, and a wrong COMPOSER_AUTH shape refused up front."""

import json
import pathlib
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, SAMPLE_REPO, clone_sample_repo, commit, deploy, ok  # noqa: E402

APP_ROOT = "/var/www/magento"
HOST_NAME = "magecloud-deploy-aio"
SHARED_VAR = f"{APP_ROOT}/shared/var"
PROBE_PAGE = """<?php
// What this FPM worker sees: an environment variable and a php.ini value.
header('Content-Type: text/plain');
printf("FOO=%s OVERRIDE=%s memory_limit=%s\\n", getenv('FOO'), getenv('OVERRIDE'), ini_get('memory_limit'));
"""
VARIABLES = """
variables:
    env:
        FOO: bar
        OVERRIDE: from-project
    php:
        memory_limit: 1G
"""
PROBE_CRON = """    envprobe:
        spec: "0 0 1 1 *"
        cmd: "printenv FOO > var/cron-foo.txt"
"""
PROBE_WORKER = """    envprobe:
        commands:
            start: "printenv FOO > var/worker-foo.txt; exec sleep 3600"
"""
GREETING_CLASS = "<?php\nnamespace Magecloud\\Greeting;\n\nfinal class Hello\n{\n    public const TEXT = 'hello from vendor';\n}\n"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def current(host):
    return ok(host, f"readlink {APP_ROOT}/current").strip()


def releases(host):
    return sorted(ok(host, f"ls -A {APP_ROOT}/releases").split())


def wait_for_file(host, path, seconds=30):
    deadline = time.monotonic() + seconds
    while host.run(f"test -s {path}").rc != 0 and time.monotonic() < deadline:
        time.sleep(1)
    return ok(host, f"cat {path}")


@pytest.fixture(scope="module", autouse=True)
def sample_app_again_afterwards():
    """The variants change PHP's settings and the units; the other tests expect the sample app's."""
    yield
    rc, output = deploy(SAMPLE_REPO)
    assert rc == 0, output[-3000:]


def edit_app_yaml(repo, edit):
    app_yaml = repo / ".magento.app.yaml"
    app_yaml.write_text(edit(app_yaml.read_text()))


@pytest.fixture(scope="module")
def variables_release(host, tmp_path_factory):
    """The sample app with variables.env and variables.php, probes in its hooks, a cron and a worker."""
    repo = clone_sample_repo(tmp_path_factory.mktemp("variables"))
    ok(host, f"rm -f {SHARED_VAR}/cron-foo.txt {SHARED_VAR}/worker-foo.txt {SHARED_VAR}/hook-foo.txt")

    def with_probes(text):
        text = text.replace("        php bin/magento setup:static-content:deploy\n",
                            "        php bin/magento setup:static-content:deploy\n"
                            "        printenv FOO > build-foo.txt\n"
                            "        php -r 'echo ini_get(\"memory_limit\");' > build-memory.txt\n")
        text = text.replace("        php bin/magento cache:flush\n",
                            "        php bin/magento cache:flush\n        printenv FOO > var/hook-foo.txt\n")
        text = text.replace("workers:\n", "workers:\n" + PROBE_WORKER).replace("crons:\n", "crons:\n" + PROBE_CRON)
        return text + VARIABLES
    edit_app_yaml(repo, with_probes)
    (repo / "pub" / "env_probe.php").write_text(PROBE_PAGE)
    commit(repo, "variables.env and variables.php, with probes")
    rc, output = deploy(repo, "-e", json.dumps({"deploy_variables": {"env:OVERRIDE": "from-inventory", "ADMIN_EMAIL": "a@b.test"}}))
    assert rc == 0, output[-3000:]
    return f"{APP_ROOT}/{current(host)}"


def test_variables_env_reach_the_hooks(host, variables_release):
    assert ok(host, f"cat {variables_release}/build-foo.txt") == "bar"
    assert ok(host, f"cat {SHARED_VAR}/hook-foo.txt") == "bar"


def test_variables_env_reach_a_cron_run_and_a_worker(host, variables_release):
    ok(host, "systemctl start magecloud-cron-envprobe.service")
    assert wait_for_file(host, f"{SHARED_VAR}/cron-foo.txt") == "bar"
    assert wait_for_file(host, f"{SHARED_VAR}/worker-foo.txt") == "bar"
    assert "FOO=bar" in ok(host, "cat /etc/magecloud-runtime.env").splitlines()


def test_a_web_request_sees_the_variables_with_the_inventory_winning(host, variables_release):
    body = ok(host, "curl -s -H 'Host: localhost' http://127.0.0.1/env_probe.php")
    assert body == "FOO=bar OVERRIDE=from-inventory memory_limit=1G"


def test_variables_php_reach_fpm_and_cli(host, variables_release):
    assert ok(host, "runuser -u magento -- php -r 'echo ini_get(\"memory_limit\");'") == "1G"
    assert ok(host, f"cat {variables_release}/build-memory.txt") == "1G"


def test_the_environment_stays_out_of_magento_cloud_variables(host, variables_release):
    line = next(entry for entry in ok(host, "cat /etc/magecloud-runtime.env").splitlines()
                if entry.startswith("MAGENTO_CLOUD_VARIABLES="))
    assert json.loads(subprocess.run(["base64", "-d"], input=line.split("=", 1)[1], capture_output=True, text=True,
                                     check=True).stdout) == {"ADMIN_EMAIL": "a@b.test"}


def composer_repo(host, directory):
    """The sample app with the composer flavor and one package from a path repository, locked."""
    repo = clone_sample_repo(directory)
    package = repo / "packages" / "greeting"
    (package / "src").mkdir(parents=True)
    (package / "src" / "Hello.php").write_text(GREETING_CLASS)
    (package / "composer.json").write_text(json.dumps({
        "name": "magecloud/greeting", "version": "1.0.0", "type": "library",
        "autoload": {"psr-4": {"Magecloud\\Greeting\\": "src/"}}}, indent=4) + "\n")
    (repo / "composer.json").write_text(json.dumps({
        "name": "magecloud/sample-app", "type": "project", "license": "GPL-3.0-or-later",
        "repositories": [{"type": "path", "url": "packages/greeting", "options": {"symlink": False}}],
        "require": {"magecloud/greeting": "1.0.0"}, "config": {"lock": True}}, indent=4) + "\n")
    edit_app_yaml(repo, lambda text: text.replace("flavor: none", "flavor: composer"))
    # composer.lock as Composer writes it, made on the test host (the controller has no Composer); /tmp
    # there is a tmpfs, which docker cp does not reach.
    subprocess.run(["docker", "cp", str(repo), f"{HOST_NAME}:/srv/lock-project"], check=True)
    ok(host, "cd /srv/lock-project && COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_HOME=/srv/lock-home "
             "composer update --no-install --no-interaction --no-progress")
    (repo / "composer.lock").write_text(ok(host, "cat /srv/lock-project/composer.lock") + "\n")
    ok(host, "rm -rf /srv/lock-project /srv/lock-home")
    commit(repo, "composer flavor with a local package")
    return repo


def test_composer_flavor_installs_vendor_from_a_path_repository(host, tmp_path):
    repo = composer_repo(host, tmp_path)
    auth = {"http-basic": {"repo.example.test": {"username": "builder", "password": "pw-never-shown"}}}
    rc, output = deploy(repo, "-v", "-e", json.dumps({"deploy_composer_auth": auth}))
    assert rc == 0, output[-3000:]
    assert "pw-never-shown" not in output
    release = f"{APP_ROOT}/{current(host)}"
    assert ok(host, f"grep -o \"hello from vendor\" {release}/vendor/magecloud/greeting/src/Hello.php") == "hello from vendor"
    assert "Magecloud\\\\Greeting\\\\Hello" in ok(host, f"cat {release}/vendor/composer/autoload_classmap.php")
    assert ok(host, f"stat -c %U {APP_ROOT}/build/composer-cache") == "magento"
    assert host.run(f"ls -d {APP_ROOT}/builds/*.composer").rc != 0, "the Composer home with auth.json was left behind"


def test_composer_flavor_without_its_lock_is_refused(host, tmp_path):
    before = current(host), releases(host)
    repo = composer_repo(host, tmp_path)
    subprocess.run(["git", "-C", str(repo), "rm", "-q", "composer.lock"], check=True)
    commit(repo, "the lock file left out")
    rc, output = deploy(repo)
    assert rc != 0 and "composer.lock is not in the project" in output, output[-3000:]
    assert (current(host), releases(host)) == before


def test_a_wrong_composer_auth_shape_fails_before_any_host_changes(host, tmp_path):
    before = current(host), releases(host)
    repo = composer_repo(host, tmp_path)
    rc, output = deploy(repo, "-e", json.dumps({"deploy_composer_auth": {"http-basic": "builder:pw-never-shown"}}))
    assert rc != 0 and "deploy_composer_auth" in output, output[-3000:]
    assert "pw-never-shown" not in output
    rc, output = deploy(repo, "-e", json.dumps({"deploy_composer_auth": {"github_token": {"github.com": "pw-never-shown"}}}))
    assert rc != 0 and "deploy_composer_auth" in output and "github_token" in output, output[-3000:]
    assert "pw-never-shown" not in output
    assert (current(host), releases(host)) == before
    assert host.run(f"test -e {APP_ROOT}/deploy.lock").rc != 0
    assert ok(host, f"ls -A {APP_ROOT}/builds").strip() == ""
