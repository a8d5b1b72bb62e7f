"""The OWASP CRS 3.3.7 regression suite (shared/waf), run with ftw on the host against its
regression server: the rule set as the role writes it, Magento exclusions included, at paranoia 4
in detection only, as the suite asks. docs/waf.md explains each known failure."""

import collections
import os
import pathlib
import sys
from xml.etree import ElementTree

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
from molecule_support import PROJECT, ok  # noqa: E402

SUITE_ON_HOST = "/opt/crs-regression/tests/regression"
SUITE_HERE = PROJECT.parent / "shared" / "waf" / "crs-v3.3.7-regression" / "tests" / "regression" / "tests"
KNOWN_FAILURES = pathlib.Path(__file__).with_name("crs_known_failures.yml")
JUNIT = "/root/crs-regression.xml"
SERVER_LOG = "/var/log/nginx/crs-regression.log"
# Bytes of '#' lines the server log starts with: two of the suite reader's blocks (run_suite).
LOG_FILLER = 8192
# Tests of the suite that ran and passed on Debian 13 (docs/waf.md); fewer is a regression.
RECORDED_PASSED = 2351
RECORDED_RUN = 2402


def rule_file_of_each_yaml():
    """'942100.yaml' -> 'REQUEST-942-APPLICATION-ATTACK-SQLI', the CRS rule file its tests cover."""
    return {path.name: path.parent.name for path in SUITE_HERE.glob("*/*.yaml")}


def outcomes(junit_text):
    """{(yaml file, test title): passed} from the junit report pytest wrote."""
    results = {}
    for case in ElementTree.fromstring(junit_text).iter("testcase"):
        yaml_file, unused_sep, title = case.get("name").removeprefix("test_crs[").removesuffix("]").partition(" -- ")
        results[(yaml_file, title)] = case.find("failure") is None and case.find("error") is None
    return results


def counts_table(results):
    """Markdown table of passed and failed tests per CRS rule file."""
    rule_files = rule_file_of_each_yaml()
    counts = collections.defaultdict(collections.Counter)
    for (yaml_file, unused_title), passed in results.items():
        counts[rule_files[yaml_file]]["passed" if passed else "failed"] += 1
    rows = [f"| {name} | {count['passed']} | {count['failed']} |" for name, count in sorted(counts.items())]
    total = collections.Counter(passed for passed in results.values())
    return "\n".join(["| rule file | passed | failed |", "|---|---|---|", *rows,
                      f"| **total** | **{total[True]}** | **{total[False]}** |"])


def run_suite(host, selection):
    """Run ftw on the host over a selection of the suite: {(yaml file, test title): passed}."""
    # The log starts with LOG_FILLER, not empty: the suite's reader (CRS_Tests.py, BackwardsReader.reset) seeks
    # back from the end only in a file over one 4 KiB block; in a smaller one it reads on from where it last
    # stopped, so a test whose end marker is not the last line at first (nginx logs a client's closed keep-alive
    # connection when it likes) lost every line of its own, and its log check failed (920330-1, the suite's first).
    # pytest exits 1 when any test fails: the junit report is what is judged.
    ok(host, f"rm -f {JUNIT} && head -c {LOG_FILLER} /dev/zero | tr '\\0' '#' | fold -w 127 > {SERVER_LOG}")
    host.run(f"cd {SUITE_ON_HOST} && timeout 600 /opt/ftw/bin/python -m pytest CRS_Tests.py --config modsec3-nginx "
             f"{selection} -q -p no:cacheprovider -W ignore --junitxml={JUNIT}")
    return outcomes(ok(host, f"cat {JUNIT}"))


def test_crs_regression_suite(host):
    results = run_suite(host, "--ruledir_recurse=tests")
    known = {title for group in yaml.safe_load(KNOWN_FAILURES.read_text()) for title in group["tests"]}
    # ftw finds a test's log lines between two marker requests; on a loaded machine a line can land
    # outside them. A failure counts when it repeats in a second run of its file.
    rule_files = rule_file_of_each_yaml()
    for yaml_file in sorted({yaml_file for (yaml_file, title), passed in results.items() if not passed and title not in known}):
        results.update(run_suite(host, f"--rule=tests/{rule_files[yaml_file]}/{yaml_file}"))
    report = pathlib.Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp")) / "crs-regression.md"
    report.write_text(counts_table(results) + "\n")

    failed = {title for (unused_file, title), passed in results.items() if not passed}
    assert sorted(failed - known) == [], f"new failures (counts in {report})"
    assert len(results) == RECORDED_RUN
    assert sum(results.values()) >= RECORDED_PASSED, f"counts in {report}"
