"""Zero-downtime proof: keep-alive clients read a page through Varnish -> nginx -> PHP-FPM while
consecutive deploys change the two PHP files whose versions the page prints.

Counted per response: non-2xx, connection errors, torn (the two files disagree) and stale (a version
older than the one the last switch installed, for a request sent after that switch returned).
Special deploys: one whose health check fails after the switch (rolled back), one whose health
check fails before it, one that needs setup:upgrade (blue/green). Then a naive in-place copy
deploy runs under the same load, and must show failures, proof that the harness sees them.

Usage: python3 benchmarks/deploy_under_load.py --inventory INV --host CONTAINER [--deploys 20] [--clients 16] [--json OUT]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SAMPLE_APP = ROOT / "examples" / "sample-app"
VERSION_FILES = ("app/code/Sample/Version/A.php", "app/code/Sample/Version/B.php")
BODY = re.compile(r"a=v(\d+) b=v(\d+) release=(\S+)")
PHASES = ("Source", "Build", "Ship", "Hook", "Switch")


class LoadGenerator:
    """Clients on keep-alive connections; every response is kept with its send and receive time."""

    def __init__(self, address, clients, pause, host_header="localhost"):
        self.address = address
        self.clients = clients
        self.pause = pause
        self.host_header = host_header
        self.per_client = [[] for unused in range(clients)]
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(own,), daemon=True) for own in self.per_client]

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def _client(self, own):
        connection = None
        while not self.stop.is_set():
            if connection is None:
                connection = http.client.HTTPConnection(*self.address, timeout=10)
            sent = time.time()
            try:
                connection.request("GET", "/", headers={"Host": self.host_header})
                response = connection.getresponse()
                body = response.read().decode("utf-8", "replace")
                own.append((sent, time.time(), response.status, body[:200], None))
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
                time.sleep(self.pause)
            except (OSError, http.client.HTTPException) as error:
                own.append((sent, time.time(), 0, "", type(error).__name__))
                connection.close()
                connection = None
                time.sleep(0.01)

    def records_since(self, since):
        return [record for own in self.per_client for record in list(own) if record[0] >= since]


class Timeline:
    """Which version must be served from when on: (time, minimum version, forbidden version)."""

    def __init__(self):
        self.marks = []

    def switched(self, at, version):
        self.marks.append((at, version, None))

    def deploy_starts(self, at):
        """From here the next release may go live at any moment: only older versions are stale."""
        self.marks.append((at, self.marks[-1][1], None))

    def rolled_back(self, at, kept_version, failed_version):
        self.marks.append((at, kept_version, failed_version))

    def classify(self, records):
        counts = {"responses": len(records), "non_2xx": 0, "connection_errors": 0, "torn": 0, "stale": 0}
        examples = []
        for sent, unused_received, status, body, error in records:
            if error:
                counts["connection_errors"] += 1
                examples.append(f"{error} at {sent:.3f}")
                continue
            if not 200 <= status < 300:
                counts["non_2xx"] += 1
                examples.append(f"{status} at {sent:.3f}: {body.strip()[:80]}")
                continue
            match = BODY.search(body)
            if not match or match.group(1) != match.group(2):
                counts["torn"] += 1
                examples.append(f"torn at {sent:.3f}: {body.strip()[:80]}")
                continue
            version = int(match.group(1))
            floor = forbidden = None
            for at, minimum, failed in self.marks:
                if at <= sent:
                    floor, forbidden = minimum, failed
            if (floor is not None and version < floor) or (forbidden is not None and version == forbidden):
                counts["stale"] += 1
                examples.append(f"stale v{version} at {sent:.3f} (expected >= v{floor})")
        return counts, examples[:10]


class Project:
    def __init__(self, workdir):
        self.path = pathlib.Path(workdir) / "sample-app"
        shutil.copytree(SAMPLE_APP, self.path)
        self._git("init", "-q", "-b", "main")
        self.commit("version 1")

    def _git(self, *args):
        subprocess.run(["git", "-C", str(self.path), "-c", "user.name=bench", "-c", "user.email=bench@localhost", *args],
                       check=True, capture_output=True)

    def set_version(self, version):
        for relative in VERSION_FILES:
            (self.path / relative).write_text(f"<?php\nreturn 'v{version}';\n")

    def write(self, relative, content):
        (self.path / relative).write_text(content)

    def remove(self, relative):
        (self.path / relative).unlink(missing_ok=True)

    def commit(self, message):
        self._git("add", "-A")
        self._git("commit", "-q", "--allow-empty", "-m", message)


def run_deploy(inventory, project, extra=()):
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    started = time.time()
    result = subprocess.run([shutil.which("ansible-playbook") or "ansible-playbook", "-i", inventory,
                             str(ROOT / "playbooks" / "deploy.yml"), "-e", f"magecloud_git_repo={project.path}",
                             "-e", "magecloud_git_ref=main", *extra],
                            env=env, capture_output=True, text=True, check=False)
    wall = time.time() - started
    report = json.loads(result.stdout[result.stdout.index("{"):]) if "{" in result.stdout else {}
    phases = dict.fromkeys(PHASES, 0.0)
    switch = {}
    failure = ""
    for play in report.get("plays", []):
        for task in play.get("tasks", []):
            name = task["task"]["name"].split(" : ", 1)[-1]
            duration = task["task"].get("duration", {})
            phase = name.split(" | ", 1)[0] if " | " in name else ""
            if phase in phases and duration.get("start") and duration.get("end"):
                phases[phase] += _seconds(duration["end"]) - _seconds(duration["start"])
            for host_result in task.get("hosts", {}).values():
                if name.startswith("Switch | Check the release"):
                    switch = host_result
                if host_result.get("failed") and not failure:
                    failure = host_result.get("msg", "")
    return {"rc": result.returncode, "wall": wall, "ended": time.time(), "phases": phases, "switch": switch,
            "failure": failure, "stderr": result.stderr[-2000:]}


def _seconds(stamp):
    # ansible.posix.json writes ISO 8601 UTC with microseconds and a trailing Z.
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def container_address(host):
    output = subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", host],
                            capture_output=True, text=True, check=True).stdout.split()
    return output[0]


def naive_deploy(host, version):
    """What a plain copy-over deploy does: overwrite the live files one by one, then restart PHP-FPM."""
    current = "/var/www/magento/current"
    for relative in VERSION_FILES:
        subprocess.run(["docker", "exec", host, "sh", "-c", f"printf \"<?php\\nreturn 'v{version}';\\n\" > {current}/{relative}"],
                       check=True)
        time.sleep(0.3)
    # The FPM unit is named after the PHP version the host runs (php8.2-fpm on Debian 12, php8.4-fpm on 13).
    subprocess.run(["docker", "exec", host, "sh", "-c", "systemctl restart 'php*-fpm.service'"], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", required=True)
    parser.add_argument("--host", required=True, help="the web host's container")
    parser.add_argument("--deploys", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--pause", type=float, default=0.02, help="seconds each client waits between requests")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="magecloud-deploy-bench-")
    project = Project(workdir)
    first = run_deploy(args.inventory, project)
    if first["rc"] != 0:
        sys.exit(f"initial deploy failed: {first['failure'] or first['stderr']}")
    timeline = Timeline()
    timeline.switched(time.time(), 1)
    load = LoadGenerator((container_address(args.host), 80), args.clients, args.pause)
    load.start()
    time.sleep(1)
    deploys = []
    version = 1
    plan = ["change"] * max(args.deploys - 2, 1) + ["upgrade", "fail-after-switch", "fail-before-switch", "change", "one-file"]
    for kind in plan:
        if kind == "one-file":
            project.write("web/css/base.css", (project.path / "web/css/base.css").read_text() + f"/* deploy {len(deploys)} */\n")
        else:
            version += 1
            project.set_version(version)
        fault = {"fail-after-switch": "app/fail-live-health", "fail-before-switch": "app/fail-health"}.get(kind)
        if fault:
            project.write(fault, "fault switch for the deploy benchmark\n")
        if kind == "upgrade":
            project.write("app/code/Sample/etc/schema_version.php", f"<?php\nreturn {version};\n")
        project.commit(f"{kind} v{version}")
        timeline.deploy_starts(time.time())
        outcome = run_deploy(args.inventory, project)
        outcome["kind"] = kind
        if fault:
            if outcome["rc"] == 0:
                sys.exit(f"deploy with {fault} succeeded; its health check should have failed")
            timeline.rolled_back(outcome["ended"], version - 1, version)
            project.remove(fault)
            version -= 1
            project.set_version(version)
            project.commit(f"undo {kind}")
        elif outcome["rc"] != 0:
            sys.exit(f"deploy {kind} v{version} failed: {outcome['failure'] or outcome['stderr']}")
        else:
            timeline.switched(float(outcome["switch"]["switched_at"]), version)
        deploys.append(outcome)
    unchanged = run_deploy(args.inventory, project)
    unchanged["kind"] = "unchanged"
    deploys.append(unchanged)
    time.sleep(1)
    safe_counts, safe_examples = timeline.classify(load.records_since(0))

    naive_started = time.time()
    naive_deploy(args.host, version + 1)
    timeline.switched(time.time(), version + 1)
    time.sleep(2)
    load.finish()
    naive_counts, naive_examples = timeline.classify(load.records_since(naive_started))
    timings = unloaded_timings(args.inventory, project)

    figures = report(deploys, timings, safe_counts, safe_examples, naive_counts, naive_examples, args.clients)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(figures, indent=1))
    shutil.rmtree(workdir, ignore_errors=True)
    broken = [key for key in ("non_2xx", "connection_errors", "torn", "stale") if safe_counts[key]]
    naive_seen = any(naive_counts[key] for key in ("non_2xx", "connection_errors", "torn", "stale"))
    if broken:
        print(f"FAIL: zero-downtime deploys had {', '.join(broken)}")
    if not naive_seen:
        print("FAIL: the naive deploy showed no failure; the harness cannot be trusted")
    sys.exit(1 if broken or not naive_seen else 0)


def unloaded_timings(inventory, project, rounds=3):
    """Wall time without load: a one-file change and an unchanged tree, `rounds` times each."""
    timings = []
    for index in range(rounds):
        project.write("web/css/base.css", (project.path / "web/css/base.css").read_text() + f"/* timing {index} */\n")
        project.commit(f"timing {index}")
        for kind in ("one-file", "unchanged"):
            outcome = run_deploy(inventory, project)
            if outcome["rc"] != 0:
                sys.exit(f"timing deploy failed: {outcome['failure'] or outcome['stderr']}")
            outcome["kind"] = kind
            timings.append(outcome)
    return timings


def print_table(title, deploys):
    print(title)
    print(f"{'kind':<20}{'rc':>4}{'wall s':>8}" + "".join(f"{phase:>8}" for phase in PHASES))
    for deploy in deploys:
        print(f"{deploy['kind']:<20}{deploy['rc']:>4}{deploy['wall']:>8.2f}"
              + "".join(f"{deploy['phases'][phase]:>8.2f}" for phase in PHASES))


def median_wall(deploys, kind):
    return round(statistics.median(deploy["wall"] for deploy in deploys if deploy["kind"] == kind), 2)


def report(deploys, timings, safe_counts, safe_examples, naive_counts, naive_examples, clients):
    print_table(f"{len(deploys)} deploys under load ({clients} keep-alive clients through Varnish):", deploys)
    print_table("Without load:", timings)
    figures = {
        "zero_downtime": safe_counts, "zero_downtime_examples": safe_examples,
        "naive": naive_counts, "naive_examples": naive_examples,
        "under_load_change_wall_median_s": median_wall(deploys, "change"),
        "one_file_wall_median_s": median_wall(timings, "one-file"),
        "unchanged_wall_median_s": median_wall(timings, "unchanged"),
        "deploys": [{key: deploy[key] for key in ("kind", "rc", "wall", "phases")} for deploy in deploys + timings],
    }
    print(f"zero-downtime deploys: {safe_counts}")
    for example in safe_examples:
        print(f"  {example}")
    print(f"naive in-place deploy: {naive_counts}")
    for example in naive_examples[:3]:
        print(f"  {example}")
    print(f"median wall time without load: one-file change {figures['one_file_wall_median_s']} s (goal <= 8 s), "
          f"unchanged tree {figures['unchanged_wall_median_s']} s (goal <= 4 s); "
          f"two-file change under load {figures['under_load_change_wall_median_s']} s")
    return figures


if __name__ == "__main__":
    main()
