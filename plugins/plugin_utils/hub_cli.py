# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""magecloud-hub: the git hub's hooks and commands.

  pre-receive    (gitolite hook) refuse refs that can have no environment, validate each pushed commit
  post-receive   (gitolite hook) deploy each pushed branch, destroy the integration environment of each
                 deleted one, through `sudo … deploy` / `sudo … destroy`
  deploy         (root) queue one pushed commit and deploy it when its environment is free
  destroy        (root) queue the destruction of a deleted branch's integration environment
  activity       per environment: the current release and the recent runs with their artifacts
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_deploys, hub_environments, hub_refs, hub_runs

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


def integration_refusals(config, updates):
    """(update, reason) for each pushed branch that cannot have its integration environment; the branches
    this push creates environments for count toward the limit together."""
    registry = hub_environments.registry(config)
    if registry is None:
        return []
    entries = registry.entries()
    refusals, created = [], []
    for update in hub_refs.integration_updates(updates, branches(config)):
        if update.deleted:
            continue
        reason = hub_environments.naming_problem(update.branch, config["environments"]) \
            or registry.problem(update.branch, entries, created)
        if reason:
            refusals.append((update, reason))
        elif hub_environments.environment_name(update.branch) not in entries:
            created.append(hub_environments.environment_name(update.branch))
    return refusals


def pushed(config, updates):
    """(environment, update) of every pushed branch that deploys: the inventory's, then the integration ones."""
    integration = [] if hub_environments.registry(config) is None else [
        (hub_environments.environment_name(update.branch), update)
        for update in hub_refs.integration_updates(updates, branches(config)) if not update.deleted]
    return hub_refs.deployments(updates, branches(config)) + integration


def pre_receive(config, updates, repository="."):
    """0 when every ref update is taken; 1 after saying why not (each finding as validate.yml prints it)."""
    from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_validate import \
        commit_findings  # pylint: disable=import-outside-toplevel  # the reader loads only when a branch deploys

    integration = hub_environments.registry(config) is not None
    refusals = [(update, hub_refs.refusal(update, branches(config), integration)) for update in updates]
    refusals = [(update, reason) for update, reason in refusals if reason] + integration_refusals(config, updates)
    for update, reason in refusals:
        say(f"magecloud: refused {update.ref}: {reason}")
    refused = bool(refusals)
    for unused_environment, update in pushed(config, updates):
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
    """The `deploy` command line of each pushed branch and the `destroy` one of each deleted integration
    branch; through sudo unless root already."""
    escalate = [] if os.geteuid() == 0 else ["sudo", "-n"]
    base = escalate + [cli, "--config", config["path"]]
    commands = [base + ["deploy", "--environment", environment, "--commit", update.new, "--ref", update.ref, "--pusher", pusher]
                for environment, update in pushed(config, updates)]
    if hub_environments.registry(config) is not None:
        commands += [base + ["destroy", "--environment", hub_environments.environment_name(update.branch), "--commit", update.old,
                             "--ref", update.ref, "--pusher", pusher]
                     for update in hub_refs.integration_updates(updates, branches(config)) if update.deleted]
    return commands


def post_receive(config, updates, pusher):
    """Deploys the pushed environments side by side: one environment's deploy never waits for another's."""
    started = [subprocess.Popen(command) for command in deploy_commands(config, updates, pusher, config["cli"])]  # pylint: disable=consider-using-with
    return max((process.wait() for process in started), default=0)


def _malformed(config, args):
    """Whether the arguments name no environment this hub has, or a malformed commit, ref or pusher."""
    branch = args.ref[len("refs/heads/"):]
    known = args.environment in config["environments"] or (
        hub_environments.registry(config) is not None and args.environment == hub_environments.environment_name(branch)
        and not hub_environments.naming_problem(branch, config["environments"]))
    return not known or not _COMMIT.match(args.commit) or not args.ref.startswith("refs/heads/") or not _PUSHER.match(args.pusher)


def _as_root():
    """gitolite runs the hooks under umask 0077 (its UMASK), which sudo passes on: the directories a run makes
    for a new environment (shared/app, …) must be readable by the app user."""
    os.umask(0o022)


def deploy(config, args):
    _as_root()
    if _malformed(config, args):
        say("magecloud: deploy refused: unknown environment, or a malformed commit, ref or pusher")
        return 2
    slot = 0
    if args.environment not in config["environments"]:
        try:
            slot = hub_environments.registry(config).claim(args.ref[len("refs/heads/"):])["slot"]
        except hub_environments.Refused as refusal:
            say(f"magecloud: refused {args.ref}: {refusal}")
            return 1
    return hub_deploys.submit(config, hub_deploys.request(args.environment, args.commit, args.ref, args.pusher, slot=slot), say)


def destroy(config, args):
    _as_root()
    if _malformed(config, args) or args.environment in config["environments"]:
        say("magecloud: destroy refused: not an integration environment, or a malformed commit, ref or pusher")
        return 2
    record = hub_environments.registry(config).entries().get(args.environment)
    if not record or record["branch"] != args.ref[len("refs/heads/"):]:
        say(f"magecloud: {args.ref} deleted; it had no integration environment")
        return 0
    return hub_deploys.submit(config, hub_deploys.request(args.environment, args.commit, args.ref, args.pusher, action="destroy",
                                                          slot=record["slot"]), say)


def activity(config, args):
    registry = hub_environments.registry(config)
    integration = {name: record["branch"] for name, record in registry.entries().items()} if registry else {}
    for line in hub_runs.activity(config["runs_dir"], dict(branches(config), **integration), args.recent):
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
    "destroy": destroy,
    "activity": activity,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="magecloud-hub", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=os.environ.get("MAGECLOUD_HUB_CONFIG", DEFAULT_CONFIG))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pre-receive")
    commands.add_parser("post-receive")
    for name in ("deploy", "destroy"):
        run = commands.add_parser(name)
        for option in ("--environment", "--commit", "--ref", "--pusher"):
            run.add_argument(option, required=True)
    activity = commands.add_parser("activity")
    activity.add_argument("--recent", type=int, default=10)
    args = parser.parse_args(argv)
    config = dict(load_config(args.config), path=args.config)
    return COMMANDS[args.command](config, args)
