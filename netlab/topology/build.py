"""Turn a topology spec into a :class:`~netlab.model.network.Network`.

Everything a file leaves out is derived here, deterministically, from the
position of each item in its file (see :mod:`netlab.model.addressing`):

* router ``i`` gets loopback ``i`` and its NET from the loopback's digits
  (area 1 on the classic backbone, area ``plane + 1`` on an express plane);
  ASNs come from the role: the backbone's AS, an external network's AS for
  its peer routers, AS 65100 + the DC's index for express DC routers;
* link ``i`` gets /31 and /127 number ``i``; its id is ``<a>--<b>`` (``.2``,
  ``.3`` … for parallel links); its kind follows from its ends (a peer end:
  peering; two sites: longhaul; bb/ebb at both ends: metro; else access); its
  latency from the sites' great-circle distance (:mod:`netlab.topology.geo`);
  its metric from the latency; its plane from its plane router end;
* ports: each router's links are laid out on linecards of
  :data:`PORTS_PER_SLOT` ports, in file order within each group, each group
  starting on a fresh linecard — long-haul and metro links first (slot 0 up),
  then access links, then peering links. A router with many long-haul links
  fills several linecards, so a linecard failure takes several of them down;
* site ``i`` originates site prefix ``i``, from its pr routers at a PoP, its
  dr routers at a DC (its backbone routers if it has neither).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network

from netlab.errors import TopologyError
from netlab.model.addressing import (
    CLASSIC_ASN,
    EXPRESS_ASN,
    dc_asn,
    external_prefix4,
    external_prefix6,
    isis_area,
    isis_net,
    link4,
    link6,
    loopback4,
    loopback6,
    site_prefix4,
    site_prefix6,
)
from netlab.model.network import Network
from netlab.model.types import (
    Backbone,
    Demand,
    Endpoint,
    ExternalNetwork,
    Link,
    LinkKind,
    Role,
    Router,
    Site,
    SiteKind,
    SitePrefixes,
)
from netlab.topology.checks import check_spec
from netlab.topology.geo import default_metric, great_circle_km, latency_ms
from netlab.topology.schema import LinkSpec, RouterSpec, TopologySpec
from netlab.yamlfile import LineMap

__all__ = [
    "PORTS_PER_SLOT",
    "assign_ports",
    "build_network",
    "default_asn",
    "derive_kind",
    "derive_link_ids",
    "format_port",
]

PORTS_PER_SLOT = 8
"""Ports on one linecard: a linecard failure takes down up to this many links."""

_GROUP = {LinkKind.LONGHAUL: 0, LinkKind.METRO: 0, LinkKind.ACCESS: 1, LinkKind.PEERING: 2}
_CORE = (Role.BB, Role.EBB)


def default_asn(backbone: Backbone) -> int:
    """The backbone's own AS when the file names none: 65000 classic, 65010 express."""
    return CLASSIC_ASN if backbone is Backbone.CLASSIC else EXPRESS_ASN


def derive_kind(a: RouterSpec, b: RouterSpec) -> LinkKind:
    """The kind of a link between two routers, from their roles and sites."""
    if Role.PEER in (a.role, b.role):
        return LinkKind.PEERING
    if a.site != b.site:
        return LinkKind.LONGHAUL
    if a.role in _CORE and b.role in _CORE:
        return LinkKind.METRO
    return LinkKind.ACCESS


def derive_link_ids(links: Sequence[LinkSpec]) -> list[str]:
    """Default link ids by position: ``a--b``, then ``a--b.2`` … for parallel links."""
    seen: Counter[frozenset[str]] = Counter()
    out = []
    for link in links:
        pair = frozenset((link.a, link.b))
        seen[pair] += 1
        n = seen[pair]
        out.append(f"{link.a}--{link.b}" if n == 1 else f"{link.a}--{link.b}.{n}")
    return out


def format_port(slot: int, port: int) -> str:
    """``slot/port`` as written in a topology file."""
    return f"{slot}/{port}"


def _parse_port(text: str) -> tuple[int, int]:
    slot, port = text.split("/")
    return int(slot), int(port)


def _next_port(at: tuple[int, int]) -> tuple[int, int]:
    slot, port = at
    return (slot + 1, 0) if port + 1 == PORTS_PER_SLOT else (slot, port + 1)


def assign_ports(spec: TopologySpec, kinds: Sequence[LinkKind]) -> list[list[Endpoint]]:
    """(slot, port) of both ends of every link; see the module docstring for the layout."""
    ends: list[list[Endpoint | None]] = [[None, None] for _ in spec.links]
    pending: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # router -> (grp, i, side)
    used: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for i, link in enumerate(spec.links):
        for side, (router, port) in enumerate(((link.a, link.a_port), (link.b, link.b_port))):
            if port is not None:
                slot_port = _parse_port(port)
                used[router].add(slot_port)
                ends[i][side] = Endpoint(router, *slot_port)
            else:
                pending[router].append((_GROUP[kinds[i]], i, side))
    for router, unsorted in pending.items():
        items = sorted(unsorted)
        taken = used[router]
        cursor = (0, 0)  # (slot, port) of the next free position
        group = items[0][0]
        for grp, i, side in items:
            if grp != group:
                group = grp
                if cursor[1]:  # a new group starts on a fresh linecard
                    cursor = (cursor[0] + 1, 0)
            while cursor in taken:
                cursor = _next_port(cursor)
            ends[i][side] = Endpoint(router, *cursor)
            taken.add(cursor)
            cursor = _next_port(cursor)
    return [[e for e in pair if e is not None] for pair in ends]


def _routers(spec: TopologySpec, asn: int) -> dict[str, Router]:
    dc_index = {s.name: i for i, s in enumerate(x for x in spec.sites if x.kind is SiteKind.DC)}
    net_asn = {n.name: n.asn for n in spec.external_networks}
    out: dict[str, Router] = {}
    for i, r in enumerate(spec.routers):
        if r.asn is not None:
            r_asn = r.asn
        elif r.role is Role.PEER:
            r_asn = net_asn[str(r.network)]
        elif spec.backbone is Backbone.EXPRESS and r.role is Role.DR:
            r_asn = dc_asn(dc_index[r.site])
        else:
            r_asn = asn
        lo4 = r.loopback4 or loopback4(i)
        out[r.name] = Router(
            name=r.name, role=r.role, site=r.site, vendor=r.vendor or spec.vendors.of(r.role),
            asn=r_asn, loopback4=lo4, loopback6=r.loopback6 or loopback6(i),
            net=r.net or isis_net(lo4.ip, isis_area(r.plane)), plane=r.plane,
            route_reflector=r.route_reflector, network=r.network,
        )
    return out


def _links(spec: TopologySpec, sites: dict[str, Site], rspecs: dict[str, RouterSpec],
           rep: LineMap, path: str) -> dict[str, Link]:
    kinds = [link.kind or derive_kind(rspecs[link.a], rspecs[link.b]) for link in spec.links]
    ports = assign_ports(spec, kinds)
    ids = derive_link_ids(spec.links)
    km: dict[tuple[str, str], float] = {}
    out: dict[str, Link] = {}
    for i, link in enumerate(spec.links):
        lid = link.id or ids[i]
        if lid in out:
            raise TopologyError(f"duplicate link id {lid!r}", path=path,
                                line=rep.line_of(("links", i)))
        sa, sb = sites[rspecs[link.a].site], sites[rspecs[link.b].site]
        if link.latency is not None:
            latency = link.latency
        elif sa is sb:
            latency = latency_ms(0.0)
        else:
            pair = (sa.name, sb.name)
            if pair not in km:
                km[pair] = great_circle_km(sa.lat, sa.lon, sb.lat, sb.lon)
            latency = latency_ms(km[pair])
        plane = link.plane
        if plane is None:
            plane = rspecs[link.a].plane if rspecs[link.a].plane is not None else \
                rspecs[link.b].plane
        out[lid] = Link(
            id=lid, a=ports[i][0], b=ports[i][1], kind=kinds[i], capacity_gbps=link.capacity,
            latency_ms=latency, metric=link.metric or default_metric(latency),
            ipv4=link.ipv4 or link4(i), ipv6=link.ipv6 or link6(i),
            srlgs=tuple(link.srlgs), plane=plane,
        )
    return out


def _external(spec: TopologySpec) -> dict[str, ExternalNetwork]:
    out: dict[str, ExternalNetwork] = {}
    total = len(spec.external_networks)
    for i, n in enumerate(spec.external_networks):
        if n.prefixes is None:
            p4: tuple[IPv4Network, ...] = (external_prefix4(i, total),)
            p6: tuple[IPv6Network, ...] = (external_prefix6(i),)
        else:
            p4 = tuple(p for p in n.prefixes if isinstance(p, IPv4Network))
            p6 = tuple(p for p in n.prefixes if isinstance(p, IPv6Network))
        out[n.name] = ExternalNetwork(n.name, n.asn, n.kind, p4, p6)
    return out


def _site_prefixes(spec: TopologySpec) -> dict[str, SitePrefixes]:
    by_site: dict[str, list[RouterSpec]] = defaultdict(list)
    for r in spec.routers:
        by_site[r.site].append(r)
    out: dict[str, SitePrefixes] = {}
    total = len(spec.sites)
    for i, s in enumerate(spec.sites):
        if not s.originate:
            continue
        if s.origin is not None:
            origin = tuple(s.origin)
        else:
            edge = Role.PR if s.kind is SiteKind.POP else Role.DR
            here = by_site.get(s.name, [])
            origin = tuple(r.name for r in here if r.role is edge) or \
                tuple(r.name for r in here if r.role in _CORE)
        out[s.name] = SitePrefixes(
            site=s.name, ipv4=s.prefix4 or site_prefix4(i, total),
            ipv6=s.prefix6 or site_prefix6(i, total), origin_routers=origin,
        )
    return out


def _owner_place(owner: str, spec: TopologySpec, network: Network
                 ) -> tuple[tuple[str | int, ...], bool]:
    """Where the file writes an address owner (see ``Network.address_claims``),
    and whether it writes the address itself rather than leaving it derived."""
    words = owner.split()
    name = words[-2] if owner.endswith((" loopback", " prefix")) else words[-1]
    if owner.endswith(" loopback"):
        i = next(i for i, r in enumerate(spec.routers) if r.name == name)
        r = spec.routers[i]
        key = "loopback4" if r.loopback4 is not None else "loopback6"
        written = r.loopback4 is not None or r.loopback6 is not None
        return (("routers", i, key) if written else ("routers", i)), written
    if owner.startswith("link "):
        i = list(network.links).index(name)
        lk = spec.links[i]
        key = "ipv4" if lk.ipv4 is not None else "ipv6"
        written = lk.ipv4 is not None or lk.ipv6 is not None
        return (("links", i, key) if written else ("links", i)), written
    if owner.startswith("site "):
        i = next(i for i, s in enumerate(spec.sites) if s.name == name)
        s = spec.sites[i]
        key = "prefix4" if s.prefix4 is not None else "prefix6"
        written = s.prefix4 is not None or s.prefix6 is not None
        return (("sites", i, key) if written else ("sites", i)), written
    i = next(i for i, e in enumerate(spec.external_networks) if e.name == name)
    written = spec.external_networks[i].prefixes is not None
    return (("external_networks", i, "prefixes") if written else ("external_networks", i)), \
        written


def _check_overlaps(network: Network, spec: TopologySpec, lines: LineMap, path: str) -> None:
    """Overlapping addresses, reported on the line that wrote one of them by hand."""
    overlaps = network.address_overlaps()
    if not overlaps:
        return
    first, second, text = overlaps[0]
    (where_a, written_a), (where_b, written_b) = (_owner_place(first, spec, network),
                                                  _owner_place(second, spec, network))
    where = where_a if written_a and not written_b else where_b
    more = f" (and {len(overlaps) - 1} more)" if len(overlaps) > 1 else ""
    raise TopologyError(f"{text}{more}", path=path, line=lines.line_of(where))


def build_network(spec: TopologySpec, *, lines: LineMap | None = None,
                  path: str = "<topology>", check: bool = True) -> Network:
    """Derive every address, port, latency and metric and return the Network.

    ``lines`` and ``path`` let errors name the file and line. With ``check``
    (the default) the result passes :meth:`Network.check`; errors are
    :class:`TopologyError`.
    """
    rep = lines or LineMap()
    check_spec(spec, rep, path)
    asn = spec.asn if spec.asn is not None else default_asn(spec.backbone)
    sites = {s.name: Site(s.name, s.kind, s.city, s.lat, s.lon) for s in spec.sites}
    rspecs = {r.name: r for r in spec.routers}
    network = Network(
        name=spec.name, backbone=spec.backbone, asn=asn, sites=sites,
        routers=_routers(spec, asn), links=_links(spec, sites, rspecs, rep, path),
        external_networks=_external(spec),
        demands=tuple(Demand(d.src, d.dst, d.gbps) for d in spec.demands),
        site_prefixes=_site_prefixes(spec), planes=spec.plane_count,
        description=spec.description,
    )
    if check:
        _check_overlaps(network, spec, rep, path)
        problems = network.problems()
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise TopologyError(f"{problems[0]}{more}", path=path)
    return network
