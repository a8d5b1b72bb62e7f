"""Integration environments per branch, from the hub's client container over SSH, in one lifecycle (one push,
one delete, as CI's time allows): a new branch is served at BRANCH.integration.test through Varnish with a
database of its own, seeded from a sanitized copy of production's; a second branch is refused beyond
git_hub_integration_max (1 here); deleting the branch dumps its database, then removes its units, vhost,
database, broker vhost and directories."""

import pathlib
import re
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, ok  # noqa: E402

DOMAIN = "feature-x.integration.test"
ENV_ROOT = "/var/www/integration/feature-x"
ENV_DB = "int-feature-x"
DUMPS = "/var/backups/magecloud/environments/feature-x"
UNITS = "magecloud-env-feature-x-*"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def sql(host, database, query):
    return ok(host, f"mysql -N -B '{database}' -e \"{query}\"")


def served(host, name):
    return host.run(f"curl -s -H 'Host: {name}' http://127.0.0.1/").stdout


def test_a_branch_lives_in_its_own_environment_until_it_is_deleted(host, client):
    # A customer of production, whom the environment's copy must not know by name.
    sql(host, "magento", "CREATE TABLE customer_entity (entity_id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255), "
                         "firstname VARCHAR(255), middlename VARCHAR(255), lastname VARCHAR(255), dob DATE, taxvat VARCHAR(50)); "
                         "INSERT INTO customer_entity (email, firstname, lastname) VALUES ('jane@shop.example', 'Jane', 'Doe')")
    try:
        client.run("git checkout -q -b feature-x")
        client.commit("app/code/Sample/Version/A.php", "<?php\nreturn \"envx\";\n", "A is envx")
        status, shown = client.push("feature-x")
        assert status == 0, shown
        last = [line for line in shown.splitlines() if line.startswith("remote: [feature-x]")][-1]
        assert re.match(rf"remote: \[feature-x\] live at http://{DOMAIN}/ \(release \S+, commit [0-9a-f]{{12}}, [0-9.]+s\)$", last), shown
        assert "a=envx b=v1" in served(host, DOMAIN)
        assert "a=envx" not in served(host, "localhost")

        assert sql(host, ENV_DB, "SELECT CONCAT(email, ' ', firstname, ' ', lastname) FROM customer_entity") == \
            "customer-1@example.invalid Customer No1"
        sql(host, ENV_DB, "INSERT INTO sample_item (name) VALUES ('only-in-feature-x')")
        assert sql(host, "magento", "SELECT COUNT(*) FROM sample_item WHERE name = 'only-in-feature-x'") == "0"
        assert re.search(r"magecloud-env-feature-x-cron-cronrun\.timer +loaded active",
                         ok(host, f"systemctl list-units --all --no-legend '{UNITS}'")), "the environment's cron runs"

        status, shown = client.push("HEAD:feature-y", check=False)
        assert status != 0
        assert ("remote: magecloud: refused refs/heads/feature-y: 1 integration environments exist (feature-x) and the hub "
                "allows 1 (git_hub_integration_max): delete one first (git push origin :BRANCH)") in shown, shown

        status, shown = client.push(":feature-x")
        assert status == 0, shown
        assert re.search(rf"^remote: \[feature-x\] destroyed feature-x \([0-9.]+s\); the dump of its database is in {DUMPS}$",
                         shown, re.M), shown
        assert re.search(rf"^{DUMPS}/dump-\S+\.sql\.gz$", ok(host, f"ls {DUMPS}/*.sql.gz"), re.M)
        assert host.run(f"systemctl list-unit-files --no-legend '{UNITS}'").stdout.strip() == ""
        assert "enabled" in ok(host, "systemctl is-enabled magecloud-cron-cronrun.timer"), "production's units stay"
        assert not host.file("/etc/nginx/sites-enabled/magento.env-feature-x.conf").exists
        assert not host.file(ENV_ROOT).exists
        assert sql(host, "mysql", f"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{ENV_DB}'") == "0"
        assert sql(host, "mysql", f"SELECT COUNT(*) FROM mysql.user WHERE User = '{ENV_DB}'") == "0"
        assert "/int-feature-x" not in ok(host, "rabbitmqctl --quiet list_vhosts --no-table-headers").split()
        assert "a=envx" not in served(host, DOMAIN)
    finally:
        sql(host, "magento", "DROP TABLE IF EXISTS customer_entity")
        client.run("git checkout -q main", check=False)
