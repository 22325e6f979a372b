"""BGP in the embedded engine: sessions and why they are down, RIBs, reflection, policy."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from ipaddress import IPv4Address, ip_address, ip_network
from typing import Any

import pytest
from data.engine.nets import link_interface, random_backbone, rr_net, set_interface, set_neighbor

from netlab.engines.base import (
    BgpRouteStatus,
    ConfiguredStatus,
    EstablishedStatus,
    RoutingProtocol,
    SessionReason,
    SessionType,
)
from netlab.engines.embedded import EmbeddedEngine
from netlab.engines.embedded.analysis import analyse
from netlab.engines.embedded.bgp_rib import BgpRib
from netlab.model.device import Action, DeviceConfig, PolicyTerm, RoutePolicy
from netlab.model.network import FailureState
from netlab.model.types import Vendor

EXT = ip_network("203.0.113.0/28")
SITE = ip_network("198.19.0.0/24")


def lo(net: Any, router: str) -> IPv4Address:
    addr: IPv4Address = net.network().routers[router].loopback4.ip
    return addr


def peer_addr(router: str, other: str) -> Any:
    return rr_net().network().links[f"{other}-{router}" if f"{other}-{router}" in
                                    rr_net().network().links else f"{router}-{other}"
                                    ].address4(other).ip


def sessions(edit: Callable[[dict[str, DeviceConfig]], None] | None = None,
             failures: FailureState | None = None) -> dict[tuple[str, str], Any]:
    snap = rr_net().snapshot(failures, edit)
    return {(r.node, str(r.remote_ip)): r for r in EmbeddedEngine().bgp_session_status(snap)}


def compat(edit: Callable[[dict[str, DeviceConfig]], None] | None = None
           ) -> dict[tuple[str, str], Any]:
    snap = rr_net().snapshot(edit=edit)
    return {(r.node, str(r.remote_ip)): r
            for r in EmbeddedEngine().bgp_session_compatibility(snap)}


def test_healthy_network_has_every_session_established() -> None:
    rows = sessions()
    # per family: rr1-rr2, 3 clients x 2 RRs and pr1-p1 sessions, a row for each end
    assert len(rows) == 2 * 2 * (1 + 3 * 2 + 1)
    assert {r.established_status for r in rows.values()} == {EstablishedStatus.ESTABLISHED}
    ibgp = rows[("bb3", str(lo(rr_net(), "rr1")))]
    assert ibgp.session_type is SessionType.IBGP and ibgp.local_ip == lo(rr_net(), "bb3")
    ebgp = rows[("pr1", str(peer_addr("pr1", "p1")))]
    assert ebgp.session_type is SessionType.EBGP_SINGLEHOP and ebgp.remote_node == "p1"
    c = compat()
    assert {r.configured_status for r in c.values()} == {ConfiguredStatus.UNIQUE_MATCH}


def _on(router: str, which: Any, /, **changes: Any
        ) -> Callable[[dict[str, DeviceConfig]], None]:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        set_neighbor(cfgs, router, lambda n: n.address == which, **changes)
    return edit


def _both(*edits: Callable[[dict[str, DeviceConfig]], None]
          ) -> Callable[[dict[str, DeviceConfig]], None]:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        for e in edits:
            e(cfgs)
    return edit


RR1, BB3, DR1 = lo(rr_net(), "rr1"), lo(rr_net(), "bb3"), lo(rr_net(), "dr1")
P1 = peer_addr("pr1", "p1")
PR1_LINK = peer_addr("p1", "pr1")

REASONS: list[tuple[str, Any, Any, tuple[str, str], EstablishedStatus, SessionReason]] = [
    ("remote-as", _on("bb3", RR1, remote_as=65001), None, ("bb3", str(RR1)),
     EstablishedStatus.NOT_COMPATIBLE, SessionReason.REMOTE_AS_MISMATCH),
    ("remote-as seen from the other end", _on("bb3", RR1, remote_as=65001), None,
     ("rr1", str(BB3)), EstablishedStatus.NOT_COMPATIBLE, SessionReason.REMOTE_AS_MISMATCH),
    ("neighbor typo", _on("bb3", RR1, address=IPv4Address("198.18.0.250")), None,
     ("bb3", "198.18.0.250"), EstablishedStatus.NOT_COMPATIBLE, SessionReason.UNKNOWN_REMOTE),
    ("typo seen from the other end", _on("bb3", RR1, address=IPv4Address("198.18.0.250")),
     None, ("rr1", str(BB3)), EstablishedStatus.NOT_COMPATIBLE,
     SessionReason.NOT_CONFIGURED_ON_REMOTE),
    ("update-source removed on both ends",
     _both(_on("bb3", RR1, update_source=None), _on("rr1", BB3, update_source=None)), None,
     ("bb3", str(RR1)), EstablishedStatus.NOT_ESTABLISHED, SessionReason.UPDATE_SOURCE_MISMATCH),
    ("password", _on("pr1", P1, password="typo1"), None, ("pr1", str(P1)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.PASSWORD_MISMATCH),
    ("shutdown", _on("rr1", BB3, shutdown=True), None, ("bb3", str(RR1)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.NEIGHBOR_SHUTDOWN),
    ("max-prefix", _on("pr1", P1, max_prefix=1), None, ("pr1", str(P1)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.MAX_PREFIX_EXCEEDED),
    ("max-prefix seen from the peer", _on("pr1", P1, max_prefix=1), None, ("p1", str(PR1_LINK)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.MAX_PREFIX_EXCEEDED),
    ("peer down", None, FailureState(nodes_down=frozenset({"p1"})), ("pr1", str(P1)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.PEER_DOWN),
    ("node down", None, FailureState(nodes_down=frozenset({"p1"})), ("p1", str(PR1_LINK)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.NODE_DOWN),
    ("no IGP route", None, FailureState(links_down=frozenset({"rr1-dr1"})), ("dr1", str(RR1)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.NO_IGP_ROUTE),
    ("no layer-1 path", None, FailureState(links_down=frozenset({"pr1-p1"})), ("pr1", str(P1)),
     EstablishedStatus.NOT_ESTABLISHED, SessionReason.NO_LAYER1_PATH),
]


@pytest.mark.parametrize(("edit", "failures", "key", "status", "reason"),
                         [r[1:] for r in REASONS], ids=[r[0] for r in REASONS])
def test_each_session_down_reason(edit: Any, failures: Any, key: tuple[str, str],
                                  status: EstablishedStatus, reason: SessionReason) -> None:
    row = sessions(edit, failures)[key]
    assert (row.established_status, row.reason) == (status, reason)
    assert row.detail


def test_interface_admin_down_takes_the_ebgp_session_down() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        name = link_interface(rr_net().network(), cfgs, "pr1-p1", "pr1").name
        set_interface(cfgs, "pr1", name, enabled=False)
    row = sessions(edit)[("pr1", str(P1))]
    assert row.reason is SessionReason.INTERFACE_DOWN


def test_ebgp_to_a_loopback_is_not_directly_connected() -> None:
    p1_lo = lo(rr_net(), "p1")
    rows = compat(_on("pr1", P1, address=p1_lo))
    row = rows[("pr1", str(p1_lo))]
    assert row.configured_status is ConfiguredStatus.NO_LOCAL_IP
    assert row.reason is SessionReason.EBGP_NOT_DIRECTLY_CONNECTED


def test_update_source_missing_on_one_end_still_comes_up() -> None:
    """The end that still sources from its loopback opens the TCP connection (FRR does)."""
    rows = sessions(_on("bb3", RR1, update_source=None))
    assert rows[("bb3", str(RR1))].established_status is EstablishedStatus.ESTABLISHED
    assert rows[("bb3", str(RR1))].local_ip == BB3
    assert compat(_on("bb3", RR1, update_source=None))[("bb3", str(RR1))].configured_status \
        is ConfiguredStatus.LOCAL_IP_UNKNOWN_STATICALLY


def rib(edit: Any = None, failures: Any = None, net: Any = None, node: str = "bb3",
        prefix: Any = EXT) -> list[Any]:
    snap = (net or rr_net()).snapshot(failures, edit)
    return list(EmbeddedEngine().bgp_rib(snap, nodes=[node], prefix=str(prefix)))


def test_route_reflection_sets_originator_and_cluster_list() -> None:
    rows = rib(prefix=SITE)
    assert len(rows) == 2  # one reflection from each RR
    assert {r.received_from_ip for r in rows} == {RR1, lo(rr_net(), "rr2")}
    assert {r.originator_id for r in rows} == {DR1}
    assert {r.cluster_list for r in rows} == {(RR1,), (lo(rr_net(), "rr2"),)}
    assert all(r.next_hop_ip == DR1 and r.protocol is RoutingProtocol.IBGP for r in rows)
    assert [r.status for r in rows] == [BgpRouteStatus.BEST, BgpRouteStatus.BEST]  # multipath


def test_external_path_with_next_hop_self() -> None:
    rows = rib()
    assert rows and all(r.next_hop_ip == lo(rr_net(), "pr1") for r in rows)
    assert str(rows[0].as_path) == "64500" and rows[0].local_pref == 100


def test_next_hop_self_missing_holds_the_route_out() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        set_neighbor(cfgs, "pr1", lambda n: True, next_hop_self=False)
    at_rr = rib(edit, node="rr1")
    assert [r.status for r in at_rr] == [BgpRouteStatus.INACCESSIBLE]
    assert at_rr[0].next_hop_ip == P1
    assert rib(edit) == []  # the RR has nothing usable to reflect


def test_import_deny_keeps_the_session_but_drops_routes() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        cfg = cfgs["pr1"]
        deny = RoutePolicy("DENY-ALL", (PolicyTerm("all", Action.DENY),), Action.DENY)
        cfgs["pr1"] = dataclasses.replace(cfg, route_policies=(*cfg.route_policies, deny))
        set_neighbor(cfgs, "pr1", lambda n: n.address == P1, import_policy="DENY-ALL")
    assert rib(edit, node="pr1") == []
    assert sessions(edit)[("pr1", str(P1))].established_status is EstablishedStatus.ESTABLISHED


def test_import_policy_local_preference() -> None:
    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        cfg = cfgs["pr1"]
        pols = tuple(dataclasses.replace(p, terms=tuple(
            dataclasses.replace(t, set_local_preference=300) if t.action is Action.PERMIT else t
            for t in p.terms)) if p.name.startswith("IN-") else p for p in cfg.route_policies)
        cfgs["pr1"] = dataclasses.replace(cfg, route_policies=pols)
    assert {r.local_pref for r in rib(edit)} == {300}


def _no_import(cfgs: dict[str, DeviceConfig]) -> None:
    set_neighbor(cfgs, "pr1", lambda n: n.address == P1, import_policy=None)


def test_iosxr_ebgp_without_policy_accepts_nothing() -> None:
    assert rib(_no_import, net=rr_net(Vendor.IOSXR), node="pr1") == []
    assert len(rib(_no_import, net=rr_net(Vendor.FRR), node="pr1")) == 1


def test_ecmp_over_two_exits_at_the_reflector_which_reflects_one() -> None:
    net = rr_net(second_pr=True)
    rows = rib(net=net, node="rr1")
    best = [r for r in rows if r.status is BgpRouteStatus.BEST]
    assert {r.next_hop_ip for r in best} == {lo(net, "pr1"), lo(net, "pr2")}  # multipath
    routes = EmbeddedEngine().routes(net.snapshot(), nodes=["rr1"], prefix=str(EXT))
    assert {r.next_hop_ip for r in routes} == {lo(net, "pr1"), lo(net, "pr2")}
    assert {r.protocol for r in routes} == {RoutingProtocol.IBGP}
    # without add-path a reflector advertises its best path only: bb3 sees pr1's (lower id)
    assert {r.next_hop_ip for r in rib(net=net)} == {lo(net, "pr1")}


def test_local_preference_beats_igp_cost() -> None:
    net = rr_net(second_pr=True)

    def edit(cfgs: dict[str, DeviceConfig]) -> None:
        cfg = cfgs["pr2"]
        pols = tuple(dataclasses.replace(p, terms=tuple(
            dataclasses.replace(t, set_local_preference=150) if t.action is Action.PERMIT else t
            for t in p.terms)) if p.name.startswith("IN-") else p for p in cfg.route_policies)
        cfgs["pr2"] = dataclasses.replace(cfg, route_policies=pols)
    rows = rib(edit, net=net, node="rr1")
    # from pr2 directly, and reflected by rr2 (the shorter cluster list is the best)
    assert [(r.next_hop_ip, r.local_pref, r.status, r.cluster_list) for r in rows] == [
        (lo(net, "pr2"), 150, BgpRouteStatus.BEST, ()),
        (lo(net, "pr2"), 150, BgpRouteStatus.BEST, (lo(net, "rr2"),))]
    # pr1 now prefers the reflected path and withdraws its own (it advertises its best only)
    at_pr1 = rib(edit, net=net, node="pr1")
    assert [(r.protocol, r.status) for r in at_pr1] == [
        (RoutingProtocol.IBGP, BgpRouteStatus.BEST), (RoutingProtocol.IBGP, BgpRouteStatus.BEST),
        (RoutingProtocol.BGP, BgpRouteStatus.BACKUP)]


@pytest.mark.parametrize(("vendor", "ebgp", "ibgp"), [(Vendor.JUNOS, 170, 170),
                                                      (Vendor.IOSXR, 20, 200),
                                                      (Vendor.EOS, 200, 200),
                                                      (Vendor.FRR, 20, 200)])
def test_admin_distances_per_vendor(vendor: Vendor, ebgp: int, ibgp: int) -> None:
    snap = rr_net(vendor).snapshot()
    eng = EmbeddedEngine()
    (ext,) = eng.routes(snap, nodes=["pr1"], prefix=str(EXT))
    assert (ext.protocol, ext.admin_distance) == (RoutingProtocol.BGP, ebgp)
    (site,) = eng.routes(snap, nodes=["pr1"], prefix=str(SITE))
    assert (site.protocol, site.admin_distance) == (RoutingProtocol.IBGP, ibgp)
    isis = [r for r in eng.routes(snap, nodes=["pr1"]) if r.protocol is RoutingProtocol.ISIS_L2]
    assert isis and {r.admin_distance for r in isis} == {18 if vendor is Vendor.JUNOS else 115}


def test_main_rib_has_connected_local_static_isis_and_bgp() -> None:
    snap = rr_net().snapshot()
    rows = EmbeddedEngine().routes(snap, nodes=["dr1"])
    protocols = {r.protocol for r in rows}
    assert protocols == {RoutingProtocol.CONNECTED, RoutingProtocol.LOCAL,
                         RoutingProtocol.STATIC, RoutingProtocol.ISIS_L2, RoutingProtocol.IBGP}
    anchor = [r for r in rows if r.network == SITE]
    assert anchor[0].protocol is RoutingProtocol.STATIC and anchor[0].next_hop.discard


@pytest.mark.parametrize("seed", range(5))
def test_grouped_bgp_equals_the_reference_run(seed: int) -> None:
    """Receiver groups and lazy stubs give exactly what running every router does."""
    net = random_backbone(seed, routers=18, extra_links=10, rrs=2, peers=2,
                          vendors=(Vendor.FRR, Vendor.JUNOS, Vendor.IOSXR))
    a = analyse(net.snapshot())
    ref = BgpRib(a.inv, a.igp, a.sessions, reference=True)
    assert a.bgp.groups and a.bgp.stubs
    for p in ref.prefixes():
        for i in range(len(a.inv.names)):
            got, want = a.bgp.selection(i, p), ref.selection(i, p)
            assert (got is None) == (want is None)
            if got is not None and want is not None:
                assert got.paths == want.paths
            assert sorted(map(str, a.bgp.candidates(i, p))) == sorted(
                map(str, ref.candidates(i, p)))


def test_session_rows_for_a_dead_router() -> None:
    rows = sessions(failures=FailureState(nodes_down=frozenset({"rr2"})))
    own = [r for r in rows.values() if r.node == "rr2"]
    assert own and all(r.reason is SessionReason.NODE_DOWN for r in own)
    assert rows[("bb3", str(lo(rr_net(), "rr2")))].reason is SessionReason.PEER_DOWN
    assert ip_address(str(RR1)) == RR1


def test_an_originating_client_first_in_its_group_still_feeds_the_others() -> None:
    """Clients share one decision per group; the group must not read the originator's feeds
    (its reflector never sends the originator its own path back)."""
    from data.engine.nets import Net

    from netlab.model.types import Role

    net = (Net().router("d1", "dc1", Role.DR).router("rr1", "core", rr=True)
           .router("rr2", "core", rr=True).router("x1", "core2").router("x2", "core2")
           .link("d1", "rr1").link("rr1", "rr2").link("rr1", "x1").link("rr2", "x2")
           .link("x1", "x2").prefix("dc1", "198.19.7.0/24", "2001:db8:2:7::/64", "d1"))
    a = analyse(net.snapshot())
    d1 = a.inv.index["d1"]
    assert d1 in a.bgp.group_of and a.bgp.group_of[d1][1] == 0
    ref = BgpRib(a.inv, a.igp, a.sessions, reference=True)
    site = ip_network("198.19.7.0/24")
    for name in ("x1", "x2", "rr1", "rr2"):
        i = a.inv.index[name]
        got = a.bgp.selection(i, site)
        assert got is not None and got.paths == ref.selection(i, site).paths  # type: ignore[union-attr]
    rr1 = a.bgp.speakers[a.inv.index["rr1"]]
    assert lo(net, "d1") in rr1.clients and lo(net, "rr1") not in rr1.clients


def test_update_source_without_an_address_is_an_invalid_local_ip() -> None:
    rows = compat(_on("bb3", RR1, update_source="lo9"))
    row = rows[("bb3", str(RR1))]
    assert row.configured_status is ConfiguredStatus.INVALID_LOCAL_IP
    assert row.reason is SessionReason.INVALID_LOCAL_IP
    status = sessions(_on("bb3", RR1, update_source="lo9"))[("bb3", str(RR1))]
    assert status.established_status is EstablishedStatus.NOT_COMPATIBLE


def test_max_prefix_on_a_stub_routers_own_session() -> None:
    """A stub (here the external peer router) is decided lazily; its limits still count."""
    net = rr_net().prefix("core2", "198.19.1.0/24", "2001:db8:2:1::/64", "bb3")
    snap = net.snapshot(edit=_on("p1", PR1_LINK, max_prefix=1))
    rows = {(r.node, str(r.remote_ip)): r for r in EmbeddedEngine().bgp_session_status(snap)}
    assert rows[("p1", str(PR1_LINK))].reason is SessionReason.MAX_PREFIX_EXCEEDED
    assert rows[("pr1", str(P1))].reason is SessionReason.MAX_PREFIX_EXCEEDED
    ok = net.snapshot(edit=_on("p1", PR1_LINK, max_prefix=2))
    assert EmbeddedEngine().bgp_session_status(ok, nodes=["p1"]).rows[0].reason is None
