"""What a fault changed: the engine's answers on the baseline against the faulted snapshot.

Every piece of evidence (alerts, syslog) is built from a :class:`Changes`,
which holds only differences the engine reports, never invented numbers:

* IS-IS adjacencies that were UP and are not (``isis_adjacencies``), with the
  engine's reason, and adjacencies that came up;
* BGP peerings that were ESTABLISHED and are not, or disappeared from the
  config (``bgp_session_status``);
* prefixes accepted per BGP session and BGP RIB size per router (``bgp_rib``);
* link directions whose utilisation crossed 80 % / 95 % or started dropping
  traffic (``link_utilisation``);
* flows between sites, and toward external networks, that the baseline
  delivered and the faulted network does not (``differential_reachability``);
* for every flapping link, the same adjacency/session differences while the link
  is down (asked of a copy of the faulted snapshot with that link down).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import TYPE_CHECKING

from netlab.engines.base import (
    AdjacencyReason,
    AdjacencyState,
    BgpRibRow,
    BgpSessionStatusRow,
    DifferentialReachabilityRow,
    Engine,
    EstablishedStatus,
    FlowDisposition,
    IPAddress,
    IsisAdjacencyRow,
    LinkUtilisationRow,
    RouteRow,
    SessionReason,
)
from netlab.errors import EngineError
from netlab.model.device import IsisLevel
from netlab.model.naming import interface_name
from netlab.model.network import FailureState, Network
from netlab.model.types import Role
from netlab.snapshot.layout import Snapshot

if TYPE_CHECKING:
    from netlab.evidence.incident import Incident

__all__ = [
    "CRITICAL_PCT",
    "WARNING_PCT",
    "AdjacencyChange",
    "Changes",
    "PrefixCountChange",
    "ReachabilityLoss",
    "RibCountChange",
    "SessionChange",
    "TopologyChanges",
    "UtilisationChange",
    "changes_of",
    "compute_changes",
    "probe_sources",
    "with_links_down",
]

WARNING_PCT = 80.0
CRITICAL_PCT = 95.0


@dataclass(frozen=True, slots=True)
class AdjacencyChange:
    """One end of an IS-IS adjacency whose state changed."""

    node: str
    interface: str
    remote_node: str | None
    remote_interface: str | None
    level: IsisLevel | None  # the level while it was up
    before: AdjacencyState
    after: AdjacencyState
    reason: AdjacencyReason | None
    detail: str

    @property
    def went_down(self) -> bool:
        return self.before is AdjacencyState.UP and self.after is not AdjacencyState.UP


@dataclass(frozen=True, slots=True)
class SessionChange:
    """One configured BGP peering (one side) whose status changed.

    ``after`` is None when the neighbor entry no longer exists in the faulted config.
    """

    node: str
    remote_ip: IPAddress
    remote_node: str | None
    local_ip: IPAddress | None
    local_as: int
    remote_as: int
    ibgp: bool
    before: EstablishedStatus
    after: EstablishedStatus | None
    reason: SessionReason | None
    detail: str

    @property
    def went_down(self) -> bool:
        return self.before is EstablishedStatus.ESTABLISHED and (
            self.after is not EstablishedStatus.ESTABLISHED)


@dataclass(frozen=True, slots=True)
class PrefixCountChange:
    """Prefixes accepted from one BGP neighbor (paths in the BGP RIB learned from it)."""

    node: str
    remote_ip: IPAddress
    remote_node: str | None
    before: int
    after: int
    established: bool  # the session is still up in the faulted snapshot
    ibgp: bool


@dataclass(frozen=True, slots=True)
class RibCountChange:
    """Prefixes with a usable best path in one router's BGP RIB."""

    node: str
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class UtilisationChange:
    """One direction of a link whose utilisation crossed a threshold (or drops traffic)."""

    link: str
    node: str
    interface: str
    remote_node: str
    capacity_gbps: float
    before_pct: float
    after_pct: float
    dropped_gbps: float


@dataclass(frozen=True, slots=True)
class ReachabilityLoss:
    """A probe flow the baseline delivered and the faulted network does not."""

    source: str  # ingress router
    source_site: str
    destination: IPAddress
    target: str  # what the destination stands for: a site or an external network
    before: tuple[FlowDisposition, ...]
    after: tuple[FlowDisposition, ...]


@dataclass(frozen=True, slots=True)
class TopologyChanges:
    """Adjacency and session differences of one variant of the network."""

    adjacencies: tuple[AdjacencyChange, ...] = ()
    sessions: tuple[SessionChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Changes:
    """Everything the engine says a fault changed (see the module docstring)."""

    adjacencies: tuple[AdjacencyChange, ...] = ()
    sessions: tuple[SessionChange, ...] = ()
    prefix_counts: tuple[PrefixCountChange, ...] = ()
    rib_counts: tuple[RibCountChange, ...] = ()
    utilisation: tuple[UtilisationChange, ...] = ()
    reachability: tuple[ReachabilityLoss, ...] = ()
    unreachable: tuple[str, ...] = ()
    """Routers whose loopback most other routers had a route to and no longer have."""
    flap_phases: tuple[tuple[str, TopologyChanges], ...] = ()
    load_gbps: tuple[tuple[tuple[str, str], float, float], ...] = ()
    """((link, receiving node), load Gbps, capacity Gbps) of every link direction."""

    def flap_phase(self, link: str) -> TopologyChanges:
        """The differences while flapping ``link`` is down (empty if it is not flapping)."""
        return dict(self.flap_phases).get(link, TopologyChanges())

    def load_into(self, link: str, node: str) -> tuple[float, float]:
        """(load Gbps, capacity Gbps) of the traffic ``node`` receives over ``link``."""
        for key, load, cap in self.load_gbps:
            if key == (link, node):
                return load, cap
        return 0.0, 0.0


# -- adjacencies and sessions -----------------------------------------------------------------
def _adjacency_changes(before: Iterable[IsisAdjacencyRow], after: Iterable[IsisAdjacencyRow]
                       ) -> tuple[AdjacencyChange, ...]:
    old = {(r.node, r.interface): r for r in before}
    new = {(r.node, r.interface): r for r in after}
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        state_a = a.state if a else AdjacencyState.DOWN
        state_b = b.state if b else AdjacencyState.DOWN
        if state_a is state_b:
            continue
        ref = b or a
        assert ref is not None
        out.append(AdjacencyChange(
            node=key[0], interface=key[1],
            remote_node=(a.remote_node if a else None) or ref.remote_node,
            remote_interface=(a.remote_interface if a else None) or ref.remote_interface,
            level=a.level if a else None, before=state_a, after=state_b,
            reason=b.reason if b else AdjacencyReason.ISIS_NOT_ENABLED,
            detail=b.detail if b else f"{key[0]} {key[1]} is no longer an IS-IS circuit"))
    return tuple(out)


def _session_changes(before: Iterable[BgpSessionStatusRow], after: Iterable[BgpSessionStatusRow]
                     ) -> tuple[SessionChange, ...]:
    old = {(r.node, r.remote_ip): r for r in before}
    new = {(r.node, r.remote_ip): r for r in after}
    out = []
    for key in sorted(old, key=lambda k: (k[0], k[1].version, int(k[1]))):
        a, b = old[key], new.get(key)
        if b is not None and a.established_status is b.established_status:
            continue
        out.append(SessionChange(
            node=a.node, remote_ip=a.remote_ip, remote_node=a.remote_node or
            (b.remote_node if b else None), local_ip=a.local_ip, local_as=a.local_as,
            remote_as=a.remote_as, ibgp=a.local_as == a.remote_as,
            before=a.established_status, after=b.established_status if b else None,
            reason=b.reason if b else None,
            detail=b.detail if b else f"{a.node} no longer has neighbor {a.remote_ip}"))
    return tuple(out)


# -- BGP counts -------------------------------------------------------------------------------
def _accepted(rows: Iterable[BgpRibRow]) -> Counter[tuple[str, IPAddress]]:
    seen: set[tuple[str, IPAddress, IPv4Network | IPv6Network]] = set()
    for r in rows:
        if r.received_from_ip is not None:
            seen.add((r.node, r.received_from_ip, r.network))
    return Counter((node, ip) for node, ip, _ in seen)


def _rib_sizes(rows: Iterable[BgpRibRow]) -> Counter[str]:
    from netlab.engines.base import BgpRouteStatus

    best = {(r.node, r.network) for r in rows if r.status is BgpRouteStatus.BEST}
    return Counter(node for node, _ in best)


def _prefix_counts(before: tuple[BgpRibRow, ...], after: tuple[BgpRibRow, ...],
                   sessions_after: Iterable[BgpSessionStatusRow],
                   sessions_before: Iterable[BgpSessionStatusRow]
                   ) -> tuple[tuple[PrefixCountChange, ...], tuple[RibCountChange, ...]]:
    up = {(r.node, r.remote_ip) for r in sessions_after
          if r.established_status is EstablishedStatus.ESTABLISHED}
    remote = {(r.node, r.remote_ip): r.remote_node for r in sessions_before}
    internal = {(r.node, r.remote_ip) for r in sessions_before if r.local_as == r.remote_as}
    old, new = _accepted(before), _accepted(after)
    sessions = []
    for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[1].version, int(k[1]))):
        if old[key] != new[key]:
            sessions.append(PrefixCountChange(key[0], key[1], remote.get(key), old[key],
                                              new[key], key in up, key in internal))
    rib_old, rib_new = _rib_sizes(before), _rib_sizes(after)
    ribs = [RibCountChange(n, rib_old[n], rib_new[n])
            for n in sorted(set(rib_old) | set(rib_new)) if rib_old[n] != rib_new[n]]
    return tuple(sessions), tuple(ribs)


# -- utilisation ------------------------------------------------------------------------------
def _level(pct: float) -> int:
    return 2 if pct >= CRITICAL_PCT else 1 if pct >= WARNING_PCT else 0


def _utilisation(before: Iterable[LinkUtilisationRow], after: Iterable[LinkUtilisationRow]
                 ) -> tuple[UtilisationChange, ...]:
    old = {(r.link, r.node): r for r in before}
    out = []
    for r in sorted(after, key=lambda r: (r.link, r.node)):
        b = old.get((r.link, r.node))
        before_pct = b.utilisation_pct if b else 0.0
        before_drop = b.dropped_gbps if b else 0.0
        worse = _level(r.utilisation_pct) > _level(before_pct) or (
            r.dropped_gbps > 0 and before_drop == 0)
        if worse:
            out.append(UtilisationChange(r.link, r.node, r.interface, r.remote_node,
                                         r.capacity_gbps, before_pct, r.utilisation_pct,
                                         r.dropped_gbps))
    return tuple(out)


# -- reachability -----------------------------------------------------------------------------
def probe_sources(network: Network, failures: FailureState) -> dict[str, str]:
    """One probe router per site (edge routers first), skipping routers that are down."""
    order = {Role.PR: 0, Role.DR: 0, Role.BB: 1, Role.EBB: 1}
    out: dict[str, str] = {}
    for site in sorted(network.sites):
        routers = sorted((r for r in network.routers.values()
                          if r.site == site and r.role in order
                          and r.name not in failures.nodes_down),
                         key=lambda r: (order[r.role], r.name))
        if routers:
            out[site] = routers[0].name
    return out


def _targets(network: Network) -> dict[IPAddress, str]:
    """Probe destinations: the first address of every site's and external network's v4 block."""
    out: dict[IPAddress, str] = {}
    for site, sp in sorted(network.site_prefixes.items()):
        out[sp.ipv4.network_address + 1] = f"site {site}"
    for name, ext in sorted(network.external_networks.items()):
        for prefix in ext.prefixes4[:1]:
            out[prefix.network_address + 1] = f"{name} (AS{ext.asn})"
    return out


def _reachability(engine: Engine, baseline: Snapshot, faulted: Snapshot
                  ) -> tuple[ReachabilityLoss, ...]:
    network = faulted.network
    sources = probe_sources(network, faulted.failures)
    site_of = {r: s for s, r in sources.items()}
    targets = _targets(network)
    if not sources or not targets:
        return ()
    wanted: list[str | IPAddress | IPv4Network | IPv6Network] = [
        a for a in sorted(targets, key=lambda a: (a.version, int(a)))]
    rows: tuple[DifferentialReachabilityRow, ...] = engine.differential_reachability(
        faulted, baseline, sources=sorted(site_of), destinations=wanted).rows
    out = []
    for row in rows:
        before = tuple(sorted({t.disposition for t in row.reference_traces}))
        after = tuple(sorted({t.disposition for t in row.snapshot_traces}))
        target = targets.get(row.flow.dst_ip)
        if target is None or row.flow.ingress_node not in site_of:
            continue
        if any(d.success for d in before) and not all(d.success for d in after):
            out.append(ReachabilityLoss(row.flow.ingress_node, site_of[row.flow.ingress_node],
                                        row.flow.dst_ip, target, before, after))
    return tuple(sorted(out, key=lambda r: (r.source, r.destination.version,
                                            int(r.destination))))


# -- loopbacks -------------------------------------------------------------------------------
def _unreachable(network: Network, before: Iterable[RouteRow], after: Iterable[RouteRow]
                 ) -> tuple[str, ...]:
    loopbacks: dict[IPv4Network | IPv6Network, str] = {
        IPv4Network(f"{r.loopback4.ip}/32"): r.name
                 for r in network.routers.values() if r.role is not Role.PEER}
    had: dict[str, set[str]] = defaultdict(set)
    has: dict[str, set[str]] = defaultdict(set)
    for rows, into in ((before, had), (after, has)):
        for row in rows:
            owner = loopbacks.get(row.network)
            if owner is not None and owner != row.node:
                into[owner].add(row.node)
    out = []
    for owner, nodes in sorted(had.items()):
        lost = nodes - has.get(owner, set())
        if nodes and 2 * len(lost) >= len(nodes):
            out.append(owner)
    return tuple(out)


# -- flapping links ---------------------------------------------------------------------------
def with_links_down(snapshot: Snapshot, links: Iterable[str]) -> Snapshot:
    """A copy of ``snapshot`` (in memory) with ``links`` physically down."""
    down = frozenset(links)
    ends: set[tuple[str, str]] = set()
    for lid in down:
        link = snapshot.network.link(lid)
        for end in (link.a, link.b):
            vendor = snapshot.configs[end.router].vendor
            ends.add((end.router, interface_name(vendor, end.slot, end.port,
                                                 link.capacity_gbps)))
    layer1 = tuple(e for e in snapshot.layer1
                   if (e.node1, e.interface1) not in ends and (e.node2, e.interface2) not in ends)
    tag = "+".join(sorted(down))
    return dataclasses.replace(snapshot, path=Path(f"{snapshot.path}#down:{tag}"),
                               failures=snapshot.failures.union(FailureState(links_down=down)),
                               layer1=layer1)


def _topology(engine: Engine, baseline: Snapshot, variant: Snapshot) -> TopologyChanges:
    return TopologyChanges(
        _adjacency_changes(engine.isis_adjacencies(baseline).rows,
                           engine.isis_adjacencies(variant).rows),
        _session_changes(engine.bgp_session_status(baseline).rows,
                         engine.bgp_session_status(variant).rows))


def compute_changes(engine: Engine, baseline: Snapshot, faulted: Snapshot,
                    flapping: Iterable[str] = ()) -> Changes:
    """Ask ``engine`` about both snapshots and keep what differs (see the module docstring).

    ``flapping`` names links that flap: their down phase is asked about too.
    """
    adj_b, adj_f = engine.isis_adjacencies(baseline).rows, engine.isis_adjacencies(faulted).rows
    ses_b, ses_f = (engine.bgp_session_status(baseline).rows,
                    engine.bgp_session_status(faulted).rows)
    rib_b, rib_f = engine.bgp_rib(baseline).rows, engine.bgp_rib(faulted).rows
    util_b, util_f = engine.link_utilisation(baseline).rows, engine.link_utilisation(faulted).rows
    prefix_counts, rib_counts = _prefix_counts(rib_b, rib_f, ses_f, ses_b)
    unreachable = _unreachable(faulted.network, engine.routes(baseline).rows,
                               engine.routes(faulted).rows)
    try:
        reach = _reachability(engine, baseline, faulted)
    except EngineError:
        reach = ()
    phases = tuple((link, _topology(engine, baseline, with_links_down(faulted, [link])))
                   for link in sorted(set(flapping)))
    loads: dict[tuple[str, str], tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    for r in util_f:
        loads[(r.link, r.remote_node)] = (r.load_gbps, r.capacity_gbps)
    return Changes(
        adjacencies=_adjacency_changes(adj_b, adj_f),
        sessions=_session_changes(ses_b, ses_f),
        prefix_counts=prefix_counts,
        rib_counts=rib_counts,
        utilisation=_utilisation(util_b, util_f),
        reachability=reach,
        unreachable=unreachable,
        flap_phases=phases,
        load_gbps=tuple((k, v[0], v[1]) for k, v in sorted(loads.items())),
    )


def changes_of(incident: Incident) -> Changes:
    """The changes of an incident, its flapping links' down phases included."""
    return compute_changes(incident.engine, incident.baseline, incident.faulted,
                           flapping=[f.link for f in incident.flaps])
