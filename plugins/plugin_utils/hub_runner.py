# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One deploy of a pushed commit through ansible-runner, its events turned into progress lines."""

from __future__ import annotations

import time

from ansible_collections.magecloud.platform.plugins.plugin_utils import hub_events


def runner_settings(config, record, run_dir):
    """The keyword arguments of ansible_runner.run for one run (everything but the handlers): deploy.yml for
    an environment of the inventory, the integration playbooks (deploy or destroy) for the others."""
    environment = record["environment"]
    settings = {
        "private_data_dir": run_dir,
        "ident": "deploy",
        "playbook": config["playbook"],
        "inventory": config["inventory"],
        "extravars": {"magecloud_git_repo": config["repository"], "magecloud_git_ref": record["commit"]},
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
    if environment not in config["environments"]:
        integration = config["integration"]
        settings["playbook"] = integration["playbooks"][record.get("action", "deploy")]
        settings["extravars"].update(magecloud_environment=environment, magecloud_environment_slot=record["slot"],
                                     magecloud_integration_domain=integration["domain"],
                                     magecloud_environment_seed=integration["seed"],
                                     magecloud_environment_dumps=integration["dumps"])
        return settings
    limit = config["environments"][environment].get("limit")
    if limit:
        settings["limit"] = limit
    return settings


def deploy(config, record, run_dir, say):
    """Runs the deploy (or the destroy), saying a line per play and task result. Returns (status, cause, release)."""
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

    runner = ansible_runner.run(event_handler=on_event, **runner_settings(config, record, run_dir))
    if runner.status == "successful":
        return "successful", "", seen["release"]
    if seen["cause"]:
        return "failed", seen["cause"], seen["release"]
    return "failed", f"ansible-runner ended {runner.status} (rc {runner.rc})", seen["release"]
