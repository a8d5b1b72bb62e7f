# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The refs a push moves, and the environment each branch deploys to."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BRANCH_PREFIX = "refs/heads/"
_LINE = re.compile(r"^([0-9a-f]{40,64}) ([0-9a-f]{40,64}) (\S+)$")


@dataclass(frozen=True)
class RefUpdate:
    old: str
    new: str
    ref: str

    @property
    def branch(self):
        """The branch name, or "" for a tag or any other ref."""
        return self.ref[len(_BRANCH_PREFIX):] if self.ref.startswith(_BRANCH_PREFIX) else ""

    @property
    def deleted(self):
        return not self.new.strip("0")


def parse_updates(text):
    """The `<old> <new> <ref>` lines git gives pre-receive and post-receive on stdin."""
    updates = []
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            raise ValueError(f"not a ref update line: {line!r}")
        updates.append(RefUpdate(*match.groups()))
    return updates


def environment_of(branch, environments):
    """The environment whose branch this is, or None. environments: {environment: branch}."""
    return next((name for name, mapped in environments.items() if mapped == branch), None)


def refusal(update, environments, integration=False):
    """Why the hub refuses this ref update, or "" when it takes it (or when, with integration environments
    on, the branch is an integration environment's, which hub_environments judges)."""
    if not update.branch:
        return ""
    environment = environment_of(update.branch, environments)
    if update.deleted:
        return f"branch {update.branch} is the code of environment {environment}; it cannot be deleted" \
            if environment else ""
    if environment or integration:
        return ""
    mapped = ", ".join(f"{branch} ({name})" for name, branch in sorted(environments.items()))
    return (f"branch {update.branch} maps to no environment and integration environments are off on this hub "
            f"(git_hub_integration_domain); push to one of: {mapped}")


def deployments(updates, environments):
    """(environment, update) for each pushed branch that maps to an environment."""
    return [(environment_of(update.branch, environments), update) for update in updates
            if update.branch and not update.deleted and environment_of(update.branch, environments)]


def integration_updates(updates, environments):
    """The updates (pushed or deleted) of branches that map to no environment of the inventory."""
    return [update for update in updates if update.branch and environment_of(update.branch, environments) is None]
