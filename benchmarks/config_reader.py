"""Benchmark: validate + derive a full cloud project, and an env.yaml with 1,000 entries.

Baseline in the same run: plain yaml.safe_load of the same text (parsing alone, no positions or
validation). Prints median and p95 over repeated runs and compares with the goals of issue 3.

Then hostile input (issue 13): each case is a project on disk with one hostile file of at most
2 MB, read as the cloud_config action reads it (directory reader, validation, the findings it
prints, the masked model), each in a fresh process so its peak RSS is its own. Goal: <= 1 s and
<= 150 MB peak RSS per case.
Usage: .venv/bin/python benchmarks/config_reader.py [--hostile-only]
"""

import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
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


TWO_MB = 2 * 1024 * 1024
HOSTILE_SECONDS = 1.0
HOSTILE_RSS_MB = 150
ENV = ".magento.env.yaml"


def _laughs():
    lines = ["stage:", "  deploy:", '    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"    {chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]" for n in range(8)]
    return "\n".join(lines) + "\n"


def _merge_bomb():
    lines = ["a: &a {" + ", ".join(f"k{i}: 1" for i in range(9)) + "}"]
    lines += [f"{chr(98 + n)}: &{chr(98 + n)} {{<<: [{', '.join(['*' + chr(97 + n)] * 9)}]}}" for n in range(10)]
    return "\n".join(lines) + "\n"


def _fill(head, unit, tail=""):
    return head + unit * ((TWO_MB - len(head) - len(tail)) // len(unit)) + tail


# name -> (file, content): the one hostile file of the project, each at most 2 MB.
HOSTILE = {
    "billion laughs (9 levels of 9 aliases)": (ENV, _laughs()),
    "merge-key bomb (<<: of 9 aliases, 10 levels)": (ENV, _merge_bomb()),
    "alias that contains itself": (ENV, "stage: &s {deploy: *s}\n"),
    "2 MB flow list of 1 M values": (ENV, _fill("stage:\n  post-deploy:\n    WARM_UP_PAGES: [", "a,", "a]\n")),
    "2 MB block list": (ENV, _fill("stage:\n  post-deploy:\n    WARM_UP_PAGES:\n", "      - a\n")),
    "2 MB of one duplicate key": (ENV, _fill("stage:\n  deploy:\n", "    SCD_THREADS: 1\n")),
    "2 MB of nesting": (ENV, _fill("stage: ", "[", "")),
    "2 MB block nesting": (ENV, "".join(" " * i + "a:\n" for i in range(1700))),
    "2 MB of unknown variables": (ENV, "stage:\n  deploy:\n" + "".join(
        f"    CUSTOM_{i}: {i}\n" for i in range(TWO_MB // 24))[:TWO_MB - 20]),
    "one 2 MB key": (ENV, "stage:\n  deploy:\n    ? " + "K" * (TWO_MB - 40) + "\n    : 1\n"),
    "one 2 MB value": (ENV, "stage:\n  deploy:\n    SCD_THREADS: " + "9" * (TWO_MB - 40) + "\n"),
    "2 MB of secrets with a finding each": (ENV, "stage:\n  deploy:\n" + "".join(
        f"    X{i}: {{password: pw{i}}}\n" for i in range(TWO_MB // 28))[:TWO_MB - 40]),
    "2 MB of connection strings (masked)": (ENV, _fill("stage:\n  post-deploy:\n    WARM_UP_PAGES:\n", "      - redis://u:pw@h\n")),
    "4,990 unknown variables (just under the 10,000-value limit)": (ENV, "stage:\n  deploy:\n" + "".join(
        f"    CUSTOM_SETTING_{i}: {i}\n" for i in range(4990))),
    "2,490 unknown variables each holding a password": (ENV, "stage:\n  deploy:\n" + "".join(
        f"    X{i}: {{password: pw{i}}}\n" for i in range(2490))),
    "9,990 warm-up pages with credentials (valid: masked, derived)": (ENV, "stage:\n  post-deploy:\n    WARM_UP_PAGES:\n" + "".join(
        f"      - https://u:pw{i}@shop.test/p?token=t{i}\n" for i in range(9990))),
    "1,650 routes (valid: derived)": (".magento/routes.yaml", "".join(
        f'"https://{{default}}/p{i}/":\n    type: upstream\n    upstream: "mymagento:http"\n' for i in range(1650))),
    "php.ini of 60,000 bad lines (60,000 findings)": ("php.ini", "x\n" * 60000),
    "2 MB php.ini (over its limit)": ("php.ini", "x\n" * (TWO_MB // 2)),
    "5 MB env file (over the limit; size read, not the file)": (ENV, "#" * (5 * TWO_MB // 2)),
    "UTF-16 file": (ENV, "\ufeffstage: {}\n".encode("utf-16-le") * 1000),
}


def hostile_case(name):
    """One case in this process: write the project, read it as the action does, print the figures."""
    # pylint: disable=import-outside-toplevel
    from ansible_collections.magecloud.platform.plugins.action.cloud_config import findings_result
    from ansible_collections.magecloud.platform.plugins.module_utils.masking import mask_secrets
    from ansible_collections.magecloud.platform.plugins.plugin_utils.project import directory_reader

    relative, content = HOSTILE[name]
    with tempfile.TemporaryDirectory() as directory:
        for path, text in dict(FILES, **{relative: content}).items():
            target = pathlib.Path(directory, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text if isinstance(text, bytes) else text.encode())
        size = os.path.getsize(pathlib.Path(directory, relative))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        start = time.perf_counter()
        project = read_project(directory_reader(directory))
        part, unused_errors = findings_result(project.findings)
        text = "\n".join(part["findings_text"])
        if not part["error_count"]:
            mask_secrets({"app": project.app, "services": project.services, "routes": project.routes,
                          "env": project.env, "php_ini": project.php_ini})
            derive.stack(project)
            derive.runtime_environment(project, ENDPOINTS, ["shop.test"], "production", "/var/www/magento/current")
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    first = next((line for line in part["findings_text"] if line.startswith(relative)), "(no finding)")
    print(f"{size}\t{seconds:.3f}\t{peak}\t{before}\t{len(text)}\t{part['error_count']}\t{first[:150]}")


def hostile():
    print(f"\nHostile input, one file each (goal <= {HOSTILE_SECONDS:.0f} s and <= {HOSTILE_RSS_MB} MB peak RSS; "
          "RSS includes the interpreter with the modules loaded):")
    ok = True
    for name in HOSTILE:
        result = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print(f"{name}: FAILED\n{result.stderr}")
            ok = False
            continue
        size, seconds, peak, before, printed, errors, first = result.stdout.strip().split("\t")
        meets = float(seconds) <= HOSTILE_SECONDS and int(peak) <= HOSTILE_RSS_MB
        ok &= meets
        print(f"{name}: {int(size):,} bytes; {float(seconds) * 1000:.0f} ms, peak RSS {peak} MB (at start {before} MB); "
              f"{int(errors):,} error(s), {int(printed):,} characters printed; {'meets' if meets else 'MISSES'}\n    {first}")
    return ok


def main():
    if sys.argv[1:2] == ["--case"]:
        hostile_case(sys.argv[2])
        return 0
    if sys.argv[1:2] == ["--hostile-only"]:
        return 0 if hostile() else 1
    full = timed(full_project)
    full_base = timed(lambda: [yaml.safe_load(text) for name, text in FILES.items() if name.endswith(".yaml")])
    ok = report("validate + derive, full 2.4.8 project", full, full_base, 50)
    for name, files in (("1,000 list entries", LIST_ENV), ("1,000 unknown variables", UNKNOWN_ENV)):
        measured = timed(lambda: read_project(reader(files)))
        baseline = timed(lambda: [yaml.safe_load(text) for key, text in files.items() if key.endswith(".yaml")])
        ok &= report(f"read + validate, env.yaml with {name}", measured, baseline, 200)
    ok &= hostile()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
