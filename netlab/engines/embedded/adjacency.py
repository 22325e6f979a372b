"""IS-IS adjacencies from layer 1 and both ends' interface configuration.

Every physical link (and every live layer-1 edge the network does not know)
with IS-IS configured on at least one end is a *circuit*; both ends get a row.
The checks run in the order a router meets them, and the first that fails is
the reason: node down → no light (link or port down) → interface admin-down →
IS-IS not enabled → passive → duplicate system-id → network type (p2p vs
broadcast) → level (circuit ∩ process level, both ends) → area (level-1 only)
→ hello authentication → MTU (hellos are padded to the MTU) → IPv4 subnet.

Authentication and MTU mismatches are one-sided on real routers, and the rows
say so: the end that still *hears* the other (no auth configured, or the larger
MTU) sees hellos that do not list it and sits in ``INIT``; the other is
``DOWN``. Every other failure leaves both ends ``DOWN``.

Examples
--------
>>> levels_of({1, 2})
<IsisLevel.L1L2: 'level-1-2'>
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

from netlab.engines.base import AdjacencyReason, AdjacencyState, IsisAdjacencyRow
from netlab.engines.embedded.inventory import Inventory, Port
from netlab.model.device import DeviceConfig, InterfaceConfig, IsisLevel
from netlab.model.types import Vendor

__all__ = ["Adjacency", "area_of", "circuit_levels", "evaluate_adjacencies", "levels_of",
           "system_id_of"]

_LEVELS = {IsisLevel.L1: frozenset({1}), IsisLevel.L2: frozenset({2}),
           IsisLevel.L1L2: frozenset({1, 2})}
NARROW_MAX = 63
WIDE_MAX = 16_777_215


def levels_of(levels: Iterable[int]) -> IsisLevel:
    """The :class:`IsisLevel` of a non-empty set of level numbers."""
    s = frozenset(levels)
    return next(k for k, v in _LEVELS.items() if v == s)


@functools.lru_cache(maxsize=16384)  # asked for both ends of every circuit
def area_of(net: str) -> str:
    """The area of an IS-IS NET: everything before the system id and selector."""
    return ".".join(net.split(".")[:-4])


@functools.lru_cache(maxsize=16384)
def system_id_of(net: str) -> str:
    return ".".join(net.split(".")[-4:-1])


class Adjacency(NamedTuple):
    """An UP adjacency in one direction: ``node`` reaches ``remote`` over ``interface``."""

    node: str
    interface: str
    remote: str
    remote_interface: str
    levels: frozenset[int]
    metric: int  # the local interface metric (cost of node → remote)


class _End(NamedTuple):
    port: Port
    cfg: DeviceConfig
    itf: InterfaceConfig


def _metric(cfg: DeviceConfig, itf: InterfaceConfig) -> int:
    assert itf.isis is not None and cfg.isis is not None
    cap = WIDE_MAX if cfg.isis.wide_metrics else NARROW_MAX
    return max(0, min(itf.isis.metric, cap))


def circuit_levels(cfg: DeviceConfig, itf: InterfaceConfig) -> frozenset[int]:
    """The levels a circuit runs: its circuit type within the process's is-type.

    FRR 8.4 ignores ``isis circuit-type`` on a single-level router and runs every
    circuit at the router's level (seen in the lab, docs/engines.md).
    """
    assert itf.isis is not None and cfg.isis is not None
    process = _LEVELS[cfg.isis.level]
    if cfg.vendor is Vendor.FRR and len(process) == 1:
        return process
    return _LEVELS[itf.isis.level] & process


def _where(e: _End) -> str:
    return f"{e.port[0]} {e.port[1]}"


class _Circuit:
    """Both ends of one circuit, evaluated once."""

    def __init__(self, inv: Inventory, a: Port, b: Port) -> None:
        self.inv = inv
        self.a, self.b = a, b

    def evaluate(self) -> tuple[list[IsisAdjacencyRow], list[Adjacency]]:
        inv, a, b = self.inv, self.a, self.b
        for node in (a[0], b[0]):
            if node in inv.dead:
                return self._both(AdjacencyReason.NODE_DOWN, f"{node} is down"), []
        failed = inv.snapshot.failures.interfaces_down
        if inv.layer1_peer.get(a) != b or a in failed or b in failed:
            return self._both(AdjacencyReason.NO_LAYER1_LINK,
                              f"no live layer-1 link between {a[0]} {a[1]} and "
                              f"{b[0]} {b[1]}"), []
        ea = _End(a, inv.configs[a[0]], inv.interfaces[a])
        eb = _End(b, inv.configs[b[0]], inv.interfaces[b])
        for e in (ea, eb):
            if not e.itf.enabled:
                return self._both(AdjacencyReason.INTERFACE_ADMIN_DOWN,
                                  f"{_where(e)} is administratively down"), []
        for e in (ea, eb):
            if e.cfg.isis is None or e.itf.isis is None:
                what = "no IS-IS process" if e.cfg.isis is None else "IS-IS not enabled"
                return self._both(AdjacencyReason.ISIS_NOT_ENABLED,
                                  f"{what} on {_where(e)}"), []
        for e in (ea, eb):
            assert e.itf.isis is not None
            if e.itf.isis.passive:
                return self._both(AdjacencyReason.PASSIVE, f"{_where(e)} is passive"), []
        return self._hellos(ea, eb)

    def _hellos(self, ea: _End, eb: _End
                ) -> tuple[list[IsisAdjacencyRow], list[Adjacency]]:
        assert ea.cfg.isis is not None and eb.cfg.isis is not None
        assert ea.itf.isis is not None and eb.itf.isis is not None
        sys_a, sys_b = system_id_of(ea.cfg.isis.net), system_id_of(eb.cfg.isis.net)
        if sys_a == sys_b:
            return self._both(AdjacencyReason.DUPLICATE_SYSTEM_ID,
                              f"{ea.port[0]} and {eb.port[0]} share system-id {sys_a}"), []
        if ea.itf.isis.point_to_point != eb.itf.isis.point_to_point:
            kind = {True: "point-to-point", False: "broadcast"}
            return self._both(AdjacencyReason.NETWORK_TYPE_MISMATCH,
                              f"{_where(ea)} is {kind[ea.itf.isis.point_to_point]}, "
                              f"{_where(eb)} is {kind[eb.itf.isis.point_to_point]}"), []
        la, lb = circuit_levels(ea.cfg, ea.itf), circuit_levels(eb.cfg, eb.itf)
        common = la & lb
        if not common:
            return self._both(AdjacencyReason.LEVEL_MISMATCH,
                              f"{_where(ea)} runs {_names(la)}, {_where(eb)} runs "
                              f"{_names(lb)}"), []
        area_a, area_b = area_of(ea.cfg.isis.net), area_of(eb.cfg.isis.net)
        if area_a != area_b:
            common = common - {1}
            if not common:
                return self._both(AdjacencyReason.AREA_MISMATCH,
                                  f"level-1 only, areas differ: {ea.port[0]} in {area_a}, "
                                  f"{eb.port[0]} in {area_b}"), []
        auth_a, auth_b = ea.itf.isis.hello_auth, eb.itf.isis.hello_auth
        if auth_a != auth_b:
            # A router drops hellos that fail its own check; one with no key accepts any.
            hears_a = auth_a is None  # a accepts b's hellos
            hears_b = auth_b is None
            detail = (f"hello authentication differs: {_where(ea)} "
                      f"{_auth(auth_a)}, {_where(eb)} {_auth(auth_b)}")
            return self._sided(AdjacencyReason.AUTH_MISMATCH, detail, hears_a, hears_b), []
        mtu_a, mtu_b = self.inv.mtu(ea.port), self.inv.mtu(eb.port)
        if mtu_a != mtu_b:
            detail = (f"MTU differs: {_where(ea)} {mtu_a}, {_where(eb)} {mtu_b} "
                      "(padded hellos of the larger side are dropped)")
            return self._sided(AdjacencyReason.MTU_MISMATCH, detail, mtu_a > mtu_b,
                               mtu_b > mtu_a), []
        if (ea.itf.ipv4 is not None and eb.itf.ipv4 is not None
                and ea.itf.ipv4.network != eb.itf.ipv4.network):
            return self._both(AdjacencyReason.SUBNET_MISMATCH,
                              f"{_where(ea)} is in {ea.itf.ipv4.network}, {_where(eb)} in "
                              f"{eb.itf.ipv4.network}"), []
        level = levels_of(common)
        rows = [IsisAdjacencyRow(ea.port[0], ea.port[1], eb.port[0], eb.port[1], level,
                                 AdjacencyState.UP),
                IsisAdjacencyRow(eb.port[0], eb.port[1], ea.port[0], ea.port[1], level,
                                 AdjacencyState.UP)]
        adj = [Adjacency(ea.port[0], ea.port[1], eb.port[0], eb.port[1], common,
                         _metric(ea.cfg, ea.itf)),
               Adjacency(eb.port[0], eb.port[1], ea.port[0], ea.port[1], common,
                         _metric(eb.cfg, eb.itf))]
        return rows, adj

    def _both(self, reason: AdjacencyReason, detail: str) -> list[IsisAdjacencyRow]:
        return self._sided(reason, detail, False, False)

    def _sided(self, reason: AdjacencyReason, detail: str, a_hears: bool, b_hears: bool
               ) -> list[IsisAdjacencyRow]:
        a, b = self.a, self.b
        sa = AdjacencyState.INIT if a_hears else AdjacencyState.DOWN
        sb = AdjacencyState.INIT if b_hears else AdjacencyState.DOWN
        return [IsisAdjacencyRow(a[0], a[1], b[0], b[1], None, sa, reason, detail),
                IsisAdjacencyRow(b[0], b[1], a[0], a[1], None, sb, reason, detail)]


def _names(levels: frozenset[int]) -> str:
    return levels_of(levels).value if levels else "no level"


def _auth(auth: object) -> str:
    return "without a key" if auth is None else "with a different key"


def _is_circuit(inv: Inventory, port: Port) -> bool:
    itf = inv.interfaces.get(port)
    return itf is not None and not itf.loopback and itf.isis is not None


def evaluate_adjacencies(inv: Inventory) -> tuple[list[IsisAdjacencyRow], list[Adjacency]]:
    """Rows for every IS-IS circuit end, and the UP adjacencies (both directions)."""
    pairs: list[tuple[Port, Port]] = []
    seen: set[Port] = set()
    for a, b in inv.link_ends.values():
        if a in inv.interfaces or b in inv.interfaces:
            pairs.append((a, b))
            seen.update((a, b))
    for e in inv.layer1:
        a, b = (e.node1, e.interface1), (e.node2, e.interface2)
        if a not in seen and b not in seen and a in inv.interfaces and b in inv.interfaces:
            pairs.append((a, b))
            seen.update((a, b))
    rows: list[IsisAdjacencyRow] = []
    adjacencies: list[Adjacency] = []
    for a, b in sorted(pairs):
        if not (_is_circuit(inv, a) or _is_circuit(inv, b)):
            continue
        if a not in inv.interfaces or b not in inv.interfaces:
            here = a if a in inv.interfaces else b
            rows.append(IsisAdjacencyRow(here[0], here[1], None, None, None,
                                         AdjacencyState.DOWN, AdjacencyReason.NO_LAYER1_LINK,
                                         f"{here[0]} {here[1]} leads to no configured router"))
            continue
        r, adj = _Circuit(inv, a, b).evaluate()
        rows.extend(r)
        adjacencies.extend(adj)
    for port in sorted(inv.interfaces):
        if port not in seen and _is_circuit(inv, port):
            reason = (AdjacencyReason.NODE_DOWN if port[0] in inv.dead
                      else AdjacencyReason.NO_LAYER1_LINK)
            rows.append(IsisAdjacencyRow(port[0], port[1], None, None, None, AdjacencyState.DOWN,
                                         reason, f"{port[0]} {port[1]} has no physical link"))
    return rows, adjacencies
