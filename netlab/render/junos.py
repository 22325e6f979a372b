"""Render a :class:`DeviceConfig` as a Juniper Junos configuration.

The text is hierarchical Junos configuration the way ``show configuration``
prints it (4-space indent, ``;`` terminators, a container holding a single
statement folded onto one line, strings quoted when they contain spaces or
punctuation), preceded by ``!RANCID-CONTENT-TYPE: juniper`` so Batfish detects
the format. Batfish must read the text, so every construct is one its Junos
grammar (``FlatJuniper*.g4``) models:

* **Prefix lists** are subroutine policies, not ``route-filter-list``:
  Batfish has no ``route-filter-list`` and would read a term that uses one as
  a term without a ``from`` (matching every route). A model prefix list
  ``NAME`` becomes ``policy-statement NAME { term prefixes { from {
  route-filter P exact; route-filter Q upto /N; } then accept; } then reject; }``
  and a policy term that matches it says ``from policy NAME`` (Junos evaluates
  a subroutine's accept/reject as true/false). The parser recognises a list by
  its ``route-filter`` conditions, which route policies never contain.
* A policy's ``default_action`` is the policy-level ``then accept|reject``
  (Junos' unnamed final term), so no term name is reserved for it.
* A shut-down BGP neighbor is ``inactive: neighbor ...`` — Junos has no
  neighbor ``shutdown``; ``show configuration`` prints a deactivated statement
  that way and Batfish prunes it like the router does.
* ``next_hop_self`` and ``BgpConfig.networks`` are the reserved export
  policies ``NEXT-HOP-SELF`` and ``BGP-ORIGINATE`` (docs/config-model.md);
  each network also gets its discard static route.
* LDP: an interface with ``mpls`` gets ``family mpls`` and ``protocols mpls
  interface``; when the router runs LDP the same interfaces are listed under
  ``protocols ldp``.

BGP neighbors are grouped deterministically: one group per (internal/external,
peer AS, address family, route-reflector cluster, local address, import policy,
export chain), named ``IBGP``, ``IBGP-RR-CLIENTS``, ``EBGP-AS<n>`` (``-V6`` for
IPv6 groups, ``-2``, ``-3``… when two groups would share a name). Group-level
statements hold what the key holds; description, key, prefix limit and
deactivation are per neighbor.

:func:`build` makes the plain view the templates in ``templates/junos/`` format.
Configs outside the model's expressible subset raise :class:`RenderError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Address, IPv6Network

from netlab.errors import RenderError
from netlab.model.device import (
    Action,
    AuthType,
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    InterfaceConfig,
    IsisInterface,
    IsisLevel,
    PolicyTerm,
    PrefixList,
    RoutePolicy,
    StaticRoute,
)
from netlab.render.environment import render_template

__all__ = [
    "ETHERNET_HEADER",
    "NEXT_HOP_SELF",
    "ORIGINATE",
    "PREFIX_TERM",
    "BgpGroupView",
    "BgpNeighborView",
    "InterfaceView",
    "IsisInterfaceView",
    "IsisLevelView",
    "IsisView",
    "JunosView",
    "PolicyView",
    "PrefixListView",
    "StaticView",
    "TermView",
    "build",
    "junos_string",
    "render",
]

ETHERNET_HEADER = 14  # Junos' interface mtu counts the Ethernet header
ORIGINATE = "BGP-ORIGINATE"
NEXT_HOP_SELF = "NEXT-HOP-SELF"
PREFIX_TERM = "prefixes"  # the one term of a prefix-list subroutine policy

_AUTH = {AuthType.MD5: "md5", AuthType.TEXT: "simple"}
_BARE = re.compile(r"^[A-Za-z0-9_.:/@+,=-]+$")


def junos_string(text: str, *, always: bool = False) -> str:
    """``text`` as a Junos word: bare when it can be, else double-quoted."""
    if not always and _BARE.match(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class InterfaceView:
    """One interface; ``mtu`` is the media MTU; families render in unit 0."""

    name: str
    description: str | None
    disabled: bool
    mtu: int | None
    inet: str | None
    iso: bool
    iso_address: str | None
    inet6: str | None
    mpls: bool

    @property
    def unit(self) -> bool:
        return bool(self.inet or self.iso or self.inet6 or self.mpls)


@dataclass(frozen=True, slots=True)
class IsisLevelView:
    """``level N`` of an IS-IS interface: its metric and hello authentication."""

    level: int
    metric: int
    auth_key: str | None
    auth_type: str | None


@dataclass(frozen=True, slots=True)
class IsisInterfaceView:
    name: str  # with the unit, e.g. et-0/0/0.0
    passive: bool
    point_to_point: bool
    disabled_level: int | None
    levels: tuple[IsisLevelView, ...]


@dataclass(frozen=True, slots=True)
class IsisView:
    disabled_level: int | None
    wide_levels: tuple[int, ...]
    overload: bool
    interfaces: tuple[IsisInterfaceView, ...]


@dataclass(frozen=True, slots=True)
class StaticView:
    """``route <prefix> discard`` or ``route <prefix> next-hop <hops>``."""

    prefix: str
    next_hops: tuple[str, ...]

    @property
    def discard(self) -> bool:
        return not self.next_hops


@dataclass(frozen=True, slots=True)
class BgpNeighborView:
    address: str
    description: str | None
    auth_key: str | None
    max_prefix: int | None
    inactive: bool

    @property
    def block(self) -> bool:
        return bool(self.description or self.auth_key or self.max_prefix is not None)


@dataclass(frozen=True, slots=True)
class BgpGroupView:
    name: str
    internal: bool
    peer_as: int | None
    family: str  # inet or inet6
    local_address: str | None
    cluster: str | None
    import_policy: str | None
    export: tuple[str, ...]
    neighbors: tuple[BgpNeighborView, ...]


@dataclass(frozen=True, slots=True)
class PrefixListView:
    """A prefix list as a subroutine policy; entries are route-filter arguments."""

    name: str
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TermView:
    name: str
    from_policy: str | None
    then: tuple[str, ...]  # actions, the accept/reject last


@dataclass(frozen=True, slots=True)
class PolicyView:
    name: str
    terms: tuple[TermView, ...]
    default: str  # accept or reject


@dataclass(frozen=True, slots=True)
class JunosView:
    hostname: str
    interfaces: tuple[InterfaceView, ...]
    router_id: str | None
    asn: int | None
    static4: tuple[StaticView, ...]
    static6: tuple[StaticView, ...]
    isis: IsisView | None
    mpls_interfaces: tuple[str, ...]
    ldp: bool
    groups: tuple[BgpGroupView, ...]
    multipath: bool
    prefix_lists: tuple[PrefixListView, ...]
    originate: tuple[str, ...]  # BGP-ORIGINATE route-filter prefixes
    next_hop_self: bool
    policies: tuple[PolicyView, ...]


def _unit(name: str) -> str:
    return f"{name}.0"


def _interface(itf: InterfaceConfig, net: str | None) -> InterfaceView:
    return InterfaceView(
        name=itf.name,
        description=junos_string(itf.description) if itf.description else None,
        disabled=not itf.enabled,
        mtu=itf.mtu + ETHERNET_HEADER if itf.mtu is not None else None,
        inet=str(itf.ipv4) if itf.ipv4 is not None else None,
        iso=itf.isis is not None or net is not None,
        iso_address=net,
        inet6=str(itf.ipv6) if itf.ipv6 is not None else None,
        mpls=itf.mpls,
    )


def _levels(level: IsisLevel) -> tuple[int, ...]:
    return {IsisLevel.L1: (1,), IsisLevel.L2: (2,), IsisLevel.L1L2: (1, 2)}[level]


def _disabled(level: IsisLevel) -> int | None:
    return {IsisLevel.L1: 2, IsisLevel.L2: 1, IsisLevel.L1L2: None}[level]


def _isis_interface(name: str, isis: IsisInterface) -> IsisInterfaceView:
    auth = isis.hello_auth
    levels = tuple(IsisLevelView(
        level=lvl, metric=isis.metric,
        auth_key=junos_string(auth.key, always=True) if auth else None,
        auth_type=_AUTH[auth.type] if auth else None,
    ) for lvl in _levels(isis.level))
    return IsisInterfaceView(_unit(name), isis.passive, isis.point_to_point,
                             _disabled(isis.level), levels)


def _isis(cfg: DeviceConfig, physical: list[InterfaceConfig]) -> IsisView | None:
    circuits = [i for i in (*physical, *(i for i in cfg.interfaces if i.loopback))
                if i.isis is not None]
    if cfg.isis is None:
        if circuits:
            raise RenderError(f"{cfg.hostname}: IS-IS interface settings without an "
                              "IS-IS process (Junos needs the NET on lo0)")
        return None
    return IsisView(
        disabled_level=_disabled(cfg.isis.level),
        wide_levels=_levels(cfg.isis.level) if cfg.isis.wide_metrics else (),
        overload=cfg.isis.overload,
        interfaces=tuple(_isis_interface(i.name, i.isis) for i in circuits if i.isis),
    )


def _statics(routes: list[StaticRoute]) -> tuple[StaticView, ...]:
    by_prefix: dict[str, list[StaticRoute]] = {}
    for route in routes:
        by_prefix.setdefault(str(route.prefix), []).append(route)
    out = []
    for prefix, group in sorted(by_prefix.items(), key=lambda kv: (
            int(kv[1][0].prefix.network_address), kv[1][0].prefix.prefixlen)):
        hops = tuple(dict.fromkeys(str(r.next_hop) for r in group if r.next_hop is not None))
        if hops and any(r.next_hop is None for r in group):
            raise RenderError(f"static route {prefix} is both a discard route and has a "
                              "next-hop; Junos allows one or the other")
        out.append(StaticView(prefix, hops))
    return tuple(out)


def _local_address(cfg: DeviceConfig, nb: BgpNeighbor) -> str | None:
    if nb.update_source is None:
        return None
    try:
        itf = cfg.interface(nb.update_source)
    except KeyError:
        raise RenderError(f"{cfg.hostname}: neighbor {nb.address} update-source "
                          f"{nb.update_source} is not an interface") from None
    addr = itf.ipv6 if isinstance(nb.address, IPv6Address) else itf.ipv4
    if addr is None:
        raise RenderError(f"{cfg.hostname}: neighbor {nb.address} update-source "
                          f"{nb.update_source} has no IPv{nb.address.version} address")
    return str(addr.ip)


def _export_chain(bgp: BgpConfig, nb: BgpNeighbor) -> tuple[str, ...]:
    chain = [ORIGINATE] if bgp.networks else []
    if nb.next_hop_self:
        chain.append(NEXT_HOP_SELF)
    if nb.export_policy:
        chain.append(nb.export_policy)
    return tuple(chain)


_GroupKey = tuple[bool, int, bool, str, str, str, tuple[str, ...]]


def _groups(cfg: DeviceConfig, bgp: BgpConfig) -> tuple[BgpGroupView, ...]:
    if any(nb.route_reflector_client for nb in bgp.neighbors) != (bgp.cluster_id is not None):
        raise RenderError(f"{cfg.hostname}: Junos expresses route-reflector clients as a "
                          "group with a cluster id; cluster_id must be set exactly when "
                          "some neighbor is a client")
    members: dict[_GroupKey, list[BgpNeighborView]] = {}
    for nb in bgp.neighbors:
        internal = nb.remote_as == bgp.asn
        if nb.route_reflector_client and not internal:
            raise RenderError(f"{cfg.hostname}: eBGP neighbor {nb.address} cannot be a "
                              "route-reflector client")
        key: _GroupKey = (
            not internal, 0 if internal else nb.remote_as, nb.address.version == 6,
            str(bgp.cluster_id) if nb.route_reflector_client else "",
            _local_address(cfg, nb) or "", nb.import_policy or "", _export_chain(bgp, nb))
        members.setdefault(key, []).append(BgpNeighborView(
            address=str(nb.address),
            description=junos_string(nb.description) if nb.description else None,
            auth_key=junos_string(nb.password, always=True) if nb.password else None,
            max_prefix=nb.max_prefix,
            inactive=nb.shutdown,
        ))
    used: dict[str, int] = {}
    out = []
    for key in sorted(members):
        external, peer_as, v6, cluster, local, imp, export = key
        base = (f"EBGP-AS{peer_as}" if external
                else "IBGP-RR-CLIENTS" if cluster else "IBGP") + ("-V6" if v6 else "")
        used[base] = used.get(base, 0) + 1
        name = base if used[base] == 1 else f"{base}-{used[base]}"
        out.append(BgpGroupView(
            name=name, internal=not external, peer_as=peer_as if external else None,
            family="inet6" if v6 else "inet", local_address=local or None,
            cluster=cluster or None, import_policy=imp or None, export=export,
            neighbors=tuple(members[key]),
        ))
    return tuple(out)


def _route_filter(prefix: IPv4Network | IPv6Network, le: int | None) -> str:
    return f"{prefix} exact" if le is None else f"{prefix} upto /{le}"


def _prefix_list(pl: PrefixList) -> PrefixListView:
    if not pl.entries:
        raise RenderError(f"prefix list {pl.name} is empty; a Junos route-filter "
                          "subroutine needs at least one prefix")
    return PrefixListView(pl.name, tuple(_route_filter(e.prefix, e.le) for e in pl.entries))


def _term(term: PolicyTerm, asn: int | None, policy: str) -> TermView:
    then: list[str] = []
    if term.action is Action.PERMIT:
        if term.set_local_preference is not None:
            then.append(f"local-preference {term.set_local_preference}")
        if term.set_med is not None:
            then.append(f"metric {term.set_med}")
        if term.prepend_as:
            if asn is None:
                raise RenderError(f"policy {policy} term {term.name} prepends the local AS "
                                  "but the router has no BGP AS")
            then.append(f'as-path-prepend "{" ".join([str(asn)] * term.prepend_as)}"')
        then.append("accept")
    else:
        then.append("reject")
    return TermView(term.name, term.match_prefix_list, tuple(then))


def _policy(pol: RoutePolicy, asn: int | None, lists: set[str]) -> PolicyView:
    if pol.name in (ORIGINATE, NEXT_HOP_SELF) or pol.name in lists:
        raise RenderError(f"policy name {pol.name} is reserved or names a prefix list")
    for term in pol.terms:
        if term.match_prefix_list is not None and term.match_prefix_list not in lists:
            raise RenderError(f"policy {pol.name} term {term.name} matches undefined "
                              f"prefix list {term.match_prefix_list}")
    return PolicyView(pol.name, tuple(_term(t, asn, pol.name) for t in pol.terms),
                      "accept" if pol.default_action is Action.PERMIT else "reject")


def build(cfg: DeviceConfig) -> JunosView:
    """The plain view of ``cfg`` that the Junos templates format (pure)."""
    physical = [i for i in cfg.interfaces if not i.loopback]
    loopbacks = [i for i in cfg.interfaces if i.loopback]
    net = cfg.isis.net if cfg.isis else None
    if net is not None and not loopbacks:
        raise RenderError(f"{cfg.hostname}: Junos carries the IS-IS NET on the loopback "
                          "(lo0 family iso), and the config has none")
    itfs = [_interface(i, None) for i in physical]
    itfs += [_interface(i, net if n == 0 else None) for n, i in enumerate(loopbacks)]
    bgp = cfg.bgp
    statics = list(cfg.static_routes)
    if bgp is not None:
        statics += [StaticRoute(n) for n in bgp.networks
                    if StaticRoute(n) not in cfg.static_routes]
    lists = {pl.name for pl in cfg.prefix_lists}
    asn = bgp.asn if bgp else None
    mpls = tuple(_unit(i.name) for i in (*physical, *loopbacks) if i.mpls)
    return JunosView(
        hostname=junos_string(cfg.hostname),
        interfaces=tuple(itfs),
        router_id=str(bgp.router_id) if bgp else None,
        asn=asn,
        static4=_statics([r for r in statics if r.prefix.version == 4]),
        static6=_statics([r for r in statics if r.prefix.version == 6]),
        isis=_isis(cfg, physical),
        mpls_interfaces=mpls,
        ldp=cfg.mpls_ldp,
        groups=_groups(cfg, bgp) if bgp else (),
        multipath=bool(bgp and bgp.multipath),
        prefix_lists=tuple(_prefix_list(pl) for pl in cfg.prefix_lists),
        originate=tuple(str(n) for n in bgp.networks) if bgp else (),
        next_hop_self=bool(bgp and any(nb.next_hop_self for nb in bgp.neighbors)),
        policies=tuple(_policy(p, asn, lists) for p in cfg.route_policies),
    )


def render(cfg: DeviceConfig) -> str:
    """The Junos configuration text of ``cfg``."""
    return render_template("junos/junos.conf.j2", v=build(cfg))
