"""Which refs a push moves, which environment each branch deploys, and which pushes the hub refuses."""

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.hub_refs import (
    RefUpdate, deployments, environment_of, integration_updates, parse_updates, refusal)

OLD, NEW, ZERO = "a" * 40, "b" * 40, "0" * 40
ENVIRONMENTS = {"production": "main", "staging": "staging"}


def test_parse_updates_reads_each_line():
    assert parse_updates(f"{OLD} {NEW} refs/heads/main\n{ZERO} {NEW} refs/tags/v1\n") == [
        RefUpdate(OLD, NEW, "refs/heads/main"), RefUpdate(ZERO, NEW, "refs/tags/v1")]


def test_parse_updates_refuses_a_malformed_line():
    with pytest.raises(ValueError, match="not a ref update line"):
        parse_updates("main b\n")


def test_branch_and_deletion():
    assert RefUpdate(OLD, NEW, "refs/heads/feature/x").branch == "feature/x"
    assert RefUpdate(OLD, NEW, "refs/tags/v1").branch == ""
    assert RefUpdate(OLD, ZERO, "refs/heads/main").deleted
    assert not RefUpdate(ZERO, NEW, "refs/heads/main").deleted


def test_environment_of_a_branch():
    assert environment_of("staging", ENVIRONMENTS) == "staging"
    assert environment_of("feature-x", ENVIRONMENTS) is None


def test_an_unmapped_branch_is_refused_with_the_branches_that_deploy():
    assert refusal(RefUpdate(ZERO, NEW, "refs/heads/feature-x"), ENVIRONMENTS) == (
        "branch feature-x maps to no environment and integration environments are off on this hub "
        "(git_hub_integration_domain); push to one of: main (production), staging (staging)")
    assert refusal(RefUpdate(ZERO, NEW, "refs/heads/feature-x"), ENVIRONMENTS, integration=True) == ""


def test_deleting_an_environment_branch_is_refused():
    assert refusal(RefUpdate(OLD, ZERO, "refs/heads/main"), ENVIRONMENTS) == \
        "branch main is the code of environment production; it cannot be deleted"


@pytest.mark.parametrize("update", [
    RefUpdate(OLD, NEW, "refs/heads/main"),
    RefUpdate(ZERO, NEW, "refs/tags/v1"),
    RefUpdate(OLD, ZERO, "refs/heads/old-topic"),
])
def test_taken_updates(update):
    assert refusal(update, ENVIRONMENTS) == ""


def test_deployments_are_the_pushed_environment_branches():
    updates = [RefUpdate(OLD, NEW, "refs/heads/main"), RefUpdate(ZERO, NEW, "refs/tags/v1"),
               RefUpdate(OLD, ZERO, "refs/heads/staging"), RefUpdate(OLD, NEW, "refs/heads/staging2")]
    assert deployments(updates, ENVIRONMENTS) == [("production", updates[0])]


def test_integration_updates_are_the_other_branches_pushed_or_deleted():
    updates = [RefUpdate(OLD, NEW, "refs/heads/main"), RefUpdate(ZERO, NEW, "refs/tags/v1"),
               RefUpdate(ZERO, NEW, "refs/heads/feature-x"), RefUpdate(OLD, ZERO, "refs/heads/feature-y")]
    assert integration_updates(updates, ENVIRONMENTS) == updates[2:]
