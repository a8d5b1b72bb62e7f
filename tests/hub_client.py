"""A client of the git hub for the molecule tests: a Debian container with git and an SSH client, holding a
clone of the sample app, that pushes to the hub over SSH with the key converge.yml made."""

import json
import subprocess

import pytest

from molecule_support import INVENTORY, PLAIN_OUTPUT, SAMPLE_REPO

CLIENT = "magecloud-hub-client"
KEY = SAMPLE_REPO.parent / "hub_pusher"
SSH = "ssh -i /root/.ssh/hub_pusher -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
# Bound of one command: a first push of a branch creates its environment and deploys it (minutes under load).
COMMAND_SECONDS = 600


def docker(*args, check=True):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=300).stdout.strip()


class Client:
    """Runs commands in the clone (/root/app), whose remote `hub` is the hub's repository."""

    origin = ""  # the sample app's commit the clone started from

    def run(self, command, check=True):
        result = subprocess.run(["docker", "exec", "-e", f"GIT_SSH_COMMAND={SSH}", "-w", "/root/app", CLIENT, "sh", "-c", command],
                                capture_output=True, text=True, check=False, timeout=COMMAND_SECONDS)
        assert not check or result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result

    def commit(self, path, content, message):
        self.run(f"printf '%s' '{content}' > {path} && git add -A && git -c user.name=t -c user.email=t@localhost commit -qm '{message}'")
        return self.run("git rev-parse HEAD").stdout.strip()

    def push(self, refspec="HEAD:main", check=True):
        """(exit code, what the pusher's terminal shows)."""
        result = self.run(f"git push -q -f hub {refspec} 2>&1", check=check)
        # git pads each remote line to wipe the terminal's line.
        return result.returncode, "\n".join(line.rstrip() for line in result.stdout.splitlines())


def hub_container():
    """The hub host of the scenario's inventory: a container of the docker connection, named as the host."""
    listing = subprocess.run(["ansible-inventory", "-i", INVENTORY, "--list"], env=PLAIN_OUTPUT, capture_output=True, text=True,
                             timeout=120, check=True)
    return json.loads(listing.stdout)["hub"]["hosts"][0]


@pytest.fixture(scope="session", name="client")
def client_fixture():
    """One for the session: every module that pushes shares it (testinfra's `host` is per module)."""
    hub = hub_container()
    address = docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", hub).split()[0]
    mounts = json.loads(docker("inspect", "-f", "{{json .Mounts}}", hub))
    apt_cache = [mount["Source"] for mount in mounts if mount["Destination"] == "/var/cache/apt/archives"][0]
    docker("rm", "-f", CLIENT, check=False)
    docker("run", "-d", "--name", CLIENT, "-v", f"{apt_cache}:/var/cache/apt/archives", "magecloud/debian:13", "sleep", "infinity")
    try:
        docker("exec", CLIENT, "sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -qq -y "
                                           "--no-install-recommends git openssh-client >/dev/null && mkdir -p -m 700 /root/.ssh")
        docker("cp", str(KEY), f"{CLIENT}:/root/.ssh/hub_pusher")
        docker("cp", str(SAMPLE_REPO), f"{CLIENT}:/root/app")
        docker("exec", CLIENT, "sh", "-c", "chown -R root: /root/.ssh /root/app && chmod 600 /root/.ssh/hub_pusher && "
                                           f"git -C /root/app remote add hub ssh://git@{address}/magento")
        client = Client()
        client.origin = client.run("git rev-parse HEAD").stdout.strip()
        yield client
    finally:
        docker("rm", "-f", CLIENT, check=False)
