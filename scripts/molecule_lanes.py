"""Run every molecule scenario, a few at a time, longest first, and print each one's output whole.

A scenario spends much of its wall time waiting (services starting, health checks, a fixed-length
load test) with one core busy at most, so two lanes on a 2-core machine finish the set far sooner
than one. Each scenario owns its container names, network and apt cache, so lanes never share state.
Usage: molecule_lanes.py [--jobs N] SCENARIO...
"""

from __future__ import annotations

import argparse
import concurrent.futures
import pathlib
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "build" / "molecule"
# Wall minutes of each scenario on a quiet 2-core machine (docs/benchmarks.md); only the order
# depends on them. A scenario missing here starts early, as if it were long.
EXPECTED_MINUTES = {
    "deploy": 25,
    "ha": 12,
    "cluster": 8,
    "waf": 6,
    "edge": 6,
    "default": 5,
    "search": 4,
    "apt_source": 1,
}
UNKNOWN_MINUTES = 10

print_lock = threading.Lock()


def run_scenario(scenario: str) -> tuple[str, int, int]:
    """Run `molecule test` for one scenario into its log file; return its name, exit status and seconds."""
    log_path = LOG_DIR / f"{scenario}.log"
    start = time.monotonic()
    with log_path.open("wb") as log:
        status = subprocess.call(
            ["molecule", "test", "-s", scenario], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    seconds = round(time.monotonic() - start)
    with print_lock:
        sys.stdout.write(log_path.read_text(errors="replace"))
        print(f"stage molecule-{scenario}: {seconds} s (exit {status})", flush=True)
    return scenario, status, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="scenarios running at once")
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    longest_first = sorted(
        args.scenarios, key=lambda name: -EXPECTED_MINUTES.get(name, UNKNOWN_MINUTES)
    )
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run_scenario, longest_first))
    failed = [result[0] for result in results if result[1] != 0]
    for name, status, seconds in results:
        print(f"  {name}: {seconds} s, exit {status}")
    if failed:
        print(f"molecule scenarios failed: {', '.join(failed)} (logs in {LOG_DIR})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
