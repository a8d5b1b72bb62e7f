"""Integration environments: a branch's environment name, the collisions and the limit the hub refuses."""

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_environments import (
    NAME_MAX, Refused, Registry, environment_name, naming_problem, url)


@pytest.mark.parametrize("branch, name", [
    ("feature-x", "feature-x"), ("Feature_X", "feature-x"), ("feature/JIRA-12 fix", "feature-jira-12-fix"),
    ("--a--b--", "a-b"), ("été", "t"), ("__", ""),
])
def test_the_name_is_the_branch_as_a_dns_label(branch, name):
    assert environment_name(branch) == name


def test_names_that_cannot_be_are_refused_with_the_reason():
    assert naming_problem("__", ["production"]) == "branch __ has no letter or digit to name an environment after"
    assert naming_problem("x" * (NAME_MAX + 1), ["production"]).startswith(f"branch {'x' * (NAME_MAX + 1)} names environment")
    assert naming_problem("Production", ["production"]) == \
        "branch Production would name environment production, which is an environment of the inventory"
    assert naming_problem("x" * NAME_MAX, ["production"]) == ""


def test_claims_take_the_lowest_free_slot_and_keep_it(tmp_path):
    registry = Registry(str(tmp_path / "environments"), 3)
    assert registry.claim("feature-x") == {"branch": "feature-x", "slot": 1, "name": "feature-x"}
    assert registry.claim("feature-y")["slot"] == 2
    assert registry.claim("feature-x")["slot"] == 1
    registry.release("feature-x")
    assert registry.claim("feature-z")["slot"] == 1
    assert sorted(registry.entries()) == ["feature-y", "feature-z"]


def test_a_branch_whose_name_another_branch_holds_is_refused(tmp_path):
    registry = Registry(str(tmp_path), 3)
    registry.claim("feature-x")
    with pytest.raises(Refused, match="^branch Feature_X would be environment feature-x, which branch feature-x holds$"):
        registry.claim("Feature_X")


def test_beyond_the_limit_a_new_branch_is_refused_and_the_ones_of_the_same_push_count(tmp_path):
    registry = Registry(str(tmp_path), 2)
    registry.claim("feature-x")
    assert registry.problem("feature-y", registry.entries()) == ""
    assert registry.problem("feature-y", registry.entries(), ["feature-z"]) == (
        "2 integration environments exist (feature-x, feature-z) and the hub allows 2 (git_hub_integration_max): "
        "delete one first (git push origin :BRANCH)")
    registry.claim("feature-y")
    with pytest.raises(Refused, match="integration environments exist"):
        registry.claim("feature-z")
    assert registry.problem("feature-x", registry.entries()) == ""


def test_the_url_of_an_environment():
    config = {"environments": {"production": {"url": "http://shop.example/"}}, "integration": {"domain": "int.test"}}
    assert url(config, "production") == "http://shop.example/"
    assert url(config, "feature-x") == "http://feature-x.int.test/"
