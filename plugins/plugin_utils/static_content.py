# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where and how static content is deployed, by the rules ece-tools applies to .magento.env.yaml.

The phase:
- `hooks`: a hook of .magento.app.yaml runs ece-tools or setup:static-content:deploy itself, so the
  deploy adds nothing of its own.
- `on_demand`: SCD_ON_DEMAND (global) is true: no deploy at all, Magento writes each file on its first
  request; env.php gets static_content_on_demand_in_production.
- `build`: the build deploys it, into the release, when the build's SKIP_SCD is not true and
  app/etc/config.php names at least one website or store under `scopes` (without them the build
  cannot know the stores, so ece-tools leaves static content to the deploy).
- `deploy`: otherwise, the deploy deploys it into the pub/static mount, unless the deploy's SKIP_SCD
  is true (`skipped`).

The command of a phase uses that phase's variables (its stage over `global` over the default):
SCD_STRATEGY, SCD_THREADS, VERBOSE_COMMANDS, SCD_MAX_EXECUTION_TIME, SCD_NO_PARENT, SCD_MATRIX,
SKIP_HTML_MINIFICATION, and SCD_COMPRESSION_LEVEL / SCD_COMPRESSION_TIMEOUT for the gzip copies made
after it. SCD_EXCLUDE_THEMES is gone from ece-tools (the validator reports it); SCD_MATRIX does its job.
"""

from __future__ import annotations

import re

from ansible_collections.magecloud.platform.plugins.plugin_utils import php_config
from ansible_collections.magecloud.platform.plugins.plugin_utils.catalog import table
from ansible_collections.magecloud.platform.plugins.plugin_utils.env_values import (
    MISSING, effective, satisfies, stage_maps)

HOOKS, ON_DEMAND, BUILD, DEPLOY, SKIPPED = "hooks", "on_demand", "build", "deploy", "skipped"
COMMAND = ["php", "./bin/magento", "setup:static-content:deploy", "--ansi", "--no-interaction"]
DEFAULT_LOCALE = "en_US"
# A hook that deploys static content itself: ece-tools' scenarios, or the command run by hand.
HOOK_DOES_IT = re.compile(r"ece-tools|setup:static-content:deploy")
# The strategies Magento 2.2 and later know; ece-tools' deploy phase falls back to standard for any other.
STRATEGIES = ("standard", "quick", "compact")
MAX_THREADS = 4
COMPRESSED = ("*.js", "*.css", "*.svg", "*.html", "*.htm")
# -H: pub/static is a link to the mount.
CLEAN_STATIC = ["find", "-H", "pub/static", "-mindepth", "1", "-maxdepth", "1", "!", "-name", ".htaccess",
                "-exec", "rm", "-rf", "--", "{}", "+"]
CLEAN_PREPROCESSED = ["rm", "-rf", "--", "var/view_preprocessed"]


def plan(env, config_php, magento_version="", variables=None, hooks=None):
    """What the deploy does about static content: {phase, reason, env_php, options (build and deploy
    phases), locales (build phase)}. config_php: app/etc/config.php's text, or None."""
    stages = stage_maps(env)
    on_demand = _value(stages, "SCD_ON_DEMAND", "global") is True
    env_php = {"static_content_on_demand_in_production": int(on_demand),
               "force_html_minification": int(_value(stages, "SKIP_HTML_MINIFICATION", "global") is True)}
    hook = next((name for name in ("build", "deploy") if HOOK_DOES_IT.search((hooks or {}).get(name) or "")), None)
    if hook:
        return {"phase": HOOKS, "reason": f"the {hook} hook deploys static content itself", "env_php": env_php}
    if on_demand:
        return {"phase": ON_DEMAND, "reason": "SCD_ON_DEMAND is enabled", "env_php": env_php}
    config = _config(config_php)
    not_on_build = _not_on_build(stages, config)
    admin_locale = str((variables or {}).get("ADMIN_LOCALE") or DEFAULT_LOCALE)
    if not not_on_build:
        return {"phase": BUILD, "reason": "app/etc/config.php names the stores and themes", "env_php": env_php,
                "options": options(stages, BUILD, magento_version), "locales": build_locales(config, admin_locale)}
    if _value(stages, "SKIP_SCD", DEPLOY) is True:
        return {"phase": SKIPPED, "reason": f"{not_on_build} and SKIP_SCD is enabled for the deploy", "env_php": env_php}
    return {"phase": DEPLOY, "reason": not_on_build, "env_php": env_php, "admin_locale": admin_locale,
            "options": options(stages, DEPLOY, magento_version)}


def _value(stages, name, stage):
    value, unused_path = effective(stages, name, stage)
    if value is not MISSING:
        return value
    default = table("env_variables")[name]["default"]
    return default.get(stage) if isinstance(default, dict) else default


def _config(text):
    """config.php as data; {} when it is missing or not literal PHP (the validator reports those)."""
    if text is None:
        return {}
    try:
        data, unused_positions = php_config.parse(text)
    except (php_config.PhpSyntaxError, php_config.Unsupported):
        return {}
    return data if isinstance(data, dict) else {}


def _flatten(data, prefix=""):
    """{'a/b/c': leaf}: ece-tools' view of config.php (an empty array leaves no key)."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    result = {}
    for key, value in items:
        if isinstance(value, (dict, list)):
            result.update(_flatten(value, f"{prefix}{key}/"))
        else:
            result[f"{prefix}{key}"] = value
    return result


def _unique(values):
    return list(dict.fromkeys(str(value) for value in values))


def _not_on_build(stages, config):
    """Why the build leaves static content alone, or '' when it deploys it."""
    if _value(stages, "SKIP_SCD", BUILD) is True:
        return "SKIP_SCD is enabled for the build"
    if not any(key.startswith(("scopes/websites", "scopes/stores")) for key in _flatten(config)):
        return "app/etc/config.php names no website or store under scopes (bin/magento app:config:dump scopes themes)"
    return ""


def build_locales(config, admin_locale):
    """The build's languages: the admin locale, every general/locale/code and admin_user/locale/code of
    config.php, and en_US."""
    flat = _flatten(config)
    return _unique([admin_locale]
                   + [value for key, value in flat.items() if key.endswith("general/locale/code")]
                   + [value for key, value in flat.items() if key.startswith("admin_user/locale/code")]
                   + [DEFAULT_LOCALE])


def deploy_locales(database_locales, admin_locale):
    """The deploy's languages: those of the stores and admin users in the database, and the admin locale."""
    return _unique([*database_locales, admin_locale])


def options(stages, stage, magento_version):
    """The phase's variables, resolved as ece-tools resolves them for the command."""
    modern = satisfies(magento_version, ">=2.2")
    strategy = str(_value(stages, "SCD_STRATEGY", stage) or "")
    if stage == DEPLOY and modern and strategy not in STRATEGIES:
        strategy = "standard"
    threads = _value(stages, "SCD_THREADS", stage)
    threads = threads if isinstance(threads, int) and not isinstance(threads, bool) else -1
    # Not `satisfies("<2.2.4")`: an unknown version satisfies every constraint, and is taken as a current one.
    if strategy == "compact" and not satisfies(magento_version, ">=2.2.4"):
        threads = 1
    matrix = _value(stages, "SCD_MATRIX", stage)
    max_time = _value(stages, "SCD_MAX_EXECUTION_TIME", stage)
    return {
        "force": modern,
        "strategy": strategy if modern else "",
        "verbosity": str(_value(stages, "VERBOSE_COMMANDS", stage) or ""),
        "threads": threads if satisfies(magento_version, ">2.1.10") else (1 if threads == -1 else threads),
        "no_html_minify": modern and _value(stages, "SKIP_HTML_MINIFICATION", "global") is True,
        "max_execution_time": max_time if modern and isinstance(max_time, int) else None,
        "no_parent": satisfies(magento_version, ">=2.4.2") and _value(stages, "SCD_NO_PARENT", stage) is True,
        "matrix": {str(theme): [str(language) for language in entry.get("language") or []] if isinstance(entry, dict) else []
                   for theme, entry in (matrix.items() if isinstance(matrix, dict) else ())},
        "compression_level": _value(stages, "SCD_COMPRESSION_LEVEL", stage),
        "compression_timeout": _value(stages, "SCD_COMPRESSION_TIMEOUT", stage),
    }


def _base(options, cpus):
    argv = list(COMMAND)
    if options["force"]:
        argv.append("-f")
    if options["strategy"]:
        argv += ["-s", options["strategy"]]
    if options["verbosity"]:
        argv.append(options["verbosity"])
    threads = min(cpus, MAX_THREADS) if options["threads"] == -1 else options["threads"]
    if threads:
        argv += ["--jobs", str(threads)]
    if options["no_html_minify"]:
        argv.append("--no-html-minify")
    if options["max_execution_time"] is not None:
        argv += ["--max-execution-time", str(options["max_execution_time"])]
    if options["no_parent"]:
        argv.append("--no-parent")
    return argv


def commands(options, locales, cpus):
    """The setup:static-content:deploy argv lists: one for every theme not in SCD_MATRIX in the phase's
    languages, then one per SCD_MATRIX theme that has languages, in those. cpus: the host's CPU count,
    for SCD_THREADS -1 (as many jobs as CPUs, at most 4)."""
    main = _base(options, cpus)
    for theme in options["matrix"]:
        main += ["--exclude-theme", theme]
    result = [main + list(locales)]
    for theme, languages in options["matrix"].items():
        if languages:
            result.append(_base(options, cpus) + ["--theme", theme] + languages)
    return result


def compression(options):
    """The command that writes a .gz beside each text file over 300 bytes, or None at level 0; it is
    stopped after SCD_COMPRESSION_TIMEOUT seconds, as ece-tools bounds it. -f: the pub/static mount
    still holds the copies of the previous deploy, which the old release serves until the switch."""
    level = options["compression_level"]
    if not isinstance(level, int) or isinstance(level, bool) or level == 0:
        return None
    level = level if 1 <= level <= 9 else 1
    names = " -o ".join(f"-name '{pattern}'" for pattern in COMPRESSED)
    return ["timeout", "-k", "30", str(options["compression_timeout"]), "bash", "-c",
            f"find pub/static -type f -size +300c '(' {names} ')' -print0 | xargs -0 -r -n100 -P16 gzip -q -f --keep -{level}"]


def run_commands(plan, cpus, database_locales=()):
    """Every command of the plan's phase, in order, to run in the release: for the build and deploy
    phases the deploys, then the compression; on demand, ece-tools' cleaning of what earlier deploys
    left (pub/static but its .htaccess, and var/view_preprocessed), so Magento writes it anew."""
    if plan["phase"] == ON_DEMAND:
        return [CLEAN_STATIC, CLEAN_PREPROCESSED]
    if plan["phase"] not in (BUILD, DEPLOY):
        return []
    locales = plan["locales"] if plan["phase"] == BUILD else deploy_locales(database_locales, plan["admin_locale"])
    result = commands(plan["options"], locales, int(cpus))
    gzip = compression(plan["options"])
    return result + ([gzip] if gzip else [])
