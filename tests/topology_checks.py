"""Invariants every built network must satisfy, shared by the topology tests.

``assert_invariants(network)`` checks what other layers rely on: ports are
interfaces of their routers in each vendor's naming, addresses and NETs are
unique and lab-safe, /31 and /127 ends pair up, express planes are disjoint
yet share conduits, the fibre map has no bridge and no single conduit cut
splits the backbone.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx

from netlab.model import addressing as ap
from netlab.model.naming import slot_of
from netlab.model.network import Network
from netlab.model.types import Backbone, LinkKind, Role
from netlab.topology.build import PORTS_PER_SLOT
from netlab.topology.planning import route_demands

__all__ = ["assert_invariants", "fibre_graph", "srlg_cut_utilisation"]

_GROUP = {LinkKind.LONGHAUL: 0, LinkKind.METRO: 0, LinkKind.ACCESS: 1, LinkKind.PEERING: 2}


def fibre_graph(network: Network) -> nx.Graph:
    """Sites as nodes, one edge per pair of sites joined by long-haul links."""
    g = nx.Graph()
    g.add_nodes_from(network.sites)
    for link in network.links.values():
        if link.kind is LinkKind.LONGHAUL:
            g.add_edge(network.routers[link.a.router].site, network.routers[link.b.router].site)
    return g


def _check_ports(network: Network) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for link in network.links.values():
        for end in (link.a, link.b):
            vendor = network.routers[end.router].vendor
            name = network.interface_of(link, end.router)
            assert slot_of(vendor, name) == (end.slot, end.port), (end, name)
            assert 0 <= end.port < PORTS_PER_SLOT
            assert name not in seen[end.router], f"{end.router} has {name} twice"
            seen[end.router].add(name)
    for router in network.routers:
        groups: dict[int, set[int]] = defaultdict(set)
        for link in network.links_of(router):
            groups[_GROUP[link.kind]].add(link.end(router).slot)
        order = [groups[g] for g in sorted(groups)]
        for low, high in itertools.pairwise(order):
            assert max(low) < min(high), f"{router}: linecards of link groups interleave"


def _check_addresses(network: Network) -> None:
    for r in network.routers.values():
        assert ap.is_infra_safe(r.loopback4.ip) and ap.is_infra_safe(r.loopback6.ip)
        assert ap.asn_allowed(r.asn)
        assert r.net.startswith("49.") and r.system_id == ap.system_id(r.loopback4.ip)
    for link in network.links.values():
        a4, b4 = link.address4(link.a.router), link.address4(link.b.router)
        a6, b6 = link.address6(link.a.router), link.address6(link.b.router)
        assert a4.network == b4.network == link.ipv4 and a4.ip < b4.ip
        assert a6.network == b6.network == link.ipv6 and a6.ip < b6.ip
        assert ap.is_infra_safe(link.ipv4) and ap.is_infra_safe(link.ipv6)
    for e in network.external_networks.values():
        assert all(ap.is_external_safe(p) for p in e.prefixes4)
        assert all(ap.is_external_safe(p) for p in e.prefixes6)
        assert e.asn in ap.DOCUMENTATION_ASNS


def _check_planes(network: Network) -> None:
    for link in network.links.values():
        planes = {network.routers[e.router].plane for e in (link.a, link.b)} - {None}
        assert len(planes) <= 1, f"{link.id} joins planes {planes}"
        assert link.plane == (planes.pop() if planes else None)
    if network.backbone is not Backbone.EXPRESS:
        return
    by_srlg: dict[str, set[int]] = defaultdict(set)
    for link in network.links.values():
        if link.kind is LinkKind.LONGHAUL:
            assert link.plane is not None
            for srlg in link.srlgs:
                by_srlg[srlg].add(link.plane)
    assert by_srlg
    for srlg, on in by_srlg.items():
        assert on == set(range(network.planes)), f"{srlg} is on planes {on} only"


def _check_survives_conduit_cuts(network: Network) -> None:
    internal = [r.name for r in network.internal_routers()]
    for srlg, links in network.srlgs().items():
        dead = set(links)
        g = nx.Graph()
        g.add_nodes_from(internal)
        g.add_edges_from((lk.a.router, lk.b.router) for lk in network.links.values()
                         if lk.id not in dead and lk.a.router in g and lk.b.router in g)
        if network.backbone is Backbone.EXPRESS:
            for plane in range(network.planes):
                members = [r.name for r in network.routers_with(Role.EBB, plane=plane)]
                assert nx.is_connected(g.subgraph(members)), f"{srlg} splits plane {plane}"
        else:
            assert nx.is_connected(g), f"cutting {srlg} splits the backbone"


def assert_invariants(network: Network) -> None:
    """Fail with a readable message if ``network`` breaks any layer's assumption."""
    assert network.problems() == []
    _check_ports(network)
    _check_addresses(network)
    _check_planes(network)
    fibre = fibre_graph(network)
    assert nx.is_connected(fibre) and not list(nx.bridges(fibre)), "fibre map has a bridge"
    _check_survives_conduit_cuts(network)
    for link in network.links.values():
        assert link.capacity_gbps >= 100 and link.capacity_gbps % 100 == 0


def srlg_cut_utilisation(network: Network) -> tuple[float, dict[str, float]]:
    """Site-level peak utilisation at baseline and after each SRLG cut (demands on ECMP)."""
    sites = list(network.sites)
    index = {s: i for i, s in enumerate(sites)}
    spans: dict[tuple[int, int], list[str]] = defaultdict(list)
    for link in network.links.values():
        if link.kind is LinkKind.LONGHAUL:
            a = index[network.routers[link.a.router].site]
            b = index[network.routers[link.b.router].site]
            spans[min(a, b), max(a, b)].append(link.id)
    keys = sorted(spans)
    metrics = [min(network.links[i].metric for i in spans[k]) for k in keys]
    demands = [(index[d.src], index[d.dst], d.gbps) for d in network.demands]

    def worst(dead: set[str]) -> float:
        caps = [sum(network.links[i].capacity_gbps for i in spans[k] if i not in dead)
                for k in keys]
        failed = [i for i, c in enumerate(caps) if c == 0]
        loads = route_demands(len(sites), keys, metrics, demands, failed)
        assert loads.unrouted == 0
        return max(loads.peak(i) / c for i, c in enumerate(caps) if c)

    return worst(set()), {s: worst(set(ids)) for s, ids in network.srlgs().items()}
