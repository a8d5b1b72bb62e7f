# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""shell_exports: what a real bash gets back after evaluating the lines."""

import subprocess

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.magecloud.platform.plugins.filter.shell_exports import shell_exports

AWKWARD = {"QUOTES": "it's \"quoted\"", "DOLLAR": "$HOME `id` $(id)", "BACKSLASH": "a\\b", "NEWLINE": "one\ntwo", "EMPTY": "",
           "NUMBER": 3}


def test_bash_reads_every_value_back_unchanged():
    script = 'eval "$(cat)" && for name in QUOTES DOLLAR BACKSLASH NEWLINE EMPTY NUMBER; do printf "%s=%s\\0" "$name" "${!name}"; done'
    result = subprocess.run(["bash", "-c", script], input=shell_exports(AWKWARD), capture_output=True, text=True, check=True)
    pairs = dict(item.split("=", 1) for item in result.stdout.split("\0") if item)
    assert pairs == {name: str(value) for name, value in AWKWARD.items()}


@pytest.mark.parametrize("name", ["1ST", "WITH-DASH", "env:FOO", ""])
def test_a_name_a_shell_cannot_export_is_refused_by_name(name):
    with pytest.raises(AnsibleFilterError, match="names must be letters") as error:
        shell_exports({"GOOD": "x", name: "y"})
    assert name in str(error.value)


def test_not_a_mapping_is_refused():
    with pytest.raises(AnsibleFilterError, match="expects a mapping"):
        shell_exports(["A=1"])
