"""Push to live and the deploy's own wall time on the demo host (issue 16), over SSH and over docker, in one run.

Each round, on the all-in-one demo host that `make demo` converges (it is its own git hub):
  - a one-file change (the version in app/code/Sample/Version/A.php) deployed from the controller over SSH
    (ControlPersist and pipelining, as ansible.cfg and Ansible's defaults set them), then over the docker
    connection;
  - the same tree deployed again, unchanged, over SSH and over docker;
  - a one-file change pushed to the hub with `git push`, timed until the page through Varnish shows it.
The rounds alternate the two connections so neither gets the quieter moments.

Usage (after `make demo`, from the repository root):
  python3 benchmarks/push_to_live.py [--rounds 3] [--json OUT]
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
import tempfile
import time
import urllib.request

from deploy_under_load import BODY, ROOT, Project, run_deploy

DEMO_HOST = "magecloud-demo"
INVENTORY = str(ROOT / "inventories" / "local")
KEY = ROOT / ".cache" / "demo-hub-key"
PAGE = "http://127.0.0.1:8080/"
SSH_PORT = 2222
SSH_OPTIONS = f"-i {KEY} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"


def ssh_inventory(directory):
    """The demo inventory, with the demo host reached over its published sshd as root, with the key make demo made."""
    inventory = pathlib.Path(directory) / "inventory"
    (inventory / "host_vars").mkdir(parents=True)
    for name in ("hosts.yml", "group_vars"):
        (inventory / name).symlink_to(pathlib.Path(INVENTORY) / name)
    (inventory / "host_vars" / f"{DEMO_HOST}.yml").write_text(json.dumps({
        "ansible_connection": "ssh", "ansible_host": "127.0.0.1", "ansible_port": SSH_PORT, "ansible_user": "root",
        "ansible_ssh_private_key_file": str(KEY),
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"}))
    return str(inventory)


def page_version():
    try:
        with urllib.request.urlopen(PAGE, timeout=5) as answer:
            match = BODY.search(answer.read().decode())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def let_root_in_over_ssh():
    public_key = KEY.with_suffix(".pub").read_text().strip()
    subprocess.run(["docker", "exec", DEMO_HOST, "sh", "-c",
                    f"install -d -m 700 /root/.ssh && grep -qxF '{public_key}' /root/.ssh/authorized_keys 2>/dev/null"
                    f" || echo '{public_key}' >> /root/.ssh/authorized_keys"], check=True)


def deploy(project, inventories, connection, kind):
    outcome = run_deploy(inventories[connection], project)
    if outcome["rc"] != 0:
        sys.exit(f"{kind} deploy over {connection} failed: {outcome['failure'] or outcome['stderr']}")
    return {"kind": kind, "connection": connection, "wall": round(outcome["wall"], 2),
            "phases": {phase: round(seconds, 2) for phase, seconds in outcome["phases"].items()}}


def push(project, version):
    """Seconds from the start of `git push` until the page through Varnish shows `version`."""
    environment = dict(os.environ, GIT_SSH_COMMAND=f"ssh {SSH_OPTIONS}")
    remote = f"ssh://git@127.0.0.1:{SSH_PORT}/magento"
    started = time.monotonic()
    pusher = subprocess.Popen(["git", "-C", str(project.path), "push", "-q", "-f", remote, "HEAD:main"], env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while page_version() != version:
        if pusher.poll() not in (None, 0) or time.monotonic() - started > 600:
            sys.exit(f"push of v{version} did not go live: {pusher.communicate()[0][-2000:]}")
        time.sleep(0.1)
    live = time.monotonic() - started
    output = pusher.communicate()[0]
    return {"kind": "push-to-live", "connection": "hub", "wall": round(live, 2), "remote_lines": output.count("remote:")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="write every run here")
    args = parser.parse_args()

    let_root_in_over_ssh()
    workdir = tempfile.mkdtemp(prefix="magecloud-push-bench-")
    inventories = {"ssh": ssh_inventory(workdir), "docker": INVENTORY}
    project = Project(workdir)
    # A release is named after its tree: without a file of this run's own, a second run on the same host would
    # find the trees of the first one built already, and time switches instead of builds.
    project.write("push-benchmark-run.txt", f"{workdir} {time.time()}\n")
    version = 1
    project.set_version(version)
    project.commit("push benchmark start")
    # The first deploy of this history is neither kind; the one after it starts from the same state as every round.
    deploy(project, inventories, "docker", "first")
    runs = []
    for index in range(args.rounds):
        order = ("ssh", "docker") if index % 2 == 0 else ("docker", "ssh")
        for connection in order:
            version += 1
            project.write("app/code/Sample/Version/A.php", f"<?php\nreturn 'v{version}';\n")
            project.commit(f"one file, v{version}")
            runs.append(deploy(project, inventories, connection, "one-file"))
        for connection in order:
            runs.append(deploy(project, inventories, connection, "unchanged"))
        version += 1
        project.write("app/code/Sample/Version/A.php", f"<?php\nreturn 'v{version}';\n")
        project.commit(f"pushed, v{version}")
        runs.append(push(project, version))
        print(json.dumps(runs[-5:]), flush=True)

    print(f"{'measure':<28}{'median s':>10}{'runs s':>30}")
    for kind, connection, goal in (("push-to-live", "hub", 12), ("one-file", "ssh", 5), ("one-file", "docker", None),
                                   ("unchanged", "ssh", 3), ("unchanged", "docker", None)):
        walls = [run["wall"] for run in runs if run["kind"] == kind and run["connection"] == connection]
        verdict = "" if goal is None else f"  goal <= {goal} s: {'meets' if statistics.median(walls) <= goal else 'MISSES'}"
        print(f"{kind + ' (' + connection + ')':<28}{statistics.median(walls):>10.2f}{', '.join(map(str, walls)):>30}{verdict}")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(runs, indent=1))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
