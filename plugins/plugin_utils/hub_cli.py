# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""magecloud-hub: the git hub's hooks and commands.

  pre-receive    (gitolite hook) refuse refs that map to no environment, validate each pushed commit
  post-receive   (gitolite hook) deploy each pushed environment branch, through `sudo … deploy`
  deploy         (root) queue one pushed commit and deploy it when its environment is free
  activity       per environment: the current release and the recent runs with their artifacts
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_deploys, hub_refs, hub_runs

DEFAULT_CONFIG = "/etc/magecloud-hub/hub.json"
_COMMIT = re.compile(r"^[0-9a-f]{40,64}$")
_PUSHER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9@._-]{0,63}$")


def say(line):
    print(line, flush=True)


def load_config(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def branches(config):
    return {name: environment["branch"] for name, environment in config["environments"].items()}


def pre_receive(config, updates, repository="."):
    """0 when every ref update is taken; 1 after saying why not (each finding as validate.yml prints it)."""
    from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_validate import \
        commit_findings  # pylint: disable=import-outside-toplevel  # the reader loads only when a branch deploys

    refused = False
    for update in updates:
        reason = hub_refs.refusal(update, branches(config))
        if reason:
            say(f"magecloud: refused {update.ref}: {reason}")
            refused = True
    for unused_environment, update in hub_refs.deployments(updates, branches(config)):
        lines, errors, warnings = commit_findings(repository, update.new)
        for line in lines:
            say(line)
        if errors:
            say(f"magecloud: refused {update.ref} at {update.new[:12]}: {errors} error(s) in its cloud files; "
                "nothing was deployed")
            refused = True
        elif warnings:
            say(f"magecloud: {update.ref} at {update.new[:12]}: {warnings} warning(s); accepted")
    return 1 if refused else 0


def deploy_commands(config, updates, pusher, cli):
    """The `deploy` command line of each pushed environment branch; through sudo unless root already."""
    escalate = [] if os.geteuid() == 0 else ["sudo", "-n"]
    return [escalate + [cli, "--config", config["path"], "deploy", "--environment", environment,
                        "--commit", update.new, "--ref", update.ref, "--pusher", pusher]
            for environment, update in hub_refs.deployments(updates, branches(config))]


def post_receive(config, updates, pusher):
    """Deploys the pushed environments side by side: one environment's deploy never waits for another's."""
    started = [subprocess.Popen(command) for command in deploy_commands(config, updates, pusher, config["cli"])]  # pylint: disable=consider-using-with
    return max((process.wait() for process in started), default=0)


def deploy(config, args):
    if args.environment not in config["environments"] or not _COMMIT.match(args.commit) \
            or not args.ref.startswith("refs/heads/") or not _PUSHER.match(args.pusher):
        say("magecloud: deploy refused: unknown environment, or a malformed commit, ref or pusher")
        return 2
    return hub_deploys.submit(config, hub_deploys.request(args.environment, args.commit, args.ref, args.pusher), say)


def activity(config, args):
    for line in hub_runs.activity(config["runs_dir"], branches(config), args.recent):
        say(line)
    return 0


def _hook(handler):
    def run(config, unused_args):
        return handler(config, hub_refs.parse_updates(sys.stdin.read()))
    return run


COMMANDS = {
    "pre-receive": _hook(pre_receive),
    "post-receive": _hook(lambda config, updates: post_receive(config, updates, os.environ.get("GL_USER", "unknown"))),
    "deploy": deploy,
    "activity": activity,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="magecloud-hub", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=os.environ.get("MAGECLOUD_HUB_CONFIG", DEFAULT_CONFIG))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pre-receive")
    commands.add_parser("post-receive")
    deploy = commands.add_parser("deploy")
    deploy.add_argument("--environment", required=True)
    deploy.add_argument("--commit", required=True)
    deploy.add_argument("--ref", required=True)
    deploy.add_argument("--pusher", required=True)
    activity = commands.add_parser("activity")
    activity.add_argument("--recent", type=int, default=10)
    args = parser.parse_args(argv)
    config = dict(load_config(args.config), path=args.config)
    return COMMANDS[args.command](config, args)
