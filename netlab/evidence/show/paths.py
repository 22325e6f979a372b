"""Routes, BGP paths and traceroutes of one router, from the engine's answers.

* **Routes** are the engine's ``routes`` rows of the snapshot asked about now
  (the longest match for an address, the exact entry for a prefix), grouped
  per network with every ECMP next hop. A BGP next hop is resolved through
  the router's own route to it (``routes`` again), as the FIB does. A route
  whose protocol or next hops differ from the baseline changed when the
  first fault started; others date from just after boot.
* **BGP paths** are the engine's ``bgp_rib`` rows (best and ECMP-equal best
  paths, and backups), with the IGP cost to each next hop.
* **Traceroute** follows one of the engine's traces for the flow (the one a
  per-flow ECMP hash picks): every hop answers from the address of the
  interface the probe entered by, after the round trip of the links so far
  (twice their latency) plus a little queueing, fixed per hop and probe.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from netlab.engines.base import (
    BgpRibRow,
    FlowDisposition,
    IPAddress,
    IPNetwork,
    NextHop,
    RouteRow,
    RoutingProtocol,
)
from netlab.errors import EngineError
from netlab.evidence.show.context import ShowContext, boot_minute

__all__ = ["PROBES", "Paths", "Probe", "Route", "TraceHop", "TraceResult"]

PROBES = 3
MAX_HOPS = 30


@dataclass(frozen=True, slots=True)
class Route:
    """One network in the router's main RIB and its next hops."""

    network: IPNetwork
    protocol: RoutingProtocol
    admin_distance: int
    metric: int
    next_hops: tuple[NextHop, ...]
    resolved: tuple[NextHop, ...]  # the forwarding next hops of a recursive route
    since_minute: float
    best: BgpRibRow | None  # the best BGP path of a BGP route


@dataclass(frozen=True, slots=True)
class Probe:
    """One probe's answer: its round trip in ms, or None for a timeout (``*``)."""

    rtt_ms: float | None


@dataclass(frozen=True, slots=True)
class TraceHop:
    """One line of a traceroute."""

    ttl: int
    address: IPAddress | None
    router: str | None
    probes: tuple[Probe, ...]
    unreachable: bool = False  # the router answered with a network-unreachable (!N)


@dataclass(frozen=True, slots=True)
class TraceResult:
    """A traceroute: its destination, source and lines; ``no_route`` when it never left."""

    destination: IPAddress
    source: IPAddress
    hops: tuple[TraceHop, ...]
    no_route: bool = False


def parse_target(text: str) -> IPNetwork | IPAddress:
    """An address or a prefix a trainee typed; :class:`EngineError` when neither."""
    try:
        return ip_network(text, strict=False) if "/" in text else ip_address(text)
    except ValueError:
        raise EngineError(f"not an IP address or prefix: {text!r}") from None


class Paths:
    """Routes, BGP paths and traceroutes of one router (see the module docstring)."""

    def __init__(self, ctx: ShowContext) -> None:
        self.ctx = ctx

    # -- routes ------------------------------------------------------------------------------
    def _rows(self, target: IPNetwork | IPAddress | None, baseline: bool = False
              ) -> list[RouteRow]:
        ctx = self.ctx
        snap = ctx.baseline if baseline else ctx.snapshot
        return list(ctx.engine.routes(snap, nodes=[ctx.router],
                                      prefix=str(target) if target is not None else None).rows)

    def _since(self, network: IPNetwork, rows: list[RouteRow],
               base: dict[IPNetwork, list[RouteRow]]) -> float:
        ctx = self.ctx
        before = base.get(network, [])
        same = sorted(map(str, (r.next_hop for r in before))) == sorted(
            map(str, (r.next_hop for r in rows))) and bool(before) and (
            before[0].protocol is rows[0].protocol)
        if same:
            return ctx.boot + 2.0
        return ctx.change_minute + (3.0 / 60.0)

    def routes(self, target: IPNetwork | IPAddress | None = None,
               protocols: set[RoutingProtocol] | None = None) -> list[Route]:
        """The routes for ``target`` (all when None), optionally of some protocols only."""
        ctx = self.ctx
        if ctx.down:
            return []
        grouped: dict[IPNetwork, list[RouteRow]] = defaultdict(list)
        for r in self._rows(target):
            grouped[r.network].append(r)
        base: dict[IPNetwork, list[RouteRow]] = defaultdict(list)
        for r in self._rows(target, baseline=True):
            base[r.network].append(r)
        out = []
        for network in sorted(grouped, key=lambda n: (n.version, int(n.network_address),
                                                      n.prefixlen)):
            rows = grouped[network]
            first = rows[0]
            if protocols is not None and first.protocol not in protocols:
                continue
            hops = tuple(r.next_hop for r in rows)
            resolved: list[NextHop] = []
            for h in hops:
                if h.interface is None and h.ip is not None and not h.discard:
                    resolved.extend(r.next_hop for r in self._rows(h.ip)
                                    if r.next_hop.interface is not None)
            best = None
            if first.protocol in (RoutingProtocol.BGP, RoutingProtocol.IBGP):
                best = next((p for p in self.bgp_paths(network) if p.status.value == "BEST"),
                            None)
            out.append(Route(network, first.protocol, first.admin_distance, first.metric, hops,
                             tuple(dict.fromkeys(resolved)), self._since(network, rows, base),
                             best))
        return out

    def igp_metric(self, address: IPAddress) -> int | None:
        """The router's IGP metric to ``address`` (None when it has no route)."""
        rows = self._rows(address)
        return rows[0].metric if rows else None

    # -- BGP ---------------------------------------------------------------------------------
    def bgp_paths(self, prefix: IPNetwork | IPAddress | None = None) -> list[BgpRibRow]:
        """BGP RIB rows (best first) for ``prefix`` (the longest match for an address)."""
        ctx = self.ctx
        if ctx.down:
            return []
        rows = ctx.engine.bgp_rib(ctx.snapshot, nodes=[ctx.router],
                                  prefix=str(prefix) if prefix is not None else None).rows
        return sorted(rows, key=lambda r: (r.network.version, int(r.network.network_address),
                                           r.network.prefixlen, r.status.value != "BEST"))

    def received_from(self, neighbor: IPAddress) -> list[BgpRibRow]:
        """Paths accepted from ``neighbor``, one per network."""
        seen: dict[IPNetwork, BgpRibRow] = {}
        for r in self.bgp_paths():
            if r.received_from_ip == neighbor:
                seen.setdefault(r.network, r)
        return list(seen.values())

    # -- traceroute --------------------------------------------------------------------------
    def _address_of(self, router: str, interface: str | None, version: int) -> IPAddress | None:
        cfg = self.ctx.incident.faulted.configs.get(router)
        if cfg is None or interface is None:
            return None
        itf = next((i for i in cfg.interfaces if i.name == interface), None)
        if itf is None:
            return None
        addr = itf.ipv4 if version == 4 else itf.ipv6
        return addr.ip if addr is not None else None

    def _latency(self, router: str, egress: str | None) -> float:
        if egress is None:
            return 0.0
        from netlab.evidence.show.context import link_of_port

        link = link_of_port(self.ctx.incident.faulted, router, egress)
        return link.latency_ms if link is not None else 0.0

    def traceroute(self, destination: IPAddress) -> TraceResult:
        """The traceroute from this router to ``destination`` (see the module docstring)."""
        ctx = self.ctx
        answer = ctx.engine.traceroute(ctx.snapshot, ctx.router, destination)
        row = answer.rows[0]
        version = destination.version
        src = row.flow.src_ip
        traces = row.traces
        if not traces:
            return TraceResult(destination, src, (), no_route=True)
        pick = zlib.crc32(f"{ctx.router}/{destination}".encode()) % len(traces)
        trace = traces[pick]
        hops = trace.hops
        if trace.disposition is FlowDisposition.NO_ROUTE and len(hops) <= 1:
            return TraceResult(destination, src, (), no_route=True)
        lines: list[TraceHop] = []
        rtt = 0.0
        for ttl, hop in enumerate(hops[1:], start=1):
            rtt += 2 * self._latency(hops[ttl - 1].node, hops[ttl - 1].egress_interface)
            if hop.node in ctx.incident.faulted.failures.nodes_down:
                break
            addr = self._address_of(hop.node, hop.ingress_interface, version)
            last = ttl == len(hops) - 1
            if last and trace.disposition is FlowDisposition.ACCEPTED:
                addr = destination
            unreachable = last and trace.disposition is FlowDisposition.NO_ROUTE
            lines.append(TraceHop(ttl, addr, hop.node, self._probes(hop.node, ttl, rtt),
                                  unreachable))
            if len(lines) >= MAX_HOPS:
                break
        done = trace.disposition in (FlowDisposition.ACCEPTED, FlowDisposition.NO_ROUTE)
        if not done:
            for ttl in range(len(lines) + 1, MAX_HOPS + 1):
                lines.append(TraceHop(ttl, None, None, tuple(Probe(None) for _ in range(PROBES))))
        return TraceResult(destination, src, tuple(lines))

    def _probes(self, router: str, ttl: int, rtt: float) -> tuple[Probe, ...]:
        out = []
        for k in range(PROBES):
            jitter = (zlib.crc32(f"{self.ctx.router}/{router}/{ttl}/{k}".encode()) % 400) / 1000
            out.append(Probe(round(rtt + 0.3 + jitter, 3)))
        return tuple(out)


def is_prefix(value: IPNetwork | IPAddress) -> bool:
    return isinstance(value, (IPv4Network, IPv6Network))


def boot_of(router: str) -> float:
    """Re-exported for vendors that print a router's uptime."""
    return boot_minute(router)
