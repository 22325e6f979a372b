"""The ``router bgp`` block of an EOS config, read into a BgpConfig.

EOS semantics the reader applies (each is what the router would do):

* A neighbor exists once it has ``remote-as``; lines for an address without one
  are reported on its first line and left out (EOS never opens that session).
* Without ``maximum-routes`` a neighbor is limited to 12000 prefixes (the EOS
  default); ``maximum-routes 0`` means no limit (``max_prefix=None``).
* IPv4 neighbors are active in IPv4 unless ``no bgp default ipv4-unicast`` is
  set, in which case (and always for IPv6) they need ``neighbor A activate`` in
  their family's ``address-family``. A neighbor that is not activated is kept
  (the session still opens) with a warning that it exchanges no routes.
* Without ``router-id`` EOS takes the highest loopback address (else the
  highest interface address); the caller passes that fallback in.
* Without ``bgp cluster-id`` a route reflector uses its router-id.
* ``maximum-paths N`` with N > 1 is multipath.
* ``neighbor A password 7 ...`` is an encrypted key netlab cannot read back:
  a warning, and the neighbor is kept without a password.

Peer groups, other address families and other neighbor options are not in the
model: each such line is a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from netlab.model.device import BgpConfig, BgpNeighbor
from netlab.parse.eos_tree import Line, Node, Reader

__all__ = ["DEFAULT_MAXIMUM_ROUTES", "BgpReader"]

DEFAULT_MAXIMUM_ROUTES = 12000
MAX_ASN = 4_294_967_295
MAX_ROUTES = 4_294_967_294

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


@dataclass
class _Neighbor:
    address: IPAddress
    first: Line
    remote_as: int | None = None
    description: str = ""
    update_source: str | None = None
    next_hop_self: bool = False
    route_reflector_client: bool = False
    import_policy: tuple[str, Line] | None = None
    export_policy: tuple[str, Line] | None = None
    shutdown: bool = False
    password: str | None = None
    max_prefix: int | None = DEFAULT_MAXIMUM_ROUTES


@dataclass
class _Activation:
    version: int  # of the address family
    active: bool
    line: Line


@dataclass
class BgpReader:
    """Reads one ``router bgp ASN`` block; :meth:`config` builds the BgpConfig."""

    r: Reader
    node: Node
    asn: int = 0
    router_id: IPv4Address | None = None
    cluster_id: IPv4Address | None = None
    multipath: bool = False
    default_ipv4: bool = True
    neighbors: dict[IPAddress, _Neighbor] = field(default_factory=dict)
    activations: dict[IPAddress, list[_Activation]] = field(default_factory=dict)
    networks: list[IPNetwork] = field(default_factory=list)

    def read(self) -> BgpReader:
        line = self.node.line
        self.asn = self.r.integer(line, 2, "an AS number", 1, MAX_ASN)
        self.r.expect_end(line, 3)
        for child in self.node.children:
            self._statement(child)
        return self

    def _statement(self, node: Node) -> None:
        line, w = node.line, node.words
        if w[0] == "address-family":
            self._address_family(node)
            return
        self.r.warn_children(node)
        if w[0] == "neighbor":
            self._neighbor(line, 1, None)
        elif w[0] == "router-id":
            self.router_id = self.r.ipv4(line, 1, "router-id")
            self.r.expect_end(line, 2)
        elif w[:2] == ("bgp", "cluster-id"):
            self.cluster_id = self.r.ipv4(line, 2, "cluster-id")
            self.r.expect_end(line, 3)
        elif w == ("no", "bgp", "default", "ipv4-unicast"):
            self.default_ipv4 = False
        elif w == ("bgp", "default", "ipv4-unicast"):
            self.default_ipv4 = True
        elif w[0] == "maximum-paths" and len(w) in (2, 4) and w[2:3] in ((), ("ecmp",)):
            paths = self.r.integer(line, 1, "maximum-paths", 1, 600)
            if len(w) == 4:
                self.r.integer(line, 3, "ecmp", 1, 600)
            self.multipath = paths > 1
        elif w[0] == "network":
            self._network(line, None)
        else:
            self.r.warn(line)

    def _address_family(self, node: Node) -> None:
        line = node.line
        if line.words[1:] not in (("ipv4",), ("ipv6",)):
            self.r.warn_tree(node, "only the ipv4 and ipv6 unicast address families "
                             "are modelled")
            return
        version = 4 if line.words[1] == "ipv4" else 6
        for child in node.children:
            self.r.warn_children(child)
            cl, w = child.line, child.words
            if w[0] == "network":
                self._network(cl, version)
            elif w[0] == "neighbor" and w[2:] == ("activate",):
                self._activate(cl, 1, version, active=True)
            elif w[:2] == ("no", "neighbor") and w[3:] == ("activate",):
                self._activate(cl, 2, version, active=False)
            elif w[0] == "neighbor" and w[2:3] == ("route-map",):
                self._neighbor(cl, 1, version)
            else:
                self.r.warn(cl)

    def _activate(self, line: Line, index: int, version: int, *, active: bool) -> None:
        addr = self.r.address(line, index, "neighbor address")
        self.activations.setdefault(addr, []).append(_Activation(version, active, line))

    def _network(self, line: Line, version: int | None) -> None:
        net = self.r.network(line, 1, "network")
        if len(line.words) > 2:
            self.r.warn(line, "only a plain 'network PREFIX' is modelled; ignored")
        elif version is not None and net.version != version:
            self.r.warn(line, f"{net} does not belong in address-family ipv{version}; ignored")
        else:
            self.networks.append(net)

    def _neighbor(self, line: Line, index: int, family: int | None) -> None:
        w = line.words
        try:
            addr = ip_address(self.r.word(line, index, "a neighbor address"))
        except ValueError:  # a peer-group name, not an address
            self.r.warn(line, "peer groups are not modelled")
            return
        nb = self.neighbors.setdefault(addr, _Neighbor(addr, line))
        cmd, args = w[index + 1:index + 2], w[index + 2:]
        if family is not None and family != addr.version:
            self.r.warn(line, "a route-map for the other address family is not modelled")
        elif cmd == ("remote-as",) and len(args) == 1:
            nb.remote_as = self.r.integer(line, index + 2, "remote-as", 1, MAX_ASN)
        elif cmd == ("description",):
            nb.description = line.rest(index + 2)
        elif cmd == ("update-source",) and len(args) == 1:
            nb.update_source = args[0]
        elif cmd == ("next-hop-self",) and not args:
            nb.next_hop_self = True
        elif cmd == ("route-reflector-client",) and not args:
            nb.route_reflector_client = True
        elif cmd == ("route-map",) and len(args) == 2 and args[1] in ("in", "out"):
            if args[1] == "in":
                nb.import_policy = (args[0], line)
            else:
                nb.export_policy = (args[0], line)
        elif cmd == ("shutdown",) and not args:
            nb.shutdown = True
        elif cmd == ("password",) and args:
            self._password(nb, line, args)
        elif cmd == ("maximum-routes",) and len(args) == 1:
            limit = self.r.integer(line, index + 2, "maximum-routes", 0, MAX_ROUTES)
            nb.max_prefix = limit or None
        else:
            self.r.warn(line)

    def _password(self, nb: _Neighbor, line: Line, args: tuple[str, ...]) -> None:
        if len(args) == 1:
            nb.password = args[0]
        elif len(args) == 2 and args[0] == "0":
            nb.password = args[1]
        elif len(args) == 2 and args[0] == "7":
            self.r.warn(line, "an encrypted (type 7) password cannot be read back; "
                        "netlab keeps keys in clear text (write 'password 0 KEY')")
        else:
            self.r.warn(line)

    def _active(self, nb: _Neighbor) -> bool:
        active = nb.address.version == 4 and self.default_ipv4
        for act in self.activations.get(nb.address, []):
            if act.version == nb.address.version:
                active = act.active
        return active

    def config(self, route_map_defined: Callable[[str], bool],
               fallback_router_id: IPv4Address | None) -> BgpConfig:
        """The BgpConfig, after checking references against the whole file."""
        neighbors = []
        for addr, nb in self.neighbors.items():
            if nb.remote_as is None:
                self.r.warn(nb.first, f"neighbor {addr} has no remote-as: EOS does not "
                            "start this session; left out")
                continue
            if not self._active(nb):
                family = f"ipv{addr.version}"
                self.r.warn(nb.first, f"neighbor {addr} is not activated in address-family "
                            f"{family}: EOS exchanges no routes with it (netlab treats it "
                            "as active)")
            for ref in (nb.import_policy, nb.export_policy):
                if ref is not None and not route_map_defined(ref[0]):
                    self.r.warn(ref[1], f"route-map {ref[0]} is not defined")
            neighbors.append(BgpNeighbor(
                address=addr,
                remote_as=nb.remote_as,
                description=nb.description,
                update_source=nb.update_source,
                next_hop_self=nb.next_hop_self,
                route_reflector_client=nb.route_reflector_client,
                import_policy=nb.import_policy[0] if nb.import_policy else None,
                export_policy=nb.export_policy[0] if nb.export_policy else None,
                shutdown=nb.shutdown,
                password=nb.password,
                max_prefix=nb.max_prefix,
            ))
        for addr, acts in self.activations.items():
            nb_known = addr in self.neighbors and self.neighbors[addr].remote_as is not None
            for act in acts:
                if not nb_known:
                    self.r.warn(act.line, f"neighbor {addr} is not configured")
                elif act.version != addr.version and act.active:
                    self.r.warn(act.line, f"IPv{act.version} routes over an "
                                f"IPv{addr.version} session are not modelled")
        router_id = self.router_id or fallback_router_id
        if router_id is None:
            raise self.r.error(self.node.line, "no router-id, and no IPv4 interface "
                               "address EOS could take one from")
        clients = any(nb.route_reflector_client for nb in neighbors)
        return BgpConfig(
            asn=self.asn,
            router_id=router_id,
            cluster_id=self.cluster_id or (router_id if clients else None),
            neighbors=tuple(neighbors),
            networks=tuple(self.networks),
            multipath=self.multipath,
        )
