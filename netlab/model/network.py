"""The Network: a backbone as a networkx multigraph of typed routers and links.

Nodes are router names with the :class:`Router` under ``"router"``; edges are
keyed by link id with the :class:`Link` under ``"link"``. A Network is
treated as immutable: faults and edits build a new one (``replace``).
Physical failure state is kept beside the Network in :class:`FailureState`,
never by deleting graph elements, so "what failed" is always known.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network
from typing import Any

import networkx as nx

from netlab.errors import TopologyError
from netlab.model.naming import interface_name, loopback_name
from netlab.model.types import (
    Backbone,
    Demand,
    Endpoint,
    ExternalNetwork,
    Link,
    Role,
    Router,
    Site,
    SitePrefixes,
)

__all__ = ["FailureState", "Network"]


@dataclass(frozen=True, slots=True)
class FailureState:
    """Physical elements that are down: links, whole routers, single interfaces.

    ``interfaces_down`` holds (router, interface name) pairs for a port whose
    optic or linecard failed; the link it belongs to is then down too.
    """

    links_down: frozenset[str] = frozenset()
    nodes_down: frozenset[str] = frozenset()
    interfaces_down: frozenset[tuple[str, str]] = frozenset()

    def union(self, other: FailureState) -> FailureState:
        return FailureState(
            self.links_down | other.links_down,
            self.nodes_down | other.nodes_down,
            self.interfaces_down | other.interfaces_down,
        )

    @property
    def empty(self) -> bool:
        return not (self.links_down or self.nodes_down or self.interfaces_down)


@dataclass(frozen=True)
class Network:
    """A backbone: sites, routers, links, external networks and demands."""

    name: str
    backbone: Backbone
    asn: int
    sites: Mapping[str, Site]
    routers: Mapping[str, Router]
    links: Mapping[str, Link]
    external_networks: Mapping[str, ExternalNetwork] = field(default_factory=dict)
    demands: tuple[Demand, ...] = ()
    site_prefixes: Mapping[str, SitePrefixes] = field(default_factory=dict)
    planes: int = 1
    description: str = ""

    # -- graph -----------------------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiGraph:
        """Routers as nodes, links as edges keyed by link id (built once)."""
        g: nx.MultiGraph = nx.MultiGraph(name=self.name)
        for name, router in self.routers.items():
            g.add_node(name, router=router)
        for lid, link in self.links.items():
            g.add_edge(link.a.router, link.b.router, key=lid, link=link)
        return g

    @cached_property
    def _links_by_router(self) -> dict[str, list[Link]]:
        out: dict[str, list[Link]] = defaultdict(list)
        for link in self.links.values():
            out[link.a.router].append(link)
            out[link.b.router].append(link)
        return out

    def replace(self, **changes: Any) -> Network:
        """A copy with some fields changed (cached graph views are rebuilt)."""
        return dataclasses.replace(self, **changes)

    # -- lookups -------------------------------------------------------------
    def router(self, name: str) -> Router:
        try:
            return self.routers[name]
        except KeyError:
            raise TopologyError(f"no router named {name!r} in {self.name}") from None

    def link(self, link_id: str) -> Link:
        try:
            return self.links[link_id]
        except KeyError:
            raise TopologyError(f"no link named {link_id!r} in {self.name}") from None

    def links_of(self, router: str) -> list[Link]:
        return list(self._links_by_router.get(router, ()))

    def interface_of(self, link: Link, router: str) -> str:
        """The interface name of ``router``'s end of ``link``, in its vendor's style."""
        end = link.end(router)
        return interface_name(self.router(router).vendor, end.slot, end.port,
                              link.capacity_gbps)

    def loopback_of(self, router: str) -> str:
        return loopback_name(self.router(router).vendor)

    def endpoint_interface(self, end: Endpoint, link: Link) -> str:
        return interface_name(self.router(end.router).vendor, end.slot, end.port,
                              link.capacity_gbps)

    def routers_with(self, *roles: Role, site: str | None = None,
                     plane: int | None = None) -> list[Router]:
        return [
            r for r in self.routers.values()
            if (not roles or r.role in roles)
            and (site is None or r.site == site)
            and (plane is None or r.plane == plane)
        ]

    def srlgs(self) -> dict[str, list[str]]:
        """SRLG name → ids of the links that share it."""
        out: dict[str, list[str]] = defaultdict(list)
        for lid, link in self.links.items():
            for s in link.srlgs:
                out[s].append(lid)
        return dict(out)

    def internal_routers(self) -> Iterator[Router]:
        """Routers operated by this backbone (not external peers)."""
        return (r for r in self.routers.values() if r.role is not Role.PEER)

    # -- consistency ---------------------------------------------------------
    def problems(self) -> list[str]:
        """Every inconsistency found, as one sentence each (empty = consistent)."""
        out: list[str] = []
        out.extend(self._check_references())
        out.extend(self._check_addresses())
        out.extend(self._check_ports())
        out.extend(self._check_connectivity())
        return out

    def check(self) -> Network:
        """Raise :class:`TopologyError` naming the first problems; return self if sound."""
        problems = self.problems()
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise TopologyError(f"{self.name}: {problems[0]}{more}")
        return self

    def _check_references(self) -> Iterable[str]:
        for r in self.routers.values():
            if r.site not in self.sites:
                yield f"router {r.name} is at unknown site {r.site!r}"
            if r.role is Role.PEER and r.network not in self.external_networks:
                yield f"peer router {r.name} belongs to unknown network {r.network!r}"
            if r.role is Role.EBB and r.plane is None:
                yield f"express router {r.name} has no plane"
            if r.plane is not None and not 0 <= r.plane < self.planes:
                yield f"router {r.name} is on plane {r.plane}, network has {self.planes}"
        for link in self.links.values():
            for end in (link.a, link.b):
                if end.router not in self.routers:
                    yield f"link {link.id} ends at unknown router {end.router!r}"
            if link.a.router == link.b.router:
                yield f"link {link.id} connects {link.a.router} to itself"
            if link.capacity_gbps <= 0:
                yield f"link {link.id} has capacity {link.capacity_gbps} Gbps"
            if not 1 <= link.metric <= 16_777_214:
                yield f"link {link.id} has IS-IS metric {link.metric} outside 1..16777214"
        for d in self.demands:
            for s in (d.src, d.dst):
                if s not in self.sites:
                    yield f"demand {d.src}->{d.dst} names unknown site {s!r}"
        linked = {e.router for link in self.links.values() for e in (link.a, link.b)}
        for r in self.routers.values():
            if r.name not in linked:
                yield f"router {r.name} has no links"

    def address_claims(self) -> list[tuple[IPv4Network | IPv6Network, str]]:
        """Every prefix the network uses, with its owner: loopbacks, links, site
        prefixes and external networks' announcements."""
        out: list[tuple[IPv4Network | IPv6Network, str]] = []
        for r in self.routers.values():
            out += [(r.loopback4.network, f"{r.name} loopback"),
                    (r.loopback6.network, f"{r.name} loopback")]
        for link in self.links.values():
            out += [(link.ipv4, f"link {link.id}"), (link.ipv6, f"link {link.id}")]
        for s in self.site_prefixes.values():
            out += [(s.ipv4, f"site {s.site} prefix"), (s.ipv6, f"site {s.site} prefix")]
        for e in self.external_networks.values():
            announced: tuple[IPv4Network | IPv6Network, ...] = (*e.prefixes4, *e.prefixes6)
            out += [(p, f"external network {e.name}") for p in announced]
        return out

    def address_overlaps(self) -> list[tuple[str, str, str]]:
        """Pairs of owners whose prefixes overlap: ``(first, second, sentence)``.

        Prefixes either nest or are disjoint, so one sweep in address order
        finds every prefix that starts inside an earlier one. External
        networks may announce overlapping prefixes to each other (a more
        specific is a drill, not a mistake); nothing else may overlap.
        """
        out: list[tuple[str, str, str]] = []
        claims = sorted(self.address_claims(),
                        key=lambda c: (c[0].version, int(c[0].network_address), c[0].prefixlen))
        active: tuple[IPv4Network | IPv6Network, str] | None = None
        for prefix, owner in claims:
            if active is not None and active[0].version == prefix.version \
                    and int(prefix.network_address) <= int(active[0].broadcast_address):
                outer, other = active
                both_external = owner.startswith("external") and other.startswith("external")
                if other != owner and not both_external:
                    if outer == prefix and prefix.prefixlen == prefix.max_prefixlen:
                        text = (f"address {prefix.network_address} is used by both {other} "
                                f"and {owner}")
                    elif outer == prefix:
                        text = f"prefix {prefix} is used by both {other} and {owner}"
                    else:
                        text = f"{prefix} of {owner} overlaps {outer} of {other}"
                    out.append((other, owner, text))
                if int(prefix.broadcast_address) <= int(outer.broadcast_address):
                    continue
            active = (prefix, owner)
        return out

    def _check_addresses(self) -> Iterable[str]:
        for r in self.routers.values():
            if r.loopback4.network.prefixlen != 32 or r.loopback6.network.prefixlen != 128:
                yield (f"router {r.name} needs a /32 and a /128 loopback, has {r.loopback4} "
                       f"and {r.loopback6}")
        for link in self.links.values():
            if link.ipv4.prefixlen != 31 or link.ipv6.prefixlen != 127:
                yield f"link {link.id} needs a /31 and a /127, has {link.ipv4} and {link.ipv6}"
        for _first, _second, text in self.address_overlaps():
            yield text
        nets = Counter(r.net for r in self.routers.values())
        for iso, count in nets.items():
            if count > 1:
                yield f"IS-IS NET {iso} is used by {count} routers"

    def _check_ports(self) -> Iterable[str]:
        used: dict[tuple[str, int, int], str] = {}
        for link in self.links.values():
            for end in (link.a, link.b):
                key = (end.router, end.slot, end.port)
                if key in used:
                    yield (f"port {end.slot}/{end.port} of {end.router} is used by "
                           f"links {used[key]} and {link.id}")
                used[key] = link.id

    def _check_connectivity(self) -> Iterable[str]:
        internal = [r.name for r in self.internal_routers()]
        if not internal:
            yield "network has no backbone routers"
            return
        if self.backbone is Backbone.EXPRESS:
            for plane in range(self.planes):
                members = [r.name for r in self.routers_with(Role.EBB, plane=plane)]
                if not members:
                    yield f"plane {plane} has no routers"
                elif not nx.is_connected(self.graph.subgraph(members)):
                    yield f"plane {plane} is not connected"
        else:
            core = self.graph.subgraph(internal)
            if not nx.is_connected(core):
                parts = sorted(nx.connected_components(core), key=len)
                yield f"backbone is not connected: {sorted(parts[0])[:5]} are cut off"
