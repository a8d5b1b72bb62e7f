# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemctl for modules: one call, and the states of many units read in one call."""

from __future__ import annotations

# Unit file states in which the unit starts at boot without an `enable`.
STARTS_AT_BOOT = ("enabled", "enabled-runtime", "static", "generated", "alias", "indirect")


def systemctl(module, *args, check=True):
    rc, out, err = module.run_command(["systemctl", *args])
    if check and rc != 0:
        module.fail_json(msg=f"systemctl {' '.join(args)} failed: {(err or out).strip()[-600:]}")
    return rc, out.strip()


def parse_show(output, units):
    """The blocks `systemctl show` prints, one per unit in the order asked, as {unit: {property: value}}."""
    blocks = [dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
              for block in output.strip().split("\n\n")]
    if len(blocks) != len(units):
        raise ValueError(f"systemctl show printed {len(blocks)} blocks for {len(units)} units")
    return dict(zip(units, blocks))


def unit_states(module, units):
    """{unit: {'loaded', 'active', 'enabled'}} for each unit, from one `systemctl show`."""
    if not units:
        return {}
    unused_rc, out = systemctl(module, "show", "--property=LoadState,ActiveState,UnitFileState", "--", *units)
    return {unit: {"loaded": props.get("LoadState") == "loaded",
                   "active": props.get("ActiveState") in ("active", "activating", "reloading"),
                   "enabled": props.get("UnitFileState") in STARTS_AT_BOOT}
            for unit, props in parse_show(out, units).items()}
