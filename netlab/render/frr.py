"""Render a :class:`DeviceConfig` as an FRRouting 8.4 integrated config (``frr.conf``).

The text is what ``show running-config`` prints on FRR 8.4, in its order and
style (sub-lines of an interface or route-map sorted the way vtysh sorts them,
``exit`` after every block, ``!`` between blocks), with these deliberate
differences, each because FRR would otherwise load the file wrongly:

* ``router isis core`` comes *before* the interfaces. FRR checks a YANG
  ``must`` condition on ``isis metric`` (> 63 needs ``metric-style wide`` on the
  instance); when ``vtysh -f`` applies an interface before its instance exists
  the whole interface transaction is rejected.
* ``lsp-gen-interval 1`` comes before ``net``: a daemon loading the file with
  ``-f`` otherwise delays its first LSP by 30 s (FRR prints the setting as
  ``lsp-timers ...`` after ``net``; the parser accepts both).
* Values equal to FRR's defaults (``is-type level-1-2``, ``metric-style wide``,
  ``isis circuit-type level-1-2``, ``isis metric 10``) are written anyway, so a
  trainee sees every setting the model holds.
* ``ip forwarding`` / ``ipv6 forwarding`` are written: a fresh network namespace
  does not forward, and FRR prints nothing when forwarding is on.

FRR has no interface MTU command (Linux owns it): the MTU is the structured
comment ``! netlab-mtu N`` inside the interface block (docs/config-model.md).
``mpls`` on an interface is ``mpls enable`` (MPLS forwarding) plus, when the
router runs LDP, the interface under ``mpls ldp``. Each BGP network also gets a
``Null0`` anchor route. :func:`build` makes the plain view the template formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from netlab.errors import RenderError
from netlab.model.device import (
    AuthType,
    BgpNeighbor,
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
    "ISIS_TAG",
    "AddressFamilyView",
    "AfNeighborView",
    "BgpView",
    "FrrView",
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

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

ISIS_TAG = "core"
DEFAULT_SEQ = 65535  # the route-map entry holding a policy's default action
MULTIPATHS = 16

_IS_TYPE = {IsisLevel.L1: "level-1", IsisLevel.L2: "level-2-only",
            IsisLevel.L1L2: "level-1-2"}
_AUTH = {AuthType.MD5: "md5", AuthType.TEXT: "clear"}


@dataclass(frozen=True, slots=True)
class StaticView:
    """``<family> route <prefix> <next_hop>``; family is ``ip`` or ``ipv6``."""

    family: str
    prefix: str
    next_hop: str


@dataclass(frozen=True, slots=True)
class IsisCircuitView:
    ipv4: bool
    ipv6: bool
    circuit_type: str
    metric: int
    point_to_point: bool
    passive: bool
    password: str | None  # "md5 KEY" / "clear KEY"


@dataclass(frozen=True, slots=True)
class InterfaceView:
    name: str
    description: str
    mtu: int | None
    ipv4: str | None
    ipv6: str | None
    isis: IsisCircuitView | None
    mpls: bool
    shutdown: bool


@dataclass(frozen=True, slots=True)
class IsisView:
    is_type: str
    net: str
    metric_style: str
    overload: bool


@dataclass(frozen=True, slots=True)
class LdpView:
    router_id: str | None
    interfaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PrefixListView:
    """One ``ip``/``ipv6 prefix-list`` line per entry: (seq, action, prefix, le or None).

    An empty list (matches nothing) is written as its lone ``deny any`` entry.
    """

    family: str
    name: str
    entries: tuple[tuple[int, str, str, int | None], ...]


@dataclass(frozen=True, slots=True)
class RouteMapEntryView:
    name: str
    action: str
    seq: int
    description: str | None
    match: str | None  # "ip address prefix-list X" / "ipv6 address prefix-list X"
    prepend: str | None  # "65000 65000"
    local_preference: int | None
    metric: int | None


@dataclass(frozen=True, slots=True)
class NeighborView:
    address: str
    remote_as: int
    description: str
    shutdown: bool
    password: str | None
    update_source: str | None


@dataclass(frozen=True, slots=True)
class AfNeighborView:
    address: str
    route_reflector_client: bool
    next_hop_self: bool
    max_prefix: int | None
    import_policy: str | None
    export_policy: str | None


@dataclass(frozen=True, slots=True)
class AddressFamilyView:
    name: str  # "ipv4 unicast" / "ipv6 unicast"
    networks: tuple[str, ...]
    neighbors: tuple[AfNeighborView, ...]
    multipath: int | None


@dataclass(frozen=True, slots=True)
class BgpView:
    asn: int
    router_id: str
    cluster_id: str | None
    neighbors: tuple[NeighborView, ...]
    address_families: tuple[AddressFamilyView, ...]


@dataclass(frozen=True, slots=True)
class FrrView:
    """Everything the FRR template prints, already in FRR's order."""

    hostname: str
    statics: tuple[StaticView, ...]
    isis_tag: str
    isis: IsisView | None
    interfaces: tuple[InterfaceView, ...]
    bgp: BgpView | None
    ldp: LdpView | None
    prefix_lists: tuple[PrefixListView, ...]
    route_maps: tuple[RouteMapEntryView, ...]


def _statics(cfg: DeviceConfig) -> tuple[StaticView, ...]:
    routes: set[tuple[IPNetwork, IPAddress | None]] = {
        (sr.prefix, sr.next_hop) for sr in cfg.static_routes}
    if cfg.bgp is not None:  # every originated network gets its discard anchor
        routes |= {(net, None) for net in cfg.bgp.networks}

    def table_order(route: tuple[IPNetwork, IPAddress | None]) -> tuple[int, ...]:
        prefix, hop = route  # zebra's order: IPv4 first, by prefix, then next hop
        return (prefix.version, int(prefix.network_address), prefix.prefixlen,
                hop is not None, int(hop) if hop is not None else 0)

    return tuple(StaticView("ip" if prefix.version == 4 else "ipv6", str(prefix),
                            "Null0" if hop is None else str(hop))
                 for prefix, hop in sorted(routes, key=table_order))


def _interface(itf: InterfaceConfig) -> InterfaceView:
    circuit = None
    if itf.isis is not None:
        auth = itf.isis.hello_auth
        circuit = IsisCircuitView(
            ipv4=itf.ipv4 is not None or itf.ipv6 is None,
            ipv6=itf.ipv6 is not None,
            circuit_type=_IS_TYPE[itf.isis.level],
            metric=itf.isis.metric,
            point_to_point=itf.isis.point_to_point,
            passive=itf.isis.passive,
            password=f"{_AUTH[auth.type]} {auth.key}" if auth is not None else None,
        )
    return InterfaceView(
        name=itf.name,
        description=itf.description,
        mtu=itf.mtu,
        ipv4=str(itf.ipv4) if itf.ipv4 is not None else None,
        ipv6=str(itf.ipv6) if itf.ipv6 is not None else None,
        isis=circuit,
        mpls=itf.mpls,
        shutdown=not itf.enabled,
    )


def _ldp(cfg: DeviceConfig) -> LdpView | None:
    if not cfg.mpls_ldp:
        return None
    lo = cfg.loopback()
    rid = str(lo.ipv4.ip) if lo is not None and lo.ipv4 is not None else None
    names = sorted((i.name for i in cfg.interfaces if i.mpls), key=natural_key)
    return LdpView(router_id=rid, interfaces=tuple(names))


def _prefix_lists(lists: tuple[PrefixList, ...]) -> tuple[PrefixListView, ...]:
    views = []
    for pl in sorted(lists, key=lambda p: p.name):
        families = {e.prefix.version for e in pl.entries}
        if len(families) > 1:
            raise RenderError(f"prefix-list {pl.name} mixes IPv4 and IPv6 entries; "
                              "FRR keeps one family per prefix-list")
        family = "ipv6" if families == {6} else "ip"
        entries = tuple((10 * (i + 1), "permit", str(e.prefix), e.le)
                        for i, e in enumerate(pl.entries)) or ((10, "deny", "any", None),)
        views.append(PrefixListView(family, pl.name, entries))
    # vtysh prints every IPv4 prefix-list before the IPv6 ones.
    return tuple(sorted(views, key=lambda v: v.family != "ip"))


def _term(cfg: DeviceConfig, policy: RoutePolicy, seq: int, term: PolicyTerm,
          families: dict[str, str]) -> RouteMapEntryView:
    match = None
    if term.match_prefix_list is not None:
        family = families.get(term.match_prefix_list)
        if family is None:
            raise RenderError(f"route-map {policy.name} term {term.name} matches prefix-list "
                              f"{term.match_prefix_list}, which is not defined")
        match = f"{family} address prefix-list {term.match_prefix_list}"
    prepend = None
    if term.prepend_as:
        if cfg.bgp is None:
            raise RenderError(f"route-map {policy.name} term {term.name} prepends the local AS "
                              "but the router has no BGP (FRR writes the AS number literally)")
        prepend = " ".join([str(cfg.bgp.asn)] * term.prepend_as)
    return RouteMapEntryView(
        name=policy.name, action=term.action.value, seq=seq, description=term.name,
        match=match, prepend=prepend, local_preference=term.set_local_preference,
        metric=term.set_med,
    )


def _route_maps(cfg: DeviceConfig) -> tuple[RouteMapEntryView, ...]:
    families = {pl.name: ("ipv6" if pl.entries and pl.entries[0].prefix.version == 6 else "ip")
                for pl in cfg.prefix_lists}
    out = []
    for policy in sorted(cfg.route_policies, key=lambda p: p.name):
        if len(policy.terms) * 10 >= DEFAULT_SEQ:
            raise RenderError(f"route-map {policy.name} has too many terms for FRR sequences")
        for i, term in enumerate(policy.terms):
            out.append(_term(cfg, policy, 10 * (i + 1), term, families))
        out.append(RouteMapEntryView(
            name=policy.name, action=policy.default_action.value, seq=DEFAULT_SEQ,
            description=None, match=None, prepend=None, local_preference=None, metric=None))
    return tuple(out)


def _check_policy(cfg: DeviceConfig, nb: BgpNeighbor, name: str | None) -> None:
    if name is not None and all(p.name != name for p in cfg.route_policies):
        raise RenderError(f"BGP neighbor {nb.address} uses route-map {name}, "
                          "which is not defined")


def _bgp(cfg: DeviceConfig) -> BgpView | None:
    bgp = cfg.bgp
    if bgp is None:
        return None
    # bgpd keeps peers sorted by address, IPv4 before IPv6.
    neighbors = sorted(bgp.neighbors, key=lambda n: (n.address.version, int(n.address)))
    views = []
    for nb in neighbors:
        _check_policy(cfg, nb, nb.import_policy)
        _check_policy(cfg, nb, nb.export_policy)
        views.append(NeighborView(
            address=str(nb.address), remote_as=nb.remote_as, description=nb.description,
            shutdown=nb.shutdown, password=nb.password, update_source=nb.update_source))
    families = []
    for version, name in ((4, "ipv4 unicast"), (6, "ipv6 unicast")):
        nets = sorted((n for n in bgp.networks if n.version == version),
                      key=lambda n: (int(n.network_address), n.prefixlen))
        af_neighbors = tuple(
            AfNeighborView(
                address=str(nb.address), route_reflector_client=nb.route_reflector_client,
                next_hop_self=nb.next_hop_self, max_prefix=nb.max_prefix,
                import_policy=nb.import_policy, export_policy=nb.export_policy)
            for nb in neighbors if nb.address.version == version)
        multipath = MULTIPATHS if bgp.multipath else None
        if nets or af_neighbors or multipath:
            families.append(AddressFamilyView(name, tuple(str(n) for n in nets), af_neighbors,
                                              multipath))
    return BgpView(
        asn=bgp.asn, router_id=str(bgp.router_id),
        cluster_id=str(bgp.cluster_id) if bgp.cluster_id is not None else None,
        neighbors=tuple(views), address_families=tuple(families))


def build(cfg: DeviceConfig) -> FrrView:
    """The plain view of ``cfg`` the FRR template prints (pure; raises RenderError)."""
    isis = None
    if cfg.isis is not None:
        isis = IsisView(is_type=_IS_TYPE[cfg.isis.level], net=cfg.isis.net,
                        metric_style="wide" if cfg.isis.wide_metrics else "narrow",
                        overload=cfg.isis.overload)
    # zebra lists interfaces by name (eth0-1 ... lo), not loopback first.
    interfaces = sorted(cfg.interfaces, key=lambda i: natural_key(i.name))
    return FrrView(
        hostname=cfg.hostname,
        statics=_statics(cfg),
        isis_tag=ISIS_TAG,
        isis=isis,
        interfaces=tuple(_interface(i) for i in interfaces),
        bgp=_bgp(cfg),
        ldp=_ldp(cfg),
        prefix_lists=_prefix_lists(cfg.prefix_lists),
        route_maps=_route_maps(cfg),
    )


def render(cfg: DeviceConfig) -> str:
    """The FRR 8.4 ``frr.conf`` text of ``cfg``."""
    return render_template("frr/frr.conf.j2", v=build(cfg))

