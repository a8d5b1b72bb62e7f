# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A push's deploy request: recorded as a run, queued per environment, deployed by whoever holds the
environment's deploy lock. The pusher whose push took the lock watches its own deploy; the runs that
arrive meanwhile are deployed after it by a detached process, so that pusher's `git push` ends with
its own deploy."""

from __future__ import annotations

import os
import sys
import time

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_environments, hub_runner, hub_runs
from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_queue import EnvironmentQueue


class Progress:
    """Writes a run's lines to its progress.log and, while a pusher watches, to the pusher."""

    def __init__(self, environment, run_dir, watcher):
        self.prefix = f"[{environment}] "
        self.log = os.path.join(run_dir, hub_runs.PROGRESS)
        self.watcher = watcher

    def __call__(self, line):
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        if self.watcher:
            self.watcher.write(self.prefix + line + "\n")
            self.watcher.flush()


def request(environment, commit, ref, pusher, now=None, action="deploy", slot=0):
    """A run's request; `destroy` (with the deleted branch's last commit) and `slot` are for integration
    environments only."""
    return {"environment": environment, "commit": commit, "ref": ref, "pusher": pusher, "action": action, "slot": slot,
            "pushed_at": time.time() if now is None else now}


def submit(config, push, say, deploy=hub_runner.deploy):
    """Records and queues the push; deploys it when no deploy of its environment runs. Returns the
    exit status of the deploy the pusher watched (0 when it only queued)."""
    environment = push["environment"]
    environment_dir = os.path.join(config["runs_dir"], environment)
    os.makedirs(environment_dir, mode=0o750, exist_ok=True)
    run_dir = hub_runs.create_run(environment_dir, push)
    queue = EnvironmentQueue(environment_dir)
    holder, superseded = queue.submit(os.path.basename(run_dir))
    if superseded:
        hub_runs.update_record(os.path.join(environment_dir, superseded), status=hub_runs.SKIPPED,
                               finished=time.time(), cause=f"superseded by {push['commit'][:12]}")
        say(f"[{environment}] {superseded[-12:]} skipped: {push['commit'][:12]} is newer and deploys instead")
    if not holder:
        say(f"[{environment}] queued {push['commit'][:12]}: a deploy of {environment} is running; the newest push "
            f"deploys when it ends (follow it with `magecloud-hub activity`)")
        return 0
    return _work(config, environment, environment_dir, queue, deploy)


def _work(config, environment, environment_dir, queue, deploy):
    status = 0
    watcher = sys.stdout
    while True:
        name = queue.take()
        if name is None:
            return status
        run_dir = os.path.join(environment_dir, name)
        outcome = run(config, environment, run_dir, Progress(environment, run_dir, watcher), deploy)
        if watcher is None:
            continue
        status = 0 if outcome == hub_runs.SUCCESSFUL else 1
        if not queue.waiting():
            continue
        if os.fork() > 0:
            return status
        watcher = None
        _detach()


def _detach():
    """The child that deploys the waiting runs: its own session, and none of git's pipes, so the
    pusher's `git push` ends now."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(null, descriptor)
    os.close(null)


def run(config, environment, run_dir, say, deploy):
    """Deploys (or destroys) one run and records it; the last line says where it is live, or that the
    environment is gone, or why not."""
    record = hub_runs.update_record(run_dir, status=hub_runs.RUNNING, started=time.time())
    hub_runs.prune(os.path.dirname(run_dir), config["artifact_days"], time.time())
    destroy = record.get("action") == "destroy"
    say(f"{'destroying ' + environment + ' after a dump of its database, at' if destroy else 'deploying'} "
        f"{record['commit'][:12]} ({record['ref']}, pushed by {record['pusher']}); artifacts: {run_dir}")
    status, cause, release = deploy(config, record, run_dir, say)
    record = hub_runs.update_record(run_dir, status=status, cause=cause, release=release, finished=time.time())
    took = f"{record['finished'] - record['started']:.1f}s"
    if status == hub_runs.SUCCESSFUL and destroy:
        hub_environments.registry(config).release(environment)
        say(f"destroyed {environment} ({took}); the dump of its database is in {config['integration']['dumps']}/{environment}")
    elif status == hub_runs.SUCCESSFUL:
        say(f"live at {hub_environments.url(config, environment)} (release {release or '?'}, "
            f"commit {record['commit'][:12]}, {took})")
    else:
        say(f"{'destroy' if destroy else 'deploy'} of {record['commit'][:12]} FAILED after {took}: {cause}; artifacts: {run_dir}")
    return status
