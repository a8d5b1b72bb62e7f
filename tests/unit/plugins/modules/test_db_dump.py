"""db_dump: quoted database names, an option file any password survives, private dump files, retention."""

import os
import pathlib
import shutil
import stat
import subprocess
import time

import pytest
from module_runner import run_module

from ansible_collections.magecloud.platform.plugins.modules import db_dump

PASSWORD = "it's \"quoted\" \\ back # not a comment\nsecond line\twith tab "
needs_php = pytest.mark.skipif(shutil.which("php") is None, reason="needs the PHP CLI (apt-get install php-cli)")
needs_my_print_defaults = pytest.mark.skipif(shutil.which("my_print_defaults") is None,
                                             reason="needs my_print_defaults (apt-get install mariadb-client)")


@pytest.fixture(name="umask_022")
def fixture_umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def stamp(days_ago=0.0):
    return time.strftime(db_dump.STAMP_FORMAT, time.gmtime(time.time() - days_ago * 86400))


def test_a_backquote_in_a_database_name_is_doubled_inside_backquotes():
    assert db_dump.quote_identifier("shop`; DROP DATABASE x; --") == "`shop``; DROP DATABASE x; --`"
    assert db_dump.quote_identifier("magento_copy") == "`magento_copy`"


@pytest.mark.parametrize("name", ["", "x" * 65, "trailing ", "nul\0byte", "emoji\U0001F600"])
def test_names_mariadb_cannot_hold_are_refused(name):
    with pytest.raises(db_dump.DumpError, match="cannot be a MariaDB database name"):
        db_dump.quote_identifier(name)


def test_option_values_are_double_quoted_with_escapes():
    assert db_dump.option_value('a"b\\c\'d\ne\tf#g') == '"a\\"b\\\\c\\\'d\\ne\\tf#g"'
    with pytest.raises(db_dump.DumpError):
        db_dump.option_value("nul\0")


@needs_my_print_defaults
def test_mariadb_reads_back_the_exact_user_and_password(tmp_path):
    options = tmp_path / "client.cnf"
    options.write_text(db_dump.client_options({"host": "db.internal:3307", "username": "shop#user", "password": PASSWORD}))
    read = subprocess.run(["my_print_defaults", f"--defaults-file={options}", "client"],
                          capture_output=True, text=True, check=True).stdout
    assert read == f"--user=shop#user\n--host=db.internal\n--password={PASSWORD}\n--port=3307\n"


def test_a_socket_connection_has_no_host_and_no_password():
    assert db_dump.client_options({"socket": "/run/mysqld/mysqld.sock", "username": "root", "password": "x"}) == (
        '[client]\nuser="root"\nsocket="/run/mysqld/mysqld.sock"\n')


def test_private_files_are_0600_whatever_the_umask(tmp_path, umask_022):
    db_dump.write_private(str(tmp_path / "dump.sha256"), "abc  dump\n")
    assert mode_of(tmp_path / "dump.sha256") == 0o600
    assert (tmp_path / "dump.sha256").read_text() == "abc  dump\n"
    assert os.listdir(tmp_path) == ["dump.sha256"], "no temporary file is left"
    credentials = db_dump.credentials_file({"username": "magento", "password": PASSWORD})
    try:
        assert mode_of(credentials) == 0o600
    finally:
        os.unlink(credentials)


def make_dump(directory, name, when):
    dump = directory / f"dump-{name}-{when}.sql.gz"
    dump.write_bytes(b"x")
    (directory / f"{dump.name}.sha256").write_text("x\n")
    return str(dump)


def test_keep_prunes_the_oldest_sets_of_that_database_only(tmp_path):
    old = [make_dump(tmp_path, "main", stamp(days)) for days in (3, 2, 1)]
    quote = make_dump(tmp_path, "quote", stamp(5))
    new = make_dump(tmp_path, "main", stamp())
    removed = db_dump.prune(str(tmp_path), "main", keep=2, keep_days=None, just_written={new})
    assert removed == old[:2]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        name for path in (old[2], quote, new) for name in (os.path.basename(path), os.path.basename(path) + ".sha256"))


def test_keep_days_prunes_by_the_time_in_the_name_and_leaves_foreign_files(tmp_path):
    week_old = make_dump(tmp_path, "main", stamp(8))
    recent = make_dump(tmp_path, "main", stamp(2))
    foreign = ["dump-main-latest.sql.gz", "dump-main-20000101T000000Z.sql.gz.bak", "backup-main-20000101T000000Z.sql.gz"]
    for name in foreign:
        (tmp_path / name).write_bytes(b"mine")
    removed = db_dump.prune(str(tmp_path), "main", keep=0, keep_days=7, just_written=set())
    assert removed == [week_old]
    assert os.path.exists(recent) and all((tmp_path / name).exists() for name in foreign)


def test_the_dump_just_written_is_never_pruned(tmp_path):
    # A clock set back a month: the new dump is neither among the newest nor younger than keep_days.
    older = make_dump(tmp_path, "main", stamp(40))
    ahead = make_dump(tmp_path, "main", stamp())
    new = make_dump(tmp_path, "main", stamp(30))
    assert db_dump.prune(str(tmp_path), "main", keep=1, keep_days=7, just_written={new}) == [older]
    assert os.path.exists(new) and os.path.exists(ahead)


FAKE_MYSQLDUMP = """#!/bin/sh
for argument; do
  case "$argument" in --defaults-extra-file=*) cp "${argument#--defaults-extra-file=}" "$0.cnf";; esac
done
echo "-- arguments: $*"
echo "-- Dump completed on 2026-11-27"
"""


def fake_client(tmp_path, monkeypatch, name, script, dbname, password_php):
    """Puts a stand-in for a MariaDB client first on PATH and writes an env.php naming the database."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / name).write_text(script)
    (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    env_php = tmp_path / "env.php"
    env_php.write_text(f"<?php return ['db' => ['connection' => ['default' => ['host' => 'localhost', "
                       f"'dbname' => '{dbname}', 'username' => 'magento', 'password' => {password_php}]]]];\n")
    return bin_dir, env_php


@needs_php
def test_a_dump_run_writes_private_files_and_prunes(tmp_path, monkeypatch, umask_022):
    bin_dir, env_php = fake_client(tmp_path, monkeypatch, "mysqldump", FAKE_MYSQLDUMP, "shop`db",
                                   "'it\\'s \"q\" \\\\ # x' . \"\\n\" . 'next'")
    dest = tmp_path / "dumps"
    dest.mkdir()
    stale = make_dump(dest, "main", stamp(10))
    result = run_module("db_dump", tmp_path, env_php=str(env_php), dest_dir=str(dest), databases=["main"],
                        lock_file=str(tmp_path / "dbdump.lock"), cron_pause_lock=str(tmp_path / "cron.lock"),
                        keep=7, keep_days=7)
    assert result.get("failed") is not True, result
    dump = pathlib.Path(result["dumps"][0]["file"])
    assert result["removed"] == [stale]
    assert mode_of(dump) == 0o600 and mode_of(f"{dump}.sha256") == 0o600
    assert (dest / f"{dump.name}.sha256").read_text() == f"{result['dumps'][0]['sha256']}  {dump.name}\n"
    assert sorted(path.name for path in dest.iterdir()) == sorted([dump.name, f"{dump.name}.sha256"])
    assert "-- shop`db" in subprocess.run(["gzip", "-dc", str(dump)], capture_output=True, text=True, check=True).stdout
    if shutil.which("my_print_defaults"):
        read = subprocess.run(["my_print_defaults", f"--defaults-file={bin_dir / 'mysqldump.cnf'}", "client"],
                              capture_output=True, text=True, check=True).stdout
        assert "--password=it's \"q\" \\ # x\nnext\n" in read


FAKE_MYSQL = """#!/bin/sh
printf '%s\\n' "$@" >> "$0.log"
cat > /dev/null
"""


@needs_php
def test_restore_creates_the_target_database_with_its_name_quoted(tmp_path, monkeypatch):
    bin_dir, env_php = fake_client(tmp_path, monkeypatch, "mysql", FAKE_MYSQL, "shop", "'x'")
    dump = tmp_path / f"dump-main-{stamp()}.sql.gz"
    dump.write_bytes(subprocess.run(["gzip", "-c"], input=b"CREATE TABLE t (id int);\n-- Dump completed on 2026\n",
                                    capture_output=True, check=True).stdout)
    (tmp_path / f"{dump.name}.sha256").write_text(f"{db_dump.sha256_of(str(dump))}  {dump.name}\n")
    result = run_module("db_dump", tmp_path, env_php=str(env_php), state="restored", src=str(dump),
                        target_database="copy`; DROP DATABASE shop; --")
    assert result.get("failed") is not True, result
    calls = (bin_dir / "mysql.log").read_text().splitlines()
    assert "CREATE DATABASE IF NOT EXISTS `copy``; DROP DATABASE shop; --`" in calls
    assert calls[-2:] == ["--", "copy`; DROP DATABASE shop; --"]
