"""Every role's inputs are a declared contract: defaults, argument specs and README agree."""

import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLES = sorted(path for path in (ROOT / "roles").iterdir() if path.is_dir())
# Any comment decoration the file format needs (php.ini and VCL comment differently).
MANAGED_HEADER = "{{ ansible_managed | comment"


def load(path):
    return yaml.safe_load(path.read_text()) or {}


def role_ids():
    return [role.name for role in ROLES]


@pytest.fixture(params=ROLES, ids=role_ids())
def role(request):
    return request.param


def options_of(role):
    return load(role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]


def test_there_are_roles():
    assert ROLES


def test_defaults_and_argument_specs_name_the_same_variables(role):
    defaults = load(role / "defaults" / "main.yml")
    assert set(defaults) == set(options_of(role))


def test_argument_spec_defaults_equal_role_defaults(role):
    defaults = load(role / "defaults" / "main.yml")
    for name, spec in options_of(role).items():
        if "default" in spec:
            assert spec["default"] == defaults[name], name


def test_public_variables_carry_the_role_prefix(role):
    for name in load(role / "defaults" / "main.yml"):
        assert name.startswith(f"{role.name}_"), name


def test_readme_lists_every_option(role):
    readme = (role / "README.md").read_text()
    missing = [name for name in options_of(role) if f"`{name}`" not in readme]
    assert not missing


def test_templates_start_with_the_managed_comment(role):
    for template in (role / "templates").rglob("*.j2"):
        assert template.read_text().startswith(MANAGED_HEADER), template


def test_internal_variables_carry_the_double_underscore_prefix(role):
    for vars_file in (role / "vars").glob("*.yml"):
        for name in load(vars_file):
            assert name.startswith(f"__{role.name}_"), f"{vars_file.name}: {name}"


def site_layer_roles():
    plays = load(ROOT / "playbooks" / "site.yml")
    every_host = next(play["vars"]["site_every_host_layers"] for play in plays if "site_every_host_layers" in play.get("vars", {}))
    return sorted({role for roles in plays[0]["vars"]["site_group_layers"].values() for role in roles} | set(every_host))


def test_every_layer_of_site_yml_names_its_packages_for_common():
    for name in site_layer_roles():
        tasks = load(ROOT / "roles" / name / "tasks" / "packages.yml")
        assert any(f"__{name}_layer_packages" in task.get("ansible.builtin.set_fact", {}) for task in tasks), name


def test_common_accepts_exactly_the_layers_of_site_yml():
    choices = options_of(ROOT / "roles" / "common")["common_layer_roles"]["choices"]
    assert sorted(choices) == site_layer_roles()
