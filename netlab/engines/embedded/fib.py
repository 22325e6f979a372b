"""The main RIB and FIB of every node: longest match over connected, static, IS-IS, BGP.

For each prefix a node has routes from several protocols; the lowest
administrative distance wins, with each vendor's defaults (Batfish's table,
``RoutingProtocol.getDefaultAdministrativeCost``):

==========  =========  =====  ======  ======  ====  ====
vendor      connected  local  static  isis    ebgp  ibgp
==========  =========  =====  ======  ======  ====  ====
junos       0          0      5       15/18   170   170
iosxr, frr  0          0      1       115     20    200
eos         0          0      1       115     200   200
==========  =========  =====  ======  ======  ====  ====

(isis 15/18 = level 1/level 2.) A lookup takes the longest prefix the node has
*any* route for, then that prefix's winning route. Every originated BGP
network gets the discard (null) static route the renderers write as its anchor
(docs/config-model.md), so the originator holds the prefix in its RIB.

Two views exist per snapshot: the **IGP FIB** (connected, local, static and
IS-IS only) over which BGP sessions open and BGP next hops resolve, and the
full FIB (adds BGP) used for forwarding. A BGP route's forwarding next hops are
those of the IGP route resolving its BGP next hop; a static route's next hop
resolves over connected and IS-IS routes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from netlab.engines.base import IPAddress, IPNetwork, NextHop, RoutingProtocol
from netlab.engines.embedded.inventory import Inventory, NetKey, ipkey, net_key
from netlab.engines.embedded.isis_rib import IsisRib
from netlab.model.types import Vendor

__all__ = [
    "BgpRoutes",
    "BgpSelection",
    "Fib",
    "FibEntry",
    "Forward",
    "PrefixIndex",
    "admin_distance",
    "net_key",
]

FloatArray = NDArray[np.float64]
INF = float("inf")

_AD: dict[Vendor, dict[RoutingProtocol, int]] = {
    Vendor.JUNOS: {RoutingProtocol.STATIC: 5, RoutingProtocol.ISIS_L1: 15,
                   RoutingProtocol.ISIS_L2: 18, RoutingProtocol.BGP: 170,
                   RoutingProtocol.IBGP: 170},
    Vendor.IOSXR: {RoutingProtocol.STATIC: 1, RoutingProtocol.ISIS_L1: 115,
                   RoutingProtocol.ISIS_L2: 115, RoutingProtocol.BGP: 20,
                   RoutingProtocol.IBGP: 200},
    Vendor.EOS: {RoutingProtocol.STATIC: 1, RoutingProtocol.ISIS_L1: 115,
                 RoutingProtocol.ISIS_L2: 115, RoutingProtocol.BGP: 200,
                 RoutingProtocol.IBGP: 200},
    Vendor.FRR: {RoutingProtocol.STATIC: 1, RoutingProtocol.ISIS_L1: 115,
                 RoutingProtocol.ISIS_L2: 115, RoutingProtocol.BGP: 20,
                 RoutingProtocol.IBGP: 200},
}


def _members(nodes: Collection[int]) -> Collection[int]:
    """A container to test node membership in: the list itself when short."""
    return nodes if len(nodes) <= 8 else frozenset(nodes)


def admin_distance(vendor: Vendor, protocol: RoutingProtocol) -> int:
    """The default administrative distance of ``protocol`` on ``vendor``."""
    if protocol in (RoutingProtocol.CONNECTED, RoutingProtocol.LOCAL):
        return 0
    return _AD[vendor][protocol]


@dataclass(frozen=True, slots=True)
class Forward:
    """Where a packet goes: out ``interface``, to ``next_hop_ip`` (None = the destination)."""

    interface: str
    next_hop_ip: IPAddress | None


@dataclass(frozen=True, slots=True)
class FibEntry:
    """The winning route of a node for one prefix, with its resolved forwarding."""

    network: IPNetwork
    protocol: RoutingProtocol
    admin_distance: int
    metric: int
    next_hops: tuple[NextHop, ...]  # as the RIB shows them (BGP: the unresolved next hop)
    forwards: tuple[Forward, ...] = ()
    discard: bool = False
    anchor: bool = False  # discard anchor of a BGP network this node originates


class BgpSelection(Protocol):
    """What the FIB needs of a node's BGP selection for a prefix."""

    @property
    def ebgp(self) -> bool: ...

    @property
    def med(self) -> int: ...

    @property
    def next_hops(self) -> tuple[IPAddress, ...]: ...

    @property
    def local(self) -> bool: ...


class BgpRoutes(Protocol):
    """What the FIB needs of the BGP RIB."""

    def prefixes(self) -> Iterable[IPNetwork]: ...

    def selection(self, node: int, prefix: IPNetwork) -> BgpSelection | None: ...


@dataclass
class PrefixIndex:
    """Every prefix known anywhere, for longest-match candidate lists."""

    # (version, length) → network as int → the prefix object (None until first needed)
    by_length: dict[tuple[int, int], dict[int, IPNetwork | None]] = field(
        default_factory=lambda: defaultdict(dict))
    lengths: dict[int, list[int]] = field(default_factory=dict)
    _cache: dict[int, list[IPNetwork]] = field(default_factory=dict)

    def add(self, p: IPNetwork) -> None:
        self.by_length[(p.version, p.prefixlen)][int(p.network_address)] = p

    def add_key(self, key: NetKey, p: IPNetwork | None = None) -> None:
        known = self.by_length[(key[0], key[2])]
        if known.get(key[1]) is None:
            known[key[1]] = p

    def freeze(self) -> None:
        for v in (4, 6):
            self.lengths[v] = sorted((pl for ver, pl in self.by_length if ver == v), reverse=True)

    def copy(self) -> PrefixIndex:
        return PrefixIndex(defaultdict(dict, {k: dict(v) for k, v in self.by_length.items()}))

    def covering(self, ip: IPAddress) -> list[IPNetwork]:
        """Known prefixes containing ``ip``, longest first."""
        key = ipkey(ip)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = self._covering(ip)
        return got

    def _covering(self, ip: IPAddress) -> list[IPNetwork]:
        v, bits = ip.version, ip.max_prefixlen
        n = int(ip)
        out = []
        make = IPv4Network if v == 4 else IPv6Network
        by_length = self.by_length
        for pl in self.lengths.get(v, ()):
            net = (n >> (bits - pl)) << (bits - pl) if pl else 0
            known = by_length[(v, pl)]
            if net in known:
                p = known[net]
                if p is None:
                    p = known[net] = make((net, pl))
                out.append(p)
        return out


class Fib:
    """Per-node route selection and longest-match lookup (IGP-only when ``bgp`` is None)."""

    def __init__(self, inv: Inventory, isis: IsisRib, bgp: BgpRoutes | None = None,
                 igp: Fib | None = None) -> None:
        self.inv = inv
        self.isis = isis
        self.bgp = bgp
        self.igp = igp if igp is not None else (self if bgp is None else Fib(inv, isis))
        self._connected: dict[int, dict[IPNetwork, FibEntry]] = {}
        self.static: dict[int, dict[IPNetwork, list[tuple[IPAddress | None, bool]]]] = (
            defaultdict(lambda: defaultdict(list)))
        self.index = PrefixIndex()
        self.holders: dict[NetKey, list[int]] = defaultdict(list)  # nodes with it connected
        self.static_nodes: dict[NetKey, list[int]] = defaultdict(list)  # ... with a static
        self.static_holders: set[IPNetwork] = set()
        self.bgp_prefixes: frozenset[IPNetwork] = frozenset(bgp.prefixes() if bgp else ())
        self._entries: dict[tuple[int, IPNetwork], FibEntry | None] = {}
        self._lookups: dict[tuple[int, int], FibEntry | None] = {}
        self._cost_columns: dict[int, FloatArray] = {}
        self._cost_plans: dict[int, tuple[list[tuple[IPNetwork, Collection[int], Collection[int],
                                                     Callable[[int], float]]], bool]] = {}
        if igp is not None:
            self._extend(igp)
        else:
            self._build()

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        inv = self.inv
        index = self.index
        for node, subnets in inv.connected.items():
            i = inv.index[node]
            for c in subnets:
                index.add_key(c.key, c.network)
                self.holders[c.key].append(i)
                v = c.key[0]  # and the address's local (host) route
                index.add_key((v, int(c.address), 32 if v == 4 else 128))
        for name, cfg in inv.configs.items():
            if not inv.alive(name):
                continue
            i = inv.index[name]
            for s in cfg.static_routes:
                self.static[i][s.prefix].append((s.next_hop, False))
            if cfg.bgp is not None:
                for p in cfg.bgp.networks:
                    self.static[i][p].append((None, True))
        for i, stat in self.static.items():
            for p in stat:
                key = net_key(p)
                index.add_key(key, p)
                self.static_nodes[key].append(i)
                self.static_holders.add(p)
        for level in (1, 2):
            for p in self.isis.adverts[level]:
                index.add(p)
        if self.bgp is not None:
            for p in self.bgp.prefixes():
                index.add(p)
        index.freeze()

    def connected(self, node: int) -> dict[IPNetwork, FibEntry]:
        """``node``'s connected and local routes (built when first asked)."""
        got = self._connected.get(node)
        if got is None:
            got = self._connected[node] = {}
            for c in self.inv.connected.get(self.inv.names[node], ()):
                hop = (NextHop(interface=c.interface),)
                fwd = (Forward(c.interface, None),)
                if c.network not in got:
                    got[c.network] = FibEntry(c.network, RoutingProtocol.CONNECTED, 0, 0, hop,
                                              fwd)
                host = type(c.network)((int(c.address), c.address.max_prefixlen))
                if host != c.network:
                    got[host] = FibEntry(host, RoutingProtocol.LOCAL, 0, 0, hop, fwd)
        return got

    def _extend(self, igp: Fib) -> None:
        """Share the IGP FIB's connected and static tables; index the BGP prefixes too."""
        self._connected, self.static = igp._connected, igp.static
        self.holders, self.static_holders = igp.holders, igp.static_holders
        self.static_nodes = igp.static_nodes
        self.index = igp.index.copy()
        if self.bgp is not None:
            for p in self.bgp.prefixes():
                self.index.add(p)
        self.index.freeze()

    # -- routes ------------------------------------------------------------------------------
    def entry(self, node: int, prefix: IPNetwork) -> FibEntry | None:
        """``node``'s winning route for exactly ``prefix`` (None = no route)."""
        key = (node, prefix)
        if key not in self._entries:
            self._entries[key] = self._select(node, prefix)
        return self._entries[key]

    def _select(self, node: int, prefix: IPNetwork) -> FibEntry | None:
        conn = self.connected(node).get(prefix)
        if conn is not None:
            return conn
        name = self.inv.names[node]
        if not self.inv.alive(name):
            return None
        vendor = self.inv.configs[name].vendor
        found: list[FibEntry] = []
        st = self._static(node, prefix, vendor)
        if st is not None:
            found.append(st)
        route = self.isis.route(node, prefix)
        if route is not None:
            ad = admin_distance(vendor, route.protocol)
            fwd = tuple(Forward(h.interface or "", h.ip) for h in route.next_hops)
            found.append(FibEntry(prefix, route.protocol, ad, route.metric, route.next_hops, fwd))
        if self.bgp is not None:
            sel = self.bgp.selection(node, prefix)
            if sel is not None and not sel.local:
                b = self._bgp_entry(node, prefix, sel, vendor)
                if b is not None:
                    found.append(b)
        return min(found, key=lambda e: e.admin_distance) if found else None

    def _static(self, node: int, prefix: IPNetwork, vendor: Vendor) -> FibEntry | None:
        routes = self.static.get(node, {}).get(prefix)
        if not routes:
            return None
        ad = admin_distance(vendor, RoutingProtocol.STATIC)
        hops: list[NextHop] = []
        fwds: list[Forward] = []
        for nh, anchor in routes:
            if nh is None:
                return FibEntry(prefix, RoutingProtocol.STATIC, ad, 0, (NextHop(discard=True),),
                                discard=True, anchor=anchor)
            via = self.igp.lookup(node, nh, static=False)
            if via is None or via.discard:
                continue
            hops.append(NextHop(ip=nh))
            fwds.extend(Forward(f.interface, f.next_hop_ip or nh) for f in via.forwards)
        if not hops:
            return None
        return FibEntry(prefix, RoutingProtocol.STATIC, ad, 0, tuple(hops),
                        tuple(dict.fromkeys(fwds)))

    def _bgp_entry(self, node: int, prefix: IPNetwork, sel: BgpSelection, vendor: Vendor
                   ) -> FibEntry | None:
        proto = RoutingProtocol.BGP if sel.ebgp else RoutingProtocol.IBGP
        fwds: list[Forward] = []
        hops: list[NextHop] = []
        for nh in sel.next_hops:
            via = self.igp.lookup(node, nh)
            if via is None or via.discard:
                continue
            hops.append(NextHop(ip=nh))
            fwds.extend(Forward(f.interface, f.next_hop_ip or nh) for f in via.forwards)
        if not hops:
            return None
        return FibEntry(prefix, proto, admin_distance(vendor, proto), sel.med, tuple(hops),
                        tuple(dict.fromkeys(fwds)))

    def lookup(self, node: int, ip: IPAddress, *, static: bool = True) -> FibEntry | None:
        """Longest-match route of ``node`` for ``ip`` (``static=False`` skips static routes)."""
        key = (node, ipkey(ip))
        if static and key in self._lookups:
            return self._lookups[key]
        found = None
        for p in self.index.covering(ip):
            e = self.entry(node, p) if static else self._no_static(node, p)
            if e is not None:
                found = e
                break
        if static:
            self._lookups[key] = found
        return found

    def _no_static(self, node: int, prefix: IPNetwork) -> FibEntry | None:
        conn = self.connected(node).get(prefix)
        if conn is not None:
            return conn
        route = self.isis.route(node, prefix)
        if route is None:
            return None
        vendor = self.inv.configs[self.inv.names[node]].vendor
        fwd = tuple(Forward(h.interface or "", h.ip) for h in route.next_hops)
        return FibEntry(prefix, route.protocol, admin_distance(vendor, route.protocol),
                        route.metric, route.next_hops, fwd)

    def routes_of(self, node: int) -> list[FibEntry]:
        """Every installed route of ``node``."""
        prefixes: set[IPNetwork] = set(self.connected(node))
        prefixes.update(self.static.get(node, {}))
        prefixes.update(r.network for r in self.isis.routes_of(node))
        if self.bgp is not None:
            prefixes.update(p for p in self.bgp.prefixes()
                            if self.bgp.selection(node, p) is not None)
        out = [e for p in prefixes if (e := self.entry(node, p)) is not None]
        return sorted(out, key=lambda e: (e.network.version, int(e.network.network_address),
                                          e.network.prefixlen))

    # -- IGP cost to a BGP next hop -----------------------------------------------------------
    def cost_column(self, ip: IPAddress) -> FloatArray:
        """Every node's IGP metric to ``ip`` by longest match (0 connected/static; inf none)."""
        key = ipkey(ip)
        col = self._cost_columns.get(key)
        if col is not None:
            return col
        covering = self.index.covering(ip)
        host = self._hosts.get(key)
        if host is not None:  # a loopback (see :meth:`cost`): its /32 or /128 first
            adv, metric, dist = host
            col = dist[:, adv] + metric
            col[adv] = 0.0  # connected there
            todo = ~np.isfinite(col)
            assert covering[0].prefixlen == covering[0].max_prefixlen  # the longest match
            covering = covering[1:]  # the host prefix, just done
            if not todo.any():
                covering = []
        else:
            n = len(self.inv.names)
            col = np.full(n, np.inf)
            todo = np.ones(n, dtype=bool)
        for p in covering:
            nk = net_key(p)
            for node in self.holders.get(nk, ()):
                if todo[node]:
                    col[node] = 0.0
                    todo[node] = False
            for node in self.static_nodes.get(nk, ()):
                if todo[node] and self._usable(node, p):
                    col[node] = 0.0
                    todo[node] = False
            isis = self.isis.cost_column(p, nk)
            hit = todo & np.isfinite(isis)
            col[hit] = isis[hit]
            todo &= ~hit
        self._cost_columns[key] = col
        return col

    def _usable(self, node: int, prefix: IPNetwork) -> bool:
        e = self.entry(node, prefix)
        return e is not None and not e.discard

    def cost(self, node: int, ip: IPAddress, key: int | None = None) -> float:
        """``node``'s IGP metric to ``ip`` (one entry of :meth:`cost_column`, computed alone;
        ``key`` = ``ipkey(ip)`` when the caller has it)."""
        key = ipkey(ip) if key is None else key
        col = self._cost_columns.get(key)
        if col is not None:
            return float(col[node])
        host = self._hosts.get(key)
        if host is not None:  # a loopback: its own /32 or /128 wins wherever it is a route
            adv, metric, dist = host
            if node == adv:
                return 0.0
            c = float(dist[node, adv]) + metric
            if c < INF:
                return c
        for p, holders, statics, isis_cost in self.cost_plan(ip, key)[0]:
            if node in holders:
                return 0.0
            if node in statics and self._usable(node, p):
                return 0.0
            cost = isis_cost(node)
            if cost < np.inf:
                return cost
        return float(np.inf)

    @cached_property
    def _hosts(self) -> dict[int, tuple[int, float, FloatArray]]:
        """Address → (its router, metric, level-2 distances) for every host prefix that one
        router alone advertises, in level 2 only, holds connected, and no static route
        covers: the longest match for that address wherever a node has an IS-IS route
        to it (the fast path of :meth:`cost`; anything else takes the general plan)."""
        lg = self.isis.levels.get(2)
        if lg is None:
            return {}
        statics = PrefixIndex()
        for key in self.static_nodes:
            statics.add_key(key)
        statics.freeze()
        out: dict[int, tuple[int, float, FloatArray]] = {}
        l1 = self.isis.adverts[1]
        for p, adv in self.isis.adverts[2].items():
            if len(adv) != 1 or p.prefixlen != p.max_prefixlen or p in l1:
                continue
            a, metric = adv[0]
            addr = p.network_address
            if self.holders.get(net_key(p)) != [a] or statics.covering(addr):
                continue
            out[ipkey(addr)] = (a, float(metric), lg.spf.dist)
        return out

    def static_free(self, ip: IPAddress, key: int | None = None) -> bool:
        """Whether no static route covers ``ip`` on any node."""
        key = ipkey(ip) if key is None else key
        if key in self._hosts:
            return True
        return self.cost_plan(ip, key)[1]

    def cost_plan(self, ip: IPAddress, key: int | None = None) -> tuple[
            list[tuple[IPNetwork, Collection[int], Collection[int], Callable[[int], float]]], bool]:
        """For each known prefix covering ``ip`` (longest first): the nodes that have it
        connected, those with a static route for it, and the IS-IS cost function; and
        whether no static route covers ``ip`` anywhere. Built once per address."""
        key = ipkey(ip) if key is None else key
        got = self._cost_plans.get(key)
        if got is None:
            plan: list[tuple[IPNetwork, Collection[int], Collection[int],
                             Callable[[int], float]]] = []
            for p in self.index.covering(ip):
                nk = net_key(p)
                plan.append((p, _members(self.holders.get(nk, ())),
                             _members(self.static_nodes.get(nk, ())),
                             self.isis.cost_of(p, nk)))
            got = self._cost_plans[key] = (plan, not any(st for _, _, st, _ in plan))
        return got
