"""Parse an Arista EOS running-config back into a normalized :class:`DeviceConfig`.

The parser is hand-written on purpose: what we need is a tree of numbered lines
(so every complaint names its line), built the same way for all four dialects
with round-trip exactness, and no library reads all of them. The tree comes from
:mod:`netlab.parse.eos_tree`; this module reads the system, interface, IS-IS,
MPLS and static-route lines and assembles the config, with BGP in
:mod:`netlab.parse.eos_bgp` and prefix lists/route-maps in
:mod:`netlab.parse.eos_policy`.

Three kinds of outcome, decided per case by what an EOS router does:

* **Accepted silently**: lines the model holds, and boilerplate the renderer
  writes that the model does not vary (``service routing protocols model
  multi-agent``, ``ip routing``, ``ipv6 unicast-routing``, ``no switchport``,
  ``mpls ip``, ``log-adjacency-changes``, IS-IS address families, the LDP
  router-id/transport/``interface disabled default`` lines, ``end``).
* **ParseWarning** (file, line, text, why): every line not understood, and
  lines EOS accepts but that have no effect or that the model cannot hold — an
  ``isis`` line without ``isis enable``, ``isis enable X`` with no ``router isis
  X``, hello authentication with a mode but no key (or a key but no mode),
  addresses on an Ethernet port that is still a switchport (EOS does not route
  there: the addresses are dropped), references to route-maps or prefix-lists
  that are not defined (kept), lines after ``end``.
* **ParseError** (file, line): text EOS itself rejects — a malformed address
  or prefix, a non-numeric or out-of-range number (metric, MTU, AS), a
  malformed NET, an unknown IS-IS level, an incomplete command. Indentation is
  read relative to the enclosing line, so it is never an error by itself (EOS
  does not care about it either).

Conventions folded back (docs/config-model.md): the ``Null0`` anchor route of a
BGP network is not a static route; EOS defaults are the model's defaults
(``isis metric`` 10, circuit type and is-type level-1-2, 12000 maximum routes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Interface
from pathlib import Path

from netlab.model.device import (
    AuthType,
    DeviceConfig,
    HelloAuth,
    InterfaceConfig,
    IsisInterface,
    IsisLevel,
    IsisProcess,
    StaticRoute,
)
from netlab.model.types import Vendor
from netlab.parse.eos_bgp import BgpReader
from netlab.parse.eos_policy import PolicyReader
from netlab.parse.eos_tree import Line, Node, Reader, parse_tree
from netlab.parse.result import ParseResult, ParseWarning

__all__ = ["parse"]

_LEVELS = {"level-1": IsisLevel.L1, "level-2": IsisLevel.L2, "level-1-2": IsisLevel.L1L2}
_NET = re.compile(r"^[0-9A-Fa-f]{2}(\.[0-9A-Fa-f]{4}){3,9}\.00$")
_ROUTED_BY_DEFAULT = ("Loopback", "Management", "Vlan", "Tunnel")
MAX_METRIC = 16_777_215
_SILENT_LDP = {("interface", "disabled", "default")}
_LDP_INTERFACE = {("router-id", "interface"), ("transport-address", "interface")}
_SILENT_TOP = {
    ("service", "routing", "protocols", "model", "multi-agent"),
    ("ip", "routing"),
    ("ipv6", "unicast-routing"),
    ("mpls", "ip"),
}


@dataclass
class _Itf:
    """An interface as read so far (blocks for the same name merge, as on EOS)."""

    name: str
    line: Line
    description: str = ""
    enabled: bool = True
    mtu: int | None = None
    routed: bool = False
    ipv4: IPv4Interface | None = None
    ipv6: IPv6Interface | None = None
    address_lines: list[Line] = field(default_factory=list)
    isis_instance: tuple[str, Line] | None = None
    isis_lines: list[Line] = field(default_factory=list)
    metric: int = 10
    passive: bool = False
    point_to_point: bool = False
    level: IsisLevel = IsisLevel.L1L2
    auth_mode: tuple[AuthType, Line] | None = None
    auth_key: tuple[str, Line] | None = None
    mpls: bool = False


@dataclass
class _Isis:
    name: str
    line: Line
    net: str | None = None
    level: IsisLevel = IsisLevel.L1L2
    overload: bool = False
    passive: dict[str, bool] = field(default_factory=dict)


@dataclass
class _State:
    hostname: str | None = None
    interfaces: dict[str, _Itf] = field(default_factory=dict)
    isis: _Isis | None = None
    statics: list[StaticRoute] = field(default_factory=list)
    ldp: bool = False
    bgp: BgpReader | None = None


class _Parser:
    def __init__(self, filename: str) -> None:
        self.r = Reader(filename)
        self.policy = PolicyReader(self.r)
        self.s = _State()

    def top(self, node: Node) -> None:
        w = node.words
        if w[0] == "interface":
            self.interface(node)
        elif w[:2] == ("router", "isis"):
            self.router_isis(node)
        elif w[:2] == ("router", "bgp"):
            self.router_bgp(node)
        elif w[:2] == ("ip", "prefix-list") or w[:2] == ("ipv6", "prefix-list"):
            self.policy.prefix_list(node, 4 if w[0] == "ip" else 6)
        elif w[0] == "route-map":
            self.policy.route_map(node)
        elif w == ("mpls", "ldp"):
            self.mpls_ldp(node)
        else:
            self.r.warn_children(node)
            if w[:2] == ("ip", "route") or w[:2] == ("ipv6", "route"):
                self.static(node.line, 4 if w[0] == "ip" else 6)
            elif w[0] == "hostname":
                self.s.hostname = self.r.word(node.line, 1, "a hostname")
                self.r.expect_end(node.line, 2)
            elif w not in _SILENT_TOP:
                self.r.warn(node.line)

    # -- interfaces -----------------------------------------------------------
    def interface(self, node: Node) -> None:
        name = self.r.word(node.line, 1, "an interface name")
        self.r.expect_end(node.line, 2)
        itf = self.s.interfaces.setdefault(name, _Itf(name, node.line,
                                                      routed=name.startswith(_ROUTED_BY_DEFAULT)))
        for child in node.children:
            self.r.warn_children(child)
            self.interface_line(itf, child.line)

    def interface_line(self, itf: _Itf, line: Line) -> None:
        w = line.words
        if w[0] == "description":
            itf.description = line.rest(1)
        elif w == ("shutdown",):
            itf.enabled = False
        elif w == ("no", "shutdown"):
            itf.enabled = True
        elif w[0] == "mtu":
            itf.mtu = self.r.integer(line, 1, "MTU", 68, 65535)
            self.r.expect_end(line, 2)
        elif w == ("no", "switchport"):
            itf.routed = True
        elif w == ("switchport",):
            itf.routed = False
        elif w[:2] in (("ip", "address"), ("ipv6", "address")):
            self.address(itf, line)
        elif w[0] == "isis" and len(w) > 1:
            self.isis_line(itf, line)
        elif w == ("mpls", "ip"):
            pass
        elif w == ("mpls", "ldp", "interface"):
            itf.mpls = True
        else:
            self.r.warn(line)

    def address(self, itf: _Itf, line: Line) -> None:
        version = 4 if line.words[0] == "ip" else 6
        words = 3 if version == 6 or "/" in self.r.word(line, 2, "an address") else 4
        if len(line.words) > words:
            self.r.warn(line, "only one primary address per family is modelled; ignored")
            return
        addr = self.r.interface_address(line, 2, version)
        if isinstance(addr, IPv4Interface):
            itf.ipv4 = addr
        elif isinstance(addr, IPv6Interface):
            if itf.ipv6 is not None and itf.ipv6 != addr:
                self.r.warn(line, f"EOS keeps both {itf.ipv6} and {addr}; netlab models one "
                            "IPv6 address per interface (this one)")
            itf.ipv6 = addr
        itf.address_lines.append(line)

    def isis_line(self, itf: _Itf, line: Line) -> None:
        w = line.words[1:]
        if w[0] == "enable" and len(w) == 2:
            itf.isis_instance = (w[1], line)
            return
        itf.isis_lines.append(line)
        if w[0] == "metric" and len(w) <= 2:
            itf.metric = self.r.integer(line, 2, "IS-IS metric", 1, MAX_METRIC)
        elif w == ("passive",):
            itf.passive = True
        elif w == ("network", "point-to-point"):
            itf.point_to_point = True
        elif w[0] == "circuit-type" and len(w) <= 2:
            itf.level = self.level(line, 2)
        elif w[:2] == ("authentication", "mode") and len(w) == 3 and w[2] in ("md5", "text"):
            itf.auth_mode = (AuthType(w[2]), line)
        elif w[:2] == ("authentication", "key") and len(w) in (3, 4):
            self.isis_key(itf, line, w[2:])
        else:
            itf.isis_lines.pop()
            self.r.warn(line)

    def isis_key(self, itf: _Itf, line: Line, args: tuple[str, ...]) -> None:
        if len(args) == 1 or args[0] == "0":
            itf.auth_key = (args[-1], line)
        else:
            itf.isis_lines.pop()
            self.r.warn(line, "only clear-text keys ('isis authentication key 0 KEY') "
                        "can be read back")

    def level(self, line: Line, index: int) -> IsisLevel:
        raw = self.r.word(line, index, "an IS-IS level")
        if raw not in _LEVELS:
            raise self.r.error(line, f"unknown IS-IS level {raw!r} "
                               "(expected level-1, level-2 or level-1-2)")
        return _LEVELS[raw]

    # -- IS-IS, MPLS, static routes --------------------------------------------
    def router_isis(self, node: Node) -> None:
        line = node.line
        name = self.r.word(line, 2, "an IS-IS instance name")
        self.r.expect_end(line, 3)
        if self.s.isis is not None and self.s.isis.name != name:
            self.r.warn_tree(node, "netlab models one IS-IS instance; this one is ignored")
            return
        isis = self.s.isis = self.s.isis or _Isis(name, line)
        for child in node.children:
            cl, w = child.line, child.words
            if w[0] == "address-family" and w[1:] in (("ipv4", "unicast"), ("ipv6", "unicast")):
                for grandchild in child.children:
                    self.r.warn_tree(grandchild)
                continue
            self.r.warn_children(child)
            if w[0] == "net" and len(w) == 2:
                if not _NET.match(w[1]):
                    raise self.r.error(cl, f"malformed NET {w[1]!r}")
                isis.net = w[1]
            elif w[0] == "is-type" and len(w) == 2:
                isis.level = self.level(cl, 1)
            elif w == ("set-overload-bit",):
                isis.overload = True
            elif w == ("log-adjacency-changes",):
                pass
            elif w[0] == "passive-interface" and len(w) == 2:
                isis.passive[w[1]] = True
            elif w[:2] == ("no", "passive-interface") and len(w) == 3:
                isis.passive[w[2]] = False
            else:
                self.r.warn(cl)

    def mpls_ldp(self, node: Node) -> None:
        for child in node.children:
            self.r.warn_children(child)
            cl, w = child.line, child.words
            if w == ("no", "shutdown"):
                self.s.ldp = True
            elif w == ("shutdown",):
                self.s.ldp = False
            elif w[0] == "router-id" and len(w) == 2:
                self.r.ipv4(cl, 1, "LDP router-id")
            elif w not in _SILENT_LDP and not (len(w) == 3 and w[:2] in _LDP_INTERFACE):
                self.r.warn(cl)

    def static(self, line: Line, version: int) -> None:
        prefix = self.r.network(line, 2, "prefix")
        if prefix.version != version:
            raise self.r.error(line, f"{prefix} is not an IPv{version} prefix")
        target = self.r.word(line, 3, "a next hop or Null0")
        if len(line.words) > 4:
            self.r.warn(line, "only the prefix and next hop of a static route are modelled")
        if target.lower() == "null0":
            self.s.statics.append(StaticRoute(prefix, None))
            return
        if not target[0].isdigit() and ":" not in target:
            self.r.warn(line, "static routes to an interface are not modelled; ignored")
            return
        nh = self.r.address(line, 3, "next hop")
        if nh.version != version:
            raise self.r.error(line, f"next hop {nh} is not an IPv{version} address")
        self.s.statics.append(StaticRoute(prefix, nh))

    def router_bgp(self, node: Node) -> None:
        if self.s.bgp is not None:
            self.r.warn_tree(node, "a second 'router bgp' block is ignored")
            return
        self.s.bgp = BgpReader(self.r, node).read()

    # -- assembly --------------------------------------------------------------
    def finish_interface(self, itf: _Itf) -> InterfaceConfig:
        ipv4, ipv6 = itf.ipv4, itf.ipv6
        if not itf.routed and itf.address_lines:
            self.r.warn(itf.line, f"{itf.name} is a switchport (no 'no switchport'): "
                        "EOS does not route on it, its addresses are ignored")
            ipv4 = ipv6 = None
        return InterfaceConfig(
            name=itf.name,
            description=itf.description,
            enabled=itf.enabled,
            ipv4=ipv4,
            ipv6=ipv6,
            mtu=itf.mtu,
            isis=self.finish_isis(itf),
            mpls=itf.mpls,
            loopback=itf.name.startswith("Loopback"),
        )

    def finish_isis(self, itf: _Itf) -> IsisInterface | None:
        isis = self.s.isis
        if itf.isis_instance is None:
            for line in itf.isis_lines:
                self.r.warn(line, "no effect: IS-IS is not enabled on this interface "
                            "(no 'isis enable')")
            return None
        name, line = itf.isis_instance
        if isis is None or isis.name != name or isis.net is None:
            self.r.warn(line, f"there is no running 'router isis {name}': IS-IS does not "
                        "run on this interface")
            return None
        auth = None
        if itf.auth_mode is not None and itf.auth_key is not None:
            auth = HelloAuth(itf.auth_mode[0], itf.auth_key[0])
        elif itf.auth_mode is not None:
            self.r.warn(itf.auth_mode[1], "an authentication mode without a key has no "
                        "effect")
        elif itf.auth_key is not None:
            self.r.warn(itf.auth_key[1], "an authentication key without a mode has no effect")
        return IsisInterface(
            metric=itf.metric,
            passive=isis.passive.get(itf.name, itf.passive),
            point_to_point=itf.point_to_point,
            level=itf.level,
            hello_auth=auth,
        )

    def router_id_fallback(self, interfaces: tuple[InterfaceConfig, ...]) -> IPv4Address | None:
        """The router-id EOS picks: the highest loopback address, else the highest address."""
        for pick in (lambda i: i.loopback, lambda i: True):
            found = [i.ipv4.ip for i in interfaces if i.ipv4 is not None and pick(i)]
            if found:
                return max(found)
        return None

    def config(self, filename: str, text_line_one: str) -> DeviceConfig:
        s = self.s
        isis = None
        if s.isis is not None:
            for itf_name in s.isis.passive:
                if itf_name not in s.interfaces:
                    self.r.warn(s.isis.line, f"passive-interface {itf_name}: no such interface")
            if s.isis.net is None:
                self.r.warn(s.isis.line, "no 'net': IS-IS does not run")
            else:
                isis = IsisProcess(net=s.isis.net, level=s.isis.level, overload=s.isis.overload)
        interfaces = tuple(self.finish_interface(i) for i in s.interfaces.values())
        prefix_lists = self.policy.prefix_lists()
        policies = self.policy.route_policies()
        bgp = None
        statics = tuple(s.statics)
        if s.bgp is not None:
            bgp = s.bgp.config(self.policy.defines_route_map,
                               self.router_id_fallback(interfaces))
            anchors = set(bgp.networks)
            statics = tuple(st for st in statics
                            if not (st.next_hop is None and st.prefix in anchors))
        hostname = s.hostname
        if hostname is None:
            hostname = Path(filename).stem
            self.r.warnings.append(ParseWarning(
                filename, 1, text_line_one, "no 'hostname' line: the router is named after "
                "its file, as Batfish does"))
        return DeviceConfig(
            hostname=hostname,
            vendor=Vendor.EOS,
            interfaces=interfaces,
            isis=isis,
            bgp=bgp,
            prefix_lists=prefix_lists,
            route_policies=policies,
            static_routes=statics,
            mpls_ldp=s.ldp,
        ).normalized()


def parse(text: str, filename: str) -> ParseResult:
    """Read EOS ``text`` (from ``filename``) into a normalized DeviceConfig and warnings."""
    p = _Parser(filename)
    ended = False
    for node in parse_tree(text):
        if ended:
            p.r.warn_tree(node, "after 'end': EOS stops reading the configuration here")
        elif node.words == ("end",):
            ended = True
            p.r.warn_children(node)
        else:
            p.top(node)
    first = text.splitlines()[0] if text.strip() else ""
    cfg = p.config(filename, first)
    warnings = sorted(p.r.warnings, key=lambda w: w.line)
    return ParseResult(cfg, tuple(warnings))
