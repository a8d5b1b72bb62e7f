"""static_content_commands: the plan's commands with the host's CPUs and the database's locales, and a
clear error for what is not a plan."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.static_content_commands import static_content_commands
from ansible_collections.magecloud.platform.plugins.plugin_utils.static_content import plan

NO_SCOPES = "<?php\nreturn ['modules' => ['Sample_Core' => 1]];\n"


def test_the_deploy_phase_takes_the_cpu_count_as_ansible_gives_it_the_database_locales_and_standard():
    deploy = plan({"stage": {"deploy": {"SCD_COMPRESSION_LEVEL": 0}}}, NO_SCOPES, "", {"ADMIN_LOCALE": "de_DE"}, {})
    assert static_content_commands(deploy, "3", ["fr_FR"]) == [
        ["php", "./bin/magento", "setup:static-content:deploy", "--ansi", "--no-interaction", "-f", "-s", "standard", "--jobs", "3",
         "--no-html-minify", "fr_FR", "de_DE"]]


def test_what_is_not_a_plan_is_refused_by_name():
    with pytest.raises(AnsibleFilterError, match="static_content_commands: not a static content plan"):
        static_content_commands({"phase": "build"}, 2)
