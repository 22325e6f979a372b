"""Generate a classic backbone: edge PoPs and data centres over a long-haul fibre map.

Every site has two backbone routers (``<site>-bb1``, ``-bb2``) joined by a
metro link. Each fibre span carries two long-haul links, bb1-bb1 and
bb2-bb2, in the span's conduit (SRLG ``cdt-<a>-<b>``); on a seeded fraction
of spans the bb2 link takes a diverse second conduit (``cdt-<a>-<b>-2``), so
one backhoe takes both links down on most spans but only one on those.
PoPs have peering routers (``pr``), DCs DC routers (``dr``), each with an
access link to both local backbone routers. External networks (transits and
peers, documentation ASNs, TEST-NET prefixes) are each present at a seeded
subset of PoPs — every PoP has at least one — as one peer router per PoP with
a peering link to a pr. The bb routers of the most central sites are the
route reflectors. Demands follow a gravity model (DCs → PoPs, with a quarter
of that back) and capacities are planned on them (:mod:`~netlab.topology.planning`).
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass

from netlab.errors import TopologyError
from netlab.model.addressing import DOCUMENTATION_ASNS
from netlab.model.types import Backbone, PeerKind, Role
from netlab.topology.planning import hub_sites, route_demands, size_capacity
from netlab.topology.schema import (
    NAME_PATTERN,
    DemandSpec,
    ExternalNetworkSpec,
    LinkSpec,
    RouterSpec,
    TopologySpec,
)
from netlab.topology.sitemap import SiteMap, gravity_demands, site_map

__all__ = ["ClassicParams", "generate_classic"]

GBPS_PER_WEIGHT = 40.0  # download traffic of a PoP per million people it serves
UPLOAD_SHARE = 0.25  # PoP → DC traffic as a share of DC → PoP
DC_FANOUT = 3  # a PoP is served by its 3 most attractive DCs
_PRESENCE = {PeerKind.TRANSIT: 0.6, PeerKind.PEER: 0.35}


@dataclass(frozen=True, slots=True)
class ClassicParams:
    """Parameters of :func:`generate_classic`; the same values give the same network."""

    pops: int = 4
    dcs: int = 2
    prs_per_pop: int = 2
    drs_per_dc: int = 2
    peers: int = 4  # external networks, transits first (ceil(peers / 2) of them)
    seed: int = 1
    rr_sites: int = 2
    neighbours: int = 2
    diverse: float = 0.25  # share of spans whose bb2 link takes a second conduit
    name: str = "classic"

    def check(self) -> None:
        """Raise :class:`TopologyError` for parameters no network can have."""
        problems = [
            (re.fullmatch(NAME_PATTERN, self.name) is None or len(self.name) > 63,
             f"network name {self.name!r} must be lowercase words joined by single hyphens"),
            (self.pops < 1, "--pops must be at least 1"),
            (self.dcs < 1, "--dcs must be at least 1"),
            (self.pops + self.dcs < 3, "a backbone needs at least 3 sites (--pops + --dcs)"),
            (not 1 <= self.prs_per_pop <= 16, "--prs-per-pop must be 1..16"),
            (not 1 <= self.drs_per_dc <= 16, "--drs-per-dc must be 1..16"),
            (not 0 <= self.peers <= len(DOCUMENTATION_ASNS),
             f"--peers must be 0..{len(DOCUMENTATION_ASNS)} (one documentation ASN each)"),
            (not 1 <= self.rr_sites <= self.pops + self.dcs,
             "--rr-sites must be between 1 and the number of sites"),
            (self.neighbours < 0, "--neighbours must be >= 0"),
            (not 0.0 <= self.diverse <= 1.0, "--diverse must be between 0 and 1"),
        ]
        for bad, message in problems:
            if bad:
                raise TopologyError(message)

    def command(self) -> str:
        """The ``netlab topology generate`` command line that makes this network."""
        return (f"netlab topology generate classic --name {self.name} --pops {self.pops} "
                f"--dcs {self.dcs} --prs-per-pop {self.prs_per_pop} --drs-per-dc "
                f"{self.drs_per_dc} --peers {self.peers} --rr-sites {self.rr_sites} "
                f"--neighbours {self.neighbours} --diverse {self.diverse:g} --seed {self.seed}")


def _externals(p: ClassicParams, smap: SiteMap, rng: random.Random
               ) -> tuple[list[ExternalNetworkSpec], dict[int, list[int]]]:
    """External networks and, per PoP index, the networks present there."""
    transits = (p.peers + 1) // 2
    nets = [ExternalNetworkSpec(
        name=f"transit{i + 1}" if i < transits else f"peer{i - transits + 1}",
        asn=DOCUMENTATION_ASNS[i], kind=PeerKind.TRANSIT if i < transits else PeerKind.PEER)
        for i in range(p.peers)]
    present: dict[int, list[int]] = {pop: [] for pop in range(p.pops)}
    for k, net in enumerate(nets):
        where = [pop for pop in range(p.pops) if rng.random() < _PRESENCE[net.kind]]
        for pop in where or [rng.randrange(p.pops)]:
            present[pop].append(k)
    if nets:
        for pop, ks in present.items():
            if not ks:
                ks.append(pop % max(1, transits))
            ks.sort()
    return nets, present


def generate_classic(p: ClassicParams) -> TopologySpec:
    """A classic backbone spec for ``p`` (build it with :func:`build_network`)."""
    p.check()
    rng = random.Random(p.seed)
    smap = site_map(p.pops, p.dcs, rng, neighbours=p.neighbours)
    n = len(smap.sites)
    pops, dcs = list(range(p.pops)), list(range(p.pops, n))
    down = gravity_demands(smap, pops, dcs, rng, gbps_per_weight=GBPS_PER_WEIGHT,
                           fanout=DC_FANOUT)
    demands = [(dc, pop, g) for pop, dc, g in down]
    demands += [(pop, dc, round(g * UPLOAD_SHARE, 1)) for pop, dc, g in down
                if round(g * UPLOAD_SHARE, 1) > 0]
    loads = route_demands(n, smap.spans, smap.metrics, demands)
    diverse = [rng.random() < p.diverse for _ in smap.spans]
    hubs = set(hub_sites(n, smap.spans, smap.metrics, p.rr_sites))
    nets, present = _externals(p, smap, rng)

    site_in: dict[int, float] = defaultdict(float)
    site_out: dict[int, float] = defaultdict(float)
    for src, dst, g in demands:
        site_out[src] += g
        site_in[dst] += g

    routers: list[RouterSpec] = []
    edge_links: list[LinkSpec] = []
    longhaul: list[LinkSpec] = []
    core_cap: dict[int, float] = defaultdict(lambda: 100.0)
    for s, (a, b) in enumerate(smap.spans):
        cap = size_capacity(loads.peak(s) / 2)  # bb1 and bb2 links share a span's traffic
        for k in (1, 2):
            longhaul.append(LinkSpec(
                a=f"{smap.name(a)}-bb{k}", b=f"{smap.name(b)}-bb{k}", capacity=cap,
                srlgs=[smap.conduit(s, diverse=k == 2 and diverse[s])]))
        core_cap[a] = max(core_cap[a], cap)
        core_cap[b] = max(core_cap[b], cap)
    for i, site in enumerate(smap.sites):
        name = site.name
        for k in (1, 2):
            routers.append(RouterSpec(name=f"{name}-bb{k}", role=Role.BB, site=name,
                                      route_reflector=i in hubs))
        edge_links.append(LinkSpec(a=f"{name}-bb1", b=f"{name}-bb2", capacity=core_cap[i]))
        is_pop = i < p.pops
        role, count = (Role.PR, p.prs_per_pop) if is_pop else (Role.DR, p.drs_per_dc)
        busiest = max(site_in[i], site_out[i])
        access = size_capacity(busiest / (2 * count))
        for k in range(1, count + 1):
            edge = f"{name}-{role.value}{k}"
            routers.append(RouterSpec(name=edge, role=role, site=name))
            edge_links.extend(LinkSpec(a=f"{name}-bb{j}", b=edge, capacity=access)
                              for j in (1, 2))
        if is_pop and present[i]:
            peering = size_capacity(busiest / len(present[i]))
            for k in present[i]:
                peer = f"{nets[k].name}-{name}"
                routers.append(RouterSpec(name=peer, role=Role.PEER, site=name,
                                          network=nets[k].name))
                pr = f"{name}-pr{k % p.prs_per_pop + 1}"
                edge_links.append(LinkSpec(a=pr, b=peer, capacity=peering))
    return TopologySpec(
        name=p.name, backbone=Backbone.CLASSIC, description=f"generated by: {p.command()}",
        sites=list(smap.sites), routers=routers, external_networks=nets,
        links=longhaul + edge_links,
        demands=[DemandSpec(src=smap.name(s), dst=smap.name(d), gbps=g) for s, d, g in demands],
    )
