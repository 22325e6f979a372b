"""Parse an FRRouting 8.4 integrated config (``frr.conf``) back into a DeviceConfig.

The parser is hand-written: :mod:`netlab.parse.frr_tree` splits the text into a
tree of numbered lines (FRR has no braces; nodes are entered by commands and
left by ``exit``), this module and :mod:`netlab.parse.frr_bgp` read the tree
into the model. No library reads all four of netlab's dialects back with line
numbers, and every warning and error must name its line.

What happens to each kind of line, decided per case:

* Lines the renderer writes and the model does not vary (``frr version``,
  ``frr defaults traditional``, ``log syslog informational``, ``service
  integrated-vtysh-config``, ``ip|ipv6 forwarding``, the fast IS-IS/BGP timers,
  ``no bgp default ipv4-unicast``, ``no bgp ebgp-requires-policy``, ``exit``, a
  prefix-list's final ``deny any``, comments) are accepted silently, as are the
  live lab's ``no zebra nexthop kernel enable`` and the banner of ``show
  running-config``. So are FRR's own spellings of the same settings
  (``lsp-timers gen-interval 1 ...`` as ``show running-config`` prints it) and
  omitted defaults, read as FRR 8.4 reads them: no ``is-type`` = level-1-2, no
  ``metric-style`` = wide, no ``isis metric`` = 10, IPv4 neighbors active
  without ``activate`` unless ``no bgp default ipv4-unicast``.
* Anything else the model cannot hold becomes a :class:`ParseWarning` (file,
  line, text) and is ignored: unknown commands, other timer values, ``deny`` or
  ``ge`` prefix-list entries, prepends of a foreign AS, secondary addresses,
  peer-groups, lines after ``end``, a second IS-IS instance. So does a setting
  whose effect the model expresses differently, with what netlab assumes: a
  neighbor never activated (FRR opens no session: read as shut down), a
  missing ``no bgp ebgp-requires-policy`` while an eBGP neighbor lacks a
  route-map (FRR exchanges nothing: read as accept-all), an IS-IS process without ``net``
  (no adjacencies: read as no IS-IS), a BGP ``network`` without its ``Null0``
  anchor, LDP addresses other than the loopback's.
* Malformed values raise :class:`~netlab.errors.ParseError` with the line: a bad
  address or prefix, a non-numeric or out-of-range number, an unknown
  ``is-type``/``circuit-type``, a bad NET, a neighbor line before its
  ``remote-as``, a stray ``exit`` (FRR would drop every later line), and a
  reference to an undefined route-map or prefix-list — FRR accepts those but
  silently denies every route, which a trainee should be told, not graded on.
* A missing ``hostname`` takes the file name, as Batfish does, with a warning.

Conventions (docs/config-model.md): the MTU is ``! netlab-mtu N`` in the
interface block; ``mpls`` on an interface is its listing under ``mpls ldp``
when LDP runs, else ``mpls enable``; a discard route on a BGP network is the
network's anchor, not a static route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Interface, IPv6Interface
from pathlib import PurePath

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
from netlab.parse.frr_bgp import BgpBuilder, PolicyBuilder
from netlab.parse.frr_tree import Context, Line, split
from netlab.parse.result import ParseResult, ParseWarning

__all__ = ["parse"]

_IS_TYPE = {"level-1": IsisLevel.L1, "level-1-2": IsisLevel.L1L2, "level-2-only": IsisLevel.L2}
_AUTH = {"md5": AuthType.MD5, "clear": AuthType.TEXT}
_NET = re.compile(r"^[0-9a-fA-F]{2}(\.[0-9a-fA-F]{4}){3,9}\.[0-9a-fA-F]{2}$")
_SILENT = {"frr defaults traditional", "log syslog informational",
           "service integrated-vtysh-config", "ip forwarding", "ipv6 forwarding",
           "no zebra nexthop kernel enable",  # a line the live lab adds
           "Building configuration...", "Current configuration:"}  # show running-config
_LSP_TIMERS = "lsp-timers gen-interval 1 refresh-interval 900 max-lifetime 1200"
_SPF = "spf-delay-ietf init-delay 0 short-delay 0 long-delay 1000 holddown 1000 time-to-learn 100"
_NOT_MODELLED = "netlab does not model this; it is ignored"


@dataclass(slots=True)
class _Interface:
    name: str
    description: str = ""
    enabled: bool = True
    ipv4: IPv4Interface | None = None
    ipv6: IPv6Interface | None = None
    mtu: int | None = None
    isis_tags: list[tuple[str, Line]] = field(default_factory=list)
    isis_lines: list[Line] = field(default_factory=list)  # isis settings, to warn if unused
    level: IsisLevel = IsisLevel.L1L2
    metric: int = 10
    p2p: bool = False
    passive: bool = False
    auth: HelloAuth | None = None
    mpls_enable: bool = False


@dataclass(slots=True)
class _Isis:
    line: Line
    tag: str
    net: str | None = None
    level: IsisLevel = IsisLevel.L1L2
    wide: bool = True
    overload: bool = False


@dataclass(slots=True)
class _Ldp:
    line: Line
    router_id: tuple[str, Line] | None = None
    transport: tuple[str, Line] | None = None
    interfaces: dict[str, Line] = field(default_factory=dict)


class _Builder:
    """Reads the top-level lines of one config into model parts."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.hostname: str | None = None
        self.interfaces: dict[str, _Interface] = {}
        self.isis: _Isis | None = None
        self.ldp: _Ldp | None = None
        self.statics: list[tuple[StaticRoute, Line]] = []
        self.bgp = BgpBuilder(ctx)
        self.policy = PolicyBuilder(ctx)

    def top(self, line: Line) -> None:
        """One top-level line with the lines of the node it opens."""
        ctx, words, text = self.ctx, line.words, line.text
        if text in _SILENT or words[:2] == ["frr", "version"]:
            pass
        elif words[:2] == ["frr", "defaults"] or words[0] == "log":
            ctx.warn(line, f"netlab renders 'frr defaults traditional' and syslog logging; "
                           f"{_NOT_MODELLED}")
        elif words[0] == "hostname" and len(words) == 2:
            self.hostname = words[1]
        elif words[0] in ("ip", "ipv6") and words[1:2] == ["route"]:
            self._static(line)
        elif words[0] in ("ip", "ipv6") and words[1:2] == ["prefix-list"]:
            self.policy.prefix_list(line)
        elif words[0] == "interface" and len(words) == 2:
            self._interface(line)
        elif words[:2] == ["router", "isis"] and len(words) == 3:
            self._isis(line)
        elif words[:2] == ["router", "bgp"]:
            self.bgp.block(line)
        elif text == "mpls ldp":
            self._ldp(line)
        elif words[0] == "route-map":
            self.policy.route_map(line)
        else:
            ctx.warn_tree(line)

    # -- static routes ------------------------------------------------------------------
    def _static(self, line: Line) -> None:
        ctx, words = self.ctx, line.words
        version = 4 if words[0] == "ip" else 6
        prefix = ctx.prefix(line, 2, version)
        hop = ctx.word(line, 3, "a next hop")
        if len(words) != 4:
            ctx.warn(line, f"static routes with distance, tag, VRF or several hops: "
                           f"{_NOT_MODELLED}")
            return
        if hop in ("Null0", "blackhole", "reject"):
            if hop == "reject":
                ctx.warn(line, "a reject route is read as a discard route")
            self.statics.append((StaticRoute(prefix, None), line))
            return
        if not re.match(r"^[0-9a-fA-F:.]+$", hop):
            ctx.warn(line, f"static routes out of an interface: {_NOT_MODELLED}")
            return
        addr = ctx.address(line, 3)
        if addr.version != version:
            ctx.error(line, f"next hop {hop} is not an IPv{version} address")
        self.statics.append((StaticRoute(prefix, addr), line))

    # -- interfaces -----------------------------------------------------------------------
    def _interface(self, line: Line) -> None:
        name = line.words[1]
        itf = self.interfaces.setdefault(name, _Interface(name))
        for child in line.children:
            self._interface_line(itf, child)

    def _interface_line(self, itf: _Interface, line: Line) -> None:
        ctx, words, text = self.ctx, line.words, line.text
        if text.startswith("!"):
            self._structured_comment(itf, line)
        elif words[0] == "description" and len(words) > 1:
            itf.description = line.rest(1)
        elif words[:2] == ["ip", "address"] and len(words) == 3:
            addr4 = ctx.interface4(line, 2)
            if itf.ipv4 is not None and itf.ipv4 != addr4:
                ctx.warn(line, f"secondary addresses: {_NOT_MODELLED}")
            else:
                itf.ipv4 = addr4
        elif words[:2] == ["ipv6", "address"] and len(words) == 3:
            addr6 = ctx.interface6(line, 2)
            if addr6.is_link_local:
                ctx.warn(line, f"link-local addresses: {_NOT_MODELLED}")
            elif itf.ipv6 is not None and itf.ipv6 != addr6:
                ctx.warn(line, f"secondary addresses: {_NOT_MODELLED}")
            else:
                itf.ipv6 = addr6
        elif words[0] in ("ip", "ipv6") and words[1:3] == ["router", "isis"] \
                and len(words) == 4:
            itf.isis_tags.append((words[3], line))
        elif words[0] == "isis":
            self._isis_circuit(itf, line)
        elif text == "mpls enable":
            itf.mpls_enable = True
        elif text == "shutdown":
            itf.enabled = False
        elif text == "no shutdown":
            itf.enabled = True
        else:
            ctx.warn_tree(line)

    def _structured_comment(self, itf: _Interface, line: Line) -> None:
        words = line.text.lstrip("!").split()
        if words[0] == "netlab-mtu" and len(words) == 2:
            if not words[1].isdigit() or not 68 <= int(words[1]) <= 65535:
                self.ctx.error(line, f"expected an MTU (68-65535), got {words[1]!r}")
            itf.mtu = int(words[1])
        else:
            self.ctx.warn(line, "unknown netlab structured comment")

    def _isis_circuit(self, itf: _Interface, line: Line) -> None:
        ctx, words, text = self.ctx, line.words, line.text
        key = words[1] if len(words) > 1 else ""
        if key == "circuit-type" and len(words) == 3:
            if words[2] not in _IS_TYPE:
                ctx.error(line, "expected level-1, level-1-2 or level-2-only")
            itf.level = _IS_TYPE[words[2]]
        elif key == "metric" and len(words) == 3:
            itf.metric = ctx.integer(line, 2, 0, 16_777_215, "an IS-IS metric")
        elif text == "isis network point-to-point":
            itf.p2p = True
        elif text == "isis passive":
            itf.passive = True
        elif key == "password":
            if len(words) != 4 or words[2] not in _AUTH:
                ctx.error(line, "expected 'isis password md5|clear KEY'")
            itf.auth = HelloAuth(_AUTH[words[2]], words[3])
        elif key in ("hello-interval", "hello-multiplier") and len(words) == 3:
            ctx.integer(line, 2, 1, 600, f"an IS-IS {key}")
            if text not in ("isis hello-interval 1", "isis hello-multiplier 3"):
                ctx.warn(line, f"netlab renders hello-interval 1, hello-multiplier 3; "
                               f"{_NOT_MODELLED}")
        else:
            ctx.warn_tree(line)
            return
        itf.isis_lines.append(line)

    # -- IS-IS process --------------------------------------------------------------------
    def _isis(self, line: Line) -> None:
        tag = line.words[2]
        if self.isis is not None and self.isis.tag != tag:
            self.ctx.warn_tree(line, "netlab models one IS-IS instance; this one is ignored")
            return
        if self.isis is None:
            self.isis = _Isis(line, tag)
        for child in line.children:
            self._isis_line(self.isis, child)

    def _isis_line(self, isis: _Isis, line: Line) -> None:
        ctx, words, text = self.ctx, line.words, line.text
        if words[0] == "net" and len(words) == 2:
            if not _NET.match(words[1]):
                ctx.error(line, f"malformed NET {words[1]!r}")
            if isis.net is not None and isis.net != words[1]:
                ctx.warn(line, f"several area addresses: {_NOT_MODELLED}")
            else:
                isis.net = words[1]
        elif words[0] == "is-type" and len(words) == 2:
            if words[1] not in _IS_TYPE:
                ctx.error(line, "expected level-1, level-1-2 or level-2-only")
            isis.level = _IS_TYPE[words[1]]
        elif text in ("metric-style wide", "metric-style narrow"):
            isis.wide = words[1] == "wide"
        elif text == "set-overload-bit":
            isis.overload = True
        elif text in ("lsp-gen-interval 1", _LSP_TIMERS, _SPF):
            pass
        elif words[0] in ("lsp-gen-interval", "lsp-timers", "spf-delay-ietf"):
            ctx.warn(line, f"netlab renders fast fixed IS-IS timers; {_NOT_MODELLED}")
        else:
            ctx.warn_tree(line)

    # -- LDP -------------------------------------------------------------------------------
    def _ldp(self, line: Line) -> None:
        ldp = self.ldp = self.ldp or _Ldp(line)
        for child in line.children:
            words = child.words
            if words[0] == "router-id" and len(words) == 2:
                self.ctx.ipv4(child, 1)
                ldp.router_id = (words[1], child)
            elif child.text == "address-family ipv4":
                for sub in child.children:
                    self._ldp_af_line(ldp, sub)
            else:
                self.ctx.warn_tree(child)

    def _ldp_af_line(self, ldp: _Ldp, line: Line) -> None:
        words = line.words
        if words[:2] == ["discovery", "transport-address"] and len(words) == 3:
            self.ctx.ipv4(line, 2)
            ldp.transport = (words[2], line)
        elif words[0] == "interface" and len(words) == 2:
            ldp.interfaces[words[1]] = line
            self.ctx.warn_children(line, f"LDP interface settings: {_NOT_MODELLED}")
        else:
            self.ctx.warn_tree(line)

    # -- assembly --------------------------------------------------------------------------
    def _isis_process(self) -> IsisProcess | None:
        if self.isis is None:
            return None
        if self.isis.net is None:
            self.ctx.warn(self.isis.line, "IS-IS without 'net' forms no adjacencies; netlab "
                                          "reads it as no IS-IS")
            return None
        return IsisProcess(net=self.isis.net, level=self.isis.level,
                           overload=self.isis.overload, wide_metrics=self.isis.wide)

    def _finish_interface(self, itf: _Interface) -> InterfaceConfig:
        tags = [(t, ln) for t, ln in itf.isis_tags
                if self.isis is None or t == self.isis.tag]
        for tag, ln in itf.isis_tags:
            if (tag, ln) not in tags:
                self.ctx.warn(ln, f"IS-IS instance {tag} is not configured; this interface "
                                  "is not in the modelled IS-IS")
        isis = None
        if tags:
            isis = IsisInterface(metric=itf.metric, passive=itf.passive,
                                 point_to_point=itf.p2p, level=itf.level,
                                 hello_auth=itf.auth)
        else:
            for ln in itf.isis_lines:
                self.ctx.warn(ln, "IS-IS is not enabled on this interface (no 'ip router "
                                  "isis'); ignored")
        # With LDP running, the LDP interface list says where; without it, 'mpls enable'.
        mpls = itf.name in self.ldp.interfaces if self.ldp is not None else itf.mpls_enable
        return InterfaceConfig(
            name=itf.name, description=itf.description, enabled=itf.enabled, ipv4=itf.ipv4,
            ipv6=itf.ipv6, mtu=itf.mtu, isis=isis, mpls=mpls, loopback=itf.name == "lo")

    def _check_ldp(self, interfaces: tuple[InterfaceConfig, ...]) -> None:
        if self.ldp is None:
            return
        lo = next((i for i in interfaces if i.loopback), None)
        expected = str(lo.ipv4.ip) if lo is not None and lo.ipv4 is not None else None
        for value in (self.ldp.router_id, self.ldp.transport):
            if value is not None and value[0] != expected:
                self.ctx.warn(value[1], "netlab derives the LDP router-id and transport "
                                        "address from the loopback; this value is ignored")
        names = {i.name for i in interfaces}
        for name, line in self.ldp.interfaces.items():
            if name not in names:
                self.ctx.warn(line, f"interface {name} has no interface block; ignored")

    def finish(self, filename: str) -> DeviceConfig:
        interfaces = tuple(self._finish_interface(i) for i in self.interfaces.values())
        self._check_ldp(interfaces)
        policies = self.policy.policies(self.bgp.asn if self.bgp.line is not None else None)
        bgp = self.bgp.finish(interfaces, {p.name for p in policies})
        statics = [sr for sr, _line in self.statics]
        if bgp is not None:
            for net, line in self.bgp.networks:
                anchor = StaticRoute(net, None)
                if anchor in statics:
                    statics = [s for s in statics if s != anchor]
                else:
                    self.ctx.warn(line, "no 'Null0' anchor route: FRR announces the network "
                                        "only while another route holds it; netlab models "
                                        "it as always announced")
        hostname = self.hostname
        if hostname is None:
            hostname = PurePath(filename).stem
            self.ctx.warnings.append(ParseWarning(
                filename, 1, "", "no 'hostname': the file name is used, as Batfish does"))
        return DeviceConfig(
            hostname=hostname, vendor=Vendor.FRR, interfaces=interfaces,
            isis=self._isis_process(), bgp=bgp, prefix_lists=self.policy.prefix_lists(),
            route_policies=policies, static_routes=tuple(dict.fromkeys(statics)),
            mpls_ldp=self.ldp is not None)


def parse(text: str, filename: str) -> ParseResult:
    """Parse FRR config ``text`` (read from ``filename``) into a normalized DeviceConfig."""
    ctx = Context(filename)
    tree = split(text, filename)
    builder = _Builder(ctx)
    for line in tree.lines:
        builder.top(line)
    for line in tree.after_end:
        ctx.warn(line, "after 'end': FRR ignores it")
    cfg = builder.finish(filename)
    warnings = tuple(sorted(ctx.warnings, key=lambda w: w.line))
    return ParseResult(cfg.normalized(), warnings)
