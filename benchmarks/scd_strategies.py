"""Cost of where static content is deployed: the wall time of a deploy whose static content is deployed
during the build (into the release) and of one whose static content is deployed during the deploy (into
the pub/static mount, before the switch), on the same one-file change.

Two copies of the sample app differ only in that: the build hook leaves static content to the deploy
role in both, one commits an app/etc/config.php that names a website (so ece-tools' rule puts static
content in the build), the other the sample's (no scopes, so it goes to the deploy). Rounds alternate
the two, each deploying a new commit that changes web/css/base.css, so a drift of the machine hits both.
Usage: python3 benchmarks/scd_strategies.py --inventory INV [--rounds 3]
Prints each deploy's wall time and phases, and the median of each strategy.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile

from deploy_under_load import PHASES, Project, run_deploy

SCD_LINE = "        php bin/magento setup:static-content:deploy\n"
SCOPES = "    'scopes' => ['websites' => ['base' => ['website_id' => '1', 'code' => 'base']]],\n"


def strategy_project(workdir, on_build):
    project = Project(workdir)
    app_yaml = project.path / ".magento.app.yaml"
    app_yaml.write_text(app_yaml.read_text().replace(SCD_LINE, ""))
    if on_build:
        config = project.path / "app" / "etc" / "config.php"
        config.write_text(config.read_text().replace("return [\n", "return [\n" + SCOPES, 1))
    project.commit("static content on " + ("build" if on_build else "deploy"))
    return project


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="magecloud-scd-bench-")
    projects = {"build": strategy_project(f"{workdir}/build", True), "deploy": strategy_project(f"{workdir}/deploy", False)}
    walls = {name: [] for name in projects}
    print(f"{'static content on':<20}{'rc':>4}{'wall s':>8}" + "".join(f"{phase:>8}" for phase in PHASES))
    for index in range(args.rounds):
        for name, project in projects.items():
            css = project.path / "web" / "css" / "base.css"
            css.write_text(css.read_text() + f"/* round {index} */\n")
            project.commit(f"one-file change {index}")
            outcome = run_deploy(args.inventory, project)
            print(f"{name:<20}{outcome['rc']:>4}{outcome['wall']:>8.2f}"
                  + "".join(f"{outcome['phases'][phase]:>8.2f}" for phase in PHASES))
            if outcome["rc"] != 0:
                sys.exit(f"deploy with static content on {name} failed: {outcome['failure'] or outcome['stderr']}")
            walls[name].append(outcome["wall"])
    for name, values in walls.items():
        print(f"median wall time, static content on {name}: {statistics.median(values):.2f} s")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
