"""A snapshot compiled into indexed lookups: nodes, interface state, addresses, layer 1.

Everything the other modules of the embedded engine ask about the physical and
addressing state is answered here, once per snapshot:

* **nodes** are the hostnames with a config, in sorted order; ``index`` maps a
  name to its row in every matrix. A node in ``failures.nodes_down`` is *dead*:
  it keeps its config (answers can name it) but runs nothing.
* an interface is **operationally up** when its node is alive, it is enabled,
  and it is a loopback or an end of a live layer-1 edge (and not in
  ``failures.interfaces_down``): a link that lost light takes its interfaces
  down, as on a real router, so their connected routes disappear.
* **owner** maps every configured address to its (node, interface), whatever
  the state, so a session or a next hop can name who it was meant to reach.

When a snapshot carries no layer-1 edges at all but its network has links, the
live edges are derived from the network and the failure state (what the
snapshot writer would have written).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv6Interface
from typing import NamedTuple, TypeVar, cast

from netlab.engines.base import IPAddress, IPNetwork
from netlab.model.device import DeviceConfig, InterfaceConfig
from netlab.model.naming import interface_name
from netlab.model.types import Link
from netlab.snapshot.layout import Layer1Edge, Snapshot
from netlab.snapshot.writer import layer1_edges

__all__ = ["DEFAULT_MTU", "Connected", "Inventory", "NetKey", "Port", "ipkey", "net_key"]

DEFAULT_MTU = 1500  # IP MTU of a physical interface with no ``mtu`` configured

Port = tuple[str, str]  # (hostname, interface name)
T = TypeVar("T")
_MISSING = object()


class Connected(NamedTuple):
    """A connected subnet of an operationally-up interface."""

    network: IPNetwork
    address: IPAddress
    interface: str
    key: NetKey  # the subnet's :func:`net_key`


_V6 = 1 << 129
NetKey = tuple[int, int, int]  # (version, network as int, prefix length)


def net_key(p: IPNetwork) -> NetKey:
    """A cheap dict key for a prefix (hashing ``ipaddress`` networks is slow)."""
    return (p.version, int(p.network_address), p.prefixlen)


def ipkey(ip: IPAddress) -> int:
    """A cheap dict key for an address (hashing ``ipaddress`` objects is slow): an IPv4
    address as its integer, an IPv6 one as its integer with bit 129 set, so equal keys
    mean equal addresses and ``key >> 129`` is the family (0 for IPv4, 1 for IPv6)."""
    return int(ip) if isinstance(ip, IPv4Address) else int(ip) | _V6


def _addresses(itf: InterfaceConfig) -> Iterator[IPv4Interface | IPv6Interface]:
    if itf.ipv4 is not None:
        yield itf.ipv4
    if itf.ipv6 is not None:
        yield itf.ipv6


class Inventory:
    """Indexed physical and addressing state of one snapshot (built once, read-only)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.configs: dict[str, DeviceConfig] = snapshot.configs
        self.names: list[str] = sorted(snapshot.configs)
        self.index: dict[str, int] = {n: i for i, n in enumerate(self.names)}
        self.dead: frozenset[str] = frozenset(snapshot.failures.nodes_down)
        self.interfaces: dict[Port, InterfaceConfig] = {
            (host, itf.name): itf for host, cfg in self.configs.items() for itf in cfg.interfaces}
        self.layer1: tuple[Layer1Edge, ...] = snapshot.layer1 or self._derived_layer1()
        peer: dict[Port, Port] = {}
        for e in self.layer1:
            peer[(e.node1, e.interface1)] = (e.node2, e.interface2)
            peer[(e.node2, e.interface2)] = (e.node1, e.interface1)
        self.layer1_peer = peer
        self.memo: dict[tuple[object, ...], object] = {}  # per-snapshot caches of other modules

    def cached(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """``build()`` once per snapshot under ``key`` (the other modules' per-snapshot caches
        live in :attr:`memo`)."""
        got = self.memo.get(key, _MISSING)
        if got is _MISSING:
            got = self.memo[key] = build()
        return cast(T, got)

    # -- links of the network ----------------------------------------------------------------
    def vendor_name(self, link: Link, router: str) -> str:
        """The interface name of ``router``'s end of ``link`` in its config's vendor."""
        end = link.end(router)
        cfg = self.configs.get(router)
        vendor = cfg.vendor if cfg is not None else self.snapshot.network.router(router).vendor
        return interface_name(vendor, end.slot, end.port, link.capacity_gbps)

    @cached_property
    def link_ends(self) -> dict[str, tuple[Port, Port]]:
        """Network link id → its two ends as (hostname, interface name)."""
        return {lid: ((link.a.router, self.vendor_name(link, link.a.router)),
                      (link.b.router, self.vendor_name(link, link.b.router)))
                for lid, link in self.snapshot.network.links.items()}

    @cached_property
    def link_of_port(self) -> dict[Port, str]:
        """(hostname, interface) → id of the network link it is an end of."""
        out: dict[Port, str] = {}
        for lid, (a, b) in self.link_ends.items():
            out[a] = lid
            out[b] = lid
        return out

    def _derived_layer1(self) -> tuple[Layer1Edge, ...]:
        return layer1_edges(self.snapshot.network, self.configs, self.snapshot.failures)

    # -- state -------------------------------------------------------------------------------
    def alive(self, node: str) -> bool:
        return node in self.configs and node not in self.dead

    def oper_up(self, port: Port) -> bool:
        """Whether an interface forwards: node alive, enabled, and lit (or a loopback)."""
        itf = self.interfaces.get(port)
        if itf is None or not itf.enabled or not self.alive(port[0]):
            return False
        if port in self.snapshot.failures.interfaces_down:
            return False
        return itf.loopback or port in self.layer1_peer

    @cached_property
    def up_ports(self) -> frozenset[Port]:
        return frozenset(p for p in self.interfaces if self.oper_up(p))

    @cached_property
    def _addresses(self) -> tuple[dict[int, Port], dict[tuple[Port, int], IPAddress]]:
        """Address → its (first) interface, and (interface, version) → address: one pass,
        one address object per configured address (``IPv4Interface.ip`` builds a new one
        each time it is read)."""
        owners: dict[int, Port] = {}
        port_ips: dict[tuple[Port, int], IPAddress] = {}
        for port, itf in self.interfaces.items():
            for addr in (itf.ipv4, itf.ipv6):
                if addr is not None:
                    ip = addr.ip
                    owners.setdefault(ipkey(ip), port)
                    port_ips[(port, ip.version)] = ip
        return owners, port_ips

    def owner(self, ip: IPAddress) -> Port | None:
        """The (hostname, interface) configured with ``ip``, whatever its state."""
        return self._addresses[0].get(ipkey(ip))

    def owner_of_key(self, key: int) -> Port | None:
        """:meth:`owner` of the address whose :func:`ipkey` is ``key``."""
        return self._addresses[0].get(key)

    @cached_property
    def connected(self) -> dict[str, tuple[Connected, ...]]:
        """Node → connected subnets of its up interfaces."""
        port_ips = self._addresses[1]
        out: dict[str, list[Connected]] = defaultdict(list)
        for port in sorted(self.up_ports):
            itf = self.interfaces[port]
            for addr in (itf.ipv4, itf.ipv6):
                if addr is not None:
                    net = addr.network
                    out[port[0]].append(Connected(net, port_ips[(port, net.version)], port[1],
                                                  net_key(net)))
        return {n: tuple(v) for n, v in out.items()}

    def connected_to(self, node: str, address: IPAddress) -> Connected | None:
        """The up connected subnet of ``node`` containing ``address`` (longest), if any."""
        best: Connected | None = None
        v, bits = (4, 32) if isinstance(address, IPv4Address) else (6, 128)
        n = int(address)
        for c in self.connected.get(node, ()):
            cv, net, plen = c.key
            if (cv == v and n >> (bits - plen) == net >> (bits - plen)
                    and (best is None or plen > best.key[2])):
                best = c
        return best

    def _subnets_of(self, node: str) -> list[tuple[int, int, int, int, InterfaceConfig]]:
        """``node``'s configured non-loopback subnets as (version, network, length, max
        length, interface), in config order (built when first asked)."""

        def build() -> list[tuple[int, int, int, int, InterfaceConfig]]:
            cfg = self.configs.get(node)
            return [(addr.network.version, int(addr.network.network_address),
                     addr.network.prefixlen, addr.network.max_prefixlen, itf)
                    for itf in (cfg.interfaces if cfg is not None else ())
                    if not itf.loopback for addr in _addresses(itf)]

        return self.cached(("subnets-of", node), build)

    def configured_subnet(self, node: str, address: IPAddress) -> InterfaceConfig | None:
        """A configured non-loopback interface of ``node`` (up or not) holding ``address``
        (the first in config order when several do)."""
        v, n = address.version, int(address)
        for version, net, plen, bits, itf in self._subnets_of(node):
            if version == v and (n >> (bits - plen)) == (net >> (bits - plen)):
                return itf
        return None

    def interface_address(self, port: Port, version: int) -> IPAddress | None:
        """The IPv4 or IPv6 address of an interface, or None."""
        return self._addresses[1].get((port, version))

    def mtu(self, port: Port) -> int:
        itf = self.interfaces[port]
        return itf.mtu if itf.mtu is not None else DEFAULT_MTU
