"""Small hand-checked networks and seeded random backbones for the engine tests.

``Net`` builds a :class:`Network` router by router and link by link with the
lab's address plan, turns it into configs with the real intent
(:func:`netlab.render.intent.device_configs`) and into a :class:`Snapshot`
(layer 1 derived from the failure state, exactly as the snapshot writer does).
Tests then edit single configs to plant one fault at a time.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Any

from netlab.model.addressing import isis_net, link4, link6, loopback4, loopback6
from netlab.model.device import BgpNeighbor, DeviceConfig, InterfaceConfig
from netlab.model.network import FailureState, Network
from netlab.model.types import (
    Backbone,
    Demand,
    Endpoint,
    ExternalNetwork,
    Link,
    LinkKind,
    PeerKind,
    Role,
    Router,
    Site,
    SiteKind,
    SitePrefixes,
    Vendor,
)
from netlab.render.intent import device_configs
from netlab.snapshot.layout import Snapshot

ASN = 65000


class Net:
    """A network under construction."""

    def __init__(self, name: str = "t", vendor: Vendor = Vendor.FRR) -> None:
        self.name = name
        self.vendor = vendor
        self.sites: dict[str, Site] = {}
        self.routers: dict[str, Router] = {}
        self.links: dict[str, Link] = {}
        self.external: dict[str, ExternalNetwork] = {}
        self.site_prefixes: dict[str, SitePrefixes] = {}
        self.demands: list[Demand] = []
        self._ports: dict[str, int] = {}

    def site(self, name: str, kind: SiteKind = SiteKind.POP) -> Net:
        self.sites[name] = Site(name, kind, name, 0.0, 0.0)
        return self

    def router(self, name: str, site: str, role: Role = Role.BB, *, rr: bool = False,
               vendor: Vendor | None = None, network: str | None = None,
               asn: int | None = None) -> Net:
        if site not in self.sites:
            self.site(site, SiteKind.DC if role is Role.DR else SiteKind.POP)
        i = len(self.routers)
        lo4 = loopback4(i)
        if role is Role.PEER:
            asn = self.external[network or ""].asn
        self.routers[name] = Router(name, role, site, vendor or self.vendor, asn or ASN, lo4,
                                    loopback6(i), isis_net(lo4.ip), route_reflector=rr,
                                    network=network)
        return self

    def peer_network(self, name: str, asn: int, prefix: str, kind: PeerKind = PeerKind.TRANSIT,
                     prefix6: str | None = None, more: tuple[str, ...] = ()) -> Net:
        six = (IPv6Network(prefix6),) if prefix6 else ()
        four = tuple(IPv4Network(p) for p in (prefix, *more))
        self.external[name] = ExternalNetwork(name, asn, kind, four, six)
        return self

    def link(self, a: str, b: str, metric: int = 10, capacity: float = 100.0,
             kind: LinkKind | None = None, lid: str | None = None,
             srlgs: tuple[str, ...] = ()) -> Net:
        i = len(self.links)
        lid = lid or f"{a}-{b}"
        if kind is None:
            roles = {self.routers[a].role, self.routers[b].role}
            kind = LinkKind.PEERING if Role.PEER in roles else LinkKind.LONGHAUL
        ends = []
        for r in (a, b):
            port = self._ports.get(r, 0)
            self._ports[r] = port + 1
            ends.append(Endpoint(r, 0, port))
        self.links[lid] = Link(lid, ends[0], ends[1], kind, capacity, 1.0, metric, link4(i),
                               link6(i), srlgs)
        return self

    def prefix(self, site: str, v4: str, v6: str, *origins: str) -> Net:
        self.site_prefixes[site] = SitePrefixes(site, IPv4Network(v4), IPv6Network(v6),
                                                tuple(origins))
        return self

    def demand(self, src: str, dst: str, gbps: float) -> Net:
        self.demands.append(Demand(src, dst, gbps))
        return self

    def network(self) -> Network:
        return Network(self.name, Backbone.CLASSIC, ASN, dict(self.sites), dict(self.routers),
                       dict(self.links), dict(self.external), tuple(self.demands),
                       dict(self.site_prefixes))

    def snapshot(self, failures: FailureState | None = None,
                 edit: Callable[[dict[str, DeviceConfig]], None] | None = None) -> Snapshot:
        network = self.network()
        configs = device_configs(network)
        if edit is not None:
            edit(configs)
        return make_snapshot(network, configs, failures)


def make_snapshot(network: Network, configs: dict[str, DeviceConfig],
                  failures: FailureState | None = None) -> Snapshot:
    """A snapshot of ``configs``; layer 1 is derived from ``failures`` by the engine."""
    return Snapshot(Path("/nonexistent/snapshot"), network, failures or FailureState(),
                    dict(configs), ())


# -- editing helpers -----------------------------------------------------------------------
def set_interface(configs: dict[str, DeviceConfig], router: str, name: str,
                  **changes: Any) -> None:
    cfg = configs[router]
    itfs = tuple(dataclasses.replace(i, **changes) if i.name == name else i
                 for i in cfg.interfaces)
    configs[router] = dataclasses.replace(cfg, interfaces=itfs)


def set_isis(configs: dict[str, DeviceConfig], router: str, name: str, **changes: Any) -> None:
    itf = configs[router].interface(name)
    assert itf.isis is not None
    set_interface(configs, router, name, isis=dataclasses.replace(itf.isis, **changes))


def set_neighbor(configs: dict[str, DeviceConfig], router: str,
                 match: Callable[[BgpNeighbor], bool], **changes: Any) -> None:
    cfg = configs[router]
    assert cfg.bgp is not None
    nbs = tuple(dataclasses.replace(n, **changes) if match(n) else n for n in cfg.bgp.neighbors)
    configs[router] = dataclasses.replace(cfg, bgp=dataclasses.replace(cfg.bgp, neighbors=nbs))


def link_interface(network: Network, configs: dict[str, DeviceConfig], lid: str,
                   router: str) -> InterfaceConfig:
    from netlab.model.naming import interface_name

    link = network.links[lid]
    end = link.end(router)
    name = interface_name(configs[router].vendor, end.slot, end.port, link.capacity_gbps)
    return configs[router].interface(name)


# -- seeded random backbones ---------------------------------------------------------------
def random_backbone(seed: int, routers: int = 30, extra_links: int = 20,
                    vendors: tuple[Vendor, ...] = (Vendor.FRR,), rrs: int = 2,
                    peers: int = 1) -> Net:
    """A connected random IS-IS/iBGP backbone with RRs, peering routers and site prefixes."""
    rng = random.Random(seed)
    net = Net(f"rand{seed}")
    names = [f"r{i}" for i in range(routers)]
    for i, n in enumerate(names):
        role = Role.PR if i >= routers - peers else Role.BB
        net.router(n, f"s{i % max(1, routers // 3)}", role, rr=i < rrs,
                   vendor=rng.choice(vendors))
    for i in range(1, routers):
        net.link(names[rng.randrange(i)], names[i], metric=rng.randint(1, 40))
    for _ in range(extra_links):
        a, b = rng.sample(names, 2)
        net.link(a, b, metric=rng.randint(1, 40), lid=f"x{len(net.links)}")
    for k in range(peers):
        ext = f"ext{k}"
        net.peer_network(ext, 64500 + k, f"203.0.113.{k * 16}/28",
                         prefix6=f"2001:db8:f00{k}::/48")
        net.router(f"p{k}", f"peer{k}", Role.PEER, network=ext)
        net.link(names[routers - 1 - k], f"p{k}")
    for s in sorted(net.sites):
        if s.startswith("s"):
            j = int(s[1:])
            net.prefix(s, f"198.19.{j}.0/24", f"2001:db8:2:{j:x}::/64")
    return net


def rr_net(pr_vendor: Vendor = Vendor.FRR, second_pr: bool = False) -> Net:
    r"""Two route reflectors, a client core router, a DC router and a peering router.

    ::

        dr1 --- rr1 --- rr2
                  \     /
                    bb3 --- pr1 --- p1 (AS 64500, 203.0.113.0/28 and /29)
                     \
                      pr2 --- p2 (same network, when ``second_pr``)
    """
    net = (Net().peer_network("transit1", 64500, "203.0.113.0/28", prefix6="2001:db8:f000::/48",
                              more=("203.0.113.64/28",))
           .router("rr1", "core1", rr=True).router("rr2", "core1", rr=True)
           .router("bb3", "core2").router("pr1", "pop1", Role.PR, vendor=pr_vendor)
           .router("dr1", "dc1", Role.DR).router("p1", "peer1", Role.PEER, network="transit1")
           .link("rr1", "rr2").link("rr1", "bb3").link("rr2", "bb3").link("bb3", "pr1")
           .link("rr1", "dr1").link("pr1", "p1")
           .prefix("dc1", "198.19.0.0/24", "2001:db8:2::/64", "dr1"))
    if second_pr:
        net.router("pr2", "pop2", Role.PR).router("p2", "peer2", Role.PEER, network="transit1")
        net.link("bb3", "pr2").link("pr2", "p2")
    return net
