"""The Batfish engine: netlab's questions asked of a Batfish service, answered in netlab's rows.

:class:`BatfishEngine` implements :class:`~netlab.engines.base.Engine`. Each
method uploads the snapshot (once, content-addressed, failures forked in —
see :mod:`~netlab.engines.batfish.session`), asks the Batfish question and
translates its wire answer into the same row types the embedded engine
returns. Constructing the engine does no I/O; the first question probes the
service and fails fast with a one-line :class:`~netlab.errors.EngineError`
when none answers.

==========================  ====================================================
netlab question             Batfish question
==========================  ====================================================
file_parse_status           ``fileParseStatus``
parse_warnings              ``parseWarning(aggregateDuplicates=False)``
layer3_edges                ``layer3Edges``
isis_adjacencies            ``edges(edgeType="isis")`` + embedded down reasons
isis_routes                 ``routes(protocols="isis-l1,isis-l2")``
bgp_session_compatibility   ``bgpSessionCompatibility`` + embedded reasons
bgp_session_status          ``bgpSessionStatus`` + embedded reasons
bgp_rib                     ``bgpRib(status="BEST,BACKUP")``
routes                      ``routes(rib="main")``
traceroute                  ``traceroute`` (source address = the loopback)
reachability                ``reachability``, one question per destination
                            (the flow's source address is Batfish's pick among the
                            source router's addresses)
differential_reachability   ``differentialReachability``, one per destination: flows
                            whose *success* differs (Batfish's ``actions=success``)
link_utilisation            the embedded engine (Batfish has no traffic model)
==========================  ====================================================

Defaults follow the embedded engine (sources: live routers that are not
external peers; destinations: loopbacks, site and external prefixes), except
that Batfish models IPv4 only: IPv6 prefixes and destinations get no rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any

from netlab.engines.base import (
    Answer,
    BgpRibRow,
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    ConfiguredStatus,
    DifferentialReachabilityRow,
    Engine,
    EstablishedStatus,
    FileParseStatusRow,
    FlowDisposition,
    IPAddress,
    IPNetwork,
    IsisAdjacencyRow,
    IsisRouteRow,
    Layer3EdgeRow,
    LinkUtilisationRow,
    ParseWarningRow,
    Question,
    RouteRow,
    RoutingProtocol,
    TracerouteRow,
)
from netlab.engines.batfish import translate as tr
from netlab.engines.batfish.hybrid import (
    EMBEDDED,
    HYBRID,
    merge_adjacencies,
    with_compatibility_reasons,
    with_session_reasons,
)
from netlab.engines.batfish.names import NameMap, node_spec
from netlab.engines.batfish.session import BatfishSession
from netlab.engines.batfish.translate_flows import differential_rows, traceroute_rows
from netlab.engines.batfish.translate_routes import bgp_rib_rows, isis_route_rows, route_rows
from netlab.errors import EngineError
from netlab.model.types import Role
from netlab.snapshot.layout import Snapshot

__all__ = ["BATFISH", "BatfishEngine", "default_destinations", "default_sources",
           "protocol_spec", "source_address"]

BATFISH = "batfish"
Nodes = Collection[str] | None
Prefix = str | IPNetwork | IPAddress | None
Destinations = Collection[str | IPAddress | IPNetwork] | None
_MATCHED = (ConfiguredStatus.UNIQUE_MATCH, ConfiguredStatus.DYNAMIC_MATCH)


def source_address(snapshot: Snapshot, node: str) -> IPv4Address:
    """The IPv4 address a flow from ``node`` carries: its loopback, else any interface's
    (the embedded engine's rule, so both engines trace the same flow)."""
    cfg = snapshot.configs.get(node)
    if cfg is None:
        raise EngineError(f"no router named {node!r} in the snapshot")
    lo = cfg.loopback()
    for itf in ([lo] if lo is not None else []) + list(cfg.interfaces):
        if itf.ipv4 is not None:
            return itf.ipv4.ip
    raise EngineError(f"{node} has no IPv4 address to send a flow from")


def _destination(snapshot: Snapshot, dst: str | IPAddress | IPNetwork) -> str:
    """A destination as Batfish's ``dstIps``: the address a flow is sent to.

    As in the embedded engine, a prefix means its first host address; a
    router's name (a netlab convenience) means its loopback.
    """
    if isinstance(dst, str) and dst in snapshot.configs:
        return str(source_address(snapshot, dst))
    text = str(dst)
    try:
        value: IPAddress | IPNetwork = (ip_network(text, strict=False)
                                        if "/" in text else ip_address(text))
    except ValueError:
        raise EngineError(f"destination {dst!r} is neither a router of the snapshot nor an "
                          "address") from None
    if isinstance(value, IPv6Address | IPv6Network):
        raise EngineError(f"destination {dst}: Batfish models IPv4 only; trace IPv6 with "
                          "--engine embedded")
    if isinstance(value, IPv4Network):
        value = value.network_address + 1 if value.num_addresses > 1 else value.network_address
    return str(value)


def default_sources(snapshot: Snapshot) -> list[str]:
    """The embedded engine's default flow sources: live routers that are not external peers."""
    net = snapshot.network
    return sorted(n for n in snapshot.configs if n not in snapshot.failures.nodes_down
                  and (n not in net.routers or net.routers[n].role is not Role.PEER))


def default_destinations(snapshot: Snapshot) -> list[str]:
    """The embedded engine's default destinations, IPv4 only: internal loopbacks, the first
    host of every site prefix and of every external prefix."""
    net = snapshot.network
    out = [str(r.loopback4.ip) for r in sorted(net.internal_routers(), key=lambda r: r.name)]
    out += [_destination(snapshot, net.site_prefixes[s].ipv4) for s in sorted(net.site_prefixes)]
    for name in sorted(net.external_networks):
        out += [_destination(snapshot, p) for p in net.external_networks[name].prefixes4]
    return out


# RoutingProtocolSpecifier's names: "bgp" there means eBGP *and* iBGP, so eBGP is "ebgp".
_PROTOCOL_SPEC = {
    RoutingProtocol.CONNECTED: "connected", RoutingProtocol.LOCAL: "local",
    RoutingProtocol.STATIC: "static", RoutingProtocol.ISIS_L1: "isis-l1",
    RoutingProtocol.ISIS_L2: "isis-l2", RoutingProtocol.BGP: "ebgp",
    RoutingProtocol.IBGP: "ibgp",
}


def protocol_spec(protocols: Collection[RoutingProtocol] | None) -> str | None:
    """A Batfish routing-protocol specifier for netlab's protocols (None: all of them)."""
    if protocols is None:
        return None
    return ",".join(sorted(_PROTOCOL_SPEC[p] for p in set(protocols)))


def _network(prefix: Prefix) -> tuple[str | None, str | None, bool]:
    """(network, prefixMatchType, ipv6?) for a prefix filter: exact network or longest match."""
    if prefix is None:
        return None, None, False
    text = str(prefix)
    try:
        if "/" in text:
            net = ip_network(text, strict=False)
            return str(net), "EXACT", net.version == 6
        addr = ip_address(text)
    except ValueError:
        raise EngineError(f"prefix {prefix!r} is neither a network nor an address") from None
    return f"{addr}/{addr.max_prefixlen}", "LONGEST_PREFIX_MATCH", addr.version == 6


class BatfishEngine:
    """Answers netlab's questions from a Batfish service (see the module docstring)."""

    name = BATFISH

    def __init__(self, session: BatfishSession | None = None, *,
                 fallback: Engine | None = None) -> None:
        self.session = session if session is not None else BatfishSession()
        self._fallback = fallback

    @property
    def fallback(self) -> Engine:
        """The embedded engine, for what Batfish has no column for (created on first use)."""
        if self._fallback is None:
            from netlab.engines.embedded import EmbeddedEngine

            self._fallback = EmbeddedEngine()
        return self._fallback

    def _ready(self, snapshot: Snapshot) -> tuple[str, NameMap]:
        return self.session.upload(snapshot), NameMap.from_snapshot(snapshot)

    def _ask(self, question: str, snapshot: str, **params: Any) -> dict[str, Any]:
        return self.session.ask(question, snapshot=snapshot, **params)

    # -- initialisation ----------------------------------------------------------------------
    def file_parse_status(self, snapshot: Snapshot) -> Answer[FileParseStatusRow]:
        name, names = self._ready(snapshot)
        rows = tr.file_parse_status_rows(self._ask("fileParseStatus", name), names)
        return Answer(Question.FILE_PARSE_STATUS, FileParseStatusRow, rows, BATFISH)

    def parse_warnings(self, snapshot: Snapshot) -> Answer[ParseWarningRow]:
        name, _ = self._ready(snapshot)
        answer = self._ask("parseWarning", name, aggregateDuplicates=False)
        return Answer(Question.PARSE_WARNING, ParseWarningRow, tr.parse_warning_rows(answer),
                      BATFISH)

    def init_issues(self, snapshot: Snapshot) -> tuple[tr.InitIssue, ...]:
        """Batfish-only: parse and conversion issues (``initIssues``)."""
        name, _ = self._ready(snapshot)
        return tr.init_issue_rows(self._ask("initIssues", name))

    # -- topology and IS-IS ------------------------------------------------------------------
    def layer3_edges(self, snapshot: Snapshot, *, nodes: Nodes = None,
                     remote_nodes: Nodes = None) -> Answer[Layer3EdgeRow]:
        if (nodes is not None and not nodes) or (remote_nodes is not None and not remote_nodes):
            return Answer(Question.LAYER3_EDGES, Layer3EdgeRow, (), BATFISH)
        name, names = self._ready(snapshot)
        answer = self._ask("layer3Edges", name, nodes=node_spec(nodes),
                           remoteNodes=node_spec(remote_nodes))
        return Answer(Question.LAYER3_EDGES, Layer3EdgeRow, tr.layer3_edge_rows(answer, names),
                      BATFISH)

    def isis_adjacencies(self, snapshot: Snapshot, *, nodes: Nodes = None
                         ) -> Answer[IsisAdjacencyRow]:
        if nodes is not None and not nodes:
            return Answer(Question.ISIS_ADJACENCIES, IsisAdjacencyRow, (), HYBRID)
        name, names = self._ready(snapshot)
        edges = tr.isis_edges(self._ask("edges", name, edgeType="isis",
                                        nodes=node_spec(nodes)), names)
        embedded = self.fallback.isis_adjacencies(snapshot, nodes=nodes)
        rows = merge_adjacencies(embedded.rows, edges, snapshot.configs, nodes)
        return Answer(Question.ISIS_ADJACENCIES, IsisAdjacencyRow, rows, HYBRID)

    def isis_routes(self, snapshot: Snapshot, *, nodes: Nodes = None, prefix: Prefix = None
                    ) -> Answer[IsisRouteRow]:
        routes = self.routes(snapshot, nodes=nodes, prefix=prefix,
                             protocols=(RoutingProtocol.ISIS_L1, RoutingProtocol.ISIS_L2))
        return Answer(Question.ISIS_ROUTES, IsisRouteRow, isis_route_rows(routes.rows), BATFISH)

    # -- BGP ---------------------------------------------------------------------------------
    def bgp_session_compatibility(self, snapshot: Snapshot, *, nodes: Nodes = None,
                                  remote_nodes: Nodes = None
                                  ) -> Answer[BgpSessionCompatibilityRow]:
        q = Question.BGP_SESSION_COMPATIBILITY
        if (nodes is not None and not nodes) or (remote_nodes is not None and not remote_nodes):
            return Answer(q, BgpSessionCompatibilityRow, (), BATFISH)
        name, names = self._ready(snapshot)
        rows = tr.bgp_session_compatibility_rows(self._ask(
            "bgpSessionCompatibility", name, nodes=node_spec(nodes),
            remoteNodes=node_spec(remote_nodes)), names)
        if all(r.configured_status in _MATCHED for r in rows):
            return Answer(q, BgpSessionCompatibilityRow, rows, BATFISH)
        ref = self.fallback.bgp_session_compatibility(snapshot, nodes=nodes,
                                                      remote_nodes=remote_nodes)
        return Answer(q, BgpSessionCompatibilityRow, with_compatibility_reasons(rows, ref.rows),
                      HYBRID)

    def bgp_session_status(self, snapshot: Snapshot, *, nodes: Nodes = None,
                           remote_nodes: Nodes = None) -> Answer[BgpSessionStatusRow]:
        q = Question.BGP_SESSION_STATUS
        if (nodes is not None and not nodes) or (remote_nodes is not None and not remote_nodes):
            return Answer(q, BgpSessionStatusRow, (), BATFISH)
        name, names = self._ready(snapshot)
        rows = tr.bgp_session_status_rows(self._ask(
            "bgpSessionStatus", name, nodes=node_spec(nodes),
            remoteNodes=node_spec(remote_nodes)), names)
        if all(r.established_status is EstablishedStatus.ESTABLISHED for r in rows):
            return Answer(q, BgpSessionStatusRow, rows, BATFISH)
        ref = self.fallback.bgp_session_status(snapshot, nodes=nodes, remote_nodes=remote_nodes)
        return Answer(q, BgpSessionStatusRow, with_session_reasons(rows, ref.rows), HYBRID)

    def bgp_rib(self, snapshot: Snapshot, *, nodes: Nodes = None, prefix: Prefix = None
                ) -> Answer[BgpRibRow]:
        network, match, v6 = _network(prefix)
        if v6 or (nodes is not None and not nodes):
            return Answer(Question.BGP_RIB, BgpRibRow, (), BATFISH)
        name, names = self._ready(snapshot)
        # Batfish lists only BEST paths unless asked (RoutesAnswerer's default status).
        answer = self._ask("bgpRib", name, nodes=node_spec(nodes), network=network,
                           prefixMatchType=match, status="BEST,BACKUP")
        return Answer(Question.BGP_RIB, BgpRibRow, bgp_rib_rows(answer, names), BATFISH)

    def routes(self, snapshot: Snapshot, *, nodes: Nodes = None, prefix: Prefix = None,
               protocols: Collection[RoutingProtocol] | None = None) -> Answer[RouteRow]:
        network, match, v6 = _network(prefix)
        if v6 or (nodes is not None and not nodes) or (protocols is not None and not protocols):
            return Answer(Question.ROUTES, RouteRow, (), BATFISH)
        name, names = self._ready(snapshot)
        answer = self._ask("routes", name, nodes=node_spec(nodes), network=network,
                           prefixMatchType=match, protocols=protocol_spec(protocols),
                           rib="main")
        return Answer(Question.ROUTES, RouteRow, route_rows(answer, names), BATFISH)

    # -- flows -------------------------------------------------------------------------------
    def traceroute(self, snapshot: Snapshot, src: str, dst: str | IPAddress
                   ) -> Answer[TracerouteRow]:
        from pybatfish.datamodel.flow import HeaderConstraints

        dst_ip = _destination(snapshot, dst)
        src_ip = source_address(snapshot, src)
        name, names = self._ready(snapshot)
        answer = self._ask("traceroute", name, startLocation=node_spec([src]),
                           headers=HeaderConstraints(srcIps=str(src_ip), dstIps=dst_ip))
        return Answer(Question.TRACEROUTE, TracerouteRow, traceroute_rows(answer, names),
                      BATFISH)

    @staticmethod
    def _targets(snapshot: Snapshot, sources: Nodes, destinations: Destinations
                 ) -> tuple[str, list[str]]:
        """The start-location specifier and the IPv4 destinations (IPv6 ones dropped)."""
        start = node_spec(sorted(sources) if sources is not None else default_sources(snapshot))
        if destinations is None:
            return start or "", default_destinations(snapshot)
        v4 = [d for d in destinations if ":" not in str(d) or str(d) in snapshot.configs]
        return start or "", [_destination(snapshot, d) for d in v4]

    def reachability(self, snapshot: Snapshot, *, sources: Nodes = None,
                     destinations: Destinations = None,
                     dispositions: Collection[FlowDisposition] | None = None
                     ) -> Answer[TracerouteRow]:
        from pybatfish.datamodel.flow import HeaderConstraints, PathConstraints

        if (sources is not None and not sources) or (dispositions is not None
                                                     and not dispositions):
            return Answer(Question.REACHABILITY, TracerouteRow, (), BATFISH)
        start, targets = self._targets(snapshot, sources, destinations)
        actions = (",".join(sorted(d.value.lower() for d in dispositions))
                   if dispositions is not None else "success,failure")
        name, names = self._ready(snapshot)
        rows: list[TracerouteRow] = []
        for dst in targets:
            answer = self._ask("reachability", name, actions=actions,
                               pathConstraints=PathConstraints(startLocation=start),
                               headers=HeaderConstraints(dstIps=dst))
            rows.extend(traceroute_rows(answer, names, "reachability"))
        return Answer(Question.REACHABILITY, TracerouteRow, tuple(rows), BATFISH)

    def differential_reachability(self, snapshot: Snapshot, reference: Snapshot, *,
                                  sources: Nodes = None, destinations: Destinations = None
                                  ) -> Answer[DifferentialReachabilityRow]:
        from pybatfish.datamodel.flow import HeaderConstraints, PathConstraints

        q = Question.DIFFERENTIAL_REACHABILITY
        if sources is not None and not sources:
            return Answer(q, DifferentialReachabilityRow, (), BATFISH)
        start, targets = self._targets(snapshot, sources, destinations)
        name, names = self._ready(snapshot)
        ref_name = self.session.upload(reference)
        rows: list[DifferentialReachabilityRow] = []
        for dst in targets:
            answer = self.session.ask(
                "differentialReachability", snapshot=name, reference=ref_name,
                pathConstraints=PathConstraints(startLocation=start),
                headers=HeaderConstraints(dstIps=dst))
            rows.extend(differential_rows(answer, names))
        return Answer(q, DifferentialReachabilityRow, tuple(rows), BATFISH)

    # -- delegated ---------------------------------------------------------------------------
    def link_utilisation(self, snapshot: Snapshot, *, nodes: Nodes = None
                         ) -> Answer[LinkUtilisationRow]:
        """Answered by the embedded engine: Batfish has no traffic or demand model."""
        answer = self.fallback.link_utilisation(snapshot, nodes=nodes)
        return dataclasses.replace(answer, engine=EMBEDDED)
