#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: db_dump
short_description: Dump Magento's databases consistently, or restore a dump, like ece-tools db-dump
version_added: 0.1.0
description:
  - V(state=present) dumps each database of O(databases) found in env.php (C(main) is
    C(db.connection.default), C(quote) is C(checkout), C(sales) is C(sales)), from the replica
    connection when env.php has one and O(use_replica) is true.
  - C(mysqldump --single-transaction --quick --no-autocommit) reads one consistent snapshot without
    locking writers. Its output goes through an OS pipe straight to C(gzip) or C(zstd) (and C(sed)
    when O(strip_definers) is true) in a C(bash -o pipefail) pipeline, so no Python touches the data.
  - Each dump is C(dump-<db>-<UTC timestamp>.sql.<ext>) with a C(.sha256) file beside it, both readable by
    their owner only (mode C(0600) from their creation, whatever the umask), written under a temporary name
    and renamed when complete; on any failure, or when the module is terminated, the partial file is removed.
  - The database user and password reach C(mysqldump) and C(mysql) in an option file of mode C(0600), never
    on their command line; each value is written quoted, with the escapes MariaDB option files understand, so
    any password works.
  - An exclusive C(flock) on O(lock_file) lets one dump run at a time; a second one fails at once
    naming the holder. While dumping, the module holds the cron pause lock O(cron_pause_lock)
    exclusively, so cron jobs (which take it shared) skip their runs; the kernel releases it when the
    module ends in any way, so crons never stay paused.
  - After a dump, older dumps of the same database are pruned by O(keep) and O(keep_days). Only files named
    the way this module names them are considered, and never the dump just written.
  - V(state=restored) checks O(src) against its C(.sha256) file, that it decompresses completely and
    that mysqldump finished writing it, before it touches O(target_database); then it loads it.
author: magecloud.platform maintainers (@magecloud)
options:
  state:
    description: V(present) writes dumps, V(restored) loads O(src) into O(target_database).
    type: str
    choices: [present, restored]
    default: present
  env_php:
    description: The env.php whose connections are dumped or restored into.
    type: path
    default: /var/www/magento/shared/app/etc/env.php
  databases:
    description: Which of the connections to dump; the ones env.php does not define are skipped.
    type: list
    elements: str
    choices: [main, quote, sales]
    default: [main, quote, sales]
  use_replica:
    description: Read from C(db.slave_connection) when env.php defines it.
    type: bool
    default: true
  dest_dir:
    description: Where dumps are written.
    type: path
    default: /var/www/magento/shared/var/dumps
  compression:
    description: V(zstd) is faster at a similar size.
    type: str
    choices: [gzip, zstd]
    default: gzip
  strip_definers:
    description: Remove C(DEFINER=) clauses so the dump loads as a user without SUPER.
    type: bool
    default: false
  keep:
    description:
      - Dumps (each with its C(.sha256) file) kept per database, the new one included. V(0) sets no limit on
        the count.
    type: int
    default: 5
  keep_days:
    description:
      - Dumps older than this many days (by the time in their name) are removed. Unset keeps them regardless
        of age. With O(keep) too, a dump is removed when either rule removes it.
    type: int
    version_added: 0.2.0
  lock_file:
    description: The lock only one dump holds at a time.
    type: path
    default: /var/www/magento/shared/var/dbdump.lock
  cron_pause_lock:
    description: Held exclusively while dumping; cron jobs installed by the deploy role take it shared.
    type: path
    default: /var/www/magento/shared/.cron-pause.lock
  timeout:
    description: Seconds a dump of one database may take.
    type: int
    default: 3600
  src:
    description: The dump to restore (V(state=restored)).
    type: path
  target_database:
    description:
      - The database to restore into (created when missing); default the main database of env.php.
      - A name MariaDB cannot hold (empty, longer than 64 characters, ending with a space, or with a NUL or a
        character beyond the Basic Multilingual Plane) is refused.
    type: str
  admin_socket:
    description:
      - With V(state=restored), connect as root over this MariaDB unix socket instead of with env.php's
        user, who may not create databases. Only works on the database host.
    type: path
attributes:
  check_mode:
    support: partial
    description: Reports the databases that would be dumped, or checks the dump without loading it.
    details: With V(state=present) no dump is taken, so RV(dumps) lists the databases only.
  diff_mode:
    support: none
    description: Dumps are new files.
  platform:
    support: full
    platforms: posix
    description: Needs C(mysqldump), C(mysql), C(php), C(gzip) or C(zstd), and C(sed) with O(strip_definers).
"""

EXAMPLES = r"""
- name: Dump the databases with zstd
  magecloud.platform.db_dump:
    compression: zstd
  register: dump

- name: Restore the main database into a copy
  magecloud.platform.db_dump:
    state: restored
    src: "{{ dump.dumps[0].file }}"
    target_database: magento_copy
"""

RETURN = r"""
dumps:
  description: One entry per database dumped.
  returned: when state is present
  type: list
  elements: dict
  contains:
    database:
      description: C(main), C(quote) or C(sales).
      type: str
    file:
      description: The dump.
      type: str
    sha256:
      description: Checksum of the dump file.
      type: str
    bytes:
      description: Size of the dump file.
      type: int
    seconds:
      description: Wall time of the dump.
      type: float
removed:
  description: Older dumps deleted by rotation.
  returned: when state is present
  type: list
  elements: str
database:
  description: The database restored into.
  returned: when state is restored
  type: str
"""

import fcntl
import glob
import hashlib
import json
import os
import re
import shlex
import signal
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

CONNECTIONS = {"main": "default", "quote": "checkout", "sales": "sales"}
COMPRESSORS = {"gzip": (["gzip", "-c", "-6"], "gz"), "zstd": (["zstd", "-q", "-c", "-1", "-T0"], "zst")}
DECOMPRESSORS = {".gz": ["gzip", "-dc"], ".zst": ["zstd", "-dcq"]}
DUMP_OPTIONS = ["--single-transaction", "--quick", "--no-autocommit", "--routines", "--triggers", "--events",
                "--hex-blob", "--no-tablespaces", "--max-allowed-packet=1G"]
STRIP_DEFINERS = r"s/ DEFINER=`[^`]+`@`[^`]+`//g; s/DEFINER=`[^`]+`@`[^`]+` //g"
COMPLETED_MARK = b"-- Dump completed"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
DUMP_NAME = re.compile(r"^dump-(?P<database>main|quote|sales)-(?P<stamp>\d{8}T\d{6}Z)\.sql\.(gz|zst)$")
OPTION_ESCAPES = {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b"}
IDENTIFIER_MAX_LENGTH = 64


class DumpError(Exception):
    pass


class Terminated(Exception):
    pass


def on_terminate(signum, frame):
    signal.signal(signum, signal.SIG_IGN)
    kill_children()
    raise Terminated(f"terminated by signal {signum}")


def read_env_php(module, path):
    rc, out, err = module.run_command(["php", "-r", "echo json_encode(include $argv[1]);", path])
    if rc != 0 or not out.strip().startswith("{"):
        raise DumpError(f"Cannot read {path} with PHP: {(err or out).strip()[:300]}")
    return json.loads(out)


def connections(env, names, use_replica):
    db = env.get("db") or {}
    result = {}
    for name in names:
        key = CONNECTIONS[name]
        connection = (db.get("connection") or {}).get(key)
        if not connection:
            continue
        replica = (db.get("slave_connection") or {}).get(key)
        result[name] = dict(replica if use_replica and replica else connection)
    if "main" in names and "main" not in result:
        raise DumpError("env.php has no db.connection.default; nothing to dump.")
    return result


def quote_identifier(name):
    """Backquotes a database name for SQL, doubling backquotes inside it, as community.mysql does."""
    name = str(name)
    if not name or len(name) > IDENTIFIER_MAX_LENGTH or name.endswith(" ") or any(
            char == "\0" or ord(char) > 0xFFFF for char in name):
        raise DumpError(f"{name!r} cannot be a MariaDB database name: it must have 1 to {IDENTIFIER_MAX_LENGTH} "
                        "characters, not end with a space, and hold no NUL or character beyond U+FFFF.")
    return "`" + name.replace("`", "``") + "`"


def option_value(value):
    """A value for a MariaDB option file: double-quoted, with the escapes its reader turns back into the characters."""
    value = str(value)
    if "\0" in value:
        raise DumpError("An option file value cannot hold a NUL character.")
    return '"' + "".join(OPTION_ESCAPES.get(char, char) for char in value) + '"'


def client_options(connection):
    """The [client] section giving mysqldump and mysql the connection of env.php."""
    host, unused_sep, port = str(connection.get("host", "localhost")).partition(":")
    options = {"user": connection.get("username", "")}
    if connection.get("socket"):
        options["socket"] = connection["socket"]
    else:
        options.update(host=host, password=connection.get("password", ""))
    if port:
        options["port"] = port
    return "[client]\n" + "".join(f"{key}={option_value(value)}\n" for key, value in options.items())


def create_private(path):
    """Creates path for writing, readable by its owner only from the first byte, whatever the umask."""
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.fchmod(descriptor, 0o600)
    return descriptor


def write_private(path, text):
    """Writes a 0600 file under a temporary name and renames it into place."""
    partial = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.partial")
    try:
        with os.fdopen(create_private(partial), "w", encoding="utf-8") as handle:
            handle.write(text)
        os.rename(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def credentials_file(connection):
    """mysqldump and mysql read the password from a 0600 file, never from argv."""
    descriptor, path = tempfile.mkstemp(prefix="magecloud-db-", suffix=".cnf")
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(client_options(connection))
    return path


class Lock:
    """An flock held by this process; the kernel gives it back however the process ends."""

    def __init__(self, path, holder, shared_ok=False):
        self.path = path
        self.holder = holder
        self.shared_ok = shared_ok
        self.handle = None

    def take(self, wait_seconds=0):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.handle = open(self.path, "a+", encoding="utf-8")  # pylint: disable=consider-using-with
        deadline = time.time() + wait_seconds
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.time() >= deadline:
                    self.handle.seek(0)
                    holder = self.handle.read().strip() or "a process that did not name itself (a running cron job?)"
                    self.handle.close()
                    raise DumpError(f"{self.path} is held by {holder}; wait for it to finish.") from None
                time.sleep(0.5)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(self.holder)
        self.handle.flush()

    def give_back(self):
        if self.handle:
            self.handle.seek(0)
            self.handle.truncate()
            self.handle.close()
            self.handle = None


def pipeline(*stages, output=None):
    """argv for bash running the stages as one pipeline that fails when any stage fails."""
    script = " | ".join(" ".join(shlex.quote(part) for part in stage) for stage in stages)
    if output:
        script += f" > {shlex.quote(output)}"
    return ["bash", "-o", "pipefail", "-c", script]


def kill_children(pid=None):
    """Terminates the processes this module started (the dump pipeline), deepest first."""
    pid = pid or os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            kill_children(int(entry))
            try:
                os.kill(int(entry), signal.SIGKILL)
            except ProcessLookupError:
                pass


def dump_one(module, name, connection, stamp):
    params = module.params
    compressor, extension = COMPRESSORS[params["compression"]]
    final = os.path.join(params["dest_dir"], f"dump-{name}-{stamp}.sql.{extension}")
    partial = os.path.join(params["dest_dir"], f".{os.path.basename(final)}.partial")
    quote_identifier(connection["dbname"])
    os.close(create_private(partial))
    defaults = credentials_file(connection)
    started = time.time()
    stages = [["timeout", "--kill-after=30", str(params["timeout"]), "mysqldump", f"--defaults-extra-file={defaults}",
               *DUMP_OPTIONS, "--", connection["dbname"]]]
    if params["strip_definers"]:
        stages.append(["sed", "-E", STRIP_DEFINERS])
    stages.append(compressor)
    try:
        rc, unused_out, err = module.run_command(pipeline(*stages, output=partial))
        if rc == 124:
            raise DumpError(f"Dump of {name} took longer than {params['timeout']} s; stopped.")
        if rc != 0:
            raise DumpError(f"Dump of {name} ({connection['dbname']}) failed: {err.strip()[-1000:]}")
        checksum = sha256_of(partial)
        os.rename(partial, final)
        write_private(f"{final}.sha256", f"{checksum}  {os.path.basename(final)}\n")
        return {"database": name, "file": final, "sha256": checksum, "bytes": os.path.getsize(final),
                "seconds": round(time.time() - started, 3)}
    finally:
        kill_children()
        os.unlink(defaults)
        if os.path.exists(partial):
            os.unlink(partial)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_complete(module, path, decompressor):
    """Decompresses the whole file and looks for mysqldump's closing line: a truncated or foreign file fails."""
    rc, out, err = module.run_command(pipeline([*decompressor, path], ["tail", "-c", "4096"]))
    if rc != 0:
        raise DumpError(f"{path} does not decompress completely ({err.strip()[-300:]}); it is truncated or not a dump.")
    if COMPLETED_MARK.decode() not in out:
        raise DumpError(f"{path} decompresses but does not end with mysqldump's closing line ('{COMPLETED_MARK.decode()} on ...'); "
                        f"it is truncated or not a mysqldump file.")


def dumps_of(dest_dir, name):
    """The dumps of one database this module wrote, oldest first, with the time in their names."""
    found = []
    for entry in os.listdir(dest_dir):
        match = DUMP_NAME.match(entry)
        if match and match["database"] == name:
            found.append((match["stamp"], os.path.join(dest_dir, entry)))
    return sorted(found)


def prune(dest_dir, name, keep, keep_days, just_written):
    """Removes the dumps (and their .sha256 files) beyond the newest `keep`, or older than `keep_days`."""
    dumps = dumps_of(dest_dir, name)
    doomed = {path for unused, path in dumps[:-keep]} if keep > 0 else set()
    if keep_days is not None:
        oldest = time.strftime(STAMP_FORMAT, time.gmtime(time.time() - keep_days * 86400))
        doomed.update(path for stamp, path in dumps if stamp < oldest)
    removed = sorted(doomed - set(just_written))
    for path in removed:
        os.unlink(path)
        if os.path.exists(f"{path}.sha256"):
            os.unlink(f"{path}.sha256")
    return removed


def remove_leftovers(dest_dir):
    for path in glob.glob(os.path.join(dest_dir, ".dump-*.partial")):
        os.unlink(path)


def dump(module, env, holder):
    params = module.params
    targets = connections(env, params["databases"], params["use_replica"])
    if module.check_mode:
        return {"changed": True, "dumps": [{"database": name} for name in targets], "removed": []}
    os.makedirs(params["dest_dir"], mode=0o750, exist_ok=True)
    dump_lock = Lock(params["lock_file"], holder)
    dump_lock.take()
    cron_pause = Lock(params["cron_pause_lock"], holder)
    try:
        cron_pause.take(wait_seconds=params["timeout"])
        remove_leftovers(params["dest_dir"])
        stamp = time.strftime(STAMP_FORMAT, time.gmtime())
        dumps = [dump_one(module, name, connection, stamp) for name, connection in targets.items()]
        written = {entry["file"] for entry in dumps}
        removed = [path for name in targets
                   for path in prune(params["dest_dir"], name, params["keep"], params["keep_days"], written)]
        return {"changed": True, "dumps": dumps, "removed": removed}
    finally:
        cron_pause.give_back()
        dump_lock.give_back()


def restore(module, env):
    params = module.params
    src = params["src"]
    if not src or not os.path.isfile(src):
        raise DumpError(f"Dump {src} does not exist.")
    extension = os.path.splitext(src)[1]
    if extension not in DECOMPRESSORS:
        raise DumpError(f"{src} is not a .sql.gz or .sql.zst dump.")
    checksum_file = f"{src}.sha256"
    if not os.path.isfile(checksum_file):
        raise DumpError(f"{checksum_file} is missing; without it the dump cannot be verified.")
    with open(checksum_file, encoding="utf-8") as handle:
        expected = handle.read().split()[0]
    actual = sha256_of(src)
    if actual != expected:
        raise DumpError(f"{src} does not match its checksum ({actual} != {expected}); it is damaged.")
    check_complete(module, src, DECOMPRESSORS[extension])
    connection = connections(env, ["main"], use_replica=False)["main"]
    target = params["target_database"] or connection["dbname"]
    quote_identifier(target)
    if module.check_mode:
        return {"changed": True, "database": target}
    defaults = credentials_file({"socket": params["admin_socket"], "username": "root"} if params["admin_socket"] else connection)
    try:
        run_sql(module, defaults, f"CREATE DATABASE IF NOT EXISTS {quote_identifier(target)}")
        rc, unused_out, err = module.run_command(pipeline([*DECOMPRESSORS[extension], src],
                                                          ["mysql", f"--defaults-extra-file={defaults}", "--", target]))
        if rc != 0:
            raise DumpError(f"Loading {src} into {target} failed: {err.strip()[-1000:]}")
    finally:
        os.unlink(defaults)
    return {"changed": True, "database": target}


def run_sql(module, defaults, statement):
    rc, unused_out, err = module.run_command(["mysql", f"--defaults-extra-file={defaults}", "-e", statement])
    if rc != 0:
        raise DumpError(f"{statement}: {err.strip()}")


def main():
    module = AnsibleModule(
        argument_spec={
            "state": {"type": "str", "choices": ["present", "restored"], "default": "present"},
            "env_php": {"type": "path", "default": "/var/www/magento/shared/app/etc/env.php"},
            "databases": {"type": "list", "elements": "str", "choices": list(CONNECTIONS), "default": list(CONNECTIONS)},
            "use_replica": {"type": "bool", "default": True},
            "dest_dir": {"type": "path", "default": "/var/www/magento/shared/var/dumps"},
            "compression": {"type": "str", "choices": list(COMPRESSORS), "default": "gzip"},
            "strip_definers": {"type": "bool", "default": False},
            "keep": {"type": "int", "default": 5},
            "keep_days": {"type": "int"},
            "lock_file": {"type": "path", "default": "/var/www/magento/shared/var/dbdump.lock"},
            "cron_pause_lock": {"type": "path", "default": "/var/www/magento/shared/.cron-pause.lock"},
            "timeout": {"type": "int", "default": 3600},
            "src": {"type": "path"},
            "target_database": {"type": "str"},
            "admin_socket": {"type": "path"},
        },
        required_if=[("state", "restored", ("src",))],
        supports_check_mode=True,
    )
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_terminate)
    holder = f"db_dump pid {os.getpid()} on {os.uname().nodename} since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}"
    try:
        env = read_env_php(module, module.params["env_php"])
        result = dump(module, env, holder) if module.params["state"] == "present" else restore(module, env)
    except (DumpError, Terminated, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
