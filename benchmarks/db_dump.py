"""Dump throughput of magecloud.platform.db_dump against a plain `mysqldump | gzip` of the same
database, in the same run, on a host container with the stack and a deployed app.

Usage: python3 benchmarks/db_dump.py --inventory INV --host CONTAINER --db-password PASS [--rows 1000000] [--rounds 3]
Prints MB of SQL per second for each way and the ratios (goals: >= 0.9x with gzip, >= 2x with zstd).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DUMP_FLAGS = "--single-transaction --quick --no-autocommit --routines --triggers --events --hex-blob --no-tablespaces"


def in_host(host, command):
    result = subprocess.run(["docker", "exec", host, "bash", "-c", command], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{command}\n{result.stderr}")
    return result.stdout.strip()


def seed(host, rows):
    """Rows shaped like catalog data: an id, a hash, a sentence and a number."""
    in_host(host, "mysql -u root magento -e \"DROP TABLE IF EXISTS bench_dump; "
                  "CREATE TABLE bench_dump (id INT PRIMARY KEY, sku CHAR(64), description TEXT, price DECIMAL(12,4)); "
                  f"INSERT INTO bench_dump SELECT seq, SHA2(seq, 256), CONCAT('Product ', seq, ' is a ', "
                  "ELT(1 + seq % 5, 'red', 'blue', 'green', 'black', 'white'), ' item for the ', "
                  "ELT(1 + seq % 3, 'kitchen', 'garden', 'office'), ' with a warranty of ', seq % 7, ' years'), "
                  f"(seq % 10000) / 100 FROM seq_1_to_{rows}\"")


def plain_dump(host, password):
    started = time.time()
    in_host(host, f"set -o pipefail; mysqldump -h 127.0.0.1 -u magento -p'{password}' {DUMP_FLAGS} magento "
                  "| gzip -c -6 > /root/plain-dump.sql.gz")
    return time.time() - started


def module_dump(inventory, host, compression):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    result = subprocess.run([shutil.which("ansible") or "ansible", "-i", inventory, host, "-b", "-o", "-m",
                             "magecloud.platform.db_dump", "-a", f"compression={compression} databases=main keep=1"],
                            capture_output=True, text=True, env=env, check=False)
    if "=>" not in result.stdout or result.returncode != 0:
        sys.exit(result.stdout + result.stderr)
    return json.loads(result.stdout.split("=>", 1)[1])["dumps"][0]["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--db-password", required=True)
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    seed(args.host, args.rows)
    sql_bytes = int(in_host(args.host, f"mysqldump -h 127.0.0.1 -u magento -p'{args.db_password}' {DUMP_FLAGS} magento | wc -c"))
    timings = {"mysqldump | gzip": [], "db_dump gzip": [], "db_dump zstd": []}
    for unused in range(args.rounds):
        timings["mysqldump | gzip"].append(plain_dump(args.host, args.db_password))
        timings["db_dump gzip"].append(module_dump(args.inventory, args.host, "gzip"))
        timings["db_dump zstd"].append(module_dump(args.inventory, args.host, "zstd"))
    in_host(args.host, "mysql -u root magento -e 'DROP TABLE bench_dump'; rm -f /root/plain-dump.sql.gz")

    megabytes = sql_bytes / 1e6
    throughput = {name: megabytes / statistics.median(values) for name, values in timings.items()}
    baseline = throughput["mysqldump | gzip"]
    print(f"{megabytes:.1f} MB of SQL ({args.rows} rows), median of {args.rounds} rounds each:")
    for name, value in throughput.items():
        print(f"  {name:<18} {value:7.1f} MB/s  {value / baseline:5.2f}x  (runs: {', '.join(f'{t:.2f}s' for t in timings[name])})")
    print("goals: db_dump gzip >= 0.90x, db_dump zstd >= 2.00x")


if __name__ == "__main__":
    main()
