"""Render a :class:`DeviceConfig` as a Cisco IOS-XR running-config.

:func:`build` turns the vendor-neutral model into a plain, typed view of what
IOS-XR prints (:class:`XrConfig`); the Jinja2 templates in
``templates/iosxr/`` only format that view. The output reads like
``show running-config`` on an ASR 9000 / 8000: a ``!RANCID-CONTENT-TYPE:
cisco-xr`` header for Batfish, ``hostname``, interfaces, ``prefix-set`` and
``route-policy`` (RPL), ``router static``, ``router isis core``, ``router bgp``,
``mpls ldp`` and a final ``end``.

Platform choices (each checked against IOS-XR documentation and Batfish's
``cisco_xr`` grammar, which must parse what we write):

* Interface ``mtu`` is the media MTU: the model's IP MTU + 14.
* IS-IS defaults are left out the way ``show running-config`` leaves them
  out: no ``is-type``/``circuit-type`` line for level-1-2 and no
  ``metric-style`` line for narrow metrics (Batfish's grammar also rejects
  ``is-type level-1-2`` and ``metric-style narrow``). The metric is always
  written under the interface's ``address-family ipv4 unicast``; interfaces
  with an IPv6 address also get ``address-family ipv6 unicast`` and the
  process runs IPv6 ``single-topology`` so the one model metric applies.
* A policy term is ``if destination in SET then ... endif``. A permit ends
  with ``done`` (accept and stop), not ``pass`` (accept but keep evaluating),
  because model terms are first-match-wins; the default action is the final
  ``pass`` or ``drop``. The term name survives as a ``# term <name>`` comment.
* ``prepend as-path`` names the local AS number when BGP is configured
  (Batfish does not know ``own-as``) and ``own-as`` otherwise.
* ``mpls`` on an interface is an ``interface`` under ``mpls ldp``. When LDP
  is off on the router but interfaces keep MPLS, they are listed under
  ``mpls static`` instead: MPLS forwarding enabled, no label distribution.
* Every BGP network gets its ``Null0`` anchor under ``router static``.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from netlab.errors import RenderError
from netlab.model.device import (
    Action,
    AuthType,
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    InterfaceConfig,
    IsisLevel,
    PolicyTerm,
    PrefixList,
    RoutePolicy,
)
from netlab.render.environment import render_template

__all__ = [
    "ISIS_METRIC_MAX",
    "ISIS_TAG",
    "MAX_PREFIX_THRESHOLD",
    "MEDIA_MTU_MAX",
    "MEDIA_MTU_MIN",
    "MEDIA_OVERHEAD",
    "MULTIPATH_COUNT",
    "XrBgp",
    "XrBgpFamily",
    "XrConfig",
    "XrInterface",
    "XrIsis",
    "XrIsisInterface",
    "XrNeighbor",
    "XrPolicy",
    "XrPrefixSet",
    "XrStaticFamily",
    "XrTerm",
    "build",
    "render",
]

ISIS_TAG = "core"
MEDIA_OVERHEAD = 14  # Ethernet header: IOS-XR's mtu counts it, the model's does not
MULTIPATH_COUNT = 16
MAX_PREFIX_THRESHOLD = 75  # IOS-XR's default warning threshold, printed explicitly
MEDIA_MTU_MIN, MEDIA_MTU_MAX = 64, 65535
ISIS_METRIC_MAX = 16_777_215

_LEVEL_KEYWORD = {IsisLevel.L1: "level-1", IsisLevel.L2: "level-2-only", IsisLevel.L1L2: None}
_AUTH_KEYWORD = {AuthType.MD5: "hmac-md5", AuthType.TEXT: "text"}


@dataclass(frozen=True, slots=True)
class XrInterface:
    name: str
    description: str
    mtu: int | None  # media MTU
    ipv4: str | None  # "address mask"
    ipv6: str | None  # "address/len"
    shutdown: bool


@dataclass(frozen=True, slots=True)
class XrPrefixSet:
    name: str
    entries: tuple[str, ...]  # "192.0.2.0/24 le 27", without the separating commas


@dataclass(frozen=True, slots=True)
class XrTerm:
    name: str
    match: str | None  # prefix-set name; None = unconditional
    sets: tuple[str, ...]  # RPL set/prepend statements
    action: str  # "done" | "drop"


@dataclass(frozen=True, slots=True)
class XrPolicy:
    name: str
    terms: tuple[XrTerm, ...]
    default: str  # "pass" | "drop"


@dataclass(frozen=True, slots=True)
class XrStaticFamily:
    afi: str  # "ipv4" | "ipv6"
    routes: tuple[str, ...]  # "prefix next-hop|Null0"


@dataclass(frozen=True, slots=True)
class XrIsisInterface:
    name: str
    circuit_type: str | None
    point_to_point: bool
    passive: bool
    hello_password: str | None  # "hmac-md5 clear KEY"
    metric: int
    ipv6: bool


@dataclass(frozen=True, slots=True)
class XrIsis:
    tag: str
    is_type: str | None
    net: str
    overload: bool
    wide: bool
    ipv6: bool
    interfaces: tuple[XrIsisInterface, ...]


@dataclass(frozen=True, slots=True)
class XrNeighbor:
    address: str
    remote_as: int
    description: str
    update_source: str | None
    password: str | None
    shutdown: bool
    afi: str
    policy_in: str | None
    policy_out: str | None
    next_hop_self: bool
    route_reflector_client: bool
    max_prefix: int | None


@dataclass(frozen=True, slots=True)
class XrBgpFamily:
    afi: str
    networks: tuple[str, ...]
    multipath: bool


@dataclass(frozen=True, slots=True)
class XrBgp:
    asn: int
    router_id: str
    cluster_id: str | None
    families: tuple[XrBgpFamily, ...]
    neighbors: tuple[XrNeighbor, ...]


@dataclass(frozen=True, slots=True)
class XrConfig:
    """Everything the IOS-XR templates print, already in IOS-XR's words."""

    hostname: str
    interfaces: tuple[XrInterface, ...]
    prefix_sets: tuple[XrPrefixSet, ...]
    policies: tuple[XrPolicy, ...]
    static: tuple[XrStaticFamily, ...]
    isis: XrIsis | None
    bgp: XrBgp | None
    ldp: bool
    ldp_router_id: str | None
    ldp_interfaces: tuple[str, ...]
    mpls_static_interfaces: tuple[str, ...]
    multipath_count: int = MULTIPATH_COUNT
    max_prefix_threshold: int = MAX_PREFIX_THRESHOLD


def _interface(itf: InterfaceConfig) -> XrInterface:
    return XrInterface(
        name=itf.name,
        description=itf.description,
        mtu=None if itf.mtu is None else itf.mtu + MEDIA_OVERHEAD,
        ipv4=None if itf.ipv4 is None else f"{itf.ipv4.ip} {itf.ipv4.netmask}",
        ipv6=None if itf.ipv6 is None else str(itf.ipv6),
        shutdown=not itf.enabled,
    )


def _prefix_set(pl: PrefixList) -> XrPrefixSet:
    return XrPrefixSet(pl.name, tuple(
        f"{e.prefix}" if e.le is None else f"{e.prefix} le {e.le}" for e in pl.entries))


def _term(term: PolicyTerm, asn: int | None) -> XrTerm:
    sets: list[str] = []
    if term.set_local_preference is not None:
        sets.append(f"set local-preference {term.set_local_preference}")
    if term.set_med is not None:
        sets.append(f"set med {term.set_med}")
    if term.prepend_as > 0:
        who = "own-as" if asn is None else str(asn)
        sets.append(f"prepend as-path {who} {term.prepend_as}")
    return XrTerm(term.name, term.match_prefix_list, tuple(sets),
                  "done" if term.action is Action.PERMIT else "drop")


def _policy(policy: RoutePolicy, asn: int | None) -> XrPolicy:
    return XrPolicy(policy.name, tuple(_term(t, asn) for t in policy.terms),
                    "pass" if policy.default_action is Action.PERMIT else "drop")


def _static(cfg: DeviceConfig) -> tuple[XrStaticFamily, ...]:
    anchors = cfg.bgp.networks if cfg.bgp is not None else ()
    routes = [(net, "Null0") for net in anchors]
    routes += [(s.prefix, "Null0" if s.next_hop is None else str(s.next_hop))
               for s in cfg.static_routes]
    routes.sort(key=lambda r: (r[0].version, int(r[0].network_address), r[0].prefixlen,
                               r[1] != "Null0", r[1]))
    out = []
    for version, afi in ((4, "ipv4"), (6, "ipv6")):
        lines = tuple(dict.fromkeys(f"{p} {nh}" for p, nh in routes if p.version == version))
        if lines:
            out.append(XrStaticFamily(afi, lines))
    return tuple(out)


def _isis(cfg: DeviceConfig) -> XrIsis | None:
    if cfg.isis is None:
        return None
    itfs = []
    for itf in cfg.interfaces:
        if itf.isis is None:
            continue
        auth = itf.isis.hello_auth
        itfs.append(XrIsisInterface(
            name=itf.name,
            circuit_type=_LEVEL_KEYWORD[itf.isis.level],
            point_to_point=itf.isis.point_to_point,
            passive=itf.isis.passive,
            hello_password=None if auth is None
            else f"{_AUTH_KEYWORD[auth.type]} clear {auth.key}",
            metric=itf.isis.metric,
            ipv6=itf.ipv6 is not None,
        ))
    return XrIsis(
        tag=ISIS_TAG,
        is_type=_LEVEL_KEYWORD[cfg.isis.level],
        net=cfg.isis.net,
        overload=cfg.isis.overload,
        wide=cfg.isis.wide_metrics,
        ipv6=any(i.ipv6 for i in itfs),
        interfaces=tuple(itfs),
    )


def _afi(version: int) -> str:
    return "ipv4" if version == 4 else "ipv6"


def _neighbor(nb: BgpNeighbor) -> XrNeighbor:
    return XrNeighbor(
        address=str(nb.address),
        remote_as=nb.remote_as,
        description=nb.description,
        update_source=nb.update_source,
        password=nb.password,
        shutdown=nb.shutdown,
        afi=_afi(nb.address.version),
        policy_in=nb.import_policy,
        policy_out=nb.export_policy,
        next_hop_self=nb.next_hop_self,
        route_reflector_client=nb.route_reflector_client,
        max_prefix=nb.max_prefix,
    )


def _bgp(bgp: BgpConfig) -> XrBgp:
    families = []
    for version in (4, 6):
        nets = tuple(str(n) for n in bgp.networks if n.version == version)
        used = bool(nets) or any(nb.address.version == version for nb in bgp.neighbors)
        if used:
            families.append(XrBgpFamily(_afi(version), nets, bgp.multipath))
    if not families and bgp.multipath:
        families.append(XrBgpFamily("ipv4", (), True))
    return XrBgp(
        asn=bgp.asn,
        router_id=str(bgp.router_id),
        cluster_id=None if bgp.cluster_id is None else str(bgp.cluster_id),
        families=tuple(families),
        neighbors=tuple(_neighbor(nb) for nb in bgp.neighbors),
    )


def _check(cfg: DeviceConfig) -> None:
    """Reject what IOS-XR cannot say, rather than write something that means otherwise."""
    for policy in cfg.route_policies:
        for term in policy.terms:
            if term.prepend_as < 0:
                raise RenderError(f"{cfg.hostname}: policy {policy.name} term {term.name}: "
                                  f"negative prepend count {term.prepend_as}")
    for itf in cfg.interfaces:
        if itf.mtu is not None and not MEDIA_MTU_MIN <= itf.mtu + MEDIA_OVERHEAD <= MEDIA_MTU_MAX:
            raise RenderError(f"{cfg.hostname}: {itf.name}: IP MTU {itf.mtu} gives media MTU "
                              f"{itf.mtu + MEDIA_OVERHEAD}, outside IOS-XR's "
                              f"{MEDIA_MTU_MIN}-{MEDIA_MTU_MAX}")
        if itf.isis is not None and not 1 <= itf.isis.metric <= ISIS_METRIC_MAX:
            raise RenderError(f"{cfg.hostname}: {itf.name}: IS-IS metric {itf.isis.metric} "
                              f"is outside 1-{ISIS_METRIC_MAX}")
    names = [i.name for i in cfg.interfaces]
    if len(set(names)) != len(names):
        raise RenderError(f"{cfg.hostname}: duplicate interface names")


def build(cfg: DeviceConfig) -> XrConfig:
    """The IOS-XR view of ``cfg`` (pure: no I/O, no templates)."""
    _check(cfg)
    asn = cfg.bgp.asn if cfg.bgp is not None else None
    mpls_itfs = tuple(i.name for i in cfg.interfaces if i.mpls)
    lo = cfg.loopback()
    ldp_rid: IPv4Address | None = lo.ipv4.ip if lo is not None and lo.ipv4 is not None else None
    return XrConfig(
        hostname=cfg.hostname,
        interfaces=tuple(_interface(i) for i in cfg.interfaces),
        prefix_sets=tuple(_prefix_set(p) for p in cfg.prefix_lists),
        policies=tuple(_policy(p, asn) for p in cfg.route_policies),
        static=_static(cfg),
        isis=_isis(cfg),
        bgp=None if cfg.bgp is None else _bgp(cfg.bgp),
        ldp=cfg.mpls_ldp,
        ldp_router_id=None if ldp_rid is None else str(ldp_rid),
        ldp_interfaces=mpls_itfs if cfg.mpls_ldp else (),
        mpls_static_interfaces=() if cfg.mpls_ldp else mpls_itfs,
    )


def render(cfg: DeviceConfig) -> str:
    """``cfg`` as IOS-XR ``show running-config`` text."""
    return render_template("iosxr/running-config.j2", xr=build(cfg))

