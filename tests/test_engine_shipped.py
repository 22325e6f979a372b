"""The embedded engine on the shipped topologies: a healthy network is healthy everywhere."""

from __future__ import annotations

import pytest
from data.engine.nets import make_snapshot

from netlab.engines.base import AdjacencyState, EstablishedStatus
from netlab.engines.embedded import EmbeddedEngine
from netlab.engines.embedded.analysis import analyse
from netlab.engines.embedded.bgp_rib import BgpRib
from netlab.render.intent import device_configs, isis_domain
from netlab.topology import load_network


@pytest.mark.parametrize("name", ["classic-small", "express-small"])
def test_healthy_shipped_network(name: str) -> None:
    net = load_network(name)
    snap = make_snapshot(net, device_configs(net))
    eng = EmbeddedEngine()
    assert {r.state for r in eng.isis_adjacencies(snap)} == {AdjacencyState.UP}
    assert {r.established_status for r in eng.bgp_session_status(snap)} == {
        EstablishedStatus.ESTABLISHED}
    flows = eng.reachability(snap)
    assert flows and all(f.dispositions <= {"ACCEPTED", "EXITS_NETWORK"} for f in flows)
    # loopbacks are only asked for from their own IS-IS domain (an express plane)
    owner = {r.loopback4.ip: r for r in net.routers.values()}
    for f in flows:
        r = owner.get(f.flow.dst_ip)  # type: ignore[call-overload]
        if r is not None:
            assert isis_domain(net, r) == isis_domain(net, net.routers[f.flow.ingress_node])
    a = analyse(snap)
    ref = BgpRib(a.inv, a.igp, a.sessions, reference=True)
    for p in ref.prefixes():
        for i in range(len(a.inv.names)):
            got, want = a.bgp.selection(i, p), ref.selection(i, p)
            assert (got.paths if got else None) == (want.paths if want else None)
