"""The live lab on express-small: four independent planes, a conduit cut that spans them.

Needs root and FRR (``live`` marker); the lab is removed even if a test fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from netlab.lab import faults
from netlab.lab.lab import Lab
from netlab.lab.names import private_space
from netlab.lab.plan import plan_source

pytestmark = pytest.mark.live
TAG = "e"

LAB = "t-express"
TIMEOUT = 90.0


@pytest.fixture(scope="module", autouse=True)
def private_lab_space() -> Iterator[None]:
    """This module's labs live apart from any other netlab on the machine."""
    with private_space(f"{TAG}{os.getpid()}"):
        yield


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    the_lab = Lab.start(plan_source("express-small", LAB), timeout=TIMEOUT)
    try:
        yield the_lab
    finally:
        if the_lab.file.exists():
            the_lab.down()


def test_express_small_converges_plane_by_plane(lab: Lab) -> None:
    rows = {r.router: r for r in lab.status()}
    assert len(rows) == 24
    for row in rows.values():
        assert row.daemons_alive == 4
        assert row.adjacencies_up == row.adjacencies_expected
        assert row.sessions_up == row.sessions_expected
    # DC routers run no IS-IS; each plane is its own IS-IS domain
    assert rows["prn1-dr1"].adjacencies_expected == 0
    observed = lab.observe(["prn1-ebb0"])
    assert {a.neighbor for a in observed.adjacencies} == {"frc1-ebb0", "lla1-ebb0"}
    learnt = {r.prefix for r in observed.routes if r.protocol == "isis"}
    for other_plane in ("prn1-ebb1", "frc1-ebb1"):
        loop = lab.configs()[other_plane].loopback()
        assert loop is not None and loop.ipv4 is not None
        assert str(loop.ipv4.network) not in learnt  # planes never leak into each other


def test_conduit_cut_hits_every_plane_at_once(lab: Lab) -> None:
    links = [lk for lk in lab.state().links if "cdt-prn1-frc1" in lk.srlgs]
    assert len(links) == 4
    before = lab.expectation()
    try:
        faults.fail_srlg(lab, "cdt-prn1-frc1")
        lab.wait_converged(TIMEOUT, must_be_down=before)
        for lk in links:
            up = {a.interface for a in lab.observe([lk.a_router]).adjacencies
                  if a.state == "Up"}
            assert lk.a_iface not in up
        # every plane still connects prn1 to frc1, the long way round (via lla1)
        for lk in links:
            loop = lab.configs()[lk.b_router].loopback()
            assert loop is not None and loop.ipv4 is not None
            routes = [r for r in lab.observe([lk.a_router]).routes
                      if r.prefix == str(loop.ipv4.network) and r.selected]
            assert routes and all(h.interface != lk.a_iface for h in routes[0].next_hops)
    finally:
        faults.restore(lab)
        lab.wait_converged(TIMEOUT)
    assert lab.converged() is None
