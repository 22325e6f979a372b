"""Read IOS-XR ``router isis`` and ``router bgp`` blocks back into the model.

Both functions take one top-level :class:`~netlab.parse.iosxr_tree.Line` and a
:class:`~netlab.parse.iosxr_tree.Reporter`. What the renderer writes is read
silently; statements the model cannot express become warnings; arguments a
router would reject (a bad level keyword, a malformed NET or address, a
non-numeric metric or AS number) raise :class:`ParseError`. Cross-references
(interfaces, route-policies) are returned with their lines so the caller can
check them against the rest of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from netlab.model.device import (
    AuthType,
    BgpConfig,
    BgpNeighbor,
    HelloAuth,
    IsisInterface,
    IsisLevel,
    IsisProcess,
)
from netlab.parse.iosxr_tree import Line, Reporter

__all__ = ["BgpSection", "IsisSection", "PolicyRef", "parse_bgp", "parse_isis"]

_LEVELS = {"level-1": IsisLevel.L1, "level-1-2": IsisLevel.L1L2,
           "level-2-only": IsisLevel.L2}
_NET = re.compile(r"[0-9a-fA-F]{2}(\.[0-9a-fA-F]{4}){3,9}\.00")
_AUTH = {"hmac-md5": AuthType.MD5, "text": AuthType.TEXT}
_WIDE_MAX, _NARROW_MAX = 16_777_215, 63
_MAXIMUM = -1  # 'metric maximum', resolved once the metric style is known
_PLAIN = ("address-family", "ipv4", "unicast")
_PLAIN6 = ("address-family", "ipv6", "unicast")


@dataclass(frozen=True, slots=True)
class IsisSection:
    """The IS-IS process (None when it cannot run) and its interfaces, with their lines."""

    process: IsisProcess | None
    interfaces: tuple[tuple[str, IsisInterface, Line], ...]


def _level(line: Line, rep: Reporter, word: str) -> IsisLevel:
    if word not in _LEVELS:
        raise rep.error(line, f"unknown IS-IS level {word!r} "
                              "(expected level-1, level-1-2 or level-2-only)")
    return _LEVELS[word]


def _hello_password(line: Line, rep: Reporter) -> HelloAuth | None:
    args = list(line.words[1:])
    kind = AuthType.TEXT
    if args and args[0] in _AUTH:
        kind = _AUTH[args.pop(0)]
    if args and args[0] == "encrypted":
        rep.warn(line, "encrypted hello-password cannot be read back; "
                       "netlab keeps clear-text keys (authentication ignored)")
        return None
    if args and args[0] == "clear":
        args.pop(0)
    if not args or args[0] in ("keychain", "accept"):
        rep.warn(line)
        return None
    if len(args) > 1:
        rep.warn(line, "per-level or send-only hello-password options are not modelled")
    return HelloAuth(kind, args[0])


def _isis_metric(line: Line, rep: Reporter) -> int | None:
    w = line.words
    if len(w) == 2 and w[1] == "maximum":
        return _MAXIMUM
    if len(w) == 2:
        return rep.number(line, w[1], "IS-IS metric", 1, _WIDE_MAX)
    if len(w) == 4 and w[2] == "level":
        rep.number(line, w[1], "IS-IS metric", 1, _WIDE_MAX)
        rep.warn(line, "per-level IS-IS metric is not modelled; ignored")
        return None
    rep.warn(line)
    return None


def _isis_interface(node: Line, rep: Reporter) -> IsisInterface:
    level, p2p, passive, auth, metric = IsisLevel.L1L2, False, False, None, 10
    for ch in node.children:
        w = ch.words
        if w[0] == "circuit-type" and len(w) == 2:
            level = _level(ch, rep, w[1])
        elif w == ("point-to-point",):
            p2p = True
        elif w == ("passive",):
            passive = True
        elif w[0] == "hello-password":
            auth = _hello_password(ch, rep)
        elif w == _PLAIN:
            for sub in ch.children:
                value = _isis_metric(sub, rep) if sub.words[0] == "metric" else None
                if sub.words[0] != "metric":
                    rep.warn_all(sub)
                elif value is not None:
                    metric = value
        elif w == _PLAIN6:
            for sub in ch.children:
                rep.warn_all(sub, "IPv6 runs single-topology: the IPv4 metric applies")
        else:
            rep.warn_all(ch)
    return IsisInterface(metric=metric, passive=passive, point_to_point=p2p, level=level,
                         hello_auth=auth)


def parse_isis(node: Line, rep: Reporter) -> IsisSection:
    """One ``router isis TAG`` block."""
    if len(node.words) != 3:
        raise rep.error(node, "expected 'router isis <tag>'")
    level, net, overload, wide = IsisLevel.L1L2, None, False, False
    itfs: list[tuple[str, IsisInterface, Line]] = []
    for ch in node.children:
        w = ch.words
        if w[0] == "is-type" and len(w) == 2:
            level = _level(ch, rep, w[1])
        elif w[0] == "net" and len(w) == 2:
            if _NET.fullmatch(w[1]) is None:
                raise rep.error(ch, f"malformed NET {w[1]!r} (expected e.g. "
                                    "49.0001.1980.1800.0001.00)")
            if net is None:
                net = w[1]
            else:
                rep.warn(ch, "additional NETs are not modelled; the first one is kept")
        elif w == ("set-overload-bit",):
            overload = True
        elif w == ("log", "adjacency", "changes"):
            continue
        elif w == _PLAIN:
            for sub in ch.children:
                if sub.words in (("metric-style", "wide"), ("metric-style", "narrow")):
                    wide = sub.words[1] == "wide"
                else:
                    rep.warn_all(sub)
        elif w == _PLAIN6:
            for sub in ch.children:
                if sub.words != ("single-topology",):
                    rep.warn_all(sub)
        elif w[0] == "interface" and len(w) == 2:
            itfs.append((w[1], _isis_interface(ch, rep), ch))
        else:
            rep.warn_all(ch)
    if net is None:
        rep.warn(node, "IS-IS process without a NET does not run; ignored")
        return IsisSection(None, ())
    top = _WIDE_MAX if wide else _NARROW_MAX
    resolved = tuple(
        (name, IsisInterface(top, i.passive, i.point_to_point, i.level, i.hello_auth)
         if i.metric == _MAXIMUM else i, line) for name, i, line in itfs)
    return IsisSection(IsisProcess(net=net, level=level, overload=overload, wide_metrics=wide),
                       resolved)


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """A neighbor's use of a route-policy, kept with its line for the existence check."""

    name: str
    line: Line
    neighbor: IPv4Address | IPv6Address
    inbound: bool


@dataclass(frozen=True, slots=True)
class BgpSection:
    config: BgpConfig
    policy_refs: tuple[PolicyRef, ...]


@dataclass(slots=True)
class _Neighbor:
    """A neighbor being read (its statements may be spread over repeated blocks)."""

    line: Line
    address: IPv4Address | IPv6Address
    remote_as: int | None = None
    description: str = ""
    update_source: str | None = None
    next_hop_self: bool = False
    route_reflector_client: bool = False
    import_policy: str | None = None
    export_policy: str | None = None
    shutdown: bool = False
    password: str | None = None
    max_prefix: int | None = None

    def build(self, rep: Reporter) -> BgpNeighbor:
        if self.remote_as is None:
            raise rep.error(self.line, f"neighbor {self.address} has no remote-as")
        return BgpNeighbor(
            address=self.address, remote_as=self.remote_as, description=self.description,
            update_source=self.update_source, next_hop_self=self.next_hop_self,
            route_reflector_client=self.route_reflector_client,
            import_policy=self.import_policy, export_policy=self.export_policy,
            shutdown=self.shutdown, password=self.password, max_prefix=self.max_prefix)


def _asn(line: Line, rep: Reporter, text: str) -> int:
    if re.fullmatch(r"\d+\.\d+", text):  # asdot
        high, low = (int(x) for x in text.split("."))
        if high <= 65535 and low <= 65535:
            return high * 65536 + low
    return rep.number(line, text, "AS number", 1, 4_294_967_295)


def _neighbor_af(node: Line, nb: _Neighbor, rep: Reporter, refs: list[PolicyRef]) -> None:
    for ch in node.children:
        w = ch.words
        if w[0] == "route-policy" and len(w) == 3 and w[2] in ("in", "out"):
            name = w[1].split("(")[0]  # a parameterised policy is named without its arguments
            if w[2] == "in":
                nb.import_policy = name
            else:
                nb.export_policy = name
            refs.append(PolicyRef(name, ch, nb.address, w[2] == "in"))
        elif w == ("next-hop-self",):
            nb.next_hop_self = True
        elif w == ("route-reflector-client",):
            nb.route_reflector_client = True
        elif w[0] == "maximum-prefix" and len(w) >= 2:
            limit = rep.number(ch, w[1], "maximum-prefix", 1)
            if len(w) >= 3:
                rep.number(ch, w[2], "maximum-prefix threshold", 1, 100)
            if len(w) <= 3:
                nb.max_prefix = limit
            elif w[3] == "restart":
                nb.max_prefix = limit
                rep.warn(ch, "restart after a max-prefix teardown is not modelled")
            else:
                nb.max_prefix = None
                rep.warn(ch, "a max-prefix limit that does not tear the session down "
                             "is not modelled; ignored")
        else:
            rep.warn_all(ch)


def _neighbor(node: Line, nb: _Neighbor, rep: Reporter, refs: list[PolicyRef]) -> None:
    own_af = _PLAIN if nb.address.version == 4 else _PLAIN6
    for ch in node.children:
        w = ch.words
        if w[0] == "remote-as" and len(w) == 2:
            nb.remote_as = _asn(ch, rep, w[1])
        elif w[0] == "description":
            nb.description = ch.rest(1)
        elif w[0] == "update-source" and len(w) == 2:
            nb.update_source = w[1]
        elif w[:2] == ("password", "clear") and len(w) == 3:
            nb.password = w[2]
        elif w == ("shutdown",):
            nb.shutdown = True
        elif w == own_af:
            _neighbor_af(ch, nb, rep, refs)
        elif w in (_PLAIN, _PLAIN6):
            rep.warn_all(ch, "address family other than the neighbor's own is not modelled")
        else:
            rep.warn_all(ch)


def _bgp_af(node: Line, version: int, rep: Reporter, networks: list[IPv4Network | IPv6Network]
            ) -> bool:
    """Read one global address family; True when it enables multipath."""
    multipath = False
    for ch in node.children:
        w = ch.words
        if w[0] == "network" and len(w) == 2:
            net = rep.network(ch, w[1])
            if net.version != version:
                raise rep.error(ch, f"network {net} is not an IPv{version} prefix")
            networks.append(net)
        elif w[0] == "maximum-paths" and len(w) == 3 and w[1] in ("ibgp", "ebgp", "eibgp"):
            multipath |= rep.number(ch, w[2], "maximum-paths", 1, 1024) > 1
        else:
            rep.warn_all(ch)
    return multipath


def parse_bgp(node: Line, rep: Reporter, loopback: IPv4Address | None) -> BgpSection:
    """One ``router bgp ASN`` block; ``loopback`` stands in for a missing router-id."""
    if len(node.words) != 3:
        raise rep.error(node, "expected 'router bgp <as-number>'")
    asn = _asn(node, rep, node.words[2])
    router_id: IPv4Address | None = None
    cluster_id: IPv4Address | None = None
    networks: list[IPv4Network | IPv6Network] = []
    multipath = False
    neighbors: dict[IPv4Address | IPv6Address, _Neighbor] = {}
    refs: list[PolicyRef] = []
    for ch in node.children:
        w = ch.words
        if w[:2] == ("bgp", "router-id") and len(w) == 3:
            rid = rep.address(ch, w[2])
            if not isinstance(rid, IPv4Address):
                raise rep.error(ch, f"router-id {rid} is not an IPv4 address")
            router_id = rid
        elif w[:2] == ("bgp", "cluster-id") and len(w) == 3:
            cid = (IPv4Address(rep.number(ch, w[2], "cluster-id")) if w[2].isdigit()
                   else rep.address(ch, w[2]))
            if not isinstance(cid, IPv4Address):
                raise rep.error(ch, f"cluster-id {w[2]} is not an IPv4 address")
            cluster_id = cid
        elif w in (_PLAIN, _PLAIN6):
            multipath |= _bgp_af(ch, 4 if w == _PLAIN else 6, rep, networks)
        elif w[0] == "neighbor" and len(w) == 2:
            address = rep.address(ch, w[1])
            nb = neighbors.setdefault(address, _Neighbor(ch, address))
            _neighbor(ch, nb, rep, refs)
        else:
            rep.warn_all(ch)
    if router_id is None:
        if loopback is None:
            raise rep.error(node, "router bgp has no 'bgp router-id' and no loopback "
                                  "address to take it from")
        router_id = loopback
    built = [nb.build(rep) for nb in neighbors.values()]
    config = BgpConfig(asn=asn, router_id=router_id, cluster_id=cluster_id,
                       neighbors=tuple(built), networks=tuple(networks), multipath=multipath)
    return BgpSection(config, tuple(refs))
