"""Traceroute and reachability: flows followed through the FIB along every ECMP branch.

For one destination address the FIB defines a *forwarding graph*: each node
either ends the flow (a disposition) or hands it to one or more next nodes
(:mod:`forwarding_step`). A flow's traces are the paths of that graph from its
ingress node; revisiting a node ends the trace with ``LOOP``.

:class:`ForwardingGraph` explores the graph once per destination and answers
for every ingress node at once: the set of dispositions (every terminal
reachable, plus ``LOOP`` where a cycle is reachable), the number of traces, and
up to ``max_traces`` sample traces (``TraceCount`` is exact unless a cycle makes
the paths unbounded; then it counts the traces enumerated, as Batfish caps too).

A destination that is an up loopback covered by nothing but its own host
prefix takes a shortcut: hop-by-hop IS-IS forwarding toward it is consistent,
so a node with a route delivers and one without has ``NO_ROUTE`` — no walk.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from netlab.engines.base import Flow, FlowDisposition, Hop, IPAddress, Trace
from netlab.engines.embedded.fib import Fib
from netlab.engines.embedded.forwarding_step import Branch, step
from netlab.engines.embedded.inventory import Inventory

__all__ = ["MAX_TRACES", "FlowResult", "ForwardingGraph", "source_ip"]

MAX_TRACES = 16
MAX_COUNT = 1_000_000
_SUCCESS = frozenset({FlowDisposition.ACCEPTED, FlowDisposition.DELIVERED_TO_SUBNET,
                      FlowDisposition.EXITS_NETWORK})


@dataclass(frozen=True, slots=True)
class FlowResult:
    """What happens to a flow: its dispositions, how many traces, sample traces."""

    flow: Flow
    dispositions: frozenset[FlowDisposition]
    trace_count: int
    traces: tuple[Trace, ...]

    @property
    def success(self) -> bool:
        return self.dispositions <= _SUCCESS


def source_ip(inv: Inventory, node: str, version: int) -> IPAddress:
    """The address a flow from ``node`` carries: its loopback (else any interface address)."""
    cfg = inv.configs[node]
    lo = cfg.loopback()
    for itf in ([lo] if lo is not None else []) + list(cfg.interfaces):
        addr = itf.ipv4 if version == 4 else itf.ipv6
        if addr is not None:
            return addr.ip
    from ipaddress import IPv4Address, IPv6Address

    return IPv4Address(0) if version == 4 else IPv6Address(0)


class ForwardingGraph:
    """The forwarding graph of one destination address, explored on demand."""

    def __init__(self, inv: Inventory, fib: Fib, dst: IPAddress) -> None:
        self.inv = inv
        self.fib = fib
        self.dst = dst
        self.branches: dict[int, tuple[Branch, ...]] = {}
        self._disp: dict[int, frozenset[FlowDisposition]] = {}
        self._count: dict[int, int] = {}
        self._cyclic: set[int] = set()
        self._shortcut = self._igp_only()

    def _igp_only(self) -> bool:
        """Whether the destination is an up loopback that only its own host prefix covers."""
        owner = self.inv.owner(self.dst)
        if owner is None or owner not in self.inv.up_ports:
            return False
        if not self.inv.interfaces[owner].loopback:
            return False
        covering = self.fib.index.covering(self.dst)
        return (len(covering) == 1 and covering[0].prefixlen == self.dst.max_prefixlen
                and covering[0] not in self.fib.static_holders
                and covering[0] not in self.fib.bgp_prefixes)

    def branches_of(self, node: int) -> tuple[Branch, ...]:
        """What ``node`` does with the destination (one branch per ECMP forward)."""
        got = self.branches.get(node)
        if got is None:
            got = self.branches[node] = step(self.inv, self.fib, node, self.dst)
        return got

    # -- dispositions and counts (condensation of the explored graph) ------------------------
    def _explore(self, start: int) -> None:
        """Tarjan's SCC over the part reachable from ``start``; fills dispositions, counts."""
        if start in self._disp:
            return
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        stack: list[int] = []
        on_stack: set[int] = set()
        counter = 0
        work: list[tuple[int, Iterator[Branch]]] = []

        def push(v: int) -> None:
            nonlocal counter
            index[v] = low[v] = counter
            counter += 1
            stack.append(v)
            on_stack.add(v)
            work.append((v, iter(self.branches_of(v))))

        push(start)
        while work:
            v, it = work[-1]
            advanced = False
            for b in it:
                w = b.next_node
                if w is None or w in self._disp:
                    continue
                if w not in index:
                    push(w)
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                self._finish(comp)

    def _finish(self, comp: list[int]) -> None:
        members = set(comp)
        cyclic = len(comp) > 1 or any(b.next_node == comp[0] for b in self.branches_of(comp[0]))
        disp: set[FlowDisposition] = set()
        count = 0
        for v in comp:
            for b in self.branches_of(v):
                if b.disposition is not None:
                    disp.add(b.disposition)
                    count += 1
                elif b.next_node is not None and b.next_node not in members:
                    disp |= self._disp[b.next_node]
                    count += self._count[b.next_node]
                    if b.next_node in self._cyclic:
                        cyclic = True
        if cyclic:
            disp.add(FlowDisposition.LOOP)
            self._cyclic.update(comp)
        frozen = frozenset(disp)
        for v in comp:
            self._disp[v] = frozen
            self._count[v] = min(count, MAX_COUNT)

    def dispositions(self, node: int) -> frozenset[FlowDisposition]:
        """Every way a flow entering at ``node`` can end."""
        if self._shortcut:
            return frozenset({self._shortcut_disposition(node)})
        self._explore(node)
        return self._disp[node]

    def dispositions_of(self, nodes: list[int]) -> list[frozenset[FlowDisposition]]:
        """:meth:`dispositions` of many ingress nodes (one numpy pass on the shortcut)."""
        if not self._shortcut:
            return [self.dispositions(n) for n in nodes]
        cost = self.fib.cost_column(self.dst)[np.array(nodes, dtype=np.int64)]
        ok, bad = frozenset({FlowDisposition.ACCEPTED}), frozenset({FlowDisposition.NO_ROUTE})
        dead = frozenset({FlowDisposition.NEIGHBOR_UNREACHABLE})
        names = self.inv.names
        return [dead if names[n] in self.inv.dead else ok if np.isfinite(c) else bad
                for n, c in zip(nodes, cost.tolist(), strict=True)]

    def _shortcut_disposition(self, node: int) -> FlowDisposition:
        name = self.inv.names[node]
        if not self.inv.alive(name):
            return FlowDisposition.NEIGHBOR_UNREACHABLE
        cost = self.fib.cost_column(self.dst)[node]
        return FlowDisposition.ACCEPTED if np.isfinite(cost) else FlowDisposition.NO_ROUTE

    # -- traces ------------------------------------------------------------------------------
    def traces(self, node: int, limit: int = MAX_TRACES) -> tuple[tuple[Trace, ...], int]:
        """Up to ``limit`` traces from ``node`` and the number of traces there are."""
        out: list[Trace] = []
        enumerated = 0
        for trace in self._walk(node):
            enumerated += 1
            if len(out) < limit:
                out.append(trace)
            elif not self._cyclic or enumerated >= MAX_COUNT:
                break
        self._explore(node)
        count = self._count[node] if node not in self._cyclic else enumerated
        return tuple(out), max(count, len(out))

    def _walk(self, start: int) -> Iterator[Trace]:
        stack: list[tuple[int, str | None, tuple[Hop, ...], frozenset[int]]] = [
            (start, None, (), frozenset())]
        while stack:
            node, ingress, hops, seen = stack.pop()
            for b in reversed(self.branches_of(node)):
                hop = dataclasses.replace(b.hop, ingress_interface=ingress)
                path = (*hops, hop)
                if b.disposition is not None:
                    yield Trace(b.disposition, path)
                elif b.next_node is not None:
                    if b.next_node in seen or b.next_node == node:
                        yield Trace(FlowDisposition.LOOP, path)
                    else:
                        stack.append((b.next_node, b.next_ingress, path, seen | {node}))

    def result(self, node: int, flow: Flow, limit: int = MAX_TRACES) -> FlowResult:
        traces, count = self.traces(node, limit)
        return FlowResult(flow, self.dispositions(node), count, traces)


def flows_for(inv: Inventory, sources: Iterable[str], dst: IPAddress) -> list[Flow]:
    return [Flow(s, source_ip(inv, s, dst.version), dst) for s in sources]
