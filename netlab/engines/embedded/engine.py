"""The embedded engine: netlab's default grader, answering every question in-process.

:class:`EmbeddedEngine` computes the analysis of a snapshot once
(:func:`~netlab.engines.embedded.analysis.analyse`) and keeps it while the
snapshot object lives; every question then reads it. Rows come back sorted.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING, Any, TypeVar

from netlab.engines.base import (
    Answer,
    BgpRibRow,
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    DifferentialReachabilityRow,
    Engine,
    FileFormat,
    FileParseStatusRow,
    FlowDisposition,
    Interface,
    IPAddress,
    IPNetwork,
    IsisAdjacencyRow,
    IsisRouteRow,
    Layer3EdgeRow,
    LinkUtilisationRow,
    NextHop,
    ParseStatus,
    ParseWarningRow,
    Question,
    RouteRow,
    RoutingProtocol,
    TracerouteRow,
)
from netlab.engines.base import AsPath as _AsPath
from netlab.engines.base import Flow as _Flow
from netlab.engines.embedded.analysis import Analysis, analyse
from netlab.engines.embedded.bgp_decision import Source
from netlab.engines.embedded.forwarding import ForwardingGraph, source_ip
from netlab.engines.embedded.utilisation import route_demands, utilisation_rows
from netlab.engines.embedded.whatif import WhatIf, what_if
from netlab.errors import EngineError
from netlab.model.network import FailureState
from netlab.model.types import Role, Vendor
from netlab.snapshot.layout import Snapshot

__all__ = ["EmbeddedEngine"]

_FORMAT = {Vendor.JUNOS: FileFormat.JUNIPER, Vendor.IOSXR: FileFormat.CISCO_IOS_XR,
           Vendor.EOS: FileFormat.ARISTA, Vendor.FRR: FileFormat.FRR}
R = TypeVar("R")
Target = str | IPAddress | IPNetwork


def _net_sort(p: IPNetwork) -> tuple[int, int, int]:
    return (p.version, int(p.network_address), p.prefixlen)


def parse_prefix(value: str | IPNetwork | IPAddress) -> IPNetwork | IPAddress:
    """An exact network (``a.b.c.d/n``) or an address, from text or an object."""
    if not isinstance(value, str):
        return value
    try:
        return ip_network(value, strict=False) if "/" in value else ip_address(value)
    except ValueError:
        raise EngineError(f"not an IP address or prefix: {value!r}") from None


def first_host(target: Target) -> IPAddress:
    """The address a flow toward ``target`` is sent to (a prefix's first address)."""
    value = parse_prefix(target) if isinstance(target, str) else target
    if isinstance(value, (IPv4Network, IPv6Network)):
        return value.network_address + 1 if value.num_addresses > 1 else value.network_address
    return value


class EmbeddedEngine:
    """Answers every question of :class:`~netlab.engines.base.Engine` in-process."""

    name = "embedded"

    def __init__(self) -> None:
        self._cache: dict[int, tuple[weakref.ref[Snapshot], Analysis]] = {}

    # -- shared ------------------------------------------------------------------------------
    def analysis(self, snapshot: Snapshot) -> Analysis:
        """The (cached) analysis of ``snapshot``."""
        got = self._cache.get(id(snapshot))
        if got is not None and got[0]() is snapshot:
            return got[1]
        result = analyse(snapshot)
        key = id(snapshot)
        self._cache[key] = (weakref.ref(snapshot, lambda _r: self._cache.pop(key, None)),
                            result)
        return result

    def _answer(self, q: Question, row_type: type[R], rows: Iterable[R]) -> Answer[Any]:
        return Answer(q, row_type, tuple(rows), self.name)

    @staticmethod
    def _nodes(a: Analysis, nodes: Collection[str] | None, what: str = "node") -> list[str]:
        if nodes is None:
            return list(a.inv.names)
        unknown = sorted(set(nodes) - set(a.inv.names))
        if unknown:
            raise EngineError(f"unknown {what} {unknown[0]!r}; valid: "
                              + ", ".join(a.inv.names[:20])
                              + (" ..." if len(a.inv.names) > 20 else ""))
        return [n for n in a.inv.names if n in set(nodes)]

    # -- files -------------------------------------------------------------------------------
    def file_parse_status(self, snapshot: Snapshot) -> Answer[FileParseStatusRow]:
        rows = []
        for host in sorted(snapshot.configs):
            warned = bool(snapshot.warnings.get(host))
            status = ParseStatus.PARTIALLY_UNRECOGNIZED if warned else ParseStatus.PASSED
            rows.append(FileParseStatusRow(f"configs/{host}.cfg", status,
                                           _FORMAT[snapshot.configs[host].vendor], (host,)))
        return self._answer(Question.FILE_PARSE_STATUS, FileParseStatusRow, rows)

    def parse_warnings(self, snapshot: Snapshot) -> Answer[ParseWarningRow]:
        rows = [ParseWarningRow(w.file, w.line, w.text.strip(), "", w.comment)
                for host in sorted(snapshot.warnings) for w in snapshot.warnings[host]]
        return self._answer(Question.PARSE_WARNING, ParseWarningRow, rows)

    # -- topology ----------------------------------------------------------------------------
    def layer3_edges(self, snapshot: Snapshot, *, nodes: Collection[str] | None = None,
                     remote_nodes: Collection[str] | None = None) -> Answer[Layer3EdgeRow]:
        a = self.analysis(snapshot)
        inv = a.inv
        keep = set(self._nodes(a, nodes))
        keep_r = set(self._nodes(a, remote_nodes, "remote node"))
        rows = []
        for e in inv.layer1:
            ends = ((e.node1, e.interface1), (e.node2, e.interface2))
            if not all(p in inv.up_ports for p in ends):
                continue
            i1, i2 = inv.interfaces[ends[0]], inv.interfaces[ends[1]]
            shared = any(x is not None and y is not None and x.network == y.network
                         for x, y in ((i1.ipv4, i2.ipv4), (i1.ipv6, i2.ipv6)))
            if not shared:
                continue
            ips = {p: tuple(x.ip for x in (inv.interfaces[p].ipv4, inv.interfaces[p].ipv6)
                            if x is not None) for p in ends}
            for (n1, f1), (n2, f2) in ((ends[0], ends[1]), (ends[1], ends[0])):
                if n1 in keep and n2 in keep_r:
                    rows.append(Layer3EdgeRow(Interface(n1, f1), ips[(n1, f1)],
                                              Interface(n2, f2), ips[(n2, f2)]))
        rows.sort(key=lambda r: (r.interface, r.remote_interface))
        return self._answer(Question.LAYER3_EDGES, Layer3EdgeRow, rows)

    def isis_adjacencies(self, snapshot: Snapshot, *, nodes: Collection[str] | None = None
                         ) -> Answer[IsisAdjacencyRow]:
        a = self.analysis(snapshot)
        keep = set(self._nodes(a, nodes))
        rows = sorted((r for r in a.adjacency_rows if r.node in keep),
                      key=lambda r: (r.node, r.interface))
        return self._answer(Question.ISIS_ADJACENCIES, IsisAdjacencyRow, rows)

    # -- routes ------------------------------------------------------------------------------
    def isis_routes(self, snapshot: Snapshot, *, nodes: Collection[str] | None = None,
                    prefix: str | IPNetwork | IPAddress | None = None
                    ) -> Answer[IsisRouteRow]:
        a = self.analysis(snapshot)
        want = parse_prefix(prefix) if prefix is not None else None
        rows: list[IsisRouteRow] = []
        for name in self._nodes(a, nodes):
            i = a.inv.index[name]
            if want is None:
                routes = a.isis.routes_of(i)
            else:
                routes = [r for p in self._matching(a, want, a.isis.prefixes)
                          if (r := a.isis.route(i, p)) is not None][:1]
            rows.extend(IsisRouteRow(name, r.network, r.protocol, r.next_hops, r.metric)
                        for r in routes)
        return self._answer(Question.ISIS_ROUTES, IsisRouteRow, rows)

    @staticmethod
    def _matching(a: Analysis, want: IPNetwork | IPAddress, known: Iterable[IPNetwork]
                  ) -> list[IPNetwork]:
        """``want`` itself if a network; else the known prefixes covering it, longest first."""
        if isinstance(want, (IPv4Network, IPv6Network)):
            return [want]
        have = set(known)
        return [p for p in a.fib.index.covering(want) if p in have]

    def routes(self, snapshot: Snapshot, *, nodes: Collection[str] | None = None,
               prefix: str | IPNetwork | IPAddress | None = None,
               protocols: Collection[RoutingProtocol] | None = None) -> Answer[RouteRow]:
        a = self.analysis(snapshot)
        want = parse_prefix(prefix) if prefix is not None else None
        rows = []
        for name in self._nodes(a, nodes):
            i = a.inv.index[name]
            if want is None:
                entries = a.fib.routes_of(i)
            elif isinstance(want, (IPv4Network, IPv6Network)):
                e = a.fib.entry(i, want)
                entries = [e] if e is not None else []
            else:
                e = a.fib.lookup(i, want)
                entries = [e] if e is not None else []
            for e in entries:
                if protocols is not None and e.protocol not in protocols:
                    continue
                for hop in e.next_hops:
                    rows.append(RouteRow(name, "default", e.network, hop, hop.ip, hop.interface,
                                         e.protocol, e.metric, e.admin_distance))
        return self._answer(Question.ROUTES, RouteRow, rows)

    def bgp_rib(self, snapshot: Snapshot, *, nodes: Collection[str] | None = None,
                prefix: str | IPNetwork | IPAddress | None = None) -> Answer[BgpRibRow]:
        a = self.analysis(snapshot)
        prefixes = sorted(a.bgp.prefixes(), key=_net_sort)
        if prefix is not None:
            prefixes = self._matching(a, parse_prefix(prefix), prefixes)[:1] if not isinstance(
                parse_prefix(prefix), (type(ip_network("0.0.0.0/0")),
                                       type(ip_network("::/0")))) else [
                p for p in prefixes if p == parse_prefix(prefix)]
        rows = []
        for name in self._nodes(a, nodes):
            i = a.inv.index[name]
            for p in prefixes:
                for path, status in a.bgp.paths(i, p):
                    proto = (RoutingProtocol.IBGP if path.source is Source.IBGP
                             else RoutingProtocol.BGP)
                    rows.append(BgpRibRow(
                        name, "default", p, status,
                        NextHop(ip=path.next_hop) if path.next_hop is not None
                        else NextHop(discard=True), path.next_hop, proto,
                        _AsPath(path.as_path), path.med, path.local_pref,
                        RoutingProtocol.STATIC if path.source is Source.LOCAL else None,
                        path.origin, path.originator_id, path.peer_ip, path.cluster_list))
        return self._answer(Question.BGP_RIB, BgpRibRow, rows)

    # -- sessions ----------------------------------------------------------------------------
    def bgp_session_compatibility(self, snapshot: Snapshot, *,
                                  nodes: Collection[str] | None = None,
                                  remote_nodes: Collection[str] | None = None
                                  ) -> Answer[BgpSessionCompatibilityRow]:
        a = self.analysis(snapshot)
        keep = set(self._nodes(a, nodes))
        keep_r = set(self._nodes(a, remote_nodes, "remote node")) if remote_nodes else None
        rows = [p.compatibility_row() for p in a.sessions.peerings if p.node in keep
                and (keep_r is None or p.remote_node in keep_r)]
        rows.sort(key=lambda r: (r.node, r.remote_ip.version, int(r.remote_ip)))
        return self._answer(Question.BGP_SESSION_COMPATIBILITY, BgpSessionCompatibilityRow,
                            rows)

    def bgp_session_status(self, snapshot: Snapshot, *, nodes: Collection[str] | None = None,
                           remote_nodes: Collection[str] | None = None
                           ) -> Answer[BgpSessionStatusRow]:
        a = self.analysis(snapshot)
        keep = set(self._nodes(a, nodes))
        keep_r = set(self._nodes(a, remote_nodes, "remote node")) if remote_nodes else None
        rows = [p.status_row() for p in a.sessions.peerings if p.node in keep
                and (keep_r is None or p.remote_node in keep_r)]
        rows.sort(key=lambda r: (r.node, r.remote_ip.version, int(r.remote_ip)))
        return self._answer(Question.BGP_SESSION_STATUS, BgpSessionStatusRow, rows)

    # -- flows -------------------------------------------------------------------------------
    def traceroute(self, snapshot: Snapshot, src: str, dst: str | IPAddress
                   ) -> Answer[TracerouteRow]:
        a = self.analysis(snapshot)
        self._nodes(a, [src])
        ip = first_host(dst)
        flow = _Flow(src, source_ip(a.inv, src, ip.version), ip)
        res = ForwardingGraph(a.inv, a.fib, ip).result(a.inv.index[src], flow)
        row = TracerouteRow(flow, res.traces, res.trace_count)
        return self._answer(Question.TRACEROUTE, TracerouteRow, [row])

    def default_sources(self, a: Analysis) -> list[str]:
        """Live routers of the backbone (not external peers)."""
        net = a.inv.snapshot.network
        return [n for n in a.inv.names if a.inv.alive(n)
                and (n not in net.routers or net.routers[n].role is not Role.PEER)]

    @staticmethod
    def default_destinations(snapshot: Snapshot) -> list[IPAddress]:
        """Internal loopbacks, site prefixes and external prefixes (both families)."""
        return [dst for dst, _ in EmbeddedEngine._default_pairs(snapshot)]

    @staticmethod
    def _default_pairs(snapshot: Snapshot) -> list[tuple[IPAddress, str | None]]:
        """Default destinations, each with the IS-IS domain its sources must share
        (None = every source): a loopback is only meant to be reached from its own
        IS-IS domain (an express plane); site and external prefixes from everywhere."""
        from netlab.render.intent import isis_domain

        net = snapshot.network
        out: list[tuple[IPAddress, str | None]] = []
        for r in sorted(net.internal_routers(), key=lambda r: r.name):
            domain = isis_domain(net, r)
            if domain is not None:
                out += [(r.loopback4.ip, domain), (r.loopback6.ip, domain)]
        for site in sorted(net.site_prefixes):
            sp = net.site_prefixes[site]
            out += [(first_host(sp.ipv4), None), (first_host(sp.ipv6), None)]
        for name in sorted(net.external_networks):
            ext = net.external_networks[name]
            nets: list[IPNetwork] = [*ext.prefixes4, *ext.prefixes6]
            out += [(first_host(p), None) for p in nets]
        return out

    def _flows(self, a: Analysis, sources: Collection[str] | None,
               destinations: Collection[Target] | None) -> list[tuple[IPAddress, list[str]]]:
        """(destination, its sources) of the flows a reachability question covers."""
        srcs = self._nodes(a, sources, "source") if sources is not None else (
            self.default_sources(a))
        if destinations is not None:
            return [(first_host(d), srcs) for d in destinations]
        from netlab.render.intent import isis_domain

        net = a.snapshot.network
        by_domain: dict[str | None, list[str]] = {None: srcs}
        for name in srcs:
            router = net.routers.get(name)
            dom = isis_domain(net, router) if router is not None else None
            if dom is not None:
                by_domain.setdefault(dom, []).append(name)
        return [(dst, by_domain.get(dom, [])) for dst, dom in self._default_pairs(a.snapshot)]

    def reachability(self, snapshot: Snapshot, *, sources: Collection[str] | None = None,
                     destinations: Collection[Target] | None = None,
                     dispositions: Collection[FlowDisposition] | None = None
                     ) -> Answer[TracerouteRow]:
        a = self.analysis(snapshot)
        want = set(dispositions) if dispositions is not None else None
        rows = []
        for dst, srcs in self._flows(a, sources, destinations):
            idx = [a.inv.index[s] for s in srcs]
            graph = ForwardingGraph(a.inv, a.fib, dst)
            for s, i, disp in zip(srcs, idx, graph.dispositions_of(idx), strict=True):
                if want is not None and not disp & want:
                    continue
                flow = _Flow(s, source_ip(a.inv, s, dst.version), dst)
                res = graph.result(i, flow)
                rows.append(TracerouteRow(flow, res.traces, res.trace_count))
        return self._answer(Question.REACHABILITY, TracerouteRow, rows)

    def differential_reachability(
        self, snapshot: Snapshot, reference: Snapshot, *,
        sources: Collection[str] | None = None,
        destinations: Collection[Target] | None = None,
    ) -> Answer[DifferentialReachabilityRow]:
        a, b = self.analysis(snapshot), self.analysis(reference)
        rows = []
        for dst, srcs in self._flows(a, sources, destinations):
            both = [s for s in srcs if s in b.inv.index]
            ia, ib = [a.inv.index[s] for s in both], [b.inv.index[s] for s in both]
            ga, gb = ForwardingGraph(a.inv, a.fib, dst), ForwardingGraph(b.inv, b.fib, dst)
            da, db = ga.dispositions_of(ia), gb.dispositions_of(ib)
            for s, i, j, x, y in zip(both, ia, ib, da, db, strict=True):
                if x == y:
                    continue
                flow = _Flow(s, source_ip(a.inv, s, dst.version), dst)
                ra, rb = ga.result(i, flow), gb.result(j, flow)
                rows.append(DifferentialReachabilityRow(flow, ra.traces, ra.trace_count,
                                                        rb.traces, rb.trace_count))
        return self._answer(Question.DIFFERENTIAL_REACHABILITY, DifferentialReachabilityRow,
                            rows)

    def link_utilisation(self, snapshot: Snapshot, *, nodes: Collection[str] | None = None
                         ) -> Answer[LinkUtilisationRow]:
        a = self.analysis(snapshot)
        keep = set(self._nodes(a, nodes))
        rows = [r for r in utilisation_rows(a.inv, route_demands(a.inv, a.fib)) if r.node in keep]
        return self._answer(Question.LINK_UTILISATION, LinkUtilisationRow, rows)

    # -- what-if -----------------------------------------------------------------------------
    def what_if(self, snapshot: Snapshot, failures: FailureState, *, bgp: bool = False,
                utilisation: bool = False) -> WhatIf:
        """What ``failures`` change (IS-IS routes and sessions incrementally; BGP best paths
        and overloaded links by a full analysis of the failed snapshot when asked for)."""
        return what_if(self.analysis(snapshot), failures, bgp=bgp, utilisation=utilisation)


if TYPE_CHECKING:  # the embedded engine implements the question API (checked by mypy)
    _conforms: Engine = EmbeddedEngine()
