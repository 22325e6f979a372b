"""Vendor-neutral device configuration: what a router is told to do.

Every renderer turns a :class:`DeviceConfig` into one vendor's text and every
parser turns that text back: ``parse(render(cfg)) == cfg`` for every vendor.
For that to hold, a DeviceConfig is kept in *canonical order* —
:meth:`DeviceConfig.normalized` sorts every collection — and builders and
parsers return normalized values.

Conventions every renderer and parser shares:

* Interface names are the vendor's physical names (``et-0/0/1``, not the Junos
  unit ``et-0/0/1.0``); renderers add units where the platform needs them.
* ``mtu`` is the IP (layer-3) MTU; renderers convert to the platform's notion
  (Junos and IOS-XR count the 14-byte Ethernet header).
* Keys and passwords are kept in clear text, as an operator would type them.
* A ``RoutePolicy`` ends with its ``default_action``, rendered explicitly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)

from netlab.model.types import Vendor

__all__ = [
    "Action",
    "AuthType",
    "BgpConfig",
    "BgpNeighbor",
    "DeviceConfig",
    "HelloAuth",
    "InterfaceConfig",
    "IsisInterface",
    "IsisLevel",
    "IsisProcess",
    "PolicyTerm",
    "PrefixList",
    "PrefixListEntry",
    "RoutePolicy",
    "StaticRoute",
    "natural_key",
]

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key that orders ``et-0/0/10`` after ``et-0/0/9``."""
    out: list[object] = []
    num = ""
    text = ""
    for ch in name:
        if ch.isdigit():
            if text:
                out.append((1, text))
                text = ""
            num += ch
        else:
            if num:
                out.append((0, int(num)))
                num = ""
            text += ch
    if num:
        out.append((0, int(num)))
    if text:
        out.append((1, text))
    return tuple(out)


def _net_key(n: IPNetwork | IPAddress) -> tuple[int, int, int]:
    if isinstance(n, (IPv4Network, IPv6Network)):
        return (n.version, int(n.network_address), n.prefixlen)
    return (n.version, int(n), 0)


class IsisLevel(StrEnum):
    L1 = "level-1"
    L2 = "level-2"
    L1L2 = "level-1-2"


class AuthType(StrEnum):
    MD5 = "md5"
    TEXT = "text"


class Action(StrEnum):
    PERMIT = "permit"
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class HelloAuth:
    type: AuthType
    key: str


@dataclass(frozen=True, slots=True)
class IsisInterface:
    """IS-IS on one interface (present = IS-IS enabled on it)."""

    metric: int = 10
    passive: bool = False
    point_to_point: bool = True
    level: IsisLevel = IsisLevel.L2
    hello_auth: HelloAuth | None = None


@dataclass(frozen=True, slots=True)
class InterfaceConfig:
    name: str
    description: str = ""
    enabled: bool = True
    ipv4: IPv4Interface | None = None
    ipv6: IPv6Interface | None = None
    mtu: int | None = None  # IP MTU; None on loopbacks (platform default)
    isis: IsisInterface | None = None
    mpls: bool = False  # LDP enabled on this interface
    loopback: bool = False


@dataclass(frozen=True, slots=True)
class IsisProcess:
    """The IS-IS process. Renderers name it ``core`` where the platform needs a tag."""

    net: str
    level: IsisLevel = IsisLevel.L2
    overload: bool = False
    wide_metrics: bool = True


@dataclass(frozen=True, slots=True)
class BgpNeighbor:
    address: IPAddress
    remote_as: int
    description: str = ""
    update_source: str | None = None  # interface name, e.g. lo0 / Loopback0 / lo
    next_hop_self: bool = False
    route_reflector_client: bool = False
    import_policy: str | None = None
    export_policy: str | None = None
    shutdown: bool = False
    password: str | None = None
    max_prefix: int | None = None


@dataclass(frozen=True, slots=True)
class BgpConfig:
    """BGP. ``cluster_id`` is set exactly when some neighbor is a route-reflector client."""

    asn: int
    router_id: IPv4Address
    cluster_id: IPv4Address | None = None
    neighbors: tuple[BgpNeighbor, ...] = ()
    networks: tuple[IPNetwork, ...] = ()  # prefixes originated into BGP
    multipath: bool = False  # ECMP over equal BGP paths (iBGP and eBGP)


@dataclass(frozen=True, slots=True)
class PrefixListEntry:
    """Match ``prefix`` exactly, or up to length ``le`` when set."""

    prefix: IPNetwork
    le: int | None = None


@dataclass(frozen=True, slots=True)
class PrefixList:
    name: str
    entries: tuple[PrefixListEntry, ...]


@dataclass(frozen=True, slots=True)
class PolicyTerm:
    """One term: if the route matches ``match_prefix_list`` (None = any), apply ``action``.

    Sets apply only on permit. Terms are evaluated in order; the first match wins.
    """

    name: str
    action: Action
    match_prefix_list: str | None = None
    set_local_preference: int | None = None
    set_med: int | None = None
    prepend_as: int = 0  # how many times to prepend the local AS


@dataclass(frozen=True, slots=True)
class RoutePolicy:
    name: str
    terms: tuple[PolicyTerm, ...]
    default_action: Action = Action.DENY


@dataclass(frozen=True, slots=True)
class StaticRoute:
    prefix: IPNetwork
    next_hop: IPAddress | None = None  # None = discard (null route)


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    hostname: str
    vendor: Vendor
    interfaces: tuple[InterfaceConfig, ...] = ()
    isis: IsisProcess | None = None
    bgp: BgpConfig | None = None
    prefix_lists: tuple[PrefixList, ...] = ()
    route_policies: tuple[RoutePolicy, ...] = ()
    static_routes: tuple[StaticRoute, ...] = ()
    mpls_ldp: bool = False

    def interface(self, name: str) -> InterfaceConfig:
        for itf in self.interfaces:
            if itf.name == name:
                return itf
        raise KeyError(f"{self.hostname} has no interface {name}")

    def loopback(self) -> InterfaceConfig | None:
        return next((i for i in self.interfaces if i.loopback), None)

    def neighbor(self, address: IPAddress) -> BgpNeighbor:
        if self.bgp is not None:
            for nb in self.bgp.neighbors:
                if nb.address == address:
                    return nb
        raise KeyError(f"{self.hostname} has no BGP neighbor {address}")

    def normalized(self) -> DeviceConfig:
        """The same config with every collection in canonical order."""
        bgp = self.bgp
        if bgp is not None:
            bgp = dataclasses.replace(
                bgp,
                neighbors=tuple(sorted(bgp.neighbors, key=lambda n: _net_key(n.address))),
                networks=tuple(sorted(set(bgp.networks), key=_net_key)),
            )
        return dataclasses.replace(
            self,
            interfaces=tuple(sorted(self.interfaces,
                                    key=lambda i: (not i.loopback, natural_key(i.name)))),
            bgp=bgp,
            prefix_lists=tuple(sorted(self.prefix_lists, key=lambda p: p.name)),
            route_policies=tuple(sorted(self.route_policies, key=lambda p: p.name)),
            static_routes=tuple(sorted(self.static_routes,
                                       key=lambda s: (_net_key(s.prefix),
                                                      _net_key(s.next_hop) if s.next_hop
                                                      else (0, 0, 0)))),
        )
