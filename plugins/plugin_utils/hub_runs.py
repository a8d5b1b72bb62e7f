# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hub's runs: one directory per pushed commit (ansible-runner's private_data_dir), its record,
the listing `activity` prints and the pruning of old artifacts."""

from __future__ import annotations

import json
import os
import shutil
import time

RECORD = "hub-run.json"
PROGRESS = "progress.log"
QUEUED, RUNNING, SUCCESSFUL, FAILED, SKIPPED = "queued", "running", "successful", "failed", "skipped"


def run_name(pushed_at, commit):
    """Sorts by time: <UTC time to the millisecond>-<12 characters of the commit>."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(pushed_at))
    return f"{stamp}{int(pushed_at * 1000) % 1000:03d}Z-{commit[:12]}"


def create_run(environment_dir, request):
    """A new run directory holding the request's record (status queued); returns its path."""
    path = os.path.join(environment_dir, run_name(request["pushed_at"], request["commit"]))
    os.makedirs(path, mode=0o750)
    write_record(path, dict(request, status=QUEUED))
    return path


def read_record(path):
    with open(os.path.join(path, RECORD), encoding="utf-8") as handle:
        return json.load(handle)


def write_record(path, record):
    """Replaces the record whole, so a reader never sees half of one."""
    partial = os.path.join(path, RECORD + ".new")
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1, sort_keys=True)
    os.replace(partial, os.path.join(path, RECORD))


def update_record(path, **changes):
    record = read_record(path)
    record.update(changes)
    write_record(path, record)
    return record


def runs(environment_dir):
    """(path, record) of every run of the environment, newest first."""
    if not os.path.isdir(environment_dir):
        return []
    found = []
    for name in sorted(os.listdir(environment_dir), reverse=True):
        path = os.path.join(environment_dir, name)
        if os.path.isfile(os.path.join(path, RECORD)):
            found.append((path, read_record(path)))
    return found


def prune(environment_dir, days, now):
    """Removes the runs that ended more than `days` days ago, except the newest successful one (the
    release the environment serves); returns the removed paths."""
    kept_success = False
    removed = []
    for path, record in runs(environment_dir):
        if record["status"] == SUCCESSFUL and not kept_success:
            kept_success = True
            continue
        ended = record.get("finished") or record["pushed_at"]
        if record["status"] in (SUCCESSFUL, FAILED, SKIPPED) and now - ended > days * 86400:
            shutil.rmtree(path)
            removed.append(path)
    return removed


def _duration(record):
    if record.get("finished") and record.get("started"):
        return f"{record['finished'] - record['started']:.1f}s"
    return "-"


def activity(runs_dir, environments, recent):
    """Lines: per environment its current release and its `recent` newest runs."""
    lines = []
    for environment in sorted(environments):
        listed = runs(os.path.join(runs_dir, environment))
        current = next((record for unused_path, record in listed if record["status"] == SUCCESSFUL), None)
        lines.append(f"{environment} (branch {environments[environment]}): current release "
                     + (f"{current.get('release') or '?'} from {current['commit'][:12]}" if current else "none deployed by the hub"))
        for path, record in listed[:recent]:
            started = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(record.get("started") or record["pushed_at"]))
            cause = f" ({record['cause']})" if record.get("cause") else ""
            lines.append(f"  {record['status']:<10} {record['commit'][:12]} {record['ref']} by {record['pusher']} "
                         f"at {started} in {_duration(record)}{cause}")
            lines.append(f"             artifacts: {path}")
    return lines
