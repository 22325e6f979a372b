"""The live engine: answers read from real FRR routers of a running lab.

:class:`LiveEngine` asks the routers of a :class:`~netlab.lab.lab.Lab` (over
vtysh, JSON output) and returns the *same* row types as the embedded engine
(:mod:`netlab.engines.base`), so the two compare row for row — the live lab is
the embedded engine's oracle. Interface names are given in the snapshot's
vendor style (the lab runs ``eth<slot>-<port>``; a Junos snapshot reads
``et-<slot>/0/<port>``).

What FRR can answer here, and from which command:

=========================  =====================================================
question                   source
=========================  =====================================================
isis_adjacencies           ``show isis neighbor json`` + the circuits of the
                           running configs (a circuit with no neighbor is DOWN)
isis_routes                ``show ip route json`` / ``show ipv6 route json``,
                           protocol isis (``show isis route`` has no JSON in 8.4)
bgp_session_status         ``show bgp neighbors json`` + the configured neighbors
bgp_rib                    ``show bgp ipv4 unicast json`` / ``… ipv6 …``
routes                     ``show ip route json`` / ``show ipv6 route json``
=========================  =====================================================

Not answered (``EngineError``): file_parse_status, parse_warnings,
layer3_edges, bgp_session_compatibility (configuration analyses, not router
state), traceroute, reachability, differential_reachability and
link_utilisation (FRR has no data-plane simulation; the lab has no traffic).
Down reasons (``reason``) are only given where the lab itself knows them (a
failed router or a port the lab took down); FRR does not say why an
adjacency or session is down. ``originator_id`` and ``cluster_list`` of BGP
paths are not in FRR's table JSON and are left empty.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any, Protocol, TypeVar

from netlab.engines.base import (
    AdjacencyReason,
    AdjacencyState,
    Answer,
    AsPath,
    BgpRibRow,
    BgpRouteStatus,
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    DifferentialReachabilityRow,
    EstablishedStatus,
    FileParseStatusRow,
    FlowDisposition,
    IPAddress,
    IPNetwork,
    IsisAdjacencyRow,
    IsisRouteRow,
    Layer3EdgeRow,
    LinkUtilisationRow,
    NextHop,
    OriginType,
    ParseWarningRow,
    Question,
    RouteRow,
    RoutingProtocol,
    SessionReason,
    SessionType,
    TracerouteRow,
)
from netlab.errors import EngineError
from netlab.lab import show
from netlab.lab.lab import Lab
from netlab.model.device import DeviceConfig, IsisLevel
from netlab.model.naming import interface_name, loopback_name
from netlab.model.types import Vendor
from netlab.snapshot.layout import Snapshot

__all__ = ["LiveEngine"]

Nodes = Collection[str] | None
_ORIGIN = {"IGP": OriginType.IGP, "EGP": OriginType.EGP, "incomplete": OriginType.INCOMPLETE}
_EBGP_DISTANCE = 20


class _Routed(Protocol):
    @property
    def node(self) -> str: ...

    @property
    def network(self) -> IPNetwork: ...


RowT = TypeVar("RowT", bound=_Routed)


class LiveEngine:
    """Answers questions from the FRR routers of ``lab`` (which must be up)."""

    name = "live"

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    # -- helpers -------------------------------------------------------------------
    def _names(self, snapshot: Snapshot) -> dict[tuple[str, str], str]:
        """(router, FRR interface name) → the snapshot's name of the same port."""
        out: dict[tuple[str, str], str] = {}
        net = snapshot.network
        for name, router in net.routers.items():
            cfg = snapshot.configs.get(name)
            vendor = cfg.vendor if cfg is not None else router.vendor
            out[(name, loopback_name(Vendor.FRR))] = loopback_name(vendor)
            for link in net.links_of(name):
                end = link.end(name)
                out[(name, interface_name(Vendor.FRR, end.slot, end.port))] = interface_name(
                    vendor, end.slot, end.port, link.capacity_gbps)
        return out

    def _collect(self, commands: tuple[str, ...], nodes: Nodes) -> dict[str, list[Any]]:
        wanted = sorted(nodes) if nodes is not None else None
        out = {}
        for router, docs in self.lab.collect(commands, wanted).items():
            if docs is None:
                raise EngineError(f"live: router {router} does not answer vtysh")
            out[router] = docs
        return out

    def _far_v6(self, configs: dict[str, DeviceConfig]) -> dict[tuple[str, str], IPAddress]:
        """(router, interface) → the global IPv6 address of the far end of its link.

        FRR routes IPv6 through the neighbor's link-local address; the live
        engine reports the neighbor's global address on that link instead, as
        the embedded engine and Batfish do, so answers compare.
        """
        out: dict[tuple[str, str], IPAddress] = {}
        for lk in self.lab.state().links:
            for (r, i), (fr, fi) in (((lk.a_router, lk.a_iface), (lk.b_router, lk.b_iface)),
                                     ((lk.b_router, lk.b_iface), (lk.a_router, lk.a_iface))):
                cfg = configs.get(fr)
                itf = next((x for x in cfg.interfaces if x.name == fi), None) if cfg else None
                if itf is not None and itf.ipv6 is not None:
                    out[(r, i)] = itf.ipv6.ip
        return out

    @staticmethod
    def _level(cfg: DeviceConfig | None) -> RoutingProtocol:
        if cfg is not None and cfg.isis is not None and cfg.isis.level is IsisLevel.L1:
            return RoutingProtocol.ISIS_L1
        return RoutingProtocol.ISIS_L2

    # -- IS-IS ---------------------------------------------------------------------------
    def isis_adjacencies(self, snapshot: Snapshot, *, nodes: Nodes = None
                         ) -> Answer[IsisAdjacencyRow]:
        names = self._names(snapshot)
        state = self.lab.state()
        configs = self.lab.configs()
        dead = self.lab.failed_routers(state)
        down_ports = self.lab.down_ports(state)
        docs = self._collect(("show isis neighbor json",), nodes)
        seen = {(a.router, a.interface): a for r, d in docs.items()
                for a in show.isis_neighbors(r, d[0])}
        far: dict[tuple[str, str], tuple[str, str]] = {}
        for lk in state.links:
            far[(lk.a_router, lk.a_iface)] = (lk.b_router, lk.b_iface)
            far[(lk.b_router, lk.b_iface)] = (lk.a_router, lk.a_iface)
        rows = []
        for router in sorted(configs):
            if nodes is not None and router not in nodes:
                continue
            cfg = configs[router]
            if cfg.isis is None:
                continue
            for itf in cfg.interfaces:
                if itf.isis is None or itf.isis.passive or itf.loopback:
                    continue
                remote = far.get((router, itf.name))
                obs = seen.get((router, itf.name))
                state_ = (AdjacencyState.UP if obs is not None and obs.state == "Up" else
                          AdjacencyState.INIT if obs is not None and obs.state == "Initializing"
                          else AdjacencyState.DOWN)
                reason = None
                if router in dead or (remote is not None and remote[0] in dead):
                    reason = AdjacencyReason.NODE_DOWN
                elif (router, itf.name) in down_ports or (remote in down_ports):
                    reason = AdjacencyReason.NO_LAYER1_LINK
                rows.append(IsisAdjacencyRow(
                    node=router, interface=names.get((router, itf.name), itf.name),
                    remote_node=remote[0] if remote else None,
                    remote_interface=names.get(remote, remote[1]) if remote else None,
                    level=IsisLevel.L2 if state_ is AdjacencyState.UP and obs is not None
                    and obs.level == 2 else (IsisLevel.L1 if state_ is AdjacencyState.UP
                                             else None),
                    state=state_,
                    reason=None if state_ is AdjacencyState.UP else reason,
                    detail="" if obs is None else f"FRR state {obs.state}",
                ))
        return Answer(Question.ISIS_ADJACENCIES, IsisAdjacencyRow, tuple(rows), self.name)

    def isis_routes(self, snapshot: Snapshot, *, nodes: Nodes = None,
                    prefix: str | IPNetwork | IPAddress | None = None
                    ) -> Answer[IsisRouteRow]:
        names = self._names(snapshot)
        configs = self.lab.configs()
        docs = self._collect(("show ip route isis json", "show ipv6 route isis json"), nodes)
        far = self._far_v6(configs)
        rows = []
        for router, d in sorted(docs.items()):
            own = _own_isis(configs.get(router))
            for r in show.routes(router, d[0]) + show.routes(router, d[1]):
                if r.protocol != "isis" or not _prefix_ok(r.prefix, prefix):
                    continue
                if r.prefix in own:
                    continue  # isisd's route to a subnet it advertises itself (never used)
                rows.append(IsisRouteRow(
                    node=router, network=ip_network(r.prefix),
                    protocol=self._level(configs.get(router)),
                    next_hops=_hops(router, r.next_hops, names, far), metric=r.metric))
        rows.sort(key=lambda x: (x.node, x.network.version, x.network))
        return Answer(Question.ISIS_ROUTES, IsisRouteRow, tuple(_longest(rows, prefix)),
                      self.name)

    # -- BGP -------------------------------------------------------------------------------
    def bgp_session_status(self, snapshot: Snapshot, *, nodes: Nodes = None,
                           remote_nodes: Nodes = None) -> Answer[BgpSessionStatusRow]:
        from netlab.lab.expect import _owners, _source

        state = self.lab.state()
        configs = self.lab.configs()
        dead = self.lab.failed_routers(state)
        owners = _owners(configs)
        docs = self._collect(("show bgp neighbors json",), nodes)
        seen = {(p.router, p.peer): p for r, d in docs.items() for p in show.bgp_peers(r, d[0])}
        names = self._names(snapshot)
        rows = []
        for router in sorted(configs):
            cfg = configs[router]
            if cfg.bgp is None or (nodes is not None and router not in nodes):
                continue
            for nb in cfg.bgp.neighbors:
                owner = owners.get(nb.address)
                remote = owner[0] if owner else None
                if remote_nodes is not None and remote not in remote_nodes:
                    continue
                obs = seen.get((router, str(nb.address)))
                up = obs is not None and obs.state == "Established"
                reason = None
                if not up:
                    reason = (SessionReason.NODE_DOWN if router in dead else
                              SessionReason.PEER_DOWN if remote in dead else
                              SessionReason.NEIGHBOR_SHUTDOWN if nb.shutdown else
                              SessionReason.UNKNOWN_REMOTE if owner is None else None)
                remote_itf = None
                if owner is not None and not owner[1].loopback:
                    remote_itf = names.get((owner[0], owner[1].name), owner[1].name)
                rows.append(BgpSessionStatusRow(
                    node=router, vrf="default", local_as=cfg.bgp.asn,
                    local_interface=(names.get((router, nb.update_source), nb.update_source)
                                     if nb.update_source else None),
                    local_ip=_source(cfg, nb), remote_as=nb.remote_as, remote_node=remote,
                    remote_interface=remote_itf, remote_ip=nb.address,
                    address_families=(f"IPV{nb.address.version}_UNICAST",),
                    session_type=(SessionType.IBGP if nb.remote_as == cfg.bgp.asn
                                  else SessionType.EBGP_SINGLEHOP),
                    established_status=(EstablishedStatus.ESTABLISHED if up
                                        else EstablishedStatus.NOT_ESTABLISHED),
                    reason=reason,
                    detail="" if obs is None else f"FRR state {obs.state}",
                ))
        return Answer(Question.BGP_SESSION_STATUS, BgpSessionStatusRow, tuple(rows), self.name)

    def bgp_rib(self, snapshot: Snapshot, *, nodes: Nodes = None,
                prefix: str | IPNetwork | IPAddress | None = None) -> Answer[BgpRibRow]:
        configs = self.lab.configs()
        docs = self._collect(("show bgp ipv4 unicast json", "show bgp ipv6 unicast json"),
                             nodes)
        rows = []
        for router, d in sorted(docs.items()):
            cfg = configs.get(router)
            asn = cfg.bgp.asn if cfg is not None and cfg.bgp is not None else 0
            for p in show.bgp_paths(router, d[0]) + show.bgp_paths(router, d[1]):
                if not _prefix_ok(p.prefix, prefix):
                    continue
                ebgp = bool(p.as_path) and p.peer != "" and p.as_path[0] != asn
                nh = _ip(p.next_hop)
                local = p.peer == ""
                rows.append(BgpRibRow(
                    node=router, vrf="default", network=ip_network(p.prefix),
                    status=BgpRouteStatus.BEST if (p.best or p.multipath)
                    else BgpRouteStatus.BACKUP,
                    next_hop=NextHop(discard=True) if local else NextHop(ip=nh),
                    next_hop_ip=None if local else nh,
                    protocol=RoutingProtocol.BGP if (ebgp or local) else RoutingProtocol.IBGP,
                    as_path=AsPath(p.as_path), metric=p.med or 0,
                    local_pref=p.local_pref if p.local_pref is not None else 100,
                    origin_protocol=RoutingProtocol.STATIC if local else None,
                    origin_type=_ORIGIN.get(p.origin, OriginType.INCOMPLETE),
                    originator_id=None, received_from_ip=None if local else _ip(p.peer),
                    cluster_list=(),
                ))
        rows.sort(key=lambda r: (r.node, r.network.version, r.network, r.status.value,
                                 str(r.next_hop_ip)))
        return Answer(Question.BGP_RIB, BgpRibRow, tuple(_longest(rows, prefix)), self.name)

    # -- main RIB ------------------------------------------------------------------------
    def routes(self, snapshot: Snapshot, *, nodes: Nodes = None,
               prefix: str | IPNetwork | IPAddress | None = None,
               protocols: Collection[RoutingProtocol] | None = None) -> Answer[RouteRow]:
        names = self._names(snapshot)
        configs = self.lab.configs()
        docs = self._collect(("show ip route json", "show ipv6 route json"), nodes)
        far = self._far_v6(configs)
        rows = []
        for router, d in sorted(docs.items()):
            for r in show.routes(router, d[0]) + show.routes(router, d[1]):
                if not r.selected or not _prefix_ok(r.prefix, prefix):
                    continue
                proto = _protocol(r, configs.get(router))
                if proto is None or (protocols is not None and proto not in protocols):
                    continue
                if r.recursive:  # as Batfish lists a BGP route: its (recursive) next hop
                    hops: tuple[NextHop, ...] = tuple(NextHop(ip=_ip(v)) for v in r.recursive)
                else:
                    hops = (_hops(router, r.next_hops, names, far)
                            or (NextHop(discard=True),))
                for h in hops:
                    rows.append(RouteRow(
                        node=router, vrf="default", network=ip_network(r.prefix), next_hop=h,
                        next_hop_ip=h.ip, next_hop_interface=h.interface, protocol=proto,
                        metric=r.metric, admin_distance=r.distance))
        return Answer(Question.ROUTES, RouteRow, tuple(_longest(rows, prefix)), self.name)

    # -- not answerable ---------------------------------------------------------------------
    def file_parse_status(self, snapshot: Snapshot) -> Answer[FileParseStatusRow]:
        raise _cannot(Question.FILE_PARSE_STATUS, "a configuration analysis")

    def parse_warnings(self, snapshot: Snapshot) -> Answer[ParseWarningRow]:
        raise _cannot(Question.PARSE_WARNING, "a configuration analysis")

    def layer3_edges(self, snapshot: Snapshot, *, nodes: Nodes = None,
                     remote_nodes: Nodes = None) -> Answer[Layer3EdgeRow]:
        raise _cannot(Question.LAYER3_EDGES, "a configuration analysis")

    def bgp_session_compatibility(self, snapshot: Snapshot, *, nodes: Nodes = None,
                                  remote_nodes: Nodes = None
                                  ) -> Answer[BgpSessionCompatibilityRow]:
        raise _cannot(Question.BGP_SESSION_COMPATIBILITY, "a configuration analysis")

    def traceroute(self, snapshot: Snapshot, src: str, dst: str | IPAddress
                   ) -> Answer[TracerouteRow]:
        raise _cannot(Question.TRACEROUTE, "a data-plane simulation")

    def reachability(self, snapshot: Snapshot, *, sources: Nodes = None,
                     destinations: Collection[str | IPAddress | IPNetwork] | None = None,
                     dispositions: Collection[FlowDisposition] | None = None
                     ) -> Answer[TracerouteRow]:
        raise _cannot(Question.REACHABILITY, "a data-plane simulation")

    def differential_reachability(
        self, snapshot: Snapshot, reference: Snapshot, *, sources: Nodes = None,
        destinations: Collection[str | IPAddress | IPNetwork] | None = None,
    ) -> Answer[DifferentialReachabilityRow]:
        raise _cannot(Question.DIFFERENTIAL_REACHABILITY, "a data-plane simulation")

    def link_utilisation(self, snapshot: Snapshot, *, nodes: Nodes = None
                         ) -> Answer[LinkUtilisationRow]:
        raise _cannot(Question.LINK_UTILISATION, "traffic the lab does not carry")


def _cannot(question: Question, what: str) -> EngineError:
    return EngineError(f"the live engine cannot answer {question.value}: it is {what}, "
                       "not router state FRR reports")


def _prefix_ok(text: str, prefix: str | IPNetwork | IPAddress | None) -> bool:
    """Does the route's prefix ``text`` match the filter (exact network, or containing)?"""
    if prefix is None:
        return True
    net = ip_network(text)
    if isinstance(prefix, str):
        if "/" in prefix:
            return net == ip_network(prefix, strict=False)
        prefix = ip_address(prefix)
    if isinstance(prefix, IPv4Address | IPv6Address):
        return net.version == prefix.version and prefix in net
    return net == prefix


def _longest(rows: list[RowT], prefix: str | IPNetwork | IPAddress | None) -> list[RowT]:
    """For an address filter keep, per node, only the longest matching network."""
    if prefix is None or (isinstance(prefix, str) and "/" in prefix) or isinstance(
            prefix, IPv4Network | IPv6Network):
        return rows
    best: dict[str, int] = {}
    for r in rows:
        best[r.node] = max(best.get(r.node, -1), r.network.prefixlen)
    return [r for r in rows if r.network.prefixlen == best[r.node]]


def _own_isis(cfg: DeviceConfig | None) -> set[str]:
    """The subnets the router itself advertises into IS-IS (its IS-IS interfaces)."""
    if cfg is None:
        return set()
    return {str(a.network) for i in cfg.interfaces if i.enabled and i.isis is not None
            for a in (i.ipv4, i.ipv6) if a is not None}


def _ip(text: str) -> IPAddress | None:
    try:
        return ip_address(text)
    except ValueError:
        return None


def _hops(router: str, hops: Iterable[show.NextHop], names: dict[tuple[str, str], str],
          far: dict[tuple[str, str], IPAddress]) -> tuple[NextHop, ...]:
    out = []
    for h in hops:
        ip = _ip(h.ip) if h.ip else None
        if ip is not None and ip.is_link_local and h.interface:
            ip = far.get((router, h.interface), ip)
        out.append(NextHop(ip=ip, interface=names.get((router, h.interface), h.interface)
                           if h.interface else None))
    return tuple(sorted(set(out), key=lambda h: (str(h.ip), str(h.interface))))


def _protocol(r: show.RouteObs, cfg: DeviceConfig | None) -> RoutingProtocol | None:
    if r.protocol == "connected":
        return RoutingProtocol.CONNECTED
    if r.protocol == "static":
        return RoutingProtocol.STATIC
    if r.protocol == "isis":
        return LiveEngine._level(cfg)
    if r.protocol == "bgp":
        return RoutingProtocol.BGP if r.distance == _EBGP_DISTANCE else RoutingProtocol.IBGP
    return None
