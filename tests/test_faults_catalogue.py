"""Every fault type, injected into the shipped small topologies, through the engine.

For each type and topology the parameters are picked (seeded) and the faulted
snapshot is compared with the baseline **through the embedded engine**:

* every symptom the type declares shows in the engine's answers;
* nothing outside the fault's blast radius changes. The radius:

  - IS-IS adjacencies: a fault located on links changes only adjacencies on those
    links; a fault located on routers only adjacencies with an end on them
    (BGP faults change no adjacency at all);
  - BGP sessions: only sessions with an end on the fault's routers change, and a
    physical or IS-IS fault may also break a session whose endpoints it cut
    apart in the IGP (reason ``no-igp-route-to-peer``), nothing else;
  - IS-IS routes: a BGP fault changes none; any other fault may re-route, but
    a router outside the location loses only prefixes that belong to the
    location (loopbacks and interfaces of its routers, subnets of its links);
  - BGP prefixes: a fault that declares no BGP symptom and breaks no BGP session
    moves traffic but adds or removes no router's BGP prefixes (a physical fault
    that takes down an eBGP link, e.g. a DC router's linecard, may: the routes of
    the sessions it legitimately broke go with them).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_network

import pytest
from fault_helpers import TOPOLOGIES, FaultLab, fault_cases, lab

from netlab.engines.base import (
    AdjacencyState,
    BgpRibRow,
    BgpRouteStatus,
    EstablishedStatus,
    IPNetwork,
    IsisRouteRow,
    SessionReason,
)
from netlab.evidence.incident import Incident
from netlab.faults import CATALOGUE, Category, FaultRecord, Symptom
from netlab.model.naming import interface_name
from netlab.model.types import Role

__all__ = ["lab"]

# Fault types that have nowhere to go on a topology, and why.
NOT_APPLICABLE = {
    ("express-small", "bgp-leak"): "the express backbone has no external peers",
}
# Cases the embedded engine gets wrong today (strict: a fix makes them fail loudly).
ENGINE_GAPS: dict[tuple[str, str], str] = {}


def _link_of_ports(incident: Incident) -> dict[tuple[str, str], str]:
    out = {}
    for link in incident.network.links.values():
        for end in (link.a, link.b):
            vendor = incident.faulted.configs[end.router].vendor
            out[(end.router, interface_name(vendor, end.slot, end.port,
                                            link.capacity_gbps))] = link.id
    return out


def observed(incident: Incident) -> set[Symptom]:
    """The symptoms the engine's answers show (baseline against faulted)."""
    e, b, f = incident.engine, incident.baseline, incident.faulted
    seen: set[Symptom] = set()
    if set(b.layer1) - set(f.layer1):
        seen.add(Symptom.LAYER1)
    before = {(r.node, r.interface): r.state for r in e.isis_adjacencies(b)}
    after = {(r.node, r.interface): r.state for r in e.isis_adjacencies(f)}
    if any(s is AdjacencyState.UP and after.get(k) is not AdjacencyState.UP
           for k, s in before.items()):
        seen.add(Symptom.ISIS_ADJACENCY)
    if set(e.isis_routes(b).rows) != set(e.isis_routes(f).rows):
        seen.add(Symptom.ISIS_ROUTES)
    sb = {(r.node, r.remote_ip): r.established_status for r in e.bgp_session_status(b)}
    sf = {(r.node, r.remote_ip): r.established_status for r in e.bgp_session_status(f)}
    if any(s is EstablishedStatus.ESTABLISHED and sf.get(k) is not EstablishedStatus.ESTABLISHED
           for k, s in sb.items()):
        seen.add(Symptom.BGP_SESSION)
    if set(e.bgp_rib(b).rows) != set(e.bgp_rib(f).rows):
        seen.add(Symptom.BGP_ROUTES)
    if len(e.differential_reachability(f, b)) > 0:
        seen.add(Symptom.REACHABILITY)
    ub = {(r.link, r.node): round(r.load_gbps, 6) for r in e.link_utilisation(b)}
    uf = {(r.link, r.node): round(r.load_gbps, 6) for r in e.link_utilisation(f)}
    if ub != uf:
        seen.add(Symptom.UTILISATION)
    page = incident.clock.page_minute
    if any(flap.flaps(page) > 0 for flap in incident.flaps) or any(
            o.reading(page, 1.0, 100.0).crc_errors > 0 for o in incident.optics):
        seen.add(Symptom.INTERFACE_ERRORS)
    return seen


def _location(rec: FaultRecord) -> tuple[set[str], set[str]]:
    return set(rec.location.routers), set(rec.location.links)


def _owned(incident: Incident, routers: set[str], links: set[str]) -> set[IPNetwork]:
    """Prefixes that belong to the fault's location."""
    out: set[IPNetwork] = set()
    for name in routers:
        for itf in incident.baseline.configs[name].interfaces:
            for addr in (itf.ipv4, itf.ipv6):
                if addr is not None:
                    out.add(addr.network)
        for link in incident.network.links_of(name):
            out |= {link.ipv4, link.ipv6}
    for lid in links:
        link = incident.network.link(lid)
        out |= {link.ipv4, link.ipv6}
    return out


def check_radius(incident: Incident) -> None:
    """Nothing outside the fault's blast radius changed (see the module docstring)."""
    e, b, f = incident.engine, incident.baseline, incident.faulted
    rec = incident.faults[-1]
    ft = CATALOGUE[rec.type]
    routers, links = _location(rec)
    port_link = _link_of_ports(incident)

    after = {(r.node, r.interface): r for r in e.isis_adjacencies(f)}
    for r in e.isis_adjacencies(b):
        a = after.get((r.node, r.interface))
        if a is not None and a.state is r.state:
            continue
        if ft.category is Category.BGP:
            pytest.fail(f"{rec.type} changed IS-IS adjacency {r.node} {r.interface}")
        inside = (port_link.get((r.node, r.interface)) in links if links
                  else r.node in routers or r.remote_node in routers)
        assert inside, (f"{rec.type} at {rec.location.describe()} changed adjacency "
                        f"{r.node} {r.interface} -> {r.remote_node}")

    sf = {(r.node, r.remote_ip): r for r in e.bgp_session_status(f)}
    broken = 0
    for s in e.bgp_session_status(b):
        now = sf.get((s.node, s.remote_ip))
        if now is not None and now.established_status is s.established_status:
            continue
        broken += 1
        if s.node in routers or s.remote_node in routers:
            continue
        allowed = ft.category is not Category.BGP and now is not None and now.reason in (
            SessionReason.NO_IGP_ROUTE, SessionReason.PEER_DOWN)
        assert allowed, (f"{rec.type} at {rec.location.describe()} changed session "
                         f"{s.node} -> {s.remote_ip} ({now.reason if now else 'removed'})")

    rb, rf = _isis_prefixes(e.isis_routes(b).rows), _isis_prefixes(e.isis_routes(f).rows)
    if ft.category is Category.BGP:
        assert set(e.isis_routes(b).rows) == set(e.isis_routes(f).rows), (
            f"{rec.type} changed IS-IS routes")
    else:
        owned = _owned(incident, routers, links)
        for node, prefixes in rb.items():
            if node in routers:
                continue
            lost = prefixes - rf.get(node, set()) - owned
            assert not lost, f"{rec.type}: {node} lost IS-IS routes {sorted(map(str, lost))}"

    if not ft.symptoms & {Symptom.BGP_SESSION, Symptom.BGP_ROUTES} and not broken:
        assert _bgp_prefixes(e.bgp_rib(b).rows) == _bgp_prefixes(e.bgp_rib(f).rows), (
            f"{rec.type} added or removed BGP prefixes")


def _isis_prefixes(rows: Iterable[IsisRouteRow]) -> dict[str, set[IPNetwork]]:
    out: dict[str, set[IPNetwork]] = {}
    for r in rows:
        out.setdefault(r.node, set()).add(r.network)
    return out


def _bgp_prefixes(rows: Iterable[BgpRibRow]) -> dict[str, set[IPNetwork]]:
    out: dict[str, set[IPNetwork]] = {}
    for r in rows:
        if r.status is BgpRouteStatus.BEST:
            out.setdefault(r.node, set()).add(r.network)
    return out


@pytest.mark.parametrize(("topology", "fault"), fault_cases(ENGINE_GAPS))
def test_fault_shows_its_symptoms_and_stays_in_its_radius(lab: FaultLab, topology: str,
                                                          fault: str) -> None:
    params = lab.picked(topology, fault)
    if params is None:
        assert (topology, fault) in NOT_APPLICABLE, f"{fault} found nowhere on {topology}"
        pytest.skip(NOT_APPLICABLE[(topology, fault)])
    incident = lab.incident(topology, [(fault, params)])
    missing = CATALOGUE[fault].symptoms - observed(incident)
    assert not missing, f"{fault} {params}: declared symptoms not seen: {sorted(missing)}"
    check_radius(incident)


def test_every_fault_type_applies_to_classic_small(lab: FaultLab) -> None:
    for name in CATALOGUE:
        assert lab.picked("classic-small", name) is not None, name


def test_srlg_cut_on_express_spans_several_planes(lab: FaultLab) -> None:
    params = lab.picked("express-small", "srlg-cut")
    assert params is not None
    incident = lab.incident("express-small", [("srlg-cut", params)])
    links = incident.faults[0].location.links
    planes = {incident.network.link(lid).plane for lid in links}
    assert len(planes) >= 2
    down = {r.node for r in incident.engine.isis_adjacencies(incident.faulted)
            if r.state is not AdjacencyState.UP}
    assert {incident.network.routers[n].plane for n in down} == planes


def test_two_faults_compose_and_a_red_herring_keeps_its_own_radius(lab: FaultLab) -> None:
    cut = lab.picked("classic-small", "link-down")
    herring = {"router": "lon1-pr1", "link": "lon1-pr1--transit1-lon1", "loss": 0.5,
               "growth": 0.2}
    assert cut is not None
    incident = lab.incident("classic-small", [("link-down", cut), ("optic-degrade", herring)])
    assert [f.type for f in incident.faults] == ["link-down", "optic-degrade"]
    seen = observed(incident)
    assert {Symptom.LAYER1, Symptom.ISIS_ADJACENCY, Symptom.INTERFACE_ERRORS} <= seen
    single = lab.incident("classic-small", [("link-down", cut)])
    e = incident.engine
    assert set(e.isis_adjacencies(incident.faulted)) == set(
        e.isis_adjacencies(single.faulted))
    assert incident.optics and incident.optics[0].router == "lon1-pr1"


def test_faults_stack_in_order_with_their_own_start_minutes(lab: FaultLab) -> None:
    cut = lab.picked("classic-small", "link-down")
    shut = lab.picked("classic-small", "bgp-shutdown")
    assert cut is not None and shut is not None
    incident = lab.incident("classic-small", [("link-down", cut, 0.0),
                                              ("bgp-shutdown", shut, 2.5)])
    assert incident.clock.fault_starts == (0.0, 2.5)
    assert Symptom.BGP_SESSION in observed(incident)


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_picked_parameters_are_reproducible(lab: FaultLab, topology: str) -> None:
    for name in CATALOGUE:
        assert lab.picked(topology, name) == lab.picked(topology, name)


def test_owned_prefixes_cover_the_location(lab: FaultLab) -> None:
    cut = lab.picked("classic-small", "link-down")
    assert cut is not None
    incident = lab.incident("classic-small", [("link-down", cut)])
    link = incident.network.link(cut["link"])
    owned = _owned(incident, set(), {link.id})
    assert {ip_network(link.ipv4), ip_network(link.ipv6)} <= owned
    assert all(isinstance(p, IPv4Network | IPv6Network) for p in owned)
    assert incident.network.routers[link.a.router].role is not Role.PEER
