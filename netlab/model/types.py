"""Typed, frozen values that make up a backbone: sites, routers, links, peers, demands."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Interface, IPv4Network, IPv6Interface, IPv6Network

__all__ = [
    "Backbone",
    "Demand",
    "Endpoint",
    "ExternalNetwork",
    "Link",
    "LinkKind",
    "PeerKind",
    "Role",
    "Router",
    "Site",
    "SiteKind",
    "SitePrefixes",
    "Vendor",
]


class Backbone(StrEnum):
    CLASSIC = "classic"
    EXPRESS = "express"


class SiteKind(StrEnum):
    POP = "pop"
    DC = "dc"


class Role(StrEnum):
    BB = "bb"  # classic backbone router
    PR = "pr"  # peering router at a PoP (eBGP to external networks)
    DR = "dr"  # data-centre router
    EBB = "ebb"  # express backbone plane router
    PEER = "peer"  # a router of an external network


class Vendor(StrEnum):
    JUNOS = "junos"
    IOSXR = "iosxr"
    EOS = "eos"
    FRR = "frr"


class LinkKind(StrEnum):
    LONGHAUL = "longhaul"  # between sites, over a fibre span (conduit)
    METRO = "metro"  # between routers of one site
    ACCESS = "access"  # pr/dr to the backbone routers of its site
    PEERING = "peering"  # pr to an external network's router


class PeerKind(StrEnum):
    TRANSIT = "transit"
    PEER = "peer"


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    kind: SiteKind
    city: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Router:
    """A router. ``plane`` is set on express plane routers; ``network`` on peers."""

    name: str
    role: Role
    site: str
    vendor: Vendor
    asn: int
    loopback4: IPv4Interface
    loopback6: IPv6Interface
    net: str  # IS-IS NET, e.g. 49.0001.1980.1800.0001.00
    plane: int | None = None
    route_reflector: bool = False
    network: str | None = None  # external network name, for role peer

    @property
    def system_id(self) -> str:
        return ".".join(self.net.split(".")[-4:-1])


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of a link: a port on a linecard (slot) of a router."""

    router: str
    slot: int
    port: int


@dataclass(frozen=True, slots=True)
class Link:
    """A physical link. ``a`` holds the lower address of both /31 and /127."""

    id: str
    a: Endpoint
    b: Endpoint
    kind: LinkKind
    capacity_gbps: float
    latency_ms: float
    metric: int
    ipv4: IPv4Network
    ipv6: IPv6Network
    srlgs: tuple[str, ...] = ()
    plane: int | None = None

    def end(self, router: str) -> Endpoint:
        if self.a.router == router:
            return self.a
        if self.b.router == router:
            return self.b
        raise KeyError(f"{router} is not an end of link {self.id}")

    def other(self, router: str) -> Endpoint:
        return self.b if self.end(router) is self.a else self.a

    def address4(self, router: str) -> IPv4Interface:
        base = self.ipv4.network_address
        ip = base if self.end(router) is self.a else base + 1
        return IPv4Interface(f"{ip}/{self.ipv4.prefixlen}")

    def address6(self, router: str) -> IPv6Interface:
        base = self.ipv6.network_address
        ip = base if self.end(router) is self.a else base + 1
        return IPv6Interface(f"{ip}/{self.ipv6.prefixlen}")


@dataclass(frozen=True, slots=True)
class ExternalNetwork:
    """A transit provider or peer network with the prefixes it announces."""

    name: str
    asn: int
    kind: PeerKind
    prefixes4: tuple[IPv4Network, ...]
    prefixes6: tuple[IPv6Network, ...] = ()


@dataclass(frozen=True, slots=True)
class Demand:
    """Traffic from one site to another, in Gbps."""

    src: str
    dst: str
    gbps: float


@dataclass(frozen=True, slots=True)
class SitePrefixes:
    """Prefixes a site originates into BGP (user/service address space)."""

    site: str
    ipv4: IPv4Network
    ipv6: IPv6Network
    origin_routers: tuple[str, ...] = field(default=())
