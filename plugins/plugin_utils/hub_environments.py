# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration environments: every branch the inventory maps to no environment gets one of its own.

The environment's name is the branch's name made a DNS label: lower case, each run of characters other
than a-z and 0-9 one `-`, no `-` at either end. It names everything the environment owns (its host name
`<name>.<domain>`, database, vhost, units, index prefix), so the hub refuses a branch whose name
- has no letter or digit (`--`), or is longer than NAME_MAX characters once made a label (truncating
  would make two long branches one environment);
- is the name of an inventory environment (`production`, `staging`);
- is already held by another branch (`Feature_X` once `feature-x` has an environment, and the reverse).
The registry (one JSON file per environment, written by root under a lock) records the branch and the
slot each environment holds; the slot numbers its Redis databases."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re

NAME_MAX = 32


def environment_name(branch):
    return re.sub(r"[^a-z0-9]+", "-", branch.lower()).strip("-")


def naming_problem(branch, reserved):
    """Why the branch cannot name an environment, or ""."""
    name = environment_name(branch)
    if not name:
        return f"branch {branch} has no letter or digit to name an environment after"
    if len(name) > NAME_MAX:
        return (f"branch {branch} names environment {name}, {len(name)} characters long; at most {NAME_MAX} "
                "(it names the environment's host, database and units): use a shorter branch name")
    if name in reserved:
        return f"branch {branch} would name environment {name}, which is an environment of the inventory"
    return ""


class Refused(Exception):
    """A branch that cannot have an environment now; the message is for the pusher."""


class Registry:
    """The integration environments that exist: <directory>/<name>.json = {branch, slot}."""

    def __init__(self, directory, maximum):
        self.directory = directory
        self.maximum = maximum

    def entries(self):
        """{name: record} of every environment."""
        if not os.path.isdir(self.directory):
            return {}
        found = {}
        for entry in sorted(os.listdir(self.directory)):
            if entry.endswith(".json"):
                with open(os.path.join(self.directory, entry), encoding="utf-8") as handle:
                    found[entry[:-len(".json")]] = json.load(handle)
        return found

    def problem(self, branch, entries, also_new=()):
        """Why `branch` cannot have its environment beside `entries` and the environments `also_new`
        that the same push creates, or ""."""
        name = environment_name(branch)
        holder = entries.get(name)
        if holder:
            return "" if holder["branch"] == branch else (
                f"branch {branch} would be environment {name}, which branch {holder['branch']} holds")
        existing = sorted(set(entries) | set(also_new))
        if len(existing) >= self.maximum:
            return (f"{len(existing)} integration environments exist ({', '.join(existing)}) and the hub allows "
                    f"{self.maximum} (git_hub_integration_max): delete one first (git push origin :BRANCH)")
        return ""

    @contextlib.contextmanager
    def _locked(self):
        os.makedirs(self.directory, mode=0o755, exist_ok=True)
        with open(os.path.join(self.directory, ".lock"), "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def claim(self, branch):
        """The branch's environment record, registered now when it is new; raises Refused."""
        name = environment_name(branch)
        with self._locked():
            entries = self.entries()
            problem = self.problem(branch, entries)
            if problem:
                raise Refused(problem)
            if name in entries:
                return dict(entries[name], name=name)
            taken = {entry["slot"] for entry in entries.values()}
            record = {"branch": branch, "slot": min(set(range(1, self.maximum + 1)) - taken)}
            path = os.path.join(self.directory, name + ".json")
            with open(path + ".new", "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            os.replace(path + ".new", path)
            return dict(record, name=name)

    def release(self, name):
        with self._locked():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.directory, name + ".json"))


def registry(config):
    """The hub's registry, or None when integration environments are off."""
    integration = config.get("integration")
    return Registry(integration["registry"], int(integration["max"])) if integration else None


def url(config, environment):
    """Where an environment is served: the inventory's URL, or http://<name>.<integration domain>/."""
    if environment in config["environments"]:
        return config["environments"][environment]["url"]
    return f"http://{environment}.{config['integration']['domain']}/"
