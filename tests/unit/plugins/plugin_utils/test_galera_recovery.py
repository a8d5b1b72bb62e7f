# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.galera_recovery import (
    GaleraRecoveryError,
    bootstrap_node,
    node_position,
    parse_grastate,
    recovered_seqno,
)

UUID = "8f3e6a2c-1b4d-11ef-9a6e-2b7c0d4e5f60"
OTHER_UUID = "11111111-2222-11ef-8888-999999999999"


def grastate(seqno, safe=0, uuid=UUID):
    return f"# GALERA saved state\nversion: 2.1\nuuid:    {uuid}\nseqno:   {seqno}\nsafe_to_bootstrap: {safe}\n"


def state(seqno, safe=False, uuid=UUID):
    return {"uuid": uuid, "seqno": seqno, "safe_to_bootstrap": safe}


def test_grastate_of_a_clean_shutdown():
    assert parse_grastate(grastate(1042, 1)) == state(1042, True)


def test_missing_grastate_is_unknown():
    assert parse_grastate("") == {"uuid": "", "seqno": -1, "safe_to_bootstrap": False}


def test_a_node_that_never_joined_has_no_cluster_id():
    assert parse_grastate(grastate(-1, uuid="00000000-0000-0000-0000-000000000000"))["uuid"] == ""


def test_recovered_position_from_the_server_log():
    log = f"2026-11-28  1:02:03 0 [Note] WSREP: Recovered position: {UUID}:977\n"
    assert recovered_seqno(log) == (UUID, 977)


def test_recovered_position_as_galera_recovery_prints_it():
    assert recovered_seqno(f"--wsrep_start_position={UUID}:12") == (UUID, 12)


def test_crashed_node_takes_the_recovered_seqno():
    log = f"[Note] WSREP: Recovered position: {UUID}:977"
    assert node_position(grastate(-1), log) == state(977)


def test_clean_seqno_is_not_replaced_by_a_recovery():
    assert node_position(grastate(50), f"Recovered position: {UUID}:977") == state(50)


def test_most_advanced_node_wins():
    assert bootstrap_node({"core1": state(10), "core2": state(12), "core3": state(11)}) == "core2"


def test_tie_goes_to_the_first_node_in_order():
    assert bootstrap_node({"core1": state(12), "core2": state(12), "core3": state(11)}) == "core1"


def test_the_marked_node_wins_a_tie():
    assert bootstrap_node({"core1": state(12), "core2": state(12, True), "core3": state(12)}) == "core2"


def test_refuses_when_the_marked_node_is_behind():
    with pytest.raises(GaleraRecoveryError) as error:
        bootstrap_node({"core1": state(10, True), "core2": state(12), "core3": state(11)})
    assert str(error.value).startswith("safe_to_bootstrap is set on core1 but core2 has the highest seqno 12: ")
    assert f"core1: uuid {UUID}, seqno 10, safe_to_bootstrap 1; core2: uuid {UUID}, seqno 12, safe_to_bootstrap 0" in str(error.value)


def test_refuses_an_unknown_seqno():
    with pytest.raises(GaleraRecoveryError, match=r"^No committed seqno known for core3 "):
        bootstrap_node({"core1": state(10), "core2": state(12), "core3": state(-1)})


def test_refuses_nodes_of_different_clusters():
    with pytest.raises(GaleraRecoveryError, match=r"^The nodes come from different clusters: "):
        bootstrap_node({"core1": state(10), "core2": state(12, uuid=OTHER_UUID)})
