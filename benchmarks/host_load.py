"""What the wrk benchmarks share: a command in a container, the PHP benchmark page, and one wrk run.

Imported by the benchmark scripts next to it (python3 benchmarks/<script>.py puts this directory first
on sys.path).
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
BENCH_CLASSES = 300


def in_host(host, command):
    """stdout of a bash command in the container; the script stops with its output when it fails."""
    result = subprocess.run(["docker", "exec", host, "bash", "-c", command], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{command}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def install_bench_page(host, pages=("bench.php",)):
    """Pages of benchmarks/files (bench.php and the classes it loads) in the live release's pub/, and wrk on the host."""
    docroot = in_host(host, "readlink -f /var/www/magento/current").strip() + "/pub"
    classes = "; ".join(f"printf '<?php class BenchClass%d {{ public function value() {{ return %d; }} }}' {i} {i} "
                        f"> {docroot}/bench-lib/BenchClass{i}.php" for i in range(BENCH_CLASSES))
    in_host(host, f"mkdir -p {docroot}/bench-lib && {classes}")
    for page in pages:
        subprocess.run(["docker", "cp", str(ROOT / "benchmarks" / "files" / page), f"{host}:{docroot}/{page}"], check=True)
    in_host(host, f"chmod -R a+rX {docroot}")
    in_host(host, "command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null")


def cpu_seconds(containers):
    """{container: CPU seconds its processes have used so far}, read from the container host's cgroups (v1 or v2)."""
    used = {}
    for name in containers:
        container_id = subprocess.run(["docker", "inspect", "-f", "{{.Id}}", name], capture_output=True, text=True,
                                      check=True).stdout.strip()
        v1 = pathlib.Path(f"/sys/fs/cgroup/cpuacct/docker/{container_id}/cpuacct.usage")
        if v1.exists():
            used[name] = int(v1.read_text()) / 1e9
            continue
        for v2 in (pathlib.Path(f"/sys/fs/cgroup/system.slice/docker-{container_id}.scope/cpu.stat"),
                   pathlib.Path(f"/sys/fs/cgroup/docker/{container_id}/cpu.stat")):
            if v2.exists():
                usage = re.search(r"^usage_usec (\d+)", v2.read_text(), re.M)
                used[name] = int(usage.group(1)) / 1e6
                break
        else:
            sys.exit(f"no cgroup CPU account found for container {name}")
    return used


def wrk(host, url, seconds, connections=32, headers=()):
    """(requests/s, p99 ms, non-2xx) of wrk on the host's loopback, 2 threads, keep-alive connections."""
    header_args = " ".join(f"-H '{header}'" for header in headers)
    out = in_host(host, f"wrk -t2 -c{connections} -d{seconds}s --latency {header_args} '{url}'")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, p99, int(bad.group(1)) if bad else 0
