"""Day-2 operations on the deployed sample app: dumps under write load and restores, crons as timers,
workers, cron actions, the environment the app sees, patch status."""

import pathlib
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, PROJECT, clone_sample_repo, commit, deploy, ok, playbook  # noqa: E402

APP_ROOT = "/var/www/magento"
DUMPS = f"{APP_ROOT}/shared/var/dumps"
PAUSE_LOCK = f"{APP_ROOT}/shared/.cron-pause.lock"
HOST_NAME = "magecloud-deploy-aio"
DB_PASSWORD = "molecule-db-password"
SEED_ROWS = 300000

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def sql(host, statement, database="magento"):
    return ok(host, f"mysql -u root -N {database} -e \"{statement}\"")


def newest_dump(host):
    return ok(host, f"ls {DUMPS}/dump-main-*.sql.* | grep -v sha256 | tail -1")


def crons_free(host):
    """True when no deploy hook or dump holds the cron pause lock."""
    return host.run(f"flock --exclusive --nonblock {PAUSE_LOCK} true").rc == 0


def heartbeats(host):
    return int(sql(host, "SELECT COUNT(*) FROM cron_heartbeat"))


def wait_for(predicate, seconds, step=1.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.fixture(scope="module")
def seeded(host):
    sql(host, "DROP TABLE IF EXISTS bench_rows, bench_totals; "
              "CREATE TABLE bench_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARCHAR(200) NOT NULL); "
              "CREATE TABLE bench_totals (id INT PRIMARY KEY, n BIGINT NOT NULL, s BIGINT NOT NULL); "
              f"INSERT INTO bench_rows (payload) SELECT SHA2(seq, 256) FROM seq_1_to_{SEED_ROWS}; "
              "INSERT INTO bench_totals SELECT 1, COUNT(*), SUM(CRC32(payload)) FROM bench_rows;")
    host.ansible("copy", f"src={PROJECT}/tests/fixtures/db_writer.php dest=/root/db_writer.php mode=0644", check=False)
    return host


def test_dump_under_write_load_restores_to_a_consistent_snapshot(seeded):
    host = seeded
    ok(host, "rm -f /root/writer.log /root/writer.stop")
    ok(host, f"setsid nohup php /root/db_writer.php 127.0.0.1 magento {DB_PASSWORD} magento /root/writer.log /root/writer.stop "
             ">/root/writer.out 2>&1 < /dev/null &")
    assert wait_for(lambda: host.run("test -s /root/writer.log").rc == 0, 10), ok(host, "cat /root/writer.out")
    rc, output = playbook("backup.yml")
    assert rc == 0, output[-3000:]
    ok(host, "touch /root/writer.stop")
    time.sleep(1)
    written = int(ok(host, "tail -1 /root/writer.log").split()[1])
    dump = newest_dump(host)
    assert host.run(f"test -e {dump}.sha256 && ls -A {DUMPS} | grep -c partial").stdout.strip() == "0"

    rc, output = playbook("restore.yml", "-e", f"magecloud_restore_src={dump}", "-e", "magecloud_restore_database=magento_restored")
    assert rc != 0 and "magecloud_restore_confirm=true" in output, "a production restore ran without confirmation"
    rc, output = playbook("restore.yml", "-e", f"magecloud_restore_src={dump}", "-e", "magecloud_restore_database=magento_restored",
                          "-e", "magecloud_restore_confirm=true")
    assert rc == 0, output[-3000:]
    rows, checksum = sql(host, "SELECT COUNT(*), SUM(CRC32(payload)) FROM bench_rows", "magento_restored").split()
    totals = sql(host, "SELECT n, s FROM bench_totals", "magento_restored").split()
    assert [rows, checksum] == totals, "the dump is not one consistent snapshot"
    assert SEED_ROWS < int(rows) < SEED_ROWS + written, "the snapshot should fall inside the writer's run"
    logged_counts = {int(line.split()[1]) for line in ok(host, "cat /root/writer.log").splitlines()}
    assert int(rows) - SEED_ROWS in logged_counts


def test_second_dump_fails_fast_naming_the_holder(host):
    ok(host, f"mkdir -p {APP_ROOT}/shared/var && echo 'nightly backup job on shop-1' > {APP_ROOT}/shared/var/dbdump.lock")
    # --close: only flock itself holds the lock (not its sleep), so killing flock gives it back at once
    ok(host, f"setsid nohup flock --close {APP_ROOT}/shared/var/dbdump.lock sleep 30 >/dev/null 2>&1 < /dev/null &")
    time.sleep(0.5)
    try:
        started = time.time()
        rc, output = playbook("backup.yml")
        assert rc != 0 and "held by nightly backup job on shop-1" in output, output[-3000:]
        assert time.time() - started < 20
    finally:
        host.run("pkill -f '[f]lock --close /var/www/magento/shared/var/dbdump.lock'")


def test_killed_dump_leaves_no_partial_file_and_crons_running(seeded):
    host = seeded
    sql(host, "CREATE TABLE bench_bulk (id INT PRIMARY KEY, body TEXT); "
              "INSERT INTO bench_bulk SELECT seq, REPEAT(SHA2(seq, 512), 2) FROM seq_1_to_800000;")
    subprocess.run(["ansible", "-i", INVENTORY, HOST_NAME, "-B", "300", "-P", "0", "-m", "magecloud.platform.db_dump",
                    "-a", "compression=gzip"], capture_output=True, check=True, timeout=60)
    assert wait_for(lambda: host.run("pgrep -x mysqldump").rc == 0, 30, 0.05), "the dump never started"
    ok(host, "pkill -TERM -f '[A]nsiballZ_db_dump'")
    assert wait_for(lambda: host.run("pgrep -f '[A]nsiballZ_db_dump'").rc != 0 and host.run("pgrep -x mysqldump").rc != 0, 20)
    assert ok(host, f"ls -A {DUMPS}").count("partial") == 0
    assert crons_free(host)
    assert ok(host, "systemctl is-active magecloud-cron.target") == "active"
    sql(host, "DROP TABLE bench_bulk")


@pytest.mark.parametrize("damage, message", [
    ("truncate -s $(( $(stat -c %s {dump}) / 2 )) {dump} && sha256sum {dump} | sed 's#  .*/#  #' > {dump}.sha256", "does not decompress completely"),
    ("echo 'not sql' | gzip > {dump} && sha256sum {dump} | sed 's#  .*/#  #' > {dump}.sha256", "closing line"),
    ("echo 0000 > {dump}.sha256", "does not match its checksum"),
])
def test_damaged_dump_is_refused_and_the_database_kept(host, damage, message):
    source = newest_dump(host)
    copy = f"/root/damaged-{abs(hash(message))}.sql.gz"
    ok(host, f"cp {source} {copy} && cp {source}.sha256 {copy}.sha256")
    ok(host, damage.format(dump=copy))
    before = sql(host, "SELECT COUNT(*) FROM bench_rows", "magento_restored")
    rc, output = playbook("restore.yml", "-e", f"magecloud_restore_src={copy}", "-e", "magecloud_restore_database=magento_restored",
                          "-e", "magecloud_restore_confirm=true")
    assert rc != 0 and message in output, output[-3000:]
    assert sql(host, "SELECT COUNT(*) FROM bench_rows", "magento_restored") == before


def test_cron_timer_writes_heartbeats(host):
    assert ok(host, "systemctl is-active magecloud-cron-cronrun.timer") == "active"
    before = heartbeats(host)
    assert wait_for(lambda: heartbeats(host) > before, 75, 2), "the every-minute cron did not run"
    runs_as = sql(host, "SELECT release_id FROM cron_heartbeat ORDER BY id DESC LIMIT 1")
    assert runs_as == ok(host, f"basename $(readlink -f {APP_ROOT}/current)")


def test_disabled_crons_stop_and_enabled_ones_resume(host):
    rc, output = playbook("cron.yml", "-e", "magecloud_cron_action=disable")
    assert rc == 0, output[-2000:]
    assert host.run("systemctl is-active magecloud-cron-cronrun.timer").stdout.strip() != "active"
    before = heartbeats(host)
    time.sleep(62)
    assert heartbeats(host) == before, "a disabled cron still ran"
    rc, output = playbook("cron.yml", "-e", "magecloud_cron_action=enable")
    assert rc == 0, output[-2000:]
    assert ok(host, "systemctl is-active magecloud-cron-cronrun.timer") == "active"
    rc, output = playbook("cron.yml", "-e", "magecloud_cron_action=status")
    assert rc == 0 and "magecloud-cron-cronrun.timer" in output and '"paused_by_a_deploy_hook_or_dump": false' in output, output[-2000:]


def test_a_deploy_failing_in_its_hook_leaves_crons_and_workers_running(host, tmp_path):
    repo = clone_sample_repo(tmp_path)
    app_yaml = repo / ".magento.app.yaml"
    app_yaml.write_text(app_yaml.read_text().replace("hooks:\n", "hooks:\n    deploy: |\n        echo migrating\n        exit 3\n", 1))
    commit(repo, "failing deploy hook")
    rc, output = deploy(repo)
    assert rc != 0 and "The deploy hook failed with exit code 3" in output and "migrating" in output, output[-3000:]
    assert crons_free(host)
    assert ok(host, "systemctl is-active magecloud-cron.target magecloud-cron-cronrun.timer magecloud-worker-queue.service").split() == [
        "active"] * 3


def test_worker_consumes_messages_and_comes_back_after_a_kill(host):
    def consumed(body):
        return sql(host, f"SELECT COUNT(*) FROM queue_message_log WHERE body = '{body}'") == "1"

    publish = f"cd {APP_ROOT}/current && runuser -u magento -- php bin/magento queue:publish"
    ok(host, f"{publish} first-message")
    assert wait_for(lambda: consumed("first-message"), 15), "the worker did not consume the message"
    pid = ok(host, "systemctl show -p MainPID --value magecloud-worker-queue.service")
    ok(host, f"kill -9 {pid}")
    assert wait_for(lambda: ok(host, "systemctl show -p MainPID --value magecloud-worker-queue.service") not in ("0", pid), 15)
    ok(host, f"{publish} after-the-kill")
    assert wait_for(lambda: consumed("after-the-kill"), 15), "the restarted worker did not consume"


def test_env_show_masks_secrets_unless_asked(host):
    rc, output = playbook("env_show.yml")
    assert rc == 0, output[-2000:]
    assert "********" in output and '"database"' in output
    assert DB_PASSWORD not in output
    rc, output = playbook("env_show.yml", "-e", "magecloud_show_secrets=true")
    assert rc == 0 and DB_PASSWORD in output


def test_patches_status_table(host):
    rc, output = playbook("patches.yml")
    assert rc == 0, output[-2000:]
    assert "SAMPLE-1_greeting" in output and "applied" in output


def test_env_php_backups_are_listed(host):
    rc, output = playbook("env_backup.yml")
    assert rc == 0 and "env.php" in output, output[-2000:]


def test_dump_rotation_keeps_the_newest(host):
    for unused in range(3):
        rc, output = playbook("backup.yml", "-e", "magecloud_dump_keep=2", "-e", "magecloud_dump_compression=zstd")
        assert rc == 0, output[-2000:]
        time.sleep(1.1)
    assert len(ok(host, f"ls {DUMPS}/dump-main-*.sql.* | grep -v sha256").split()) == 2
