"""The live lab from a multi-vendor snapshot with a failure in it.

The snapshot's configs are Junos, IOS-XR and EOS; the lab runs them all as
FRR (interfaces renamed) and applies the snapshot's failure state as a fault,
which ``restore`` undoes. The live engine names interfaces the snapshot's way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from netlab.engines.live import LiveEngine
from netlab.lab import faults
from netlab.lab.lab import Lab
from netlab.lab.names import private_space
from netlab.lab.plan import plan_source
from netlab.model.network import FailureState
from netlab.render.intent import device_configs
from netlab.snapshot import read_snapshot, write_snapshot
from netlab.topology.files import load_network

pytestmark = pytest.mark.live
TAG = "s"

CUT = "nyc1-bb1--lon1-bb1"


@pytest.fixture(scope="module", autouse=True)
def private_lab_space() -> Iterator[None]:
    """This module's labs live apart from any other netlab on the machine."""
    with private_space(f"{TAG}{os.getpid()}"):
        yield


def test_a_multivendor_snapshot_with_a_cut_link_runs_as_frr(tmp_path: Path) -> None:
    network = load_network("classic-small")
    snap_dir = write_snapshot(network, device_configs(network), tmp_path / "snap",
                              failures=FailureState(links_down=frozenset({CUT})))
    snapshot = read_snapshot(snap_dir)
    assert {c.vendor.value for c in snapshot.configs.values()} >= {"junos", "iosxr"}
    lab = Lab.start(plan_source(str(snap_dir), "t-snap"), timeout=90)
    try:
        state = lab.state()
        assert [(f.kind, f.target) for f in state.faults] == [("link", CUT)]
        link = state.link(CUT)
        assert link.a_iface.startswith("eth")
        up = {a.interface for a in lab.observe([link.a_router]).adjacencies
              if a.state == "Up"}
        assert link.a_iface not in up and len(up) == 4

        rows = LiveEngine(lab).isis_adjacencies(snapshot, nodes=["nyc1-bb1"])
        by_itf = {r.interface: r for r in rows}
        junos_name = network.interface_of(network.link(CUT), "nyc1-bb1")
        assert junos_name.startswith(("et-", "xe-"))  # nyc1-bb1 is a Junos router
        assert by_itf[junos_name].state.value == "DOWN"
        assert by_itf[junos_name].reason is not None
        assert sum(r.state.value == "UP" for r in rows) == 4

        faults.restore(lab)
        lab.wait_converged(90)
        up = {a.interface for a in lab.observe([link.a_router]).adjacencies
              if a.state == "Up"}
        assert link.a_iface in up
    finally:
        if lab.file.exists():
            lab.down()
