"""IS-IS in the embedded engine: adjacencies and why they are down, SPF, ECMP, overload."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest
from data.engine.nets import Net, link_interface, random_backbone, set_interface, set_isis

from netlab.engines.base import AdjacencyReason, AdjacencyState, RoutingProtocol
from netlab.engines.embedded import EmbeddedEngine
from netlab.engines.embedded.analysis import analyse
from netlab.model.device import AuthType, DeviceConfig, HelloAuth, IsisLevel
from netlab.model.network import FailureState
from netlab.model.types import Vendor


def line(vendor: Vendor = Vendor.FRR) -> Net:
    """a --10-- b --10-- c, plus a spare b--d link."""
    return (Net(vendor=vendor).router("a", "s1").router("b", "s1").router("c", "s2")
            .router("d", "s2").link("a", "b").link("b", "c").link("b", "d"))


def square() -> Net:
    """a-b-d and a-c-d, every link metric 10: two equal paths from a to d."""
    return (Net().router("a", "s1").router("b", "s1").router("c", "s2").router("d", "s2")
            .link("a", "b").link("b", "d").link("a", "c").link("c", "d"))


def itf(net: Net, cfgs: dict[str, DeviceConfig], lid: str, router: str) -> str:
    return link_interface(net.network(), cfgs, lid, router).name


def adjacency(net: Net, edit: Callable[[dict[str, DeviceConfig]], None] | None = None,
              failures: FailureState | None = None) -> dict[tuple[str, str], Any]:
    rows = EmbeddedEngine().isis_adjacencies(net.snapshot(failures, edit))
    return {(r.node, r.remote_node): r for r in rows if {r.node, r.remote_node} == {"a", "b"}}


def test_healthy_adjacencies_are_up_at_level_2() -> None:
    rows = EmbeddedEngine().isis_adjacencies(line().snapshot())
    assert len(rows) == 6
    assert all(r.state is AdjacencyState.UP and r.level is IsisLevel.L2 and r.reason is None
               for r in rows)
    assert list(rows.frame().columns) == ["Node", "Interface", "Remote_Node",
                                          "Remote_Interface", "Level", "State", "Reason",
                                          "Detail"]


def _edit_a(**changes: Any) -> Callable[[dict[str, DeviceConfig]], None]:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        set_interface(cfgs, "a", itf(line(), cfgs, "a-b", "a"), **changes)
    return edit


def _isis_a(**changes: Any) -> Callable[[dict[str, DeviceConfig]], None]:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        set_isis(cfgs, "a", itf(line(), cfgs, "a-b", "a"), **changes)
    return edit


def _process_a(**changes: Any) -> Callable[[dict[str, DeviceConfig]], None]:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        cfg = cfgs["a"]
        assert cfg.isis is not None
        isis = dataclasses.replace(cfg.isis, **changes)
        itfs = tuple(dataclasses.replace(i, isis=dataclasses.replace(i.isis, level=isis.level))
                     if i.isis is not None else i for i in cfg.interfaces)
        cfgs["a"] = dataclasses.replace(cfg, isis=isis, interfaces=itfs)
    return edit


def _same_system_id(cfgs: dict[str, DeviceConfig]) -> None:
    a, b = cfgs["a"], cfgs["b"]
    assert a.isis is not None and b.isis is not None
    cfgs["a"] = dataclasses.replace(a, isis=dataclasses.replace(a.isis, net=b.isis.net))


CASES: list[tuple[str, Any, FailureState | None, AdjacencyReason, tuple[str, str]]] = [
    ("node down", None, FailureState(nodes_down=frozenset({"b"})), AdjacencyReason.NODE_DOWN,
     ("DOWN", "DOWN")),
    ("link down", None, FailureState(links_down=frozenset({"a-b"})),
     AdjacencyReason.NO_LAYER1_LINK, ("DOWN", "DOWN")),
    ("admin down", _edit_a(enabled=False), None, AdjacencyReason.INTERFACE_ADMIN_DOWN,
     ("DOWN", "DOWN")),
    ("not enabled", _edit_a(isis=None), None, AdjacencyReason.ISIS_NOT_ENABLED,
     ("DOWN", "DOWN")),
    ("passive", _isis_a(passive=True), None, AdjacencyReason.PASSIVE, ("DOWN", "DOWN")),
    ("broadcast vs p2p", _isis_a(point_to_point=False), None,
     AdjacencyReason.NETWORK_TYPE_MISMATCH, ("DOWN", "DOWN")),
    ("auth on one side", _isis_a(hello_auth=HelloAuth(AuthType.MD5, "k1")), None,
     AdjacencyReason.AUTH_MISMATCH, ("DOWN", "INIT")),
    ("mtu lowered on a", _edit_a(mtu=1500), None, AdjacencyReason.MTU_MISMATCH,
     ("DOWN", "INIT")),
    ("duplicate system id", _same_system_id, None, AdjacencyReason.DUPLICATE_SYSTEM_ID,
     ("DOWN", "DOWN")),
]


@pytest.mark.parametrize(("edit", "failures", "reason", "states"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_adjacency_down_reason(edit: Any, failures: FailureState | None,
                                    reason: AdjacencyReason, states: tuple[str, str]) -> None:
    rows = adjacency(line(), edit, failures)
    a_side, b_side = rows[("a", "b")], rows[("b", "a")]
    assert a_side.reason is reason and b_side.reason is reason
    assert (a_side.state.value, b_side.state.value) == states
    assert a_side.level is None and a_side.detail


def test_circuit_level_mismatch_on_junos_but_not_on_frr() -> None:
    """FRR 8.4 ignores ``isis circuit-type`` on a level-2-only router (seen in the lab)."""
    junos = adjacency(line(Vendor.JUNOS), _isis_a(level=IsisLevel.L1))
    assert junos[("a", "b")].reason is AdjacencyReason.LEVEL_MISMATCH
    assert {r.state for r in junos.values()} == {AdjacencyState.DOWN}
    frr = adjacency(line(Vendor.FRR), _isis_a(level=IsisLevel.L1))
    assert frr[("a", "b")].state is AdjacencyState.UP and frr[("a", "b")].level is IsisLevel.L2


def test_auth_with_different_keys_leaves_both_down() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        _isis_a(hello_auth=HelloAuth(AuthType.MD5, "k1"))(cfgs)
        set_isis(cfgs, "b", itf(line(), cfgs, "a-b", "b"), hello_auth=HelloAuth(AuthType.MD5,
                                                                                  "k2"))
    rows = adjacency(line(), edit)
    assert {r.state for r in rows.values()} == {AdjacencyState.DOWN}


def test_subnet_mismatch() -> None:
    from ipaddress import IPv4Interface

    rows = adjacency(line(), _edit_a(ipv4=IPv4Interface("192.0.2.0/31")))
    assert rows[("a", "b")].reason is AdjacencyReason.SUBNET_MISMATCH


def test_area_mismatch_on_a_level_1_router() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        cfg = cfgs["a"]
        assert cfg.isis is not None
        parts = cfg.isis.net.split(".")
        net = ".".join([parts[0], "0099", *parts[2:]])
        _process_a(level=IsisLevel.L1, net=net)(cfgs)
        cfg_b = cfgs["b"]
        assert cfg_b.isis is not None
        cfgs["b"] = dataclasses.replace(cfg_b, isis=dataclasses.replace(cfg_b.isis,
                                                                        level=IsisLevel.L1L2))
        set_isis(cfgs, "b", itf(line(), cfgs, "a-b", "b"), level=IsisLevel.L1L2)
    rows = adjacency(line(), edit)
    assert rows[("a", "b")].reason is AdjacencyReason.AREA_MISMATCH


def test_same_area_level_1_adjacency_and_isis_l1_routes() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        _process_a(level=IsisLevel.L1)(cfgs)
        cfg_b = cfgs["b"]
        assert cfg_b.isis is not None
        cfgs["b"] = dataclasses.replace(cfg_b, isis=dataclasses.replace(cfg_b.isis,
                                                                        level=IsisLevel.L1L2))
        set_isis(cfgs, "b", itf(line(), cfgs, "a-b", "b"), level=IsisLevel.L1L2)
    snap = line().snapshot(edit=edit)
    rows = adjacency(line(), edit)
    assert rows[("a", "b")].state is AdjacencyState.UP
    assert rows[("a", "b")].level is IsisLevel.L1
    eng = EmbeddedEngine()
    a_lo = snap.network.routers["a"].loopback4.network
    b_routes = {r.network: r for r in eng.isis_routes(snap, nodes=["b"])}
    assert b_routes[a_lo].protocol is RoutingProtocol.ISIS_L1
    # b leaks a's level-1 prefix into level 2, so c still reaches a
    c_routes = {r.network: r for r in eng.isis_routes(snap, nodes=["c"])}
    assert c_routes[a_lo].protocol is RoutingProtocol.ISIS_L2
    assert c_routes[a_lo].metric == 10 + 10 + 10


def test_ecmp_next_hops_and_metric_include_the_loopback_metric() -> None:
    net = square()
    snap = net.snapshot()
    d_lo = snap.network.routers["d"].loopback4.network
    (route,) = EmbeddedEngine().isis_routes(snap, nodes=["a"], prefix=str(d_lo))
    assert route.metric == 10 + 10 + 10  # two links + d's passive loopback at metric 10
    assert route.protocol is RoutingProtocol.ISIS_L2
    b_ip = snap.network.links["a-b"].address4("b").ip
    c_ip = snap.network.links["a-c"].address4("c").ip
    assert {h.ip for h in route.next_hops} == {b_ip, c_ip}


def test_loopback_metric_changes_the_route_metric() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        lo = cfgs["d"].loopback()
        assert lo is not None and lo.isis is not None
        set_isis(cfgs, "d", lo.name, metric=3)
    snap = square().snapshot(edit=edit)
    d_lo = snap.network.routers["d"].loopback4.network
    (route,) = EmbeddedEngine().isis_routes(snap, nodes=["a"], prefix=str(d_lo))
    assert route.metric == 23


def test_overload_bit_stops_transit_but_not_reachability() -> None:
    net = (Net().router("a", "s1").router("o", "s1").router("z", "s2").router("x", "s2")
           .link("a", "o").link("o", "z").link("a", "x", metric=50).link("x", "z", metric=50))

    def overload(cfgs: dict[str, DeviceConfig]) -> None:
        cfg = cfgs["o"]
        assert cfg.isis is not None
        cfgs["o"] = dataclasses.replace(cfg, isis=dataclasses.replace(cfg.isis, overload=True))

    eng = EmbeddedEngine()
    healthy, over = net.snapshot(), net.snapshot(edit=overload)
    z_lo = healthy.network.routers["z"].loopback4.network
    o_lo = healthy.network.routers["o"].loopback4.network
    (before,) = eng.isis_routes(healthy, nodes=["a"], prefix=str(z_lo))
    (after,) = eng.isis_routes(over, nodes=["a"], prefix=str(z_lo))
    assert before.metric == 30 and after.metric == 110
    (to_o,) = eng.isis_routes(over, nodes=["a"], prefix=str(o_lo))
    assert to_o.metric == 20  # the overloaded router itself stays reachable
    (from_o,) = eng.isis_routes(over, nodes=["o"], prefix=str(z_lo))
    assert from_o.metric == 20  # and it still routes its own traffic


def test_link_down_removes_the_route_through_it() -> None:
    snap = line().snapshot(FailureState(links_down=frozenset({"b-c"})))
    c_lo = snap.network.routers["c"].loopback4.network
    assert len(EmbeddedEngine().isis_routes(snap, nodes=["a"], prefix=str(c_lo))) == 0


@pytest.mark.parametrize("seed", range(6))
def test_spf_distances_equal_networkx(seed: int) -> None:
    a = analyse(random_backbone(seed, routers=25, extra_links=20).snapshot())
    lg = a.levels[2]
    g = nx.DiGraph()
    for adj in lg.adjacencies:
        w = max(1, adj.metric)
        if g.has_edge(adj.node, adj.remote):
            w = min(w, g[adj.node][adj.remote]["weight"])
        g.add_edge(adj.node, adj.remote, weight=w)
    for src in g.nodes:
        ref = nx.single_source_dijkstra_path_length(g, src)
        row = lg.spf.dist[a.inv.index[src]]
        got = {a.inv.names[i]: d for i, d in enumerate(row) if d != float("inf")}
        assert got == pytest.approx(ref)


def test_spf_ecmp_next_hops_equal_networkx_shortest_paths() -> None:
    a = analyse(random_backbone(3, routers=20, extra_links=25).snapshot())
    lg = a.levels[2]
    g = nx.DiGraph()
    for adj in lg.adjacencies:
        g.add_edge(adj.node, adj.remote, weight=adj.metric)
    for src in list(g.nodes)[:8]:
        for dst in g.nodes:
            if src == dst:
                continue
            ref = {p[1] for p in nx.all_shortest_paths(g, src, dst, weight="weight")}
            got = {lg.adjacencies[e].remote for e in lg.spf.next_hop_edges(
                a.inv.index[src], a.inv.index[dst])}
            assert got == ref
