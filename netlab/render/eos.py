"""Render a :class:`DeviceConfig` as an Arista EOS running-config.

The text is what ``show running-config`` prints on a multi-agent EOS router, in
its section order (service, hostname, interfaces, ``ip routing``, prefix lists,
``ipv6 unicast-routing``, static routes, MPLS, route-maps, ``router bgp``,
``router isis``, ``end``) and its three-space indentation, behind the
``!RANCID-CONTENT-TYPE: arista`` header Batfish needs. Choices, and why:

* EOS omits defaults, and so do we where the default is also the model's
  meaning: ``isis metric 10``, ``isis circuit-type level-1-2`` and
  ``is-type level-1-2`` are not written (Batfish's grammar does not even accept
  ``level-1-2`` there; both EOS and Batfish default to it).
* EOS IS-IS speaks wide metrics only (no ``metric-style`` command): a process
  with ``wide_metrics=False`` is a :class:`RenderError`.
* Passive IS-IS is ``isis passive`` inside the interface (modern EOS; the
  parser also reads ``passive-interface`` under ``router isis``).
* EOS limits every BGP neighbor to 12000 prefixes unless told otherwise, so
  ``max_prefix=None`` (no limit) is written ``neighbor A maximum-routes 0``.
* ``no bgp default ipv4-unicast`` and an explicit ``neighbor A activate`` in the
  neighbor's own address family, as EOS operators write it; BGP networks sit in
  their family's address family, each with a ``Null0`` anchor route
  (docs/config-model.md).
* LDP: global ``mpls ip`` and ``mpls ldp`` with ``interface disabled default``,
  so LDP runs exactly where an interface says ``mpls ldp interface``.
* Keys are written as type 0 (clear text), as the model keeps them.

:func:`build` turns the config into a plain view; the templates in
``templates/eos/`` only format it.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

from netlab.errors import RenderError
from netlab.model.device import (
    BgpConfig,
    DeviceConfig,
    InterfaceConfig,
    IsisLevel,
    PolicyTerm,
    PrefixList,
    RoutePolicy,
    natural_key,
)
from netlab.render.environment import render_template

__all__ = [
    "DEFAULT_SEQ",
    "ISIS_INSTANCE",
    "AddressFamilyView",
    "BgpView",
    "EosView",
    "InterfaceView",
    "IsisCircuitView",
    "IsisView",
    "LdpView",
    "NeighborView",
    "PrefixListView",
    "RouteMapEntryView",
    "StaticView",
    "build",
    "render",
]

ISIS_INSTANCE = "core"
DEFAULT_SEQ = 65535  # the route-map entry that holds a policy's default action
SEQ_STEP = 10
MULTIPATHS = 16
DEFAULT_ISIS_METRIC = 10

_LEVEL = {IsisLevel.L1: "level-1", IsisLevel.L2: "level-2", IsisLevel.L1L2: None}


@dataclass(frozen=True, slots=True)
class IsisCircuitView:
    """IS-IS lines of one interface; ``None`` fields are EOS defaults, not written."""

    instance: str
    circuit_type: str | None
    metric: int | None
    passive: bool
    point_to_point: bool
    auth_mode: str | None
    auth_key: str | None


@dataclass(frozen=True, slots=True)
class InterfaceView:
    name: str
    description: str
    shutdown: bool
    mtu: int | None
    routed_port: bool  # write ``no switchport`` (Ethernet ports are switchports by default)
    ipv4: str | None
    ipv6: str | None
    isis: IsisCircuitView | None
    mpls: bool


@dataclass(frozen=True, slots=True)
class PrefixListView:
    """``ip prefix-list`` or ``ipv6 prefix-list`` (``family`` is ``ip``/``ipv6``)."""

    family: str
    name: str
    entries: tuple[str, ...]  # "seq 10 permit 192.0.2.0/24 le 27"


@dataclass(frozen=True, slots=True)
class StaticView:
    prefix: str
    next_hop: str  # an address or Null0


@dataclass(frozen=True, slots=True)
class LdpView:
    router_id: str | None
    transport_interface: str | None


@dataclass(frozen=True, slots=True)
class RouteMapEntryView:
    name: str
    action: str
    seq: int
    description: str
    match: str | None  # "ip address prefix-list X"
    sets: tuple[str, ...]  # "local-preference 200"


@dataclass(frozen=True, slots=True)
class NeighborView:
    address: str
    remote_as: int
    shutdown: bool
    next_hop_self: bool
    update_source: str | None
    description: str
    route_reflector_client: bool
    password: str | None
    maximum_routes: int
    route_map_in: str | None
    route_map_out: str | None


@dataclass(frozen=True, slots=True)
class AddressFamilyView:
    name: str  # ipv4 / ipv6
    activate: tuple[str, ...]
    networks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BgpView:
    asn: int
    router_id: str
    maximum_paths: int | None
    cluster_id: str | None
    neighbors: tuple[NeighborView, ...]
    address_families: tuple[AddressFamilyView, ...]


@dataclass(frozen=True, slots=True)
class IsisView:
    instance: str
    net: str
    is_type: str | None
    overload: bool


@dataclass(frozen=True, slots=True)
class EosView:
    hostname: str
    interfaces: tuple[InterfaceView, ...]
    prefix_lists: tuple[PrefixListView, ...]
    statics4: tuple[StaticView, ...]
    statics6: tuple[StaticView, ...]
    mpls_ip: bool
    ldp: LdpView | None
    route_maps: tuple[RouteMapEntryView, ...]
    bgp: BgpView | None
    isis: IsisView | None


def _token(kind: str, value: str, host: str) -> str:
    """A value EOS reads as one word (names, keys)."""
    if not value or any(ch.isspace() for ch in value):
        raise RenderError(f"{host}: {kind} {value!r} must be one word for EOS")
    return value


def _text(kind: str, value: str, host: str) -> str:
    """A rest-of-line value (descriptions): anything but a line break."""
    if "\n" in value or "\r" in value:
        raise RenderError(f"{host}: {kind} {value!r} must fit on one line")
    return value.strip()


def _interface(itf: InterfaceConfig, host: str) -> InterfaceView:
    isis = None
    if itf.isis is not None:
        auth = itf.isis.hello_auth
        isis = IsisCircuitView(
            instance=ISIS_INSTANCE,
            circuit_type=_LEVEL[itf.isis.level],
            metric=None if itf.isis.metric == DEFAULT_ISIS_METRIC else itf.isis.metric,
            passive=itf.isis.passive,
            point_to_point=itf.isis.point_to_point,
            auth_mode=auth.type.value if auth else None,
            auth_key=_token("IS-IS key", auth.key, host) if auth else None,
        )
    return InterfaceView(
        name=_token("interface name", itf.name, host),
        description=_text("description", itf.description, host),
        shutdown=not itf.enabled,
        mtu=itf.mtu,
        routed_port=not itf.loopback and itf.name.startswith(("Ethernet", "Port-Channel")),
        ipv4=str(itf.ipv4) if itf.ipv4 else None,
        ipv6=str(itf.ipv6) if itf.ipv6 else None,
        isis=isis,
        mpls=itf.mpls,
    )


def _eos_order(itf: InterfaceConfig) -> tuple[object, ...]:
    """EOS prints interfaces by type name, then naturally (Ethernet before Loopback)."""
    kind = itf.name.rstrip("0123456789/.:")
    return (kind, natural_key(itf.name))


def _prefix_lists(lists: tuple[PrefixList, ...], host: str) -> tuple[PrefixListView, ...]:
    out = []
    for pl in lists:
        by_family: dict[str, list[str]] = {}
        for entry in pl.entries:
            family = "ip" if entry.prefix.version == 4 else "ipv6"
            seq = SEQ_STEP * (len(by_family.get(family, [])) + 1)
            le = f" le {entry.le}" if entry.le is not None else ""
            by_family.setdefault(family, []).append(f"seq {seq} permit {entry.prefix}{le}")
        if not by_family:  # an empty list still exists (and matches nothing)
            by_family["ip"] = []
        for family in ("ip", "ipv6"):
            if family in by_family:
                out.append(PrefixListView(family, _token("prefix-list name", pl.name, host),
                                          tuple(by_family[family])))
    return tuple(sorted(out, key=lambda p: (p.family, p.name)))


def _list_family(name: str, lists: tuple[PrefixList, ...]) -> str:
    for pl in lists:
        if pl.name == name and pl.entries:
            return "ip" if pl.entries[0].prefix.version == 4 else "ipv6"
    return "ip"


def _term_sets(term: PolicyTerm) -> tuple[str, ...]:
    sets = []
    if term.prepend_as:
        sets.append("as-path prepend " + " ".join(["auto"] * term.prepend_as))
    if term.set_local_preference is not None:
        sets.append(f"local-preference {term.set_local_preference}")
    if term.set_med is not None:
        sets.append(f"metric {term.set_med}")
    return tuple(sets)


def _route_maps(policies: tuple[RoutePolicy, ...], lists: tuple[PrefixList, ...],
                host: str) -> tuple[RouteMapEntryView, ...]:
    out = []
    for pol in policies:
        name = _token("route-map name", pol.name, host)
        if SEQ_STEP * len(pol.terms) >= DEFAULT_SEQ:
            raise RenderError(f"{host}: route-map {name} has too many terms for EOS")
        for i, term in enumerate(pol.terms, start=1):
            match = None
            if term.match_prefix_list is not None:
                family = _list_family(term.match_prefix_list, lists)
                match = f"{family} address prefix-list " + _token(
                    "prefix-list name", term.match_prefix_list, host)
            out.append(RouteMapEntryView(name, term.action.value, SEQ_STEP * i,
                                         _text("term name", term.name, host), match,
                                         _term_sets(term)))
        out.append(RouteMapEntryView(name, pol.default_action.value, DEFAULT_SEQ, "", None, ()))
    return tuple(out)


def _statics(cfg: DeviceConfig) -> tuple[tuple[StaticView, ...], tuple[StaticView, ...]]:
    routes: set[tuple[IPv4Network | IPv6Network, str]] = set()
    anchors = cfg.bgp.networks if cfg.bgp else ()
    for net in anchors:
        routes.add((net, "Null0"))
    for st in cfg.static_routes:
        routes.add((st.prefix, str(st.next_hop) if st.next_hop is not None else "Null0"))

    def key(r: tuple[IPv4Network | IPv6Network, object]) -> tuple[int, int, int, str]:
        return (r[0].version, int(r[0].network_address), r[0].prefixlen, str(r[1]))

    ordered = sorted(routes, key=key)
    v4 = tuple(StaticView(str(p), str(nh)) for p, nh in ordered if p.version == 4)
    v6 = tuple(StaticView(str(p), str(nh)) for p, nh in ordered if p.version == 6)
    return v4, v6


def _bgp(bgp: BgpConfig, host: str) -> BgpView:
    neighbors = []
    families: dict[str, tuple[list[str], list[str]]] = {"ipv4": ([], []), "ipv6": ([], [])}
    for nb in bgp.neighbors:
        addr = str(nb.address)
        neighbors.append(NeighborView(
            address=addr,
            remote_as=nb.remote_as,
            shutdown=nb.shutdown,
            next_hop_self=nb.next_hop_self,
            update_source=_token("update-source", nb.update_source, host)
            if nb.update_source else None,
            description=_text("description", nb.description, host),
            route_reflector_client=nb.route_reflector_client,
            password=_token("BGP password", nb.password, host) if nb.password else None,
            maximum_routes=nb.max_prefix if nb.max_prefix is not None else 0,
            route_map_in=_token("route-map name", nb.import_policy, host)
            if nb.import_policy else None,
            route_map_out=_token("route-map name", nb.export_policy, host)
            if nb.export_policy else None,
        ))
        families[f"ipv{nb.address.version}"][0].append(addr)
    for net in bgp.networks:
        families[f"ipv{net.version}"][1].append(str(net))
    afs = tuple(AddressFamilyView(name, tuple(act), tuple(nets))
                for name, (act, nets) in families.items() if act or nets)
    return BgpView(
        asn=bgp.asn,
        router_id=str(bgp.router_id),
        maximum_paths=MULTIPATHS if bgp.multipath else None,
        cluster_id=str(bgp.cluster_id) if bgp.cluster_id else None,
        neighbors=tuple(neighbors),
        address_families=afs,
    )


def build(cfg: DeviceConfig) -> EosView:
    """The plain, template-ready view of ``cfg`` (pure: no I/O, no templates)."""
    host = cfg.hostname
    if not host or any(ch.isspace() for ch in host):
        raise RenderError(f"hostname {host!r} must be one word")
    cfg = cfg.normalized()
    isis = None
    if cfg.isis is not None:
        if not cfg.isis.wide_metrics:
            raise RenderError(f"{host}: EOS IS-IS speaks wide metrics only; "
                              "set wide_metrics for this router")
        isis = IsisView(ISIS_INSTANCE, _token("NET", cfg.isis.net, host),
                        _LEVEL[cfg.isis.level], cfg.isis.overload)
    ldp = None
    if cfg.mpls_ldp:
        lo = cfg.loopback()
        ldp = LdpView(router_id=str(lo.ipv4.ip) if lo and lo.ipv4 else None,
                      transport_interface=lo.name if lo else None)
    statics4, statics6 = _statics(cfg)
    return EosView(
        hostname=host,
        interfaces=tuple(_interface(i, host) for i in sorted(cfg.interfaces, key=_eos_order)),
        prefix_lists=_prefix_lists(cfg.prefix_lists, host),
        statics4=statics4,
        statics6=statics6,
        mpls_ip=cfg.mpls_ldp,
        ldp=ldp,
        route_maps=_route_maps(cfg.route_policies, cfg.prefix_lists, host),
        bgp=_bgp(cfg.bgp, host) if cfg.bgp is not None else None,
        isis=isis,
    )


def render(cfg: DeviceConfig) -> str:
    """The EOS running-config of ``cfg``."""
    return render_template("eos/running-config.j2", v=build(cfg))

