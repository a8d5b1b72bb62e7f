"""What the hub hands ansible-runner for one deploy."""

from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_runner import runner_settings

CONFIG = {
    "repository": "/var/lib/gitolite3/repositories/magento.git",
    "playbook": "/usr/local/lib/magecloud-hub/collections/ansible_collections/magecloud/platform/playbooks/deploy.yml",
    "inventory": "/etc/magecloud-hub/inventory.yml",
    "collections_dir": "/usr/local/lib/magecloud-hub/collections",
    "timeout": 1800,
    "environments": {"production": {"branch": "main", "limit": ""}, "staging": {"branch": "staging", "limit": "staging"}},
}


def test_the_run_deploys_the_pushed_commit_from_the_hub_repository():
    settings = runner_settings(CONFIG, {"environment": "production", "commit": "c" * 40}, "/runs/production/x")
    assert settings["private_data_dir"] == "/runs/production/x"
    assert settings["playbook"] == CONFIG["playbook"]
    assert settings["extravars"] == {"magecloud_git_repo": CONFIG["repository"], "magecloud_git_ref": "c" * 40}
    assert settings["envvars"]["ANSIBLE_COLLECTIONS_PATH"] == CONFIG["collections_dir"]
    assert settings["envvars"]["GIT_CONFIG_VALUE_0"] == CONFIG["repository"]
    assert "limit" not in settings


def test_an_environment_with_its_own_group_is_limited_to_it():
    assert runner_settings(CONFIG, {"environment": "staging", "commit": "c" * 40}, "/runs/staging/x")["limit"] == "staging"


def test_an_integration_environment_runs_its_playbook_with_its_name_and_slot():
    config = dict(CONFIG, integration={"domain": "int.test", "seed": True, "dumps": "/var/backups/envs",
                                       "playbooks": {"deploy": "/p/environment_deploy.yml", "destroy": "/p/environment_destroy.yml"}})
    record = {"environment": "feature-x", "commit": "c" * 40, "action": "destroy", "slot": 2}
    settings = runner_settings(config, record, "/runs/feature-x/x")
    assert settings["playbook"] == "/p/environment_destroy.yml"
    assert settings["extravars"] == {"magecloud_git_repo": CONFIG["repository"], "magecloud_git_ref": "c" * 40,
                                     "magecloud_environment": "feature-x", "magecloud_environment_slot": 2,
                                     "magecloud_integration_domain": "int.test", "magecloud_environment_seed": True,
                                     "magecloud_environment_dumps": "/var/backups/envs"}
    assert "limit" not in settings
    assert runner_settings(config, dict(record, action="deploy"), "/runs/feature-x/y")["playbook"] == "/p/environment_deploy.yml"
