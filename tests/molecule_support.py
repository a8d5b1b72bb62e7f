"""What the molecule scenarios' tests share: where molecule put things, running playbooks the way a
user does, commands on the test hosts, and commits to a clone of the sample app."""

import hashlib
import json
import os
import pathlib
import subprocess

PROJECT = pathlib.Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", pathlib.Path(__file__).resolve().parents[1]))
INVENTORY = os.environ.get("MOLECULE_INVENTORY_FILE")
SAMPLE_REPO = pathlib.Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "sample-app"

# One JSON result per task, no colours and no line wrapping, so messages can be matched whole.
PLAIN_OUTPUT = dict(os.environ, ANSIBLE_CALLBACK_RESULT_FORMAT="json", ANSIBLE_NOCOLOR="1")


def ok(host, command):
    """Run a command on a test host; fail with its output unless it exits 0."""
    result = host.run(command)
    assert result.rc == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout.strip()


def playbook(name, *extra, timeout=900):
    """Run one of the collection's playbooks against the scenario's inventory: (exit code, output)."""
    result = subprocess.run(["ansible-playbook", "-i", INVENTORY, str(PROJECT / "playbooks" / name), *extra], env=PLAIN_OUTPUT,
                            capture_output=True, text=True, timeout=timeout, check=False)
    return result.returncode, result.stdout + result.stderr


def deploy(repo, *extra):
    return playbook("deploy.yml", "-e", f"magecloud_git_repo={repo}", "-e", "magecloud_git_ref=main", *extra)


def clone_sample_repo(directory):
    """A clone of the deployed sample repository, to commit changes to."""
    clone = pathlib.Path(directory) / "sample-app"
    subprocess.run(["git", "clone", "-q", str(SAMPLE_REPO), str(clone)], check=True)
    return clone


def commit(repo, message):
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", message],
                   check=True)


def host_vars(name):
    """The variables the scenario's inventory gives a host, as Ansible resolves them (no connection made)."""
    result = subprocess.run(["ansible-inventory", "-i", INVENTORY, "--host", name], env=PLAIN_OUTPUT,
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def controller_cache(build_host, app_root="/var/www/magento"):
    """The deploy's cache on the controller for one shop, named as roles/deploy/vars/main.yml names it."""
    shop = f"{host_vars(build_host).get('ansible_host', build_host)}:{app_root}"
    return pathlib.Path.home() / ".cache" / "magecloud" / "deploy" / hashlib.md5(shop.encode()).hexdigest()[:12]


ENV_PHP = "/var/www/magento/shared/app/etc/env.php"


def env_php_crypt_key(host):
    """crypt/key of the deployed env.php, which the tests set by hand as a user would."""
    return ok(host, f"php -r '$c = include \"{ENV_PHP}\"; echo $c[\"crypt\"][\"key\"] ?? \"missing\";'")


def set_env_php_crypt_key(host, value):
    ok(host, f"php -r '$c = include \"{ENV_PHP}\"; $c[\"crypt\"] = [\"key\" => \"{value}\"]; "
             f"file_put_contents(\"{ENV_PHP}\", \"<?php\\nreturn \" . var_export($c, true) . \";\\n\");'")
