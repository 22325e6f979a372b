"""The topology file format, as pydantic models (``docs/topology-format.md`` teaches it).

A topology file names sites, routers, external networks, links and demands.
Everything else — addresses, ASNs, IS-IS NETs, ports, latencies, metrics,
site prefixes — is derived (see :mod:`netlab.topology.build`), and may be
written explicitly to override the derived value; :func:`netlab.topology.files.
save_network` writes only the overrides a network needs, so files stay short.

Files are read with :func:`load_spec`: YAML and type errors come from
:func:`netlab.yamlfile.load_model_lines`, cross-references from
:mod:`netlab.topology.checks`; every error reads ``file:line: message``.
"""

from __future__ import annotations

from ipaddress import IPv4Interface, IPv4Network, IPv6Interface, IPv6Network
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from netlab.errors import TopologyError
from netlab.model.addressing import asn_allowed
from netlab.model.types import Backbone, LinkKind, PeerKind, Role, SiteKind, Vendor
from netlab.yamlfile import LineMap, load_model_lines

__all__ = [
    "DEFAULT_VENDORS",
    "NAME_PATTERN",
    "DemandSpec",
    "ExternalNetworkSpec",
    "LinkSpec",
    "RouterSpec",
    "SiteSpec",
    "TopologySpec",
    "VendorDefaults",
    "load_spec",
]

NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=63)]
"""Site, router and network names: lowercase letters and digits in words joined by single
hyphens (``--`` is kept for link ids, ``<a>--<b>``), at most 63 characters."""
Srlg = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Port = Annotated[str, StringConstraints(pattern=r"^\d{1,2}/\d{1,3}$")]
LinkId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")]
Net = Annotated[str, StringConstraints(pattern=r"^49(\.[0-9a-fA-F]{4}){4}\.00$")]


def _check_asn(asn: int) -> int:
    if not asn_allowed(asn):
        raise ValueError(f"AS {asn} is outside the lab-safe ranges 64496-64511 and 65000-65534")
    return asn


Asn = Annotated[int, AfterValidator(_check_asn)]


class _Strict(BaseModel):
    # No inf or nan: a capacity of .inf (or 1e400) is a typo, not a link.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class VendorDefaults(_Strict):
    """The vendor of each role unless a router names its own."""

    bb: Vendor = Vendor.JUNOS
    pr: Vendor = Vendor.IOSXR
    dr: Vendor = Vendor.EOS
    ebb: Vendor = Vendor.JUNOS
    peer: Vendor = Vendor.IOSXR

    def of(self, role: Role) -> Vendor:
        vendor: Vendor = getattr(self, role.value)
        return vendor


DEFAULT_VENDORS = VendorDefaults()


class SiteSpec(_Strict):
    """A PoP or data centre. ``prefix4``/``prefix6``/``origin`` override the derived plan."""

    name: Name
    kind: SiteKind
    city: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    originate: bool = Field(default=True, description="the site originates a prefix into BGP")
    prefix4: IPv4Network | None = None
    prefix6: IPv6Network | None = None
    origin: list[Name] | None = Field(default=None, description="routers that originate it")


class RouterSpec(_Strict):
    """A router; ``plane`` for express plane routers, ``network`` for external peers."""

    name: Name
    role: Role
    site: Name
    vendor: Vendor | None = None
    plane: int | None = Field(default=None, ge=0, le=15)
    route_reflector: bool = False
    network: Name | None = None
    asn: Asn | None = None
    loopback4: IPv4Interface | None = None
    loopback6: IPv6Interface | None = None
    net: Net | None = None


class ExternalNetworkSpec(_Strict):
    """A transit provider or peer; ``prefixes`` defaults to one TEST-NET and one /48."""

    name: Name
    asn: Asn
    kind: PeerKind
    prefixes: list[IPv4Network | IPv6Network] | None = None


class LinkSpec(_Strict):
    """A physical link between two routers; ``a_port``/``b_port`` are ``slot/port``."""

    a: Name
    b: Name
    capacity: float = Field(default=100.0, gt=0, description="Gbps")
    metric: int | None = Field(default=None, ge=1, le=16_777_214)
    srlgs: list[Srlg] = Field(default_factory=list)
    kind: LinkKind | None = None
    a_port: Port | None = None
    b_port: Port | None = None
    id: LinkId | None = None
    latency: float | None = Field(default=None, gt=0, description="one-way, ms")
    ipv4: IPv4Network | None = None
    ipv6: IPv6Network | None = None
    plane: int | None = Field(default=None, ge=0, le=15)


class DemandSpec(_Strict):
    """Traffic from one site to another at peak, in Gbps."""

    src: Name
    dst: Name
    gbps: float = Field(ge=0)


class TopologySpec(_Strict):
    """A whole topology file."""

    name: Name
    backbone: Backbone = Backbone.CLASSIC
    asn: Asn | None = Field(default=None, description="default: 65000 classic, 65010 express")
    planes: int | None = Field(default=None, ge=1, le=16,
                               description="default: 1 classic, 4 express")
    description: str = ""
    vendors: VendorDefaults = DEFAULT_VENDORS
    sites: list[SiteSpec] = Field(min_length=1)
    routers: list[RouterSpec] = Field(min_length=1)
    external_networks: list[ExternalNetworkSpec] = Field(default_factory=list)
    links: list[LinkSpec] = Field(default_factory=list)
    demands: list[DemandSpec] = Field(default_factory=list)

    @property
    def plane_count(self) -> int:
        if self.planes is not None:
            return self.planes
        return 4 if self.backbone is Backbone.EXPRESS else 1


def load_spec(path: str | Path, *, text: str | None = None) -> tuple[TopologySpec, LineMap]:
    """Read and validate a topology file; semantic errors also name file and line.

    ``text`` reads the YAML from a string instead of the file (``path`` still
    names it in messages).
    """
    from netlab.topology.checks import check_spec

    source: str | Path = Path(path) if text is None else text
    spec, lines = load_model_lines(TopologySpec, source, name=str(path), error=TopologyError)
    check_spec(spec, lines, str(path))
    return spec, lines
