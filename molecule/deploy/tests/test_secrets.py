"""Secrets never logged: after a deploy, a backup, a restore and a failed deploy, all at -vvv, no password
of the inventory (plain, in base64, or inside the base64 relationships) is in the controller's output,
the host's journal, /var/log, the releases, the artifacts or the dumps' sidecar files. env.php and the
runtime env file hold them, root- or group-only. And a database name and password MariaDB must quote
survive a dump and a restore."""

import base64
import json
import pathlib
import re
import sys

import pytest
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, PROJECT, clone_sample_repo, commit, deploy, ok, playbook  # noqa: E402

APP_ROOT = "/var/www/magento"
DUMPS = f"{APP_ROOT}/shared/var/dumps"
ENV_PHP = f"{APP_ROOT}/shared/app/etc/env.php"
RUNTIME_ENV = "/etc/magecloud-runtime.env"
PLAIN = "/root/.secret-patterns-plain"
ENCODED = "/root/.secret-patterns-base64"
# testinfra runs its commands through Ansible's shell module, which logs them on the host: those lines
# are this test's own (they carry the pattern files) and other tests', not the collection's.
HARNESS = "_uses_shell=True"

GROUP_VARS = yaml.safe_load((PROJECT / "molecule" / "deploy" / "molecule.yml").read_text())["provisioner"]["inventory"]["group_vars"]["all"]
SECRETS = sorted({value for name, value in GROUP_VARS.items()
                  if re.search(r"password|secret|token|_key$", name) and isinstance(value, str) and value})

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def base64_forms(secret):
    """What secret looks like inside any base64 text, for each of the three byte alignments it can start at:
    the characters that depend on its bytes only."""
    raw = secret.encode()
    forms = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        forms.add(encoded[-(-8 * offset // 6):8 * (offset + len(raw)) // 6])
    return {form for form in forms if len(form) >= 8}


def test_the_base64_forms_find_a_secret_inside_any_blob():
    for prefix in ("", "x", "xy", '{"password": "'):
        blob = base64.b64encode(f"{prefix}s3cret-password-value\"}}".encode()).decode()
        assert any(form in blob for form in base64_forms("s3cret-password-value")), prefix


def relationships(host):
    return ok(host, f"sed -n 's/^MAGENTO_CLOUD_RELATIONSHIPS=//p' {RUNTIME_ENV}")


def encoded_patterns(host):
    return sorted({form for secret in SECRETS for form in base64_forms(secret)} | {relationships(host)})


def put_lines(host, path, lines):
    blob = base64.b64encode(("\n".join(lines) + "\n").encode()).decode()
    ok(host, f"umask 077 && echo {blob} | base64 -d > {path}")


def failing_deploy_hook(repo):
    app_yaml = repo / ".magento.app.yaml"
    app_yaml.write_text(app_yaml.read_text().replace("hooks:\n", "hooks:\n    deploy: |\n        echo migrating\n        exit 3\n", 1))
    commit(repo, "a deploy hook that fails")


@pytest.fixture(scope="module")
def runs(host, tmp_path_factory):
    """The controller's output of each run, all at -vvv."""
    assert SECRETS, "the scenario's inventory names no secret"
    repo = clone_sample_repo(tmp_path_factory.mktemp("secrets"))
    outputs = {}
    (repo / "README.md").write_text("deployed at -vvv\n")
    commit(repo, "a change deployed at -vvv")
    rc, outputs["deploy"] = deploy(repo, "-vvv")
    assert rc == 0, outputs["deploy"][-3000:]
    rc, outputs["backup"] = playbook("backup.yml", "-vvv")
    assert rc == 0, outputs["backup"][-3000:]
    dump = ok(host, f"ls {DUMPS}/dump-main-*.sql.* | grep -v sha256 | tail -1")
    rc, outputs["restore"] = playbook("restore.yml", "-vvv", "-e", f"magecloud_restore_src={dump}", "-e",
                                      "magecloud_restore_database=magento_secrets_check", "-e", "magecloud_restore_confirm=true")
    assert rc == 0, outputs["restore"][-3000:]
    failing_deploy_hook(repo)
    rc, outputs["failed deploy"] = deploy(repo, "-vvv")
    assert rc != 0 and "The deploy hook failed with exit code 3" in outputs["failed deploy"], outputs["failed deploy"][-3000:]
    put_lines(host, PLAIN, SECRETS)
    put_lines(host, ENCODED, encoded_patterns(host))
    yield outputs
    host.run(f"rm -f {PLAIN} {ENCODED}")
    host.run("mysql -u root -e 'DROP DATABASE IF EXISTS magento_secrets_check'")


def hits(host, command):
    """The lines of what command prints that hold a secret, except the test harness's own commands."""
    return host.run(f"{{ {command}; }} | grep -a -F -f {PLAIN} -f {ENCODED} | grep -a -v -F -e '{HARNESS}' | cut -c1-400 | head -20"
                    ).stdout.strip()


def test_the_controller_output_holds_no_secret(host, runs):
    patterns = SECRETS + encoded_patterns(host)
    found = {run: [line[:400] for line in output.splitlines() if any(pattern in line for pattern in patterns)][:5]
             for run, output in runs.items()}
    assert not any(found.values()), json.dumps(found, indent=1)


def test_the_journal_holds_no_secret(host, runs):
    assert not hits(host, "journalctl --no-pager -o short-iso")


def test_var_log_holds_no_secret(host, runs):
    assert not hits(host, f"grep -r -a -F -f {PLAIN} -f {ENCODED} --exclude-dir=journal /var/log")


def test_releases_and_artifacts_hold_no_secret(host, runs):
    assert not hits(host, f"grep -r -a -F -f {PLAIN} -f {ENCODED} {APP_ROOT}/releases")
    assert not hits(host, f"for artifact in {APP_ROOT}/artifacts/*.tar.gz; do tar -xzOf \"$artifact\"; done")


def test_dump_sidecars_hold_no_secret_and_dumps_are_root_only(host, runs):
    sidecars = f"find {DUMPS} -type f ! -name '*.sql.gz' ! -name '*.sql.zst'"
    assert ok(host, f"{sidecars} | wc -l") != "0", "backup.yml wrote no checksum file"
    assert not hits(host, f"{sidecars} -exec cat {{}} +")
    assert ok(host, f"find {DUMPS} -type f -perm /077") == "", "a dump or checksum is readable by others than root"


@pytest.mark.parametrize("path", [ENV_PHP, RUNTIME_ENV])
def test_the_files_that_hold_secrets_are_not_world_readable(host, runs, path):
    assert ok(host, f"stat -c %a {path}") in ("640", "600")


def test_the_patterns_find_the_secrets_where_they_are_kept(host, runs):
    """The checks above can fail: the same patterns find env.php's password and the relationships' base64."""
    assert int(ok(host, f"grep -c -F -f {PLAIN} {ENV_PHP} || true")) > 0
    assert any(form in relationships(host) for form in base64_forms(GROUP_VARS["mariadb_password"]))


# A database name and a password that every layer must quote: SQL, the option file, env.php.
ODD_DATABASE = "shop`db"
ODD_USER = "odd_user"
ODD_PASSWORD = 'pa"ss\\wo#rd\nline two'
ODD_DIR = "/root/odd-db"


def sql_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def as_root_sql(host, statements):
    blob = base64.b64encode(statements.encode()).decode()
    return ok(host, f"echo {blob} | base64 -d | mysql -u root -N")


def odd_db_dump(host, **args):
    """The module run as a user runs it; testinfra raises with the module's result when it fails."""
    args = dict(env_php=f"{ODD_DIR}/env.php", dest_dir=f"{ODD_DIR}/dumps", lock_file=f"{ODD_DIR}/dbdump.lock",
                cron_pause_lock=f"{ODD_DIR}/cron-pause.lock", databases=["main"], keep=0, **args)
    return host.ansible("magecloud.platform.db_dump", json.dumps(args), check=False)


def test_a_database_name_and_password_that_need_quoting_round_trip(host):
    quoted = "`" + ODD_DATABASE.replace("`", "``") + "`"
    as_root_sql(host, f"DROP DATABASE IF EXISTS {quoted}; DROP USER IF EXISTS '{ODD_USER}'@'localhost';"
                      f"CREATE DATABASE {quoted}; CREATE USER '{ODD_USER}'@'localhost' IDENTIFIED BY {sql_string(ODD_PASSWORD)};"
                      f"GRANT ALL PRIVILEGES ON {quoted}.* TO '{ODD_USER}'@'localhost';"
                      f"CREATE TABLE {quoted}.kept (id INT PRIMARY KEY, note VARCHAR(40));"
                      f"INSERT INTO {quoted}.kept VALUES (7, 'round trip');")
    env = {"db": {"connection": {"default": {"host": "localhost", "dbname": ODD_DATABASE, "username": ODD_USER,
                                             "password": ODD_PASSWORD}}}}
    blob = base64.b64encode(json.dumps(env).encode()).decode()
    ok(host, f"rm -rf {ODD_DIR} && mkdir -m 0700 {ODD_DIR} && echo {blob} | base64 -d > {ODD_DIR}/env.json && "
             f"php -r '$c = json_decode(file_get_contents(\"{ODD_DIR}/env.json\"), true); "
             f"file_put_contents(\"{ODD_DIR}/env.php\", \"<?php\\nreturn \" . var_export($c, true) . \";\\n\");'")
    try:
        dump = odd_db_dump(host)["dumps"][0]["file"]
        as_root_sql(host, f"DROP DATABASE {quoted};")
        restored = odd_db_dump(host, state="restored", src=dump)
        assert restored["database"] == ODD_DATABASE, restored
        assert as_root_sql(host, f"SELECT note FROM {quoted}.kept WHERE id = 7;") == "round trip"
    finally:
        as_root_sql(host, f"DROP DATABASE IF EXISTS {quoted}; DROP USER IF EXISTS '{ODD_USER}'@'localhost';")
        host.run(f"rm -rf {ODD_DIR}")
