"""Benchmark: validate + derive a full cloud project, and an env.yaml with 1,000 entries.

Baseline in the same run: plain yaml.safe_load of the same text (parsing alone, no positions or
validation). Prints median and p95 over repeated runs and compares with the goals of issue 3.
Usage: .venv/bin/python benchmarks/config_reader.py
"""

import pathlib
import statistics
import sys
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / ".cache" / "collections"), str(ROOT / "tests" / "unit" / "plugins" / "plugin_utils")]

from ansible_collections.magecloud.platform.plugins.plugin_utils import derive  # noqa: E402
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import read_project  # noqa: E402
from cloud_project_fixtures import project_files, reader  # noqa: E402

ENDPOINTS = {"mysql": {"host": "10.0.0.2", "username": "m", "password": "p"}}
RUNS = 50


def timed(function):
    samples = []
    for unused_run in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def full_project():
    project = read_project(reader(FILES))
    derive.stack(project)
    derive.runtime_environment(project, ENDPOINTS, ["shop.test"], "production", "/var/www/magento/current")


def env_files(body):
    files = dict(FILES)
    files[".magento.env.yaml"] = "stage:\n  deploy:\n" + body
    return files


def consumers_list():
    """1,000 entries of a valid variable: the list of CRON_CONSUMERS_RUNNER consumers."""
    return "    CRON_CONSUMERS_RUNNER:\n      consumers:\n" + "".join(f"        - consumer_{i}\n" for i in range(1000))


def unknown_variables():
    """1,000 variables, each unknown: the worst case, a finding and a did-you-mean search apiece."""
    return "".join(f"    CUSTOM_SETTING_{i}: {i}\n" for i in range(1000))


FILES = project_files("2.4.8")
LIST_ENV = env_files(consumers_list())
UNKNOWN_ENV = env_files(unknown_variables())


def report(name, measured, baseline, goal_ms):
    median, p95 = measured
    verdict = "meets" if p95 <= goal_ms else "MISSES"
    print(f"{name}: median {median:.2f} ms, p95 {p95:.2f} ms (yaml.safe_load alone: median {baseline[0]:.2f} ms); "
          f"goal <= {goal_ms} ms: {verdict}")
    return p95 <= goal_ms


def main():
    full = timed(full_project)
    full_base = timed(lambda: [yaml.safe_load(text) for name, text in FILES.items() if name.endswith(".yaml")])
    ok = report("validate + derive, full 2.4.8 project", full, full_base, 50)
    for name, files in (("1,000 list entries", LIST_ENV), ("1,000 unknown variables", UNKNOWN_ENV)):
        measured = timed(lambda: read_project(reader(files)))
        baseline = timed(lambda: [yaml.safe_load(text) for key, text in files.items() if key.endswith(".yaml")])
        ok &= report(f"read + validate, env.yaml with {name}", measured, baseline, 200)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
