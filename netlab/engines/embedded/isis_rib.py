"""IS-IS routes: prefixes advertised by each router, costed over the SPF of each level.

A router with an IS-IS process advertises the connected prefixes of every
operationally-up IS-IS interface — passive ones and the loopback included — at
that interface's metric, in the levels of the circuit (interface level ∩
process level). This is what Junos, IOS-XR, EOS and FRR do; Batfish advertises
passive prefixes at metric 0 (docs/engines.md). A level-1-2 router leaks the
prefixes it reaches in level 1 into level 2 (RFC 1195 default); level-2 routes
are not leaked down and no attached-bit default route is modelled.

The route of node ``s`` to prefix ``p`` costs ``min_a dist[s, a] + metric(a, p)``
over its advertisers ``a``; the next hops are the ECMP edges toward every
advertiser at that cost. A level-1 route wins over a level-2 one (RFC 1195).
A router never installs an IS-IS route for a prefix it advertises itself
(its connected route wins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from netlab.engines.base import IPNetwork, NextHop, RoutingProtocol
from netlab.engines.embedded.adjacency import NARROW_MAX, WIDE_MAX, Adjacency, circuit_levels
from netlab.engines.embedded.inventory import Inventory, NetKey, net_key
from netlab.engines.embedded.spf import Graph, Spf, solve
from netlab.model.device import IsisLevel

__all__ = ["IsisLevelGraph", "IsisRib", "IsisRoute", "build_level", "hop_order"]

FloatArray = NDArray[np.float64]
_PROCESS_LEVELS = {IsisLevel.L1: {1}, IsisLevel.L2: {2}, IsisLevel.L1L2: {1, 2}}


@dataclass(frozen=True, slots=True)
class IsisRoute:
    """A node's IS-IS route to a prefix."""

    network: IPNetwork
    protocol: RoutingProtocol
    metric: int
    next_hops: tuple[NextHop, ...]
    edges: tuple[int, ...]  # edge ids of the level's graph (for forwarding)
    level: int


@dataclass(frozen=True)
class IsisLevelGraph:
    """One level's adjacency edges (aligned with the SPF graph's edge ids) and its SPF."""

    level: int
    adjacencies: tuple[Adjacency, ...]
    spf: Spf


def build_level(inv: Inventory, adjacencies: list[Adjacency], level: int) -> IsisLevelGraph:
    """The SPF of ``level`` over the UP adjacencies that carry it."""
    adj = tuple(a for a in adjacencies if level in a.levels)
    idx = inv.index
    n = len(inv.names)
    overloaded = np.zeros(n, dtype=bool)
    for name, cfg in inv.configs.items():
        if cfg.isis is not None and cfg.isis.overload:
            overloaded[idx[name]] = True
    tail = np.array([idx[a.node] for a in adj], dtype=np.int64)
    head = np.array([idx[a.remote] for a in adj], dtype=np.int64)
    weight = np.array([max(1, a.metric) for a in adj], dtype=np.float64)
    return IsisLevelGraph(level, adj, solve(Graph(n, tail, head, weight, overloaded)))


class IsisRib:
    """Every node's IS-IS routes, computed on demand from the per-level SPFs."""

    def __init__(self, inv: Inventory, levels: dict[int, IsisLevelGraph]) -> None:
        self.inv = inv
        self.levels = levels
        # prefix → [(advertiser index, metric)] per level (leaked level-1 routes included);
        # ``advertisers``: who has the prefix on an own interface (no IS-IS route there)
        self.adverts: dict[int, dict[IPNetwork, list[tuple[int, int]]]] = {1: {}, 2: {}}
        self._columns: dict[tuple[int, tuple[tuple[int, int], ...]], FloatArray] = {}
        self._edge_hops: dict[tuple[int, int], list[NextHop]] = {}
        self._cost_fns: dict[IPNetwork, Callable[[int], float]] = {}
        self._advertise()

    # -- advertisements ----------------------------------------------------------------------
    def _advertise(self) -> None:
        inv = self.inv
        # prefix → advertiser → metric, per level (index 1 and 2); one dict lookup per
        # address, as hashing an ``ipaddress`` network runs in Python
        found: dict[IPNetwork, tuple[dict[int, int], dict[int, int]]] = {}
        for port in sorted(inv.up_ports):
            node = port[0]
            cfg = inv.configs[node]
            itf = inv.interfaces[port]
            if cfg.isis is None or itf.isis is None:
                continue
            cap = WIDE_MAX if cfg.isis.wide_metrics else NARROW_MAX
            metric = max(0, min(itf.isis.metric, cap))
            levels = circuit_levels(cfg, itf)
            i = inv.index[node]
            for addr in (itf.ipv4, itf.ipv6):
                if addr is None:
                    continue
                net = addr.network
                per_level = found.get(net)
                if per_level is None:
                    per_level = found[net] = ({}, {})
                for lvl in levels:
                    have = per_level[lvl - 1]
                    have[i] = min(have.get(i, metric), metric)
        for lvl in (1, 2):
            self.adverts[lvl] = {p: sorted(a[lvl - 1].items())
                                 for p, a in found.items() if a[lvl - 1]}
        self.advertisers: dict[IPNetwork, frozenset[int]] = {
            p: frozenset(a[0]).union(a[1]) for p, a in found.items() if a[0] or a[1]}
        self._leak_level1()

    def _leak_level1(self) -> None:
        """Level-1-2 routers advertise their level-1 routes into level 2."""
        if not self.adverts[1] or 1 not in self.levels:
            return
        l12 = [self.inv.index[n] for n, c in self.inv.configs.items()
               if c.isis is not None and c.isis.level is IsisLevel.L1L2 and n not in self.inv.dead]
        if not l12:
            return
        for p, adv in self.adverts[1].items():
            col = self._column(1, tuple(adv))
            have = dict(self.adverts[2].get(p, []))
            for r in l12:
                cost = col[r]
                if np.isfinite(cost) and r not in have:
                    have[r] = min(int(cost), WIDE_MAX)
            if have:
                self.adverts[2][p] = sorted(have.items())

    @cached_property
    def prefixes(self) -> list[IPNetwork]:
        """Every prefix advertised in IS-IS, in address order."""
        allp: set[IPNetwork] = set(self.adverts[1]) | set(self.adverts[2])
        return sorted(allp, key=lambda p: (p.version, int(p.network_address), p.prefixlen))

    # -- costs -------------------------------------------------------------------------------
    def _column(self, level: int, adv: tuple[tuple[int, int], ...]) -> FloatArray:
        key = (level, adv)
        col = self._columns.get(key)
        if col is None:
            lg = self.levels.get(level)
            if lg is None:
                col = np.full(len(self.inv.names), np.inf)
            else:
                nodes = np.array([a for a, _ in adv], dtype=np.int64)
                metrics = np.array([m for _, m in adv], dtype=np.float64)
                col = np.min(lg.spf.dist[:, nodes] + metrics, axis=1)
            self._columns[key] = col
        return col

    @cached_property
    def routed(self) -> frozenset[NetKey]:
        """Every prefix in IS-IS as (version, network as int, length): lets a caller that
        holds that key skip the lookups (each hashes an ``ipaddress`` network in Python)
        for the many prefixes that are not in IS-IS at all."""
        return frozenset(net_key(p) for lvl in (1, 2) for p in self.adverts[lvl])

    @cached_property
    def _unrouted_column(self) -> FloatArray:
        col = np.full(len(self.inv.names), np.inf)
        col.flags.writeable = False
        return col

    def cost_column(self, prefix: IPNetwork, key: NetKey | None = None
                    ) -> FloatArray:
        """IS-IS metric of every node's route to ``prefix`` (inf = none; L1 before L2).
        ``key``: the prefix's (version, network, length), when the caller has it. The
        column is the caller's to read, not to change."""
        if key is not None and key not in self.routed:
            return self._unrouted_column
        l1 = self.adverts[1].get(prefix)
        l2 = self.adverts[2].get(prefix)
        if l2 and not l1 and 2 in self.levels:  # the backbone's case: level 2 only
            if len(l2) == 1:
                a, m = l2[0]
                out = self.levels[2].spf.dist[:, a] + m
            else:
                out = self._column(2, tuple(l2)).copy()
        else:
            out = np.full(len(self.inv.names), np.inf)
            for lvl, adv in ((2, l2), (1, l1)):
                if adv:
                    col = self._column(lvl, tuple(adv))
                    out = np.where(np.isfinite(col), col, out)
        for a in self.advertisers.get(prefix, ()):
            out[a] = np.inf
        return out

    def cost_of(self, prefix: IPNetwork, key: NetKey | None = None
                ) -> Callable[[int], float]:
        """A function of a node giving its IS-IS metric to ``prefix`` (the lookups of the
        prefix done once: many nodes asking about one prefix share them). ``key`` as for
        :meth:`cost_column`."""
        if key is not None and key not in self.routed:
            return _unrouted
        got = self._cost_fns.get(prefix)
        if got is None:
            got = self._cost_fns[prefix] = self._make_cost(prefix)
        return got

    def _make_cost(self, prefix: IPNetwork) -> Callable[[int], float]:
        own = self.advertisers.get(prefix, frozenset())
        parts = []
        for lvl in (1, 2):
            adv = self.adverts[lvl].get(prefix)
            lg = self.levels.get(lvl)
            if adv and lg is not None:
                parts.append((lg.spf.dist, tuple((a, float(m)) for a, m in adv)))
        if not parts:  # not in IS-IS (a link to an external peer, a host address)
            return _unrouted
        inf = float("inf")

        def cost(node: int) -> float:
            if node in own:
                return inf
            for dist, adv in parts:
                row = dist[node]
                best = min(float(row[a]) + m for a, m in adv)
                if best < inf:
                    return best
            return inf

        return cost

    def route(self, node: int, prefix: IPNetwork) -> IsisRoute | None:
        """``node``'s IS-IS route to ``prefix``, or None."""
        if node in self.advertisers.get(prefix, ()) or self.inv.names[node] in self.inv.dead:
            return None
        for lvl in (1, 2):
            adv = self.adverts[lvl].get(prefix)
            lg = self.levels.get(lvl)
            if not adv or lg is None:
                continue
            spf = lg.spf
            row = spf.dist[node]
            if len(adv) == 1:
                a, m = adv[0]
                best = float(row[a]) + m
                if best == np.inf:
                    continue
                edges = spf.next_hop_edges(node, a).tolist()
            else:
                costs = [(float(row[a]) + m, a) for a, m in adv]
                best = min(c for c, _ in costs)
                if best == np.inf:
                    continue
                found: set[int] = set()
                for c, a in costs:
                    if c == best:
                        found.update(spf.next_hop_edges(node, a).tolist())
                edges = sorted(found)
            hops = self._hops(lvl, prefix.version)
            proto = RoutingProtocol.ISIS_L1 if lvl == 1 else RoutingProtocol.ISIS_L2
            return IsisRoute(prefix, proto, int(best),
                             tuple(sorted((hops[e] for e in edges), key=hop_order)),
                             tuple(edges), lvl)
        return None

    def _hops(self, level: int, version: int) -> list[NextHop]:
        """The next hop of every edge of a level, for one address family (built once)."""
        key = (level, version)
        got = self._edge_hops.get(key)
        if got is None:
            lg = self.levels[level]
            got = self._edge_hops[key] = [
                NextHop(ip=self.inv.interface_address((adj.remote, adj.remote_interface),
                                                      version), interface=adj.interface)
                for adj in lg.adjacencies]
        return got

    def routes_of(self, node: int) -> list[IsisRoute]:
        """Every IS-IS route of ``node`` (vectorised cost screen, then exact next hops)."""
        out = []
        for p in self.prefixes:
            if self._reachable(node, p):
                r = self.route(node, p)
                if r is not None:
                    out.append(r)
        return out

    def _reachable(self, node: int, prefix: IPNetwork) -> bool:
        for lvl in (1, 2):
            adv = self.adverts[lvl].get(prefix)
            lg = self.levels.get(lvl)
            if adv and lg is not None:
                d = lg.spf.dist[node]
                if any(np.isfinite(d[a]) for a, _ in adv):
                    return True
        return False


def _unrouted(node: int) -> float:
    return float("inf")


def hop_order(h: NextHop) -> tuple[str, int]:
    """The order next hops are listed in: interface, then address."""
    return (h.interface or "", int(h.ip) if h.ip is not None else 0)
