"""Flows in the embedded engine: traceroute dispositions, reachability, utilisation."""

from __future__ import annotations

import dataclasses
from ipaddress import IPv4Interface, ip_address, ip_network
from typing import Any

import pytest
from data.engine.nets import Net, link_interface, rr_net, set_interface

from netlab.engines.base import FlowDisposition as D
from netlab.engines.embedded import EmbeddedEngine
from netlab.model.device import DeviceConfig, StaticRoute
from netlab.model.network import FailureState
from netlab.model.types import Role


def trace(src: str, dst: str, edit: Any = None, failures: Any = None, net: Any = None) -> Any:
    (row,) = EmbeddedEngine().traceroute((net or rr_net()).snapshot(failures, edit), src, dst)
    return row


def addr(lid: str, router: str) -> Any:
    return rr_net().network().links[lid].address4(router).ip


def statics(router: str, *routes: StaticRoute) -> Any:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        cfg = cfgs[router]
        cfgs[router] = dataclasses.replace(cfg, static_routes=(*cfg.static_routes, *routes))
    return edit


def both(*edits: Any) -> Any:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        for e in edits:
            e(cfgs)
    return edit


TEST_NET = ip_network("192.0.2.0/24")


def test_accepted_at_a_loopback_with_hops() -> None:
    rr1 = rr_net().network().routers["rr1"].loopback4.ip
    row = trace("bb3", str(rr1))
    assert row.trace_count == 1
    (t,) = row.traces
    assert t.disposition is D.ACCEPTED
    assert [h.node for h in t.hops] == ["bb3", "rr1"]
    assert t.hops[0].egress_interface and t.hops[1].ingress_interface
    assert str(row.flow) == f"start=bb3 [{rr_net().network().routers['bb3'].loopback4.ip}->{rr1}]"


def test_site_and_external_prefixes_exit_the_network_at_their_originator() -> None:
    site = trace("bb3", "198.19.0.0/24")
    assert site.traces[0].disposition is D.EXITS_NETWORK
    assert site.traces[0].hops[-1].node == "dr1"
    ext = trace("bb3", "203.0.113.5")
    assert ext.traces[0].disposition is D.EXITS_NETWORK
    assert [h.node for h in ext.traces[0].hops][-2:] == ["pr1", "p1"]


def test_no_route() -> None:
    assert trace("bb3", "192.0.2.1").traces[0].disposition is D.NO_ROUTE


def test_null_routed() -> None:
    row = trace("bb3", "192.0.2.1", statics("bb3", StaticRoute(TEST_NET, None)))
    assert row.traces[0].disposition is D.NULL_ROUTED


def test_loop() -> None:
    edit = both(statics("bb3", StaticRoute(TEST_NET, addr("rr1-bb3", "rr1"))),
                statics("rr1", StaticRoute(TEST_NET, addr("rr1-bb3", "bb3"))))
    row = trace("bb3", "192.0.2.1", edit)
    assert {t.disposition for t in row.traces} == {D.LOOP}
    assert [h.node for h in row.traces[0].hops] == ["bb3", "rr1"]


def test_neighbor_unreachable() -> None:
    def down(cfgs: dict[str, DeviceConfig]) -> None:
        name = link_interface(rr_net().network(), cfgs, "rr1-bb3", "rr1").name
        set_interface(cfgs, "rr1", name, enabled=False)
    row = trace("bb3", "192.0.2.1", both(statics("bb3", StaticRoute(TEST_NET, addr(
        "rr1-bb3", "rr1"))), down))
    assert row.traces[0].disposition is D.NEIGHBOR_UNREACHABLE


def test_delivered_to_subnet() -> None:
    def widen(cfgs: dict[str, DeviceConfig]) -> None:
        name = link_interface(rr_net().network(), cfgs, "bb3-pr1", "bb3").name
        ip = addr("bb3-pr1", "bb3")
        set_interface(cfgs, "bb3", name, ipv4=IPv4Interface(f"{ip}/28"))
    net = rr_net().network()
    free = next(a for a in ip_network(f"{addr('bb3-pr1', 'bb3')}/28", strict=False).hosts()
                if all(a not in lk.ipv4 for lk in net.links.values()))
    row = trace("rr1", str(free), widen)
    assert row.traces[0].disposition is D.DELIVERED_TO_SUBNET
    assert row.traces[0].hops[-1].node == "bb3"


def test_ecmp_traceroute_follows_every_branch() -> None:
    net = (Net().router("a", "s1").router("b", "s1").router("c", "s2").router("d", "s2")
           .link("a", "b").link("b", "d").link("a", "c").link("c", "d"))
    d_lo = net.network().routers["d"].loopback4.ip
    row = trace("a", str(d_lo), net=net)
    assert row.trace_count == 2
    assert sorted(t.hops[1].node for t in row.traces) == ["b", "c"]
    assert {t.disposition for t in row.traces} == {D.ACCEPTED}


def test_reachability_all_pairs_and_filter() -> None:
    eng = EmbeddedEngine()
    snap = rr_net().snapshot()
    rows = eng.reachability(snap)
    sources = {r.flow.ingress_node for r in rows}
    assert sources == {"rr1", "rr2", "bb3", "pr1", "dr1"}  # external peers excluded
    assert all(r.dispositions <= {D.ACCEPTED, D.EXITS_NETWORK} for r in rows)
    cut = rr_net().snapshot(FailureState(links_down=frozenset({"rr1-dr1"})))
    failing = eng.reachability(cut, dispositions=[D.NO_ROUTE])
    assert failing and all(D.NO_ROUTE in r.dispositions for r in failing)
    dsts = {str(r.flow.dst_ip) for r in failing}
    assert "198.19.0.1" in dsts
    only = eng.reachability(snap, sources=["bb3"], destinations=["198.19.0.0/24"])
    assert len(only) == 1 and only.rows[0].flow.dst_ip == ip_address("198.19.0.1")


def test_differential_reachability_lists_only_changed_flows() -> None:
    eng = EmbeddedEngine()
    base = rr_net().snapshot()
    cut = rr_net().snapshot(FailureState(links_down=frozenset({"rr1-dr1"})))
    rows = eng.differential_reachability(cut, base)
    assert rows
    assert list(rows.frame().columns) == ["Flow", "Snapshot_Traces", "Snapshot_TraceCount",
                                          "Reference_Traces", "Reference_TraceCount"]
    for r in rows:
        before = {t.disposition for t in r.reference_traces}
        after = {t.disposition for t in r.snapshot_traces}
        assert before != after
        assert before <= {D.ACCEPTED, D.EXITS_NETWORK}
    assert len(eng.differential_reachability(base, base)) == 0


def utilisation_net(capacity: float = 40.0) -> Net:
    return (Net().router("a", "s1", Role.PR).router("b", "s1").router("c", "s2")
            .router("d", "s2", Role.PR)
            .link("a", "b", capacity=capacity).link("b", "d", capacity=capacity)
            .link("a", "c", capacity=capacity).link("c", "d", capacity=capacity)
            .prefix("s1", "198.19.1.0/24", "2001:db8:2:1::/64", "a")
            .prefix("s2", "198.19.2.0/24", "2001:db8:2:2::/64", "d")
            .demand("s1", "s2", 100.0))


def test_utilisation_splits_over_ecmp_and_reports_overload() -> None:
    rows = EmbeddedEngine().link_utilisation(utilisation_net().snapshot())
    by = {(r.node, r.remote_node): r for r in rows}
    for hop in (("a", "b"), ("b", "d"), ("a", "c"), ("c", "d")):
        r = by[hop]
        assert r.load_gbps == pytest.approx(50.0)
        assert r.utilisation_pct == pytest.approx(125.0)
        assert r.dropped_gbps == pytest.approx(10.0)
    assert by[("d", "b")].load_gbps == 0.0
    assert len(rows) == 8  # every link, both directions


def test_utilisation_follows_a_failure() -> None:
    snap = utilisation_net(200.0).snapshot(FailureState(links_down=frozenset({"a-b"})))
    by = {(r.node, r.remote_node): r.load_gbps
          for r in EmbeddedEngine().link_utilisation(snap)}
    assert by[("a", "c")] == pytest.approx(100.0) and by[("c", "d")] == pytest.approx(100.0)
    assert by[("a", "b")] == 0.0


def test_layer3_edges() -> None:
    eng = EmbeddedEngine()
    rows = eng.layer3_edges(rr_net().snapshot())
    assert len(rows) == 2 * 6
    one = [r for r in rows if r.interface.hostname == "pr1" and r.remote_interface.hostname
           == "p1"]
    assert len(one) == 1 and len(one[0].ips) == 2
    cut = eng.layer3_edges(rr_net().snapshot(FailureState(links_down=frozenset({"pr1-p1"}))))
    assert len(cut) == 2 * 5


def test_file_parse_status_and_warnings() -> None:
    from pathlib import Path

    from netlab.parse.result import ParseWarning

    snap = rr_net().snapshot()
    snap = dataclasses.replace(snap, warnings={"bb3": (ParseWarning(
        "configs/bb3.cfg", 12, "frobnicate on\n"),)})
    eng = EmbeddedEngine()
    status = {r.file_name: r for r in eng.file_parse_status(snap)}
    assert status["configs/bb3.cfg"].status.value == "PARTIALLY_UNRECOGNIZED"
    assert status["configs/rr1.cfg"].status.value == "PASSED"
    assert status["configs/rr1.cfg"].nodes == ("rr1",)
    (w,) = eng.parse_warnings(snap)
    assert (w.filename, w.line, w.text) == ("configs/bb3.cfg", 12, "frobnicate on")
    assert Path(w.filename).name == "bb3.cfg"
