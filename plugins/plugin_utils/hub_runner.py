# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One deploy of a pushed commit through ansible-runner, its events turned into progress lines."""

from __future__ import annotations

import time

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_events


def runner_settings(config, environment, run_dir, commit):
    """The keyword arguments of ansible_runner.run for one deploy (everything but the handlers)."""
    settings = {
        "private_data_dir": run_dir,
        "ident": "deploy",
        "playbook": config["playbook"],
        "inventory": config["inventory"],
        "extravars": {"magecloud_git_repo": config["repository"], "magecloud_git_ref": commit},
        "envvars": {
            "ANSIBLE_COLLECTIONS_PATH": config["collections_dir"],
            "ANSIBLE_FORCE_COLOR": "false",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            # The hub runs as root and reads the git user's repository: git trusts it only when told.
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "safe.directory",
            "GIT_CONFIG_VALUE_0": config["repository"],
        },
        "quiet": True,
        "timeout": config["timeout"],
    }
    limit = config["environments"][environment].get("limit")
    if limit:
        settings["limit"] = limit
    return settings


def deploy(config, environment, run_dir, commit, say):
    """Runs the deploy, saying a line per play and task result. Returns (status, cause, release)."""
    import ansible_runner  # pylint: disable=import-outside-toplevel  # on the hub host only

    started = time.monotonic()
    seen = {"cause": "", "release": None}

    def on_event(event):
        line = hub_events.progress_line(event, time.monotonic() - started)
        if line:
            say(line)
        seen["cause"] = hub_events.failure(event) or seen["cause"]
        seen["release"] = hub_events.deployed_release(event) or seen["release"]
        return True

    runner = ansible_runner.run(event_handler=on_event, **runner_settings(config, environment, run_dir, commit))
    if runner.status == "successful":
        return "successful", "", seen["release"]
    if seen["cause"]:
        return "failed", seen["cause"], seen["release"]
    return "failed", f"ansible-runner ended {runner.status} (rc {runner.rc})", seen["release"]
