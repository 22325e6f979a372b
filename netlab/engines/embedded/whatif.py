"""What-if: what one physical failure (links, a node, an SRLG) changes, incrementally.

:func:`what_if` does not re-analyse the network. It removes the failed IS-IS
adjacencies from the SPF (:func:`~netlab.engines.embedded.spf.without`: only
sources whose distances can change are recomputed) and then compares, for only
the routers whose distances or ECMP next hops changed and only the prefixes
advertised by the destinations that changed for them, the IS-IS route before
and after. Established BGP sessions are re-checked only where an endpoint
died, a single-hop eBGP link went dark, or an endpoint's IGP distances changed.

BGP best paths and link utilisation depend on everything at once; they are
computed, when asked for, by a full analysis of the failed snapshot
(:func:`failed_snapshot`) and compared with the base — exact, but not
incremental. The incremental part equals a full recompute (tested).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from netlab.engines.base import (
    BgpSessionStatusRow,
    EstablishedStatus,
    IPNetwork,
    IsisRouteRow,
    LinkUtilisationRow,
    NextHop,
    RoutingProtocol,
    SessionReason,
)
from netlab.engines.embedded.analysis import Analysis, analyse
from netlab.engines.embedded.inventory import Port
from netlab.engines.embedded.isis_rib import IsisLevelGraph, hop_order
from netlab.engines.embedded.spf import SpfDelta, distinct, without
from netlab.engines.embedded.utilisation import route_demands, utilisation_rows
from netlab.errors import EngineError
from netlab.model.network import FailureState
from netlab.snapshot.layout import Snapshot

FloatArray = NDArray[np.float64]

__all__ = ["BgpChange", "RouteChange", "SessionChange", "WhatIf", "failed_snapshot",
           "parse_failure", "prepare", "what_if"]


@dataclass(frozen=True, slots=True)
class RouteChange:
    """An IS-IS route of a node that changed (None = absent)."""

    node: str
    network: IPNetwork
    before: IsisRouteRow | None
    after: IsisRouteRow | None


@dataclass(frozen=True, slots=True)
class SessionChange:
    """A BGP session that was established and no longer is."""

    node: str
    remote_node: str | None
    remote_ip: str
    reason: SessionReason
    detail: str


@dataclass(frozen=True, slots=True)
class BgpChange:
    """A node whose BGP next hops for a prefix changed."""

    node: str
    network: IPNetwork
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class WhatIf:
    """Everything a failure changes.

    The counts and ``sessions`` are computed incrementally; :meth:`routes` lists
    every changed IS-IS route exactly, on demand (a core link can move the ECMP
    next hops of hundreds of thousands of routes, which is slow to spell out).
    ``bgp`` and ``overloaded`` are only filled when asked for.
    """

    failures: FailureState
    pairs_changed: int  # (router, destination router) pairs with new distance or next hops
    distances_changed: int  # ... with a new distance
    unreachable: int  # ... that lost reachability (dead routers not counted)
    withdrawn: tuple[IPNetwork, ...]  # prefixes some router no longer advertises
    sessions: tuple[SessionChange, ...]
    bgp: tuple[BgpChange, ...] | None = None
    overloaded: tuple[LinkUtilisationRow, ...] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    level: _LevelDelta | None = field(default=None, repr=False, compare=False)

    def routes(self, limit: int | None = None) -> tuple[RouteChange, ...]:
        """Every IS-IS route that changed (before/after), sorted; ``limit`` stops early."""
        ld = self.level
        if ld is None:
            return ()
        names = ld.a.inv.names
        out = []
        for s, p in sorted(ld.changed_pairs(), key=lambda sp: (names[sp[0]], sp[1].version,
                                                               int(sp[1].network_address),
                                                               sp[1].prefixlen)):
            before, after = ld.route(s, p, False), ld.route(s, p, True)
            if before != after:
                out.append(RouteChange(names[s], p, ld.row(s, p, before), ld.row(s, p, after)))
                if limit is not None and len(out) >= limit:
                    break
        return tuple(out)


def parse_failure(snapshot: Snapshot, spec: str) -> FailureState:
    """``link:ID``, ``node:NAME`` or ``srlg:NAME`` as a :class:`FailureState`."""
    kind, _, name = spec.partition(":")
    net = snapshot.network
    if kind == "link":
        if name not in net.links:
            raise EngineError(f"unknown link {name!r}; valid: {', '.join(sorted(net.links)[:10])}"
                              " ...")
        return FailureState(links_down=frozenset({name}))
    if kind == "node":
        if name not in snapshot.configs:
            raise EngineError(f"unknown node {name!r}; valid: "
                              f"{', '.join(sorted(snapshot.configs)[:10])} ...")
        return FailureState(nodes_down=frozenset({name}))
    if kind == "srlg":
        groups = net.srlgs()
        if name not in groups:
            raise EngineError(f"unknown SRLG {name!r}; valid: {', '.join(sorted(groups)[:10])}"
                              " ...")
        return FailureState(links_down=frozenset(groups[name]))
    raise EngineError(f"what-if must be link:ID, node:NAME or srlg:NAME, not {spec!r}")


def _failed_ports(a: Analysis, failures: FailureState) -> set[Port]:
    """Ports that go dark: failed ports, both ends of failed links and of a dead node's links."""
    ports: set[Port] = set(failures.interfaces_down)
    for lid in failures.links_down:
        ports.update(a.inv.link_ends.get(lid, ()))
    for e in a.inv.layer1 if failures.nodes_down else ():
        if e.node1 in failures.nodes_down or e.node2 in failures.nodes_down:
            ports.update(((e.node1, e.interface1), (e.node2, e.interface2)))
    return ports


def failed_snapshot(snapshot: Snapshot, failures: FailureState) -> Snapshot:
    """``snapshot`` with ``failures`` added (layer 1 loses the failed edges)."""
    dead_ports = set(failures.interfaces_down)
    from netlab.engines.embedded.inventory import Inventory

    inv = Inventory(snapshot)
    for lid in failures.links_down:
        dead_ports.update(inv.link_ends.get(lid, ()))
    layer1 = tuple(e for e in inv.layer1
                   if (e.node1, e.interface1) not in dead_ports
                   and (e.node2, e.interface2) not in dead_ports
                   and e.node1 not in failures.nodes_down and e.node2 not in failures.nodes_down)
    return Snapshot(snapshot.path, snapshot.network, snapshot.failures.union(failures),
                    snapshot.configs, layer1, snapshot.warnings, snapshot.faults)


class _LevelDelta:
    """Routes of one level before and after, for single sources and prefixes."""

    def __init__(self, a: Analysis, lg: IsisLevelGraph, delta: SpfDelta,
                 dead_ports: set[Port]) -> None:
        self.a = a
        self.lg = lg
        self.delta = delta
        self._changed: dict[int, NDArray[np.bool_]] | None = None
        self._pairs = 0
        self.dead = {int(d) for d in delta.dead_nodes}
        self.before = a.isis.adverts[lg.level]
        self.by_node = _advertised_by(a, lg.level)
        # advertisements withdrawn: every prefix of a dead router, of a dark port
        gone: set[tuple[int, IPNetwork]] = set()
        for d in self.dead:
            gone.update((d, p) for p in self.by_node.get(d, ()))
        for node, itf in dead_ports:
            cfg = a.inv.interfaces.get((node, itf))
            i = a.inv.index.get(node)
            if cfg is not None and i is not None:
                gone.update((i, x.network) for x in (cfg.ipv4, cfg.ipv6) if x is not None)
        self.changed_prefixes = {p for i, p in gone
                                 if any(n == i for n, _ in self.before.get(p, ()))}
        self.after: dict[IPNetwork, list[tuple[int, int]]] = {
            p: [(n, m) for n, m in self.before[p] if (n, p) not in gone]
            for p in self.changed_prefixes}

    def _dist(self, s: int, new: bool) -> FloatArray:
        if new:
            return self.delta.row(s)
        row: FloatArray = self.lg.spf.dist[s]
        return row

    def _mask(self, e: int, d: int, new: bool) -> bool:
        return self.delta.mask(e, d) if new else bool(self.lg.spf.on_path[e, d])

    def _adverts(self, p: IPNetwork, new: bool) -> list[tuple[int, int]]:
        if new and p in self.after:
            return self.after[p]
        return self.before.get(p, [])

    def route(self, s: int, p: IPNetwork, new: bool) -> tuple[int, frozenset[int]] | None:
        adv = self._adverts(p, new)
        if not adv or any(n == s for n, _ in self.before.get(p, [])) or (new and s in self.dead):
            return None
        row = self._dist(s, new)
        costs = [(row[n] + m, n) for n, m in adv]
        best = min(c for c, _ in costs)
        if not np.isfinite(best):
            return None
        edges: set[int] = set()
        for c, n in costs:
            if c == best:
                edges.update(int(e) for e in self.lg.spf.out[s] if self._mask(int(e), n, new))
        return int(best), frozenset(edges)

    @property
    def pairs_changed(self) -> int:
        """How many (source, destination router) pairs changed."""
        self.changed_destinations()
        return self._pairs

    def changed_destinations(self) -> dict[int, NDArray[np.bool_]]:
        """Per source whose routes may change: the destination routers that changed for it
        (a new distance or new ECMP next hops), dead routers excluded. Computed once."""
        if self._changed is not None:
            return self._changed
        spf, delta = self.lg.spf, self.delta
        n = spf.dist.shape[0]
        dead = np.zeros(n, dtype=bool)
        dead[list(self.dead)] = True
        tails = spf.graph.tail
        # a new distance, a flipped ECMP mask, or a dead edge that was on a shortest path
        src = [delta.changed_src]
        dst = [delta.changed_dst]
        flip = spf.on_path[delta.mask_edges, delta.mask_cols] != delta.mask_vals
        src.append(tails[delta.mask_edges[flip]])
        dst.append(delta.mask_cols[flip])
        for e in delta.dead_edges.tolist():
            s = int(tails[e])
            if s not in self.dead:
                cols = np.flatnonzero(spf.on_path[e] & ~dead)
                src.append(np.full(len(cols), s, dtype=np.int64))
                dst.append(cols)
        all_src, all_dst = np.concatenate(src), np.concatenate(dst)
        rows = distinct(all_src)
        block = np.zeros((len(rows), n), dtype=bool)
        block[np.searchsorted(rows, all_src), all_dst] = True
        out: dict[int, NDArray[np.bool_]] = dict(zip(rows.tolist(), block, strict=True))
        self._pairs = int(block.sum())
        self._changed = out
        return out

    def changed_pairs(self) -> set[tuple[int, IPNetwork]]:
        """(source, prefix) pairs whose route may have changed."""
        out: set[tuple[int, IPNetwork]] = set()
        for s, row in self.changed_destinations().items():
            for d in np.flatnonzero(row).tolist():
                for p in self.by_node.get(d, ()):
                    out.add((s, p))
        everyone = range(len(self.a.inv.names))
        for p in self.changed_prefixes:
            out.update((s, p) for s in everyone)
        for d in self.dead:
            for p in self.by_node.get(d, ()):
                out.update((s, p) for s in everyone)
            out.update((d, p) for p in self.before)  # a dead router loses every route
        return out

    def row(self, s: int, p: IPNetwork, got: tuple[int, frozenset[int]] | None
            ) -> IsisRouteRow | None:
        if got is None:
            return None
        metric, edges = got
        hops = []
        for e in edges:
            adj = self.lg.adjacencies[e]
            ip = self.a.inv.interface_address((adj.remote, adj.remote_interface), p.version)
            hops.append(NextHop(ip=ip, interface=adj.interface))
        proto = RoutingProtocol.ISIS_L1 if self.lg.level == 1 else RoutingProtocol.ISIS_L2
        return IsisRouteRow(self.a.inv.names[s], p, proto, tuple(sorted(hops, key=hop_order)),
                            metric)


def prepare(a: Analysis) -> None:
    """Build the indexes every what-if on ``a`` reads (done by the first what-if anyway):
    adjacency edges per port, peerings per router, prefixes per router, the SPF's
    padded adjacency."""
    if 2 not in a.levels or 1 in a.levels:
        return
    lg = a.levels[2]
    _edges_by_port(a, lg)
    _peerings_by_node(a)
    _advertised_by(a, 2)
    _ = lg.spf.padded_out, lg.spf.padded_in, lg.spf.csr_out, lg.spf.csr_in


def what_if(a: Analysis, failures: FailureState, *, bgp: bool = False,
            utilisation: bool = False) -> WhatIf:
    """What ``failures`` change in the analysed network ``a`` (see the module docstring)."""
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    if 1 in a.levels:
        raise EngineError("what-if supports level-2 IS-IS only; analyse the failed snapshot")
    inv = a.inv
    ports = _failed_ports(a, failures)
    dead_nodes = [inv.index[n] for n in failures.nodes_down if n in inv.index]
    lg = a.levels[2]
    by_port = _edges_by_port(a, lg)
    dead_edges = sorted({k for port in ports for k in by_port.get(port, ())})
    delta = without(lg.spf, np.array(dead_edges, dtype=np.int64),
                    np.array(dead_nodes, dtype=np.int64))
    t["spf"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ld = _LevelDelta(a, lg, delta, ports)
    pairs, dists, lost, cut = _counts(ld)
    t["counts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sessions = _sessions(a, ld, ports, set(failures.nodes_down), cut)
    t["sessions"] = time.perf_counter() - t0
    withdrawn = tuple(sorted(ld.changed_prefixes, key=lambda p: (p.version,
                                                                 int(p.network_address))))
    result = WhatIf(failures, pairs, dists, lost, withdrawn, tuple(sessions), timings=t,
                    level=ld)
    if not (bgp or utilisation):
        return result
    t0 = time.perf_counter()
    b = analyse(failed_snapshot(a.snapshot, failures))
    bgp_changes = _bgp_changes(a, b) if bgp else None
    over = None
    if utilisation:
        base = {(r.node, r.interface): r.load_gbps
                for r in utilisation_rows(a.inv, route_demands(a.inv, a.fib))}
        over = tuple(r for r in utilisation_rows(b.inv, route_demands(b.inv, b.fib))
                     if r.utilisation_pct > 100.0
                     and base.get((r.node, r.interface)) != r.load_gbps)
    t["full"] = time.perf_counter() - t0
    return WhatIf(failures, pairs, dists, lost, withdrawn, tuple(sessions), bgp_changes, over,
                  t, ld)


def _counts(ld: _LevelDelta) -> tuple[int, int, int, set[int]]:
    """(pairs changed, distances changed, pairs cut off, sources that lost a destination)."""
    spf, delta = ld.lg.spf, ld.delta
    pairs = ld.pairs_changed
    src, dst = delta.changed_src, delta.changed_dst  # live sources, live destinations
    new = delta.new_dist
    lost = np.isinf(new) & np.isfinite(spf.dist[src, dst])
    return pairs, len(src), int(lost.sum()), set(src[lost].tolist())


def _advertised_by(a: Analysis, level: int) -> dict[int, list[IPNetwork]]:
    """Router → the prefixes it advertises at ``level`` (computed once per analysis)."""

    def build() -> dict[int, list[IPNetwork]]:
        by: dict[int, list[IPNetwork]] = defaultdict(list)
        for p, adv in a.isis.adverts[level].items():
            for n, _ in adv:
                by[n].append(p)
        return dict(by)

    return a.inv.cached(("whatif-advertised-by", level), build)


def _edges_by_port(a: Analysis, lg: IsisLevelGraph) -> dict[Port, list[int]]:
    """Port → the level's adjacency edges it is an end of (computed once per analysis)."""

    def build() -> dict[Port, list[int]]:
        by: dict[Port, list[int]] = defaultdict(list)
        for k, adj in enumerate(lg.adjacencies):
            by[(adj.node, adj.interface)].append(k)
            by[(adj.remote, adj.remote_interface)].append(k)
        return dict(by)

    return a.inv.cached(("whatif-edges-by-port", lg.level), build)


def _peerings_by_node(a: Analysis) -> dict[str, list[int]]:
    """Router → positions of the peerings it is an end of (computed once per analysis)."""

    def build() -> dict[str, list[int]]:
        by: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(a.sessions.peerings):
            by[p.node].append(i)
            if p.remote_node is not None and p.remote_node != p.node:
                by[p.remote_node].append(i)
        return dict(by)

    return a.inv.cached(("whatif-peerings-by-node", id(a.sessions)), build)


def _sessions(a: Analysis, ld: _LevelDelta, ports: set[Port], dead: set[str],
              cut: set[int]) -> list[SessionChange]:
    """Established sessions that go down: an end died, its link went dark, or (only where
    some router lost a destination) its endpoints no longer reach each other."""
    inv = a.inv
    moved = {inv.names[s] for s in cut}
    touched = dead | moved | {n for n, _ in ports}
    if not touched:
        return []
    out = []
    by_node = _peerings_by_node(a)
    for i in sorted({i for n in touched for i in by_node.get(n, ())}):
        p = a.sessions.peerings[i]
        s = p.session
        if s is None:
            continue
        _, my_ip, peer, _, peer_ip = s.side(p.node)
        row: BgpSessionStatusRow = p.status_row()
        reason: SessionReason | None = None
        detail = ""
        if p.node in dead or peer in dead:
            who = p.node if p.node in dead else peer
            reason = SessionReason.NODE_DOWN if who == p.node else SessionReason.PEER_DOWN
            detail = f"{who} is down"
        elif not s.ibgp:
            itf = inv.configured_subnet(p.node, p.entry.address)
            if itf is not None and (p.node, itf.name) in ports:
                reason, detail = SessionReason.NO_LAYER1_PATH, f"{p.node} {itf.name} lost light"
        elif ((p.node in moved or peer in moved)
              and not (_reach(a, ld, p.node, peer_ip) and _reach(a, ld, peer, my_ip))):
            reason = SessionReason.NO_IGP_ROUTE
            detail = f"no IGP path between {my_ip} and {peer_ip} after the failure"
        if reason is not None and row.established_status is EstablishedStatus.ESTABLISHED:
            out.append(SessionChange(p.node, p.remote_node, str(p.entry.address), reason,
                                     detail))
    return out


def _reach(a: Analysis, ld: _LevelDelta, node: str, ip: object) -> bool:
    from ipaddress import ip_address

    addr = ip_address(str(ip))
    owner = a.inv.owner(addr)
    if owner is not None and owner[0] == node:
        return True
    i = a.inv.index[node]
    for p in a.fib.index.covering(addr):
        if p in a.isis.advertisers:
            return ld.route(i, p, True) is not None or a.fib.connected(i).get(p) is not None
        if a.fib.connected(i).get(p) is not None:
            return True
    return False


def _bgp_changes(a: Analysis, b: Analysis) -> tuple[BgpChange, ...]:
    out = []
    for p in sorted(a.bgp.prefixes(), key=lambda p: (p.version, int(p.network_address))):
        for name in a.inv.names:
            i = a.inv.index[name]
            j = b.inv.index.get(name)
            sa = a.bgp.selection(i, p)
            sb = b.bgp.selection(j, p) if j is not None else None
            ha = tuple(str(x) for x in sa.next_hops) if sa is not None else ()
            hb = tuple(str(x) for x in sb.next_hops) if sb is not None else ()
            if ha != hb:
                out.append(BgpChange(name, p, ha, hb))
    return tuple(out)
