# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state ece-tools judges across variables: static content, its "ideal state", split database.

Static content is deployed during the build unless SCD_ON_DEMAND or the build's SKIP_SCD say
otherwise, or app/etc/config.php lacks the stores and themes (that file is not read here, so only
the first two reasons are decided).
"""

from __future__ import annotations

import re

from ansible_collections.magecloud.platform.plugins.plugin_utils.env_values import (
    MISSING, as_array, effective, isset, version)
from ansible_collections.magecloud.platform.plugins.plugin_utils.value_checks import php_empty

SCD_OPTIONS = ("SCD_STRATEGY", "SCD_THREADS")
# ece-tools' HookChecker looks for its post-deploy command in the post_deploy hook; the templates
# run it as a scenario, which is the same command.
POST_DEPLOY_COMMAND = re.compile(r"ece-tools\s+(post-deploy\b|run\s+(\S*/)?scenario/post-deploy\.xml)")
IDEAL = "not ideal for a short deploy (ece-tools warns about its \"ideal state\")"


def validate(report, stages, magento_version, app=None):
    on_demand = _enabled(stages, "SCD_ON_DEMAND", "global")
    skip_build = _enabled(stages, "SKIP_SCD", "build")
    skip_deploy = _enabled(stages, "SKIP_SCD", "deploy")
    _ignored_options(report, stages, "build", on_demand or skip_build)
    _ignored_options(report, stages, "deploy", on_demand or skip_deploy)
    _ideal_state(report, stages, on_demand, skip_build, app)
    _split_db(report, stages, magento_version)


def _enabled(stages, name, stage):
    """(reason, path) when the variable is true as the stage reads it, else None."""
    value, path = effective(stages, name, stage)
    if value is not True:  # anything but a boolean is already an error of the variable itself
        return None
    where = "" if stage == "global" or path[1] == stage else " (from global)"
    return f"{name} is enabled{where}", path


def _ignored_options(report, stages, stage, reason):
    if not reason:
        return
    for name in SCD_OPTIONS:
        if stages.get(stage, {}).get(name) is not None:
            report.warning(("stage", stage, name),
                           f"{name} is ignored: static content is not deployed during the {stage} phase because "
                           f"{reason[0]} (ece-tools warns the same)",
                           f"remove it from stage.{stage}, or deploy static content in that phase")


def _ideal_state(report, stages, on_demand, skip_build, app):
    """ece-tools' IdealState: static content built during the build, minified HTML kept, a post_deploy hook."""
    if on_demand:
        report.warning(on_demand[1], f"SCD_ON_DEMAND is {IDEAL}: static files are then made on the first requests "
                                     "after every deploy instead of once during the build",
                       "deploy static content during the build: remove SCD_ON_DEMAND and keep the stores and themes "
                       "in app/etc/config.php (bin/magento app:config:dump scopes themes)")
    if skip_build:
        report.warning(skip_build[1], f"SKIP_SCD for the build is {IDEAL}: static content is then deployed while the "
                                      "site is in maintenance, or on the first requests",
                       "let the build deploy static content")
    minify, path = effective(stages, "SKIP_HTML_MINIFICATION", "global")
    if minify is False:
        report.warning(path, f"SKIP_HTML_MINIFICATION: false is {IDEAL}: the deploy must then copy the "
                             "preprocessed view files, which keeps the site down longer",
                       "set SKIP_HTML_MINIFICATION: true (its default)")
    if isinstance(app, dict) and not _post_deploy_hook(app):
        report.warning((), f".magento.app.yaml has no post_deploy hook running ece-tools' post-deploy; that is {IDEAL}: "
                           "enabling cron, flushing the cache and warming pages then happen inside the deploy, "
                           "while the site is in maintenance",
                       "add to .magento.app.yaml: hooks: post_deploy: php ./vendor/bin/ece-tools run scenario/post-deploy.xml")


def _post_deploy_hook(app):
    hooks = app.get("hooks")
    script = hooks.get("post_deploy") if isinstance(hooks, dict) else None
    return isinstance(script, str) and bool(POST_DEPLOY_COMMAND.search(script))


def _split_db(report, stages, magento_version):
    """ece-tools' DeprecatedSplitDb (a warning from 2.4.2) and RemovedSplitDb (a failing deploy from 2.5.0)."""
    release = version(magento_version)
    if release is None or release < (2, 4, 2):
        return
    where = _split_db_configured(stages)
    if where is None:
        return
    if release >= (2, 5, 0):
        report.error(where, f"split database was removed in Magento 2.5.0; ece-tools stops the deploy on {magento_version}",
                     "go back to a single database (or another approach), then remove SPLIT_DB and the "
                     "quote/sales connections")
    else:
        report.warning(where, "split database is deprecated since Magento 2.4.2 and removed in 2.5 (ece-tools warns the same)",
                       "plan to go back to a single database or another approach")


def _split_db_configured(stages):
    """ece-tools' SplitDb::isConfigured: a non-empty SPLIT_DB, or quote/sales connections in DATABASE_CONFIGURATION."""
    value, path = effective(stages, "SPLIT_DB", "deploy")
    if value is not MISSING and not php_empty(value):
        return path
    config, path = effective(stages, "DATABASE_CONFIGURATION", "deploy")
    config = as_array(config) if config is not MISSING else None
    if config:
        for name in ("quote", "sales"):
            if isset(config, "connection", name):
                return path + ("connection", name)
    return None
