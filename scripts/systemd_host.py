"""Start a systemd host container with the same flags the molecule harness uses.

The flags live once, in .config/molecule/config.yml; `make demo` calls this so the demo host and
the test hosts cannot drift apart.
Usage: systemd_host.py NAME [--publish 127.0.0.1:8080:80 ...] [--release 12|13] [--apt-cache DIR]
"""

import argparse
import pathlib
import socket
import subprocess
import sys
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
HARNESS_CONFIG = ROOT / ".config" / "molecule" / "config.yml"


IMAGE_REPOSITORY = "magecloud/debian"
APT_ARCHIVES = "/var/cache/apt/archives:rw"


def platform_settings():
    with HARNESS_CONFIG.open() as handle:
        return yaml.safe_load(handle)["platforms"][0]


def docker_run_args(name, platform, publish):
    args = ["docker", "run", "-d", "--name", name, "--hostname", name,
            "--cgroupns", platform["cgroupns_mode"], "--stop-signal", platform["stop_signal"]]
    args += [f"--cap-add={cap}" for cap in platform["capabilities"]]
    args += [f"--security-opt={opt}" for opt in platform["security_opts"]]
    args += [f"--tmpfs={path}" for path in platform["tmpfs"]]
    args += [f"--volume={volume}" for volume in platform["volumes"]]
    args += [f"--sysctl={key}={value}" for key, value in platform.get("sysctls", {}).items()]
    args += [f"--publish={port}" for port in publish]
    return args + [platform["image"], platform["command"]]


def container_image(name):
    result = subprocess.run(["docker", "inspect", "-f", "{{.Config.Image}}", name], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def container_state(name):
    result = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", name],
                            capture_output=True, text=True, check=False)
    return None if result.returncode else result.stdout.strip() == "true"


def port_taken(address, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return True
    return False


def fail(cause, fix):
    print(f"ERROR: {cause}\nFIX: {fix}", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("--publish", action="append", default=[], metavar="ADDR:HOSTPORT:PORT")
    parser.add_argument("--release", default="13", choices=["12", "13"], help="Debian release of the host")
    parser.add_argument("--apt-cache", metavar="DIR",
                        help="host directory for the container's .debs instead of the harness's shared one")
    options = parser.parse_args()

    state = container_state(options.name)
    image = f"{IMAGE_REPOSITORY}:{options.release}"
    if state is not None and container_image(options.name) != image:
        fail(f"{options.name} exists from {container_image(options.name)}, not {image}.",
             "run make demo-down first to start over on the other Debian release.")
    if state:
        print(f"{options.name} is running; converging it again.")
    elif state is False:
        subprocess.run(["docker", "start", options.name], check=True, stdout=subprocess.DEVNULL)
        print(f"{options.name} started again.")
    else:
        create(options)
    wait_for_boot(options.name)


def create(options):
    for spec in options.publish:
        address, host_port = spec.split(":")[:2]
        if port_taken(address, int(host_port)):
            fail(f"port {address}:{host_port} is taken by another program, so the demo host cannot publish on it.",
                 f"stop what listens there (ss -ltnp 'sport = :{host_port}') or run make demo DEMO_PORT=<free port>.")
    platform = dict(platform_settings(), image=f"{IMAGE_REPOSITORY}:{options.release}")
    if options.apt_cache:
        # apt locks its archive directory: two hosts installing at once through one cache fail.
        pathlib.Path(options.apt_cache, "partial").mkdir(parents=True, exist_ok=True)
        platform["volumes"] = [volume for volume in platform["volumes"] if not volume.endswith(APT_ARCHIVES)]
        platform["volumes"].append(f"{options.apt_cache}:{APT_ARCHIVES}")
    subprocess.run(docker_run_args(options.name, platform, options.publish), check=True, stdout=subprocess.DEVNULL)
    print(f"{options.name} created from {platform['image']}.")


def wait_for_boot(name, seconds=120):
    # Until systemd opens its bus, systemctl fails at once; after that --wait blocks until boot ends.
    deadline = time.monotonic() + seconds
    state = ""
    while time.monotonic() < deadline:
        result = subprocess.run(["docker", "exec", name, "timeout", "60", "systemctl", "is-system-running", "--wait"],
                                capture_output=True, text=True, check=False)
        state = result.stdout.strip() or result.stderr.strip()
        if state in ("running", "degraded"):
            return
        time.sleep(1)
    fail(f"systemd in {name} did not finish booting within {seconds} s (state '{state}').",
         f"read 'docker exec {name} journalctl -b' and 'docker exec {name} systemctl --failed'.")


if __name__ == "__main__":
    main()
