# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Galera node a cluster that stopped as a whole restarts from: the one with the highest
committed seqno, read from its grastate.dat or, after a crash (seqno -1), from the position the
server recovers from its InnoDB log (mariadbd --wsrep-recover)."""

from __future__ import annotations

import re

RECOVERED_POSITION = re.compile(r"(?:Recovered position:|--wsrep[-_]start[-_]position=)\s*([0-9a-f-]{36}):(-?\d+)")
UNKNOWN_SEQNO = -1
# The uuid a node writes before it ever was in a cluster (a join that failed): no cluster's.
NO_CLUSTER = "00000000-0000-0000-0000-000000000000"


class GaleraRecoveryError(ValueError):
    """The nodes' states do not name one node to bootstrap from safely; the message gives the numbers."""


def parse_grastate(text):
    """uuid, seqno and safe_to_bootstrap of a grastate.dat (missing keys: an empty uuid, -1, false). The uuid
    is empty unless the node has been in a cluster."""
    values = dict(re.findall(r"^\s*(uuid|seqno|safe_to_bootstrap)\s*:\s*(\S+)", text or "", re.MULTILINE))
    uuid = values.get("uuid", "")
    return {
        "uuid": "" if uuid == NO_CLUSTER else uuid,
        "seqno": int(values.get("seqno", UNKNOWN_SEQNO)),
        "safe_to_bootstrap": values.get("safe_to_bootstrap") == "1",
    }


def recovered_seqno(output):
    """The (uuid, seqno) a --wsrep-recover run printed last, or None when it printed none."""
    found = RECOVERED_POSITION.findall(output or "")
    return (found[-1][0], int(found[-1][1])) if found else None


def node_position(grastate_text, recover_output=""):
    """A node's state: grastate.dat's, with the recovered seqno when grastate.dat has none (a crash)."""
    state = parse_grastate(grastate_text)
    if state["seqno"] == UNKNOWN_SEQNO:
        recovered = recovered_seqno(recover_output)
        if recovered:
            state["uuid"] = state["uuid"] or recovered[0]
            state["seqno"] = recovered[1]
    return state


def _describe(states):
    return "; ".join(
        f"{host}: uuid {state['uuid'] or '-'}, seqno {state['seqno']}, safe_to_bootstrap {int(state['safe_to_bootstrap'])}"
        for host, state in states.items()
    )


def bootstrap_node(states):
    """The node to bootstrap from, given {host: state} in inventory order.

    The most advanced node wins (the first in inventory order on a tie). A node marked safe_to_bootstrap
    (the last to leave a clean shutdown) must be among the most advanced; when it is not, the marks and
    the seqnos disagree and no node is chosen."""
    if not states:
        raise GaleraRecoveryError("No Galera node to recover.")
    numbers = _describe(states)
    unknown = [host for host, state in states.items() if state["seqno"] == UNKNOWN_SEQNO]
    if unknown:
        raise GaleraRecoveryError(f"No committed seqno known for {', '.join(unknown)} (grastate.dat and --wsrep-recover): {numbers}")
    cluster_ids = {state["uuid"] for state in states.values()}
    if len(cluster_ids) > 1:
        raise GaleraRecoveryError(f"The nodes come from different clusters: {numbers}")
    highest = max(state["seqno"] for state in states.values())
    most_advanced = [host for host, state in states.items() if state["seqno"] == highest]
    marked = [host for host, state in states.items() if state["safe_to_bootstrap"]]
    if marked and not set(marked) & set(most_advanced):
        raise GaleraRecoveryError(
            f"safe_to_bootstrap is set on {', '.join(marked)} but {', '.join(most_advanced)} has the highest seqno {highest}: {numbers}. "
            "Find out which node holds the last committed transactions before bootstrapping by hand."
        )
    return next(host for host in most_advanced if not marked or host in marked)
