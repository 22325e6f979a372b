"""Parse a Junos configuration (as netlab renders it, or as an operator edits it).

Reads the hierarchical ``show configuration`` format only — not ``set``
commands (a ``set`` line is reported as unrecognized). The text is tokenized
into a statement tree by :mod:`netlab.parse.junos_tree` (hand-written: we need
line numbers, and no library reads all four of netlab's dialects), flattened
into ``set``-style paths, and every path is read here or by
:mod:`~netlab.parse.junos_bgp` and :mod:`~netlab.parse.junos_policy`. The
conventions are the renderer's (netlab.render.junos, docs/config-model.md).

What happens to a line:

* understood → the model (``parse(render(cfg)).config == cfg``);
* understood but not varied by the model — the boilerplate the renderer writes
  (ssh, netconf, syslog, LLDP), ``version``, the RANCID header, group
  descriptions — accepted silently;
* anything else → a :class:`ParseWarning` (file, line, text): unknown
  statements, units other than 0, ``inactive:`` statements (Junos ignores
  them; only a deactivated BGP group or neighbor means something: shutdown),
  an IS-IS interface without ``family iso`` or an MPLS interface without
  ``family mpls`` (Junos does not run the protocol there, so neither does the
  model), IS-IS without a NET (no process), settings that contradict one
  another (the first wins);
* what a Junos commit would refuse → :class:`ParseError` with the line:
  brace/quote syntax errors, malformed addresses and prefixes, non-numeric
  or out-of-range numbers, IS-IS levels other than 1 and 2, references to
  undefined policies, BGP without ``autonomous-system``, a BGP neighbor in two
  groups or external without ``peer-as``, an IPv6 static route in ``inet.0``.

A config without ``host-name`` takes its file's name, as Batfish does; BGP
without ``router-id`` uses lo0's IPv4 address, as Junos does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Interface
from pathlib import PurePath

from netlab.model.device import (
    BgpConfig,
    DeviceConfig,
    InterfaceConfig,
    IsisProcess,
    StaticRoute,
)
from netlab.model.types import Vendor
from netlab.parse.junos_bgp import BgpReader
from netlab.parse.junos_isis import IsisReader
from netlab.parse.junos_policy import PolicyReader
from netlab.parse.junos_tree import Leaf, leaves, parse_tree
from netlab.parse.junos_values import Context
from netlab.parse.result import ParseResult

__all__ = ["parse"]

ETHERNET_HEADER = 14
_LOOPBACK = re.compile(r"^lo\d+$")
_BOILERPLATE = {
    ("system", "services", "ssh"),
    ("system", "services", "netconf", "ssh"),
    ("system", "syslog", "file", "messages", "any", "notice"),
    ("protocols", "lldp", "interface", "all"),
}
_CONTAINERS = {("system",), ("interfaces",), ("routing-options",), ("protocols",),
               ("policy-options",)}  # an empty one says nothing
_HEADER = re.compile(r"^\s*!RANCID-CONTENT-TYPE:\s*(\S+)")


@dataclass(slots=True)
class Interface:
    """An interface as read so far (``iso_line``/``mpls_line``: its family statements)."""

    name: str
    line: int
    description: str = ""
    enabled: bool = True
    mtu: int | None = None
    ipv4: IPv4Interface | None = None
    ipv6: IPv6Interface | None = None
    iso_line: int | None = None
    mpls_line: int | None = None
    nets: list[tuple[str, int]] = field(default_factory=list)


class _Reader:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.hostname: str | None = None
        self.interfaces: dict[str, Interface] = {}
        self.router_id: tuple[IPv4Address, Leaf] | None = None
        self.asn: int | None = None
        self.asn_line = 1
        self.statics: dict[StaticRoute, Leaf] = {}
        self.isis = IsisReader(ctx)
        self.bgp = BgpReader(ctx)
        self.policy = PolicyReader(ctx)
        self.mpls: dict[str, Leaf] = {}
        self.ldp: dict[str, Leaf] = {}
        self.ldp_line: int | None = None

    def feed(self, leaf: Leaf) -> None:
        path = leaf.path
        if leaf.inactive_at is not None and path[:2] != ("protocols", "bgp"):
            self.ctx.warn(leaf, "Deactivated (inactive:) statement; Junos ignores it")
        elif path in _BOILERPLATE or path in _CONTAINERS or (
                len(path) == 2 and path[0] == "version"):
            return
        elif path[0] == "system" and len(path) == 3 and path[1] == "host-name":
            self.hostname = path[2]
        elif path[0] == "interfaces" and len(path) >= 2:
            self.interface(path[1], path[2:], leaf)
        elif path[0] == "routing-options":
            self.routing_options(path[1:], leaf)
        elif path[:2] == ("protocols", "isis"):
            self.isis.feed(path[2:], leaf)
        elif path[:2] == ("protocols", "bgp"):
            self.bgp.feed(path[2:], leaf)
        elif path[:2] in (("protocols", "mpls"), ("protocols", "ldp")):
            self.label_protocol(path[1], path[2:], leaf)
        elif path[0] == "policy-options":
            self.policy.feed(path[1:], leaf)
        else:
            self.ctx.warn(leaf)

    def interface(self, name: str, rest: tuple[str, ...], leaf: Leaf) -> None:
        itf = self.interfaces.setdefault(name, Interface(name, leaf.line_at(2)))
        line = leaf.line
        if not rest:
            return
        if rest[0] == "description" and len(rest) == 2:
            itf.description = rest[1]
        elif rest == ("disable",):
            itf.enabled = False
        elif rest[0] == "mtu" and len(rest) == 2:
            itf.mtu = self.ctx.integer(rest[1], line, "mtu", ETHERNET_HEADER + 1,
                                       65535) - ETHERNET_HEADER
        elif rest[0] == "unit" and len(rest) >= 2 and rest[1] != "0":
            self.ctx.warn(leaf, "Only unit 0 is modelled")
        elif rest[0] == "unit" and len(rest) >= 2:
            self.family(itf, rest[2:], leaf)
        else:
            self.ctx.warn(leaf)

    def family(self, itf: Interface, rest: tuple[str, ...], leaf: Leaf) -> None:
        if not rest or rest in (("family", "inet"), ("family", "inet6")):
            return
        line = leaf.line
        if rest == ("family", "iso"):
            itf.iso_line = line
        elif rest == ("family", "mpls"):
            itf.mpls_line = line
        elif len(rest) != 4 or rest[0] != "family" or rest[2] != "address":
            self.ctx.warn(leaf)
        elif rest[1] == "inet":
            addr4 = self.ctx.interface4(rest[3], line)
            if itf.ipv4 is None:
                itf.ipv4 = addr4
            else:
                self.ctx.warn(leaf, "Only one IPv4 address per interface is modelled")
        elif rest[1] == "inet6":
            addr6 = self.ctx.interface6(rest[3], line)
            if itf.ipv6 is None:
                itf.ipv6 = addr6
            else:
                self.ctx.warn(leaf, "Only one IPv6 address per interface is modelled")
        elif rest[1] == "iso":
            if not re.fullmatch(r"[0-9A-Fa-f]{2}(\.[0-9A-Fa-f]{4}){3,}\.[0-9A-Fa-f]{2}",
                                rest[3]):
                raise self.ctx.error(f"malformed ISO address {rest[3]!r} (expected a NET "
                                     "such as 49.0001.1980.1800.0001.00)", line)
            itf.iso_line = itf.iso_line or line
            itf.nets.append((rest[3], line))
        else:
            self.ctx.warn(leaf)

    def routing_options(self, rest: tuple[str, ...], leaf: Leaf) -> None:
        line = leaf.line
        if len(rest) == 2 and rest[0] == "router-id":
            self.router_id = (self.ctx.ipv4(rest[1], line, "router-id"), leaf)
        elif len(rest) == 2 and rest[0] == "autonomous-system":
            self.asn = self.ctx.integer(rest[1], line, "autonomous-system", 1)
            self.asn_line = line
        elif rest[:1] == ("static",):
            self.static(rest[1:], 4, leaf)
        elif rest[:3] in (("rib", "inet.0", "static"), ("rib", "inet6.0", "static")):
            self.static(rest[3:], 4 if rest[1] == "inet.0" else 6, leaf)
        else:
            self.ctx.warn(leaf)

    def static(self, rest: tuple[str, ...], version: int, leaf: Leaf) -> None:
        if len(rest) < 3 or rest[0] != "route":
            self.ctx.warn(leaf)
            return
        prefix = self.ctx.network(rest[1], leaf.line, "static route prefix")
        if prefix.version != version:
            raise self.ctx.error(f"IPv{prefix.version} route {prefix} in "
                                 f"{'inet.0' if version == 4 else 'inet6.0'}; IPv6 static "
                                 "routes belong under rib inet6.0", leaf.line)
        if rest[2:] == ("discard",):
            route = StaticRoute(prefix)
        elif len(rest) == 4 and rest[2] == "next-hop":
            hop = self.ctx.address(rest[3], leaf.line, "next-hop")
            if hop.version != version:
                raise self.ctx.error(f"next-hop {hop} is not of the family of {prefix}",
                                     leaf.line)
            route = StaticRoute(prefix, hop)
        else:
            self.ctx.warn(leaf, "Only discard and next-hop static routes are modelled")
            return
        clash = [r for r in self.statics if r.prefix == prefix
                 and (r.next_hop is None) != (route.next_hop is None)]
        if clash:
            self.ctx.warn(leaf, "A static route is discard or has next-hops, not both; "
                                "ignored")
        else:
            self.statics.setdefault(route, leaf)

    def label_protocol(self, proto: str, rest: tuple[str, ...], leaf: Leaf) -> None:
        table = self.mpls if proto == "mpls" else self.ldp
        if proto == "ldp":
            self.ldp_line = self.ldp_line or leaf.line_at(2)
        if not rest:
            return
        if len(rest) == 2 and rest[0] == "interface":
            name, _, unit = rest[1].partition(".")
            if unit not in ("", "0"):
                self.ctx.warn(leaf, "Only unit 0 is modelled")
            elif name == "all":
                self.ctx.warn(leaf, "'interface all' is not modelled; list the interfaces")
            else:
                table.setdefault(name, leaf)
        else:
            self.ctx.warn(leaf)

    def net(self) -> str | None:
        """The NET: the first ISO address, on a loopback first."""
        nets = sorted(((not _LOOPBACK.match(i.name), line, net)
                       for i in self.interfaces.values() for net, line in i.nets))
        for _, line, _ in nets[1:]:
            self.ctx.warn(line, "Only one NET is modelled; this ISO address is ignored")
        return nets[0][2] if nets else None

    def mpls_flags(self) -> dict[str, bool]:
        flags: dict[str, bool] = {}
        for name, leaf in self.mpls.items():
            itf = self.interfaces.get(name)
            if itf is None:
                self.ctx.warn(leaf, f"Interface {name} is not configured")
            elif itf.mpls_line is None:
                self.ctx.warn(leaf, f"{name} unit 0 has no family mpls; Junos does not run "
                                    "MPLS there")
            else:
                flags[name] = True
                if self.ldp_line is not None and name not in self.ldp:
                    self.ctx.warn(leaf, "LDP is not enabled on this MPLS interface; the "
                                        "model runs LDP on every MPLS interface")
        for itf in self.interfaces.values():
            if itf.mpls_line is not None and itf.name not in self.mpls:
                self.ctx.warn(itf.mpls_line, "family mpls without protocols mpls "
                                             "interface; not modelled")
        for name, leaf in self.ldp.items():
            if name not in flags:
                self.ctx.warn(leaf, "LDP runs only on MPLS interfaces (family mpls and "
                                    "protocols mpls interface)")
        return flags

    def finish(self, filename: str) -> DeviceConfig:
        net = self.net()
        isis_itfs = self.isis.interfaces(
            {n: i.iso_line is not None for n, i in self.interfaces.items()})
        for itf in self.interfaces.values():
            if itf.iso_line is not None and itf.name not in isis_itfs and not itf.nets:
                self.ctx.warn(itf.iso_line, "family iso without protocols isis interface; "
                                            "not modelled")
        isis: IsisProcess | None = self.isis.process(net)
        if net is not None and not self.isis.present:
            self.ctx.warn(next(ln for i in self.interfaces.values() for _, ln in i.nets),
                          "An ISO address without protocols isis; not modelled")
        mpls = self.mpls_flags()
        policies = self.policy.finish(self.asn)
        interfaces = tuple(InterfaceConfig(
            name=i.name, description=i.description, enabled=i.enabled, ipv4=i.ipv4,
            ipv6=i.ipv6, mtu=i.mtu, isis=isis_itfs.get(i.name), mpls=mpls.get(i.name, False),
            loopback=bool(_LOOPBACK.match(i.name)),
        ) for i in self.interfaces.values())
        statics = set(self.statics)
        bgp = None
        result = self.bgp.finish(self.asn, policies,
                                 {i.name: (i.ipv4, i.ipv6) for i in self.interfaces.values()})
        if self.asn is not None:
            router_id = self.router_id[0] if self.router_id else next(
                (i.ipv4.ip for i in interfaces if i.loopback and i.ipv4), None)
            if router_id is None:
                raise self.ctx.error("BGP needs routing-options router-id (or an IPv4 "
                                     "address on lo0)", self.asn_line)
            statics -= {StaticRoute(n) for n in policies.networks}
            bgp = BgpConfig(
                asn=self.asn, router_id=router_id,
                cluster_id=result.cluster_id if result else None,
                neighbors=result.neighbors if result else (),
                networks=policies.networks,
                multipath=bool(result and result.multipath),
            )
        else:
            if self.router_id is not None:
                self.ctx.warn(self.router_id[1], "router-id without autonomous-system "
                                                 "(no BGP) is not modelled")
            if policies.networks:
                self.ctx.warn(self.policy.policies["BGP-ORIGINATE"].line,
                              "BGP-ORIGINATE without BGP (autonomous-system)")
        return DeviceConfig(
            hostname=self.hostname or PurePath(filename).stem,
            vendor=Vendor.JUNOS,
            interfaces=interfaces,
            isis=isis,
            bgp=bgp,
            prefix_lists=policies.prefix_lists,
            route_policies=policies.route_policies,
            static_routes=tuple(statics),
            mpls_ldp=self.ldp_line is not None,
        )


def _skipped(lines: tuple[int, ...], first_statement: int, ctx: Context) -> None:
    for line in lines:
        text = ctx.lines[line - 1].strip()
        m = _HEADER.match(text)
        if m and m.group(1).lower() == "juniper" and line < first_statement:
            continue
        if text.startswith("!"):
            ctx.warn(line, "Not Junos syntax ('!' starts no statement); line ignored")
        else:
            ctx.warn(line, "Set-style commands are not read; write the statement "
                           "hierarchically")


def parse(text: str, filename: str) -> ParseResult:
    """The normalized DeviceConfig of Junos ``text`` plus a warning per unread line."""
    ctx = Context(filename, text.split("\n"))
    tree = parse_tree(text, filename)
    _skipped(tree.skipped, tree.statements[0].line if tree.statements else 1 << 30, ctx)
    reader = _Reader(ctx)
    for leaf in leaves(tree.statements):
        reader.feed(leaf)
    cfg = reader.finish(filename)
    return ParseResult(cfg.normalized(), tuple(sorted(ctx.warnings, key=lambda w: w.line)))

