"""The deploy run the way AWX runs it: ansible-runner starts the collection's deploy playbook in the
execution environment image (`make ee`), and that container reaches the web host over SSH with a
machine key handed to runner, as AWX hands a machine credential."""

import json
import pathlib
import subprocess
import sys
import uuid

import pytest
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import INVENTORY, SAMPLE_REPO, commit, host_vars, ok  # noqa: E402

APP_ROOT = "/var/www/magento"
EE_IMAGE = "magecloud/ee:latest"
# The clone of the sample app inside runner's private data directory, as the EE container sees it.
REPO_IN_EE = "/runner/project/sample-app"

pytestmark = pytest.mark.skipif(not INVENTORY, reason="runs inside molecule verify, which names the inventory")


def current(host):
    return ok(host, f"readlink {APP_ROOT}/current").strip()


def accepted_logins(host):
    return int(ok(host, "journalctl -u ssh --no-pager -q | grep -c 'Accepted publickey for root' || true"))


def docker_network(name):
    """The container's network and its address there."""
    networks = json.loads(subprocess.run(["docker", "inspect", "--format", "{{json .NetworkSettings.Networks}}", name],
                                         capture_output=True, text=True, check=True).stdout)
    network, settings = next(iter(networks.items()))
    return network, settings["IPAddress"]


def start_sshd(host, public_key):
    """An sshd on the web host that lets the throwaway key in as root (the base image has none)."""
    ok(host, "command -v sshd || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null")
    ok(host, "systemctl start ssh")
    ok(host, f"install -d -m 0700 /root/.ssh && echo '{public_key}' >> /root/.ssh/authorized_keys")


def write_private_data_dir(directory, name, address, key):
    """Runner's input as AWX lays it out: the inventory with the scenario's variables, the key, the extra vars."""
    scenario_vars = {variable: value for variable, value in host_vars(name).items()
                     if not variable.startswith(("molecule_", "ansible_"))}
    groups = inventory_groups(name)
    inventory = {"all": {"hosts": {name: {"ansible_host": address, "ansible_user": "root",
                                          "ansible_python_interpreter": "/usr/bin/python3"}},
                         "vars": scenario_vars,
                         "children": {group: {"hosts": {name: None}} for group in groups}}}
    for sub in ("inventory", "env", "project"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    (directory / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory))
    (directory / "env" / "ssh_key").write_text(key.read_text())
    (directory / "env" / "envvars").write_text(yaml.safe_dump({"ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_PIPELINING": "True"}))
    (directory / "env" / "extravars").write_text(yaml.safe_dump({"magecloud_git_repo": REPO_IN_EE, "magecloud_git_ref": "main"}))


def inventory_groups(name):
    listing = json.loads(subprocess.run(["ansible-inventory", "-i", INVENTORY, "--list"], capture_output=True, text=True,
                                        timeout=120, check=True).stdout)
    return sorted(group for group, members in listing.items()
                  if group not in ("all", "ungrouped", "_meta") and name in (members.get("hosts") or []))


def runner_events(directory, ident):
    events = sorted((directory / "artifacts" / ident / "job_events").glob("*.json"), key=lambda path: int(path.name.split("-")[0]))
    return [json.loads(path.read_text()) for path in events]


@pytest.fixture(scope="module")
def ee_run(host, tmp_path_factory):
    """One deploy of a new commit through ansible-runner in the EE; what the host showed before and after."""
    name = host.backend.host
    network, address = docker_network(name)
    work = tmp_path_factory.mktemp("ee")
    key = work / "machine_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ee-test", "-f", str(key)], check=True)
    public_key = (work / "machine_key.pub").read_text().strip()
    start_sshd(host, public_key)
    private = work / "runner"
    write_private_data_dir(private, name, address, key)
    repo = private / "project" / "sample-app"
    subprocess.run(["git", "clone", "-q", str(SAMPLE_REPO), str(repo)], check=True)
    # A tree no earlier run deployed, so this run builds and switches to a new release.
    (repo / "README.md").write_text(f"deployed from the execution environment, run {uuid.uuid4().hex}\n")
    commit(repo, "a change deployed by ansible-runner in the EE")
    before = {"current": current(host), "logins": accepted_logins(host)}
    try:
        result = subprocess.run(
            ["ansible-runner", "run", str(private), "-p", "magecloud.platform.deploy", "--ident", "ee-deploy",
             "--process-isolation", "--process-isolation-executable", "docker", "--container-image", EE_IMAGE,
             f"--container-option=--network={network}"],
            capture_output=True, text=True, timeout=900, check=False)
    finally:
        ok(host, f"sed -i '\\|{public_key}|d' /root/.ssh/authorized_keys")
    after = {"current": current(host), "logins": accepted_logins(host)}
    return {"result": result, "before": before, "after": after, "events": runner_events(private, "ee-deploy"),
            "status": (private / "artifacts" / "ee-deploy" / "status").read_text().strip()}


def test_runner_in_the_ee_deploys_over_ssh(ee_run):
    result = ee_run["result"]
    assert result.returncode == 0 and ee_run["status"] == "successful", (result.stdout + result.stderr)[-4000:]
    assert ee_run["after"]["logins"] > ee_run["before"]["logins"], "the EE container did not log in over SSH"


def test_the_new_release_is_live_through_varnish(host, ee_run):
    assert ee_run["after"]["current"] != ee_run["before"]["current"]
    release = ee_run["after"]["current"].split("/")[-1]
    assert f"release={release}" in ok(host, "curl -s -H 'Host: localhost' http://127.0.0.1/")


def test_the_run_records_the_deploy_for_a_workflow(ee_run):
    stats = next(event for event in ee_run["events"] if event["event"] == "playbook_on_stats")["event_data"]
    name = next(iter(stats["changed"]))
    assert stats["changed"][name] > 0 and not stats["failures"] and not stats["dark"], stats
    recorded = stats["artifact_data"]
    assert recorded["magecloud_release"] == ee_run["after"]["current"].split("/")[-1]
    assert recorded["magecloud_status"] == "switched" and recorded["magecloud_ref"] == "main"
    assert recorded["magecloud_url"] == "http://localhost/" and len(recorded["magecloud_commit"]) == 40
    assert recorded["magecloud_deploy"][name]["switched"] is True
