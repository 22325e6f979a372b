"""Intent: the one place a :class:`Network` becomes per-router :class:`DeviceConfig` values.

:func:`device_configs` decides what every router is told to do, the way a real
backbone would be configured; renderers only translate. Decisions taken here:

Interfaces
    One loopback per router (v4 /32 + v6 /128, IS-IS passive where the router
    runs IS-IS). Every link gets an interface on both ends, named in the
    (possibly overridden) vendor's style, described ``to <peer-router>
    <peer-interface> [<link id>]``, addressed from the link's /31 and /127.
    Links between our own routers carry an **IP MTU of 9000** (jumbo frames,
    as backbones and DC fabrics run them; renderers add the Ethernet header
    where the platform counts it); peering links to external networks carry the
    Internet's 1500.

IS-IS
    A router's IS-IS domain is the whole backbone (classic) or its plane
    (express: each plane is its own domain; DC routers run no IS-IS). A link is
    an IS-IS circuit when both ends are in the same domain: level-2-only,
    point-to-point, the link's metric on both ends. The process is L2-only
    with wide metrics and the Router's NET. LDP runs on circuits whose both
    ends are core routers (bb/ebb): that is where labelled transit happens;
    an edge router does not need labels to reach a loopback.

BGP (router-id = loopback v4, AS = ``Router.asn``, multipath on every router we run)
    * iBGP runs inside each IS-IS domain on loopbacks (``update-source``), once
      per address family (v4 session on the v4 loopback, v6 on the v6 one),
      because the model carries one family per session. With route reflectors
      (``Router.route_reflector``) the RRs are fully meshed and every other
      router of the domain is a client of every RR; a domain without RRs is a
      full mesh. Express planes follow the same rule per plane: the generator
      marks the ebb routers of two hub sites of each plane as RRs, as a real
      plane would have; a hand-written plane without RRs is a full mesh, which
      for a handful of routers is simpler and has no reflection to get wrong.
    * **Cluster ids**: every RR uses its own loopback v4 as cluster id, also
      when two RRs sit at one site. Because every client peers with every RR,
      a shared cluster id would make an RR discard the other RR's reflection
      of a client route (RFC 4456 cluster-list loop check), so losing one
      client session on one RR would lose that client's routes on it. Unique
      ids cost a second copy of each path and keep every RR complete.
    * eBGP runs across every link whose ends are in different ASes, on the
      link addresses (v4 and v6). A router with any eBGP session sets
      next-hop-self toward all its iBGP neighbors, so external next hops
      never need to be in IS-IS (the ``bgp-next-hop-self`` fault removes it).
    * Toward an external network (pr side): import ``IN-<NETWORK>`` = deny
      bogons, deny our own space, permit that network's prefixes up to /24
      (v4) or /48 (v6) with local-preference 100 (transit) or 200 (peer),
      deny the rest; export ``EXPORT-SITES`` (exactly our site prefixes);
      ``max-prefix`` (transit 1000, peer 100, at least 4x what is announced)
      and a TCP-MD5 password derived from the link, identical on both ends.
      The bogon list leaves out the lab-safe blocks that stand in for real
      address space here (198.18.0.0/15 and the TEST-NETs).
    * Express DC routers peer with the local ebb of every plane: the dr
      exports only its own DC prefixes (a DC must never become transit
      between planes) and accepts any site prefix; the ebb accepts only the
      prefixes of the DC routers it serves and sends them every site prefix.
      Explicit policies everywhere, so an IOS-XR end (RFC 8212) works too.
    * Site prefixes are originated by ``SitePrefixes.origin_routers`` or else
      by the site's edge routers (pr at a PoP, dr at a DC; bb if there is no
      edge router). External peer routers originate their network's
      prefixes and accept/announce everything (``ALLOW-ALL``).

External peers are real nodes (role ``peer``), so Batfish needs no
``isp_config.json``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from ipaddress import (
    IPv4Interface,
    IPv4Network,
    IPv6Interface,
    IPv6Network,
    collapse_addresses,
    ip_network,
)

from netlab.errors import RenderError
from netlab.model.addressing import INFRA_V4, LINK_V6_SPACE, LOOPBACK_V6_SPACE, SITE_V6_SPACE
from netlab.model.device import (
    Action,
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    InterfaceConfig,
    IsisInterface,
    IsisLevel,
    IsisProcess,
    PolicyTerm,
    PrefixList,
    PrefixListEntry,
    RoutePolicy,
)
from netlab.model.naming import interface_name, loopback_name
from netlab.model.network import Network
from netlab.model.types import Backbone, ExternalNetwork, Link, PeerKind, Role, Router, Vendor

__all__ = [
    "INTERNAL_MTU",
    "LOCAL_PREFERENCE",
    "PEERING_MTU",
    "device_config",
    "device_configs",
    "interface_renames",
    "isis_domain",
    "with_vendor",
]

INTERNAL_MTU = 9000
PEERING_MTU = 1500
LOCAL_PREFERENCE = {PeerKind.TRANSIT: 100, PeerKind.PEER: 200}
MAX_PREFIX = {PeerKind.TRANSIT: 1000, PeerKind.PEER: 100}
ACCEPT_LE = {4: 24, 6: 48}  # longest prefix accepted from an external network
CORE_ROLES = frozenset({Role.BB, Role.EBB})
EDGE_ROLES = frozenset({Role.PR, Role.DR})

# Bogons (RFC 6890 special-purpose space and the default route), without the
# lab-safe blocks that play real address space here.
_BOGONS = {
    4: ("0.0.0.0/0 exact", "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
        "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "224.0.0.0/3"),
    6: ("::/0 exact", "::/8", "fc00::/7", "fe80::/10", "ff00::/8"),
}
Net = IPv4Network | IPv6Network


def isis_domain(network: Network, router: Router) -> str | None:
    """The IS-IS (and iBGP) domain of ``router``: ``core``, ``plane<N>``, or None."""
    if router.role is Role.PEER:
        return None
    if network.backbone is Backbone.EXPRESS:
        return f"plane{router.plane}" if router.role is Role.EBB else None
    return "core"


def device_configs(network: Network, vendor: Vendor | None = None) -> dict[str, DeviceConfig]:
    """Every router's normalized config; ``vendor`` overrides every router's vendor.

    The network is checked for consistency first (:meth:`Network.check`).
    """
    network.check()
    intent = _Intent(network, vendor)
    return {name: intent.config(network.routers[name]) for name in sorted(network.routers)}


def device_config(network: Network, router: str, vendor: Vendor | None = None) -> DeviceConfig:
    """One router's normalized config (see :func:`device_configs`)."""
    r = network.router(router)
    network.check()
    return _Intent(network, vendor).config(r)


def interface_renames(network: Network, router: str, src: Vendor, dst: Vendor
                      ) -> dict[str, str]:
    """Interface names of ``router`` in ``src``'s style → the same ports in ``dst``'s."""
    out = {loopback_name(src): loopback_name(dst)}
    for link in network.links_of(router):
        end = link.end(router)
        out[interface_name(src, end.slot, end.port, link.capacity_gbps)] = interface_name(
            dst, end.slot, end.port, link.capacity_gbps)
    return out


_DESCRIPTION = re.compile(r"^to (\S+) (\S+) \[(\S+)\]$")


def with_vendor(cfg: DeviceConfig, network: Network, vendor: Vendor) -> DeviceConfig:
    """``cfg`` moved to ``vendor``: interfaces, update-sources and intent descriptions renamed.

    Used to re-render a (possibly edited or faulted) snapshot for another
    vendor, e.g. all-FRR for the live lab; every router is assumed to move, so
    descriptions naming a peer's interface change even when ``cfg`` already
    is of ``vendor``.
    """
    names = interface_renames(network, cfg.hostname, cfg.vendor, vendor)

    def describe(text: str) -> str:
        m = _DESCRIPTION.match(text)
        link = network.links.get(m.group(3)) if m else None
        if m is None or link is None or m.group(1) not in (link.a.router, link.b.router):
            return text
        end = link.end(m.group(1))
        name = interface_name(vendor, end.slot, end.port, link.capacity_gbps)
        return f"to {m.group(1)} {name} [{link.id}]"

    itfs = tuple(dataclasses.replace(i, name=names.get(i.name, i.name),
                                     description=describe(i.description))
                 for i in cfg.interfaces)
    bgp = cfg.bgp
    if bgp is not None:
        bgp = dataclasses.replace(bgp, neighbors=tuple(
            dataclasses.replace(n, update_source=names.get(n.update_source, n.update_source))
            if n.update_source else n for n in bgp.neighbors))
    return dataclasses.replace(cfg, vendor=vendor, interfaces=itfs, bgp=bgp).normalized()


def _tag(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")


def _entries(prefixes: Iterable[Net], le: int | None) -> tuple[PrefixListEntry, ...]:
    out = []
    for p in sorted(set(prefixes), key=lambda n: (int(n.network_address), n.prefixlen)):
        out.append(PrefixListEntry(p, le if le is not None and le > p.prefixlen else None))
    return tuple(out)


def _bogon_list(version: int) -> PrefixList:
    entries = []
    for text in _BOGONS[version]:
        prefix, _, exact = text.partition(" ")
        net = ip_network(prefix)
        entries.append(PrefixListEntry(net, None if exact else net.max_prefixlen))
    return PrefixList(f"BOGONS-V{version}", tuple(entries))


BOGON_LISTS: dict[int, PrefixList | None] = {4: _bogon_list(4), 6: _bogon_list(6)}


def _within(net: Net, blocks: Sequence[Net]) -> bool:
    """Whether ``net`` lies inside one of ``blocks`` (integer arithmetic, no objects)."""
    addr = int(net.network_address)
    for b in blocks:
        shift = b.max_prefixlen - b.prefixlen
        if net.prefixlen >= b.prefixlen and addr >> shift == int(b.network_address) >> shift:
            return True
    return False


def _password(link: Link, asn_a: int, asn_b: int) -> str:
    low, high = sorted((asn_a, asn_b))
    return "nl" + hashlib.sha256(f"{link.id}:{low}:{high}".encode()).hexdigest()[:14]


@dataclass(frozen=True, slots=True)
class _Session:
    """One BGP session as seen from one end (both families are derived from it)."""

    peer: Router
    link: Link | None  # None = iBGP on loopbacks
    client: bool = False  # the peer is our RR client


def _policy(name: str, terms: Sequence[PolicyTerm]) -> RoutePolicy:
    return RoutePolicy(name, tuple(terms), Action.DENY)


def _permit(lists: dict[int, PrefixList | None], lp: int | None = None) -> list[PolicyTerm]:
    return [PolicyTerm(f"accept{v}", Action.PERMIT, pl.name, set_local_preference=lp)
            for v, pl in sorted(lists.items()) if pl is not None]


class _Intent:
    """Everything computed once per network; :meth:`config` builds one router."""

    def __init__(self, network: Network, vendor: Vendor | None) -> None:
        self.net = network
        self.vendor_override = vendor
        self.domain = {n: isis_domain(network, r) for n, r in network.routers.items()}
        self._imports: dict[str, tuple[RoutePolicy, dict[int, PrefixList | None]]] = {}
        self._ibgp: dict[tuple[str, str, bool, bool], tuple[BgpNeighbor, ...]] = {}

    # -- shared lookups ----------------------------------------------------------------------
    def vendor(self, router: Router) -> Vendor:
        return self.vendor_override or router.vendor

    @cached_property
    def ends(self) -> dict[tuple[str, str], tuple[str, IPv4Interface, IPv6Interface]]:
        """(link id, router) → that end's interface name and addresses (built once)."""
        out = {}
        for link in self.net.links.values():
            base4, base6 = int(link.ipv4.network_address), int(link.ipv6.network_address)
            for offset, end in enumerate((link.a, link.b)):
                vendor = self.vendor(self.net.routers[end.router])
                out[link.id, end.router] = (
                    interface_name(vendor, end.slot, end.port, link.capacity_gbps),
                    IPv4Interface((base4 + offset, link.ipv4.prefixlen)),
                    IPv6Interface((base6 + offset, link.ipv6.prefixlen)))
        return out

    def ifname(self, link: Link, router: str) -> str:
        return self.ends[link.id, router][0]

    def external(self, router: Router) -> ExternalNetwork:
        return self.net.external_networks[router.network or ""]

    @cached_property
    def originated(self) -> dict[str, tuple[Net, ...]]:
        """Router name → the site prefixes it originates."""
        out: dict[str, list[Net]] = defaultdict(list)
        by_site: dict[str, list[Router]] = defaultdict(list)
        for r in self.net.routers.values():
            by_site[r.site].append(r)
        for site, sp in sorted(self.net.site_prefixes.items()):
            origins = list(sp.origin_routers)
            if not origins:
                here = by_site[site]
                origins = [r.name for r in here if r.role in EDGE_ROLES] or [
                    r.name for r in here if r.role in CORE_ROLES]
            if not origins:
                raise RenderError(f"{self.net.name}: site {site} has prefixes but no router "
                                  "to originate them")
            for name in origins:
                if name not in self.net.routers:
                    raise RenderError(f"{self.net.name}: site {site} is originated by "
                                      f"unknown router {name!r}")
                out[name] += [sp.ipv4, sp.ipv6]
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def ibgp_members(self) -> dict[str, list[Router]]:
        out: dict[str, list[Router]] = defaultdict(list)
        for name in sorted(self.net.routers):
            if (d := self.domain[name]) is not None:
                out[d].append(self.net.routers[name])
        return out

    @cached_property
    def reflectors(self) -> dict[str, list[Router]]:
        return {d: [r for r in members if r.route_reflector]
                for d, members in self.ibgp_members.items()}

    @cached_property
    def sessions(self) -> dict[str, list[_Session]]:
        """Router name → its BGP sessions (one per peer router / link)."""
        out: dict[str, list[_Session]] = defaultdict(list)
        for d, members in self.ibgp_members.items():
            rrs = self.reflectors[d]
            for m in members:
                if not rrs:
                    out[m.name] += [_Session(p, None) for p in members if p is not m]
                elif m.route_reflector:
                    out[m.name] += [_Session(p, None, client=not p.route_reflector)
                                    for p in members if p is not m]
                else:
                    out[m.name] += [_Session(p, None) for p in rrs]
        for link in sorted(self.net.links.values(), key=lambda lk: lk.id):
            a, b = self.net.routers[link.a.router], self.net.routers[link.b.router]
            if self.is_isis_link(link):
                continue
            if a.asn == b.asn:
                raise RenderError(f"{self.net.name}: link {link.id} joins {a.name} and {b.name} "
                                  f"of the same AS {a.asn} but not in one IS-IS domain: "
                                  "neither IS-IS nor eBGP would run over it")
            out[a.name].append(_Session(b, link))
            out[b.name].append(_Session(a, link))
        return out

    def is_isis_link(self, link: Link) -> bool:
        da, db = self.domain[link.a.router], self.domain[link.b.router]
        return da is not None and da == db

    # -- prefix lists ------------------------------------------------------------------------
    @cached_property
    def site_lists(self) -> dict[int, PrefixList | None]:
        four = [sp.ipv4 for sp in self.net.site_prefixes.values()]
        six = [sp.ipv6 for sp in self.net.site_prefixes.values()]
        return {4: PrefixList("SITES-V4", _entries(four, None)) if four else None,
                6: PrefixList("SITES-V6", _entries(six, None)) if six else None}

    @cached_property
    def own_space(self) -> dict[int, PrefixList]:
        """Our address plan's blocks, plus anything the network uses outside them."""
        four: list[IPv4Network] = [INFRA_V4]
        six: list[IPv6Network] = [LOOPBACK_V6_SPACE, LINK_V6_SPACE, SITE_V6_SPACE]
        used4: list[IPv4Network] = [sp.ipv4 for sp in self.net.site_prefixes.values()]
        used6: list[IPv6Network] = [sp.ipv6 for sp in self.net.site_prefixes.values()]
        for r in self.net.internal_routers():
            used4.append(r.loopback4.network)
            used6.append(r.loopback6.network)
        for link in self.net.links.values():
            used4.append(link.ipv4)
            used6.append(link.ipv6)
        four += [n for n in used4 if not _within(n, four[:1])]
        six += [n for n in used6 if not _within(n, six[:3])]
        return {4: PrefixList("OWN-SPACE-V4", _entries(collapse_addresses(four), 32)),
                6: PrefixList("OWN-SPACE-V6", _entries(collapse_addresses(six), 128))}

    @cached_property
    def export_sites(self) -> RoutePolicy:
        return _policy("EXPORT-SITES", _permit(self.site_lists))

    def peering_import(self, ext: ExternalNetwork
                       ) -> tuple[RoutePolicy, dict[int, PrefixList | None]]:
        """The import policy toward ``ext`` and its own prefix lists (built once each)."""
        if ext.name not in self._imports:
            mine = self.network_lists(ext)
            terms = [*(PolicyTerm(f"bogons{v}", Action.DENY, pl.name)
                       for v, pl in BOGON_LISTS.items() if pl is not None),
                     *(PolicyTerm(f"own{v}", Action.DENY, pl.name)
                       for v, pl in self.own_space.items()),
                     *_permit(mine, LOCAL_PREFERENCE[ext.kind])]
            self._imports[ext.name] = (_policy(f"IN-{_tag(ext.name)}", terms), mine)
        return self._imports[ext.name]

    def network_lists(self, ext: ExternalNetwork) -> dict[int, PrefixList | None]:
        tag = _tag(ext.name)
        return {4: PrefixList(f"{tag}-V4", _entries(ext.prefixes4, ACCEPT_LE[4]))
                if ext.prefixes4 else None,
                6: PrefixList(f"{tag}-V6", _entries(ext.prefixes6, ACCEPT_LE[6]))
                if ext.prefixes6 else None}

    def local_lists(self, name: str, prefixes: Iterable[Net]) -> dict[int, PrefixList | None]:
        by_v: dict[int, list[Net]] = {4: [], 6: []}
        for p in prefixes:
            by_v[p.version].append(p)
        return {v: PrefixList(f"{name}-V{v}", _entries(ps, None)) if ps else None
                for v, ps in by_v.items()}

    # -- one router --------------------------------------------------------------------------
    def config(self, router: Router) -> DeviceConfig:
        vendor = self.vendor(router)
        domain = self.domain[router.name]
        interfaces = [InterfaceConfig(
            name=loopback_name(vendor), ipv4=router.loopback4, ipv6=router.loopback6,
            isis=IsisInterface(passive=True) if domain else None, loopback=True)]
        for link in self.net.links_of(router.name):
            interfaces.append(self.link_interface(router, link))
        isis = IsisProcess(net=router.net, level=IsisLevel.L2) if domain else None
        policies: dict[str, RoutePolicy] = {}
        lists: dict[str, PrefixList] = {}
        bgp = self.bgp(router, policies, lists)
        return DeviceConfig(
            hostname=router.name, vendor=vendor, interfaces=tuple(interfaces), isis=isis,
            bgp=bgp, prefix_lists=tuple(lists.values()), route_policies=tuple(policies.values()),
            mpls_ldp=any(i.mpls for i in interfaces),
        ).normalized()

    def link_interface(self, router: Router, link: Link) -> InterfaceConfig:
        other = link.other(router.name).router
        peer = self.net.routers[other]
        isis = None
        if self.is_isis_link(link):
            isis = IsisInterface(metric=link.metric, point_to_point=True, level=IsisLevel.L2)
        return InterfaceConfig(
            name=self.ifname(link, router.name),
            description=f"to {other} {self.ifname(link, other)} [{link.id}]",
            ipv4=self.ends[link.id, router.name][1], ipv6=self.ends[link.id, router.name][2],
            mtu=PEERING_MTU if Role.PEER in (router.role, peer.role) else INTERNAL_MTU,
            isis=isis,
            mpls=isis is not None and router.role in CORE_ROLES and peer.role in CORE_ROLES,
        )

    def bgp(self, router: Router, policies: dict[str, RoutePolicy],
            lists: dict[str, PrefixList]) -> BgpConfig | None:
        sessions = self.sessions.get(router.name, [])
        networks: tuple[Net, ...] = self.originated.get(router.name, ())
        if router.role is Role.PEER:
            ext = self.external(router)
            networks = (*ext.prefixes4, *ext.prefixes6)
        if not sessions and not networks:
            return None
        has_ebgp = any(s.link is not None for s in sessions)
        neighbors: list[BgpNeighbor] = []
        for s in sessions:
            if s.link is None:
                neighbors += self.ibgp_neighbors(router, s, next_hop_self=has_ebgp)
            else:
                neighbors += self.ebgp_neighbors(router, s, policies, lists)
        clients = any(n.route_reflector_client for n in neighbors)
        return BgpConfig(
            asn=router.asn, router_id=router.loopback4.ip,
            cluster_id=router.loopback4.ip if clients else None,
            neighbors=tuple(neighbors), networks=networks,
            multipath=router.role is not Role.PEER,
        )

    def ibgp_neighbors(self, router: Router, s: _Session, *, next_hop_self: bool
                       ) -> tuple[BgpNeighbor, ...]:
        lo = loopback_name(self.vendor(router))
        key = (s.peer.name, lo, next_hop_self, s.client)
        if key not in self._ibgp:  # the same two neighbors recur on every client of an RR
            self._ibgp[key] = tuple(
                BgpNeighbor(address=addr, remote_as=s.peer.asn,
                            description=f"ibgp {s.peer.name}", update_source=lo,
                            next_hop_self=next_hop_self, route_reflector_client=s.client)
                for addr in (s.peer.loopback4.ip, s.peer.loopback6.ip))
        return self._ibgp[key]

    def ebgp_neighbors(self, router: Router, s: _Session, policies: dict[str, RoutePolicy],
                       lists: dict[str, PrefixList]) -> list[BgpNeighbor]:
        assert s.link is not None
        link, peer = s.link, s.peer
        imp, exp = self.ebgp_policies(router, peer, policies, lists)
        password = max4 = max6 = None
        if Role.PEER in (router.role, peer.role):
            password = _password(link, router.asn, peer.asn)
        if peer.role is Role.PEER:
            ext = self.external(peer)
            floor = MAX_PREFIX[ext.kind]
            max4, max6 = max(floor, 4 * len(ext.prefixes4)), max(floor, 4 * len(ext.prefixes6))
        label = f"ebgp {peer.name}" + (f" {peer.network}" if peer.network else "")
        return [BgpNeighbor(address=addr, remote_as=peer.asn, description=label,
                            import_policy=imp, export_policy=exp, password=password,
                            max_prefix=limit)
                for addr, limit in ((self.ends[link.id, peer.name][1].ip, max4),
                                    (self.ends[link.id, peer.name][2].ip, max6))]

    def ebgp_policies(self, router: Router, peer: Router, policies: dict[str, RoutePolicy],
                      lists: dict[str, PrefixList]) -> tuple[str, str]:
        """(import, export) policy names for an eBGP session; adds what they need."""

        def add(policy: RoutePolicy, *needed: dict[int, PrefixList | None]) -> str:
            for family in needed:
                for pl in family.values():
                    if pl is not None:
                        if (have := lists.get(pl.name, pl)) is not pl and have != pl:
                            raise RenderError(f"{router.name}: two prefix lists named {pl.name}")
                        lists[pl.name] = pl
            if (had := policies.get(policy.name, policy)) is not policy and had != policy:
                raise RenderError(f"{router.name}: two route policies named {policy.name}")
            policies[policy.name] = policy
            return policy.name

        if router.role is Role.PEER:
            allow = _policy("ALLOW-ALL", [PolicyTerm("any", Action.PERMIT)])
            return add(allow), add(allow)
        sites = self.site_lists
        if peer.role is Role.PEER:
            policy, mine = self.peering_import(self.external(peer))
            imp = add(policy, mine, BOGON_LISTS, dict(self.own_space))
            return imp, add(self.export_sites, sites)
        if router.role in EDGE_ROLES and peer.role in CORE_ROLES:
            local = self.local_lists("LOCAL", self.originated.get(router.name, ()))
            imp = add(_policy(f"FROM-{peer.role.value.upper()}", _permit(sites)), sites)
            return imp, add(_policy(f"TO-{peer.role.value.upper()}", _permit(local)), local)
        if router.role in CORE_ROLES and peer.role in EDGE_ROLES:
            served = [p for s in self.sessions[router.name]
                      if s.link is not None and s.peer.role is peer.role
                      for p in self.originated.get(s.peer.name, ())]
            down = self.local_lists(f"{peer.role.value.upper()}-PREFIXES", served)
            imp = add(_policy(f"FROM-{peer.role.value.upper()}", _permit(down)), down)
            return imp, add(_policy(f"TO-{peer.role.value.upper()}", _permit(sites)), sites)
        raise RenderError(f"{self.net.name}: no eBGP intent for {router.name} ({router.role}) "
                          f"to {peer.name} ({peer.role}) in AS {peer.asn}")
