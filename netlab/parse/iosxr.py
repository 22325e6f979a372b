"""Parse a Cisco IOS-XR running-config back into a normalized :class:`DeviceConfig`.

Why a hand-written parser: we need a tree of lines that keeps every line
number (warnings and errors name the line a person wrote), and no library
reads all four of our dialects back into one model. The work is split in
three: :mod:`netlab.parse.iosxr_tree` splits the text into an indentation
tree (RPL blocks closed by keywords), :mod:`netlab.parse.iosxr_policy` reads
``prefix-set``/``route-policy``, :mod:`netlab.parse.iosxr_routing` reads
``router isis``/``router bgp``, and this module reads the rest (hostname,
interfaces, ``router static``, ``mpls ldp``/``mpls static``) and checks the
cross-references.

What the renderer (:mod:`netlab.render.iosxr`) writes parses back exactly:
``parse(render(cfg)).config == cfg``. Everything else is decided line by line:

Accepted silently (understood, nothing for the model to vary):
  ``!`` comments and the RANCID header, ``exit``, ``end``, ``no shutdown``,
  ``log adjacency changes``, IPv6 ``single-topology``, LDP ``router-id`` and
  ``address-family ipv4``, RPL ``#`` comments, explicit IS-IS defaults
  (``is-type``/``circuit-type level-1-2``, ``metric-style narrow``).

Warnings (a real router runs it; the model cannot say it, so it is left out):
  any statement or block not listed here, and within known blocks: secondary
  or link-local addresses, other address families, per-level options,
  encrypted keys (we keep clear-text keys), additional NETs, foreign-AS
  prepends, RPL beyond ``if destination in``, max-prefix without teardown,
  IS-IS/LDP config for an interface that is not configured, a static route
  via an interface, lines after ``end``, and an IS-IS process without a NET
  (it does not run, so it is dropped from the model).

:class:`ParseError` (IOS-XR would refuse to commit the config):
  an unclosed ``route-policy``/``prefix-set`` or ``if``; a stray
  ``end-policy``/``end-set``/``endif``; a malformed address, prefix, NET or
  mask; a non-numeric or out-of-range number; an unknown IS-IS level; a
  prefix of the wrong family; a static route without a next hop; a neighbor
  without ``remote-as``; a reference to an undefined prefix-set or
  route-policy; no ``hostname``; BGP without a router-id or a loopback to take
  it from.

Folding (docs/config-model.md): a ``Null0`` static route on a BGP network is
that network's anchor and is not reported in ``static_routes``; interfaces
under ``mpls static`` have MPLS on while LDP is off.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface

from netlab.errors import ParseError
from netlab.model.device import (
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    InterfaceConfig,
    IsisInterface,
    PrefixList,
    RoutePolicy,
    StaticRoute,
)
from netlab.model.types import Vendor
from netlab.parse.iosxr_policy import parse_prefix_set, parse_route_policy
from netlab.parse.iosxr_routing import (
    BgpSection,
    IsisSection,
    PolicyRef,
    parse_bgp,
    parse_isis,
)
from netlab.parse.iosxr_tree import Line, Reporter, parse_tree
from netlab.parse.result import ParseResult
from netlab.render.iosxr import MEDIA_MTU_MAX, MEDIA_MTU_MIN, MEDIA_OVERHEAD

__all__ = ["parse"]


@dataclass(slots=True)
class _Interface:
    """An interface being read (repeated ``interface X`` blocks merge, as on the router)."""

    name: str
    description: str = ""
    enabled: bool = True
    ipv4: IPv4Interface | None = None
    ipv6: IPv6Interface | None = None
    mtu: int | None = None


def _interface(node: Line, itf: _Interface, rep: Reporter) -> None:
    for ch in node.children:
        w = ch.words
        if w[0] == "description":
            itf.description = ch.rest(1)
        elif w[0] == "mtu" and len(w) == 2:
            itf.mtu = rep.number(ch, w[1], "mtu", MEDIA_MTU_MIN, MEDIA_MTU_MAX) - MEDIA_OVERHEAD
        elif w[:2] == ("ipv4", "address") and len(w) in (3, 4):
            spec = "/".join(w[2:])
            if len(w) == 3 and "/" not in w[2]:
                raise rep.error(ch, f"malformed IPv4 address {w[2]!r} (expected A MASK)")
            try:
                itf.ipv4 = IPv4Interface(spec)
            except ValueError:
                raise rep.error(ch, f"malformed IPv4 address {' '.join(w[2:])!r}") from None
        elif w[:2] == ("ipv6", "address") and len(w) == 3:
            try:
                if "/" not in w[2]:
                    raise ValueError(w[2])
                itf.ipv6 = IPv6Interface(w[2])
            except ValueError:
                raise rep.error(ch, f"malformed IPv6 address {w[2]!r} "
                                    "(expected address/length)") from None
        elif w == ("shutdown",):
            itf.enabled = False
        elif w == ("no", "shutdown"):
            itf.enabled = True
        else:
            rep.warn_all(ch)


def _static(node: Line, rep: Reporter, routes: list[tuple[StaticRoute, Line]]) -> None:
    for af in node.children:
        if af.words not in (("address-family", "ipv4", "unicast"),
                            ("address-family", "ipv6", "unicast")):
            rep.warn_all(af)
            continue
        version = 4 if af.words[1] == "ipv4" else 6
        for ch in af.children:
            w = ch.words
            prefix = rep.network(ch, w[0])
            if prefix.version != version:
                raise rep.error(ch, f"{prefix} is not an IPv{version} prefix")
            if len(w) < 2:
                raise rep.error(ch, f"static route {prefix} has no next hop")
            if w[1] == "Null0":
                next_hop: IPv4Address | IPv6Address | None = None
            elif w[1][0].isdigit() or ":" in w[1]:
                next_hop = rep.address(ch, w[1])
                if next_hop.version != version:
                    raise rep.error(ch, f"next hop {next_hop} is not an IPv{version} address")
            else:
                rep.warn_all(ch, "static route via an interface is not modelled; ignored")
                continue
            if len(w) > 2:
                rep.warn(ch, f"static route options {' '.join(w[2:])!r} are not modelled")
            routes.append((StaticRoute(prefix, next_hop), ch))


@dataclass(slots=True)
class _Mpls:
    ldp: bool = False
    ldp_interfaces: tuple[tuple[str, Line], ...] = ()
    static_interfaces: tuple[tuple[str, Line], ...] = ()


def _mpls_ldp(node: Line, rep: Reporter, mpls: _Mpls) -> None:
    mpls.ldp = True
    for ch in node.children:
        w = ch.words
        if w[0] == "router-id" and len(w) == 2:
            if not isinstance(rep.address(ch, w[1]), IPv4Address):
                raise rep.error(ch, f"LDP router-id {w[1]} is not an IPv4 address")
        elif w == ("address-family", "ipv4"):
            for sub in ch.children:
                rep.warn_all(sub)
        elif w[0] == "interface" and len(w) == 2:
            mpls.ldp_interfaces += ((w[1], ch),)
            for sub in ch.children:
                if sub.words != ("address-family", "ipv4") or sub.children:
                    rep.warn_all(sub)
        else:
            rep.warn_all(ch)


def _mpls_static(node: Line, rep: Reporter, mpls: _Mpls) -> None:
    for ch in node.children:
        if ch.words[0] == "interface" and len(ch.words) == 2 and not ch.children:
            mpls.static_interfaces += ((ch.words[1], ch),)
        else:
            rep.warn_all(ch)


@dataclass(slots=True)
class _Sections:
    """Everything read from the top-level blocks, before cross-checks."""

    hostname: str | None = None
    interfaces: dict[str, _Interface] = field(default_factory=dict)
    isis: IsisSection | None = None
    isis_line: Line | None = None
    bgp: BgpSection | None = None
    statics: list[tuple[StaticRoute, Line]] = field(default_factory=list)


def _first_asn(roots: tuple[Line, ...]) -> int | None:
    """The local AS, needed by route-policies that may come before ``router bgp``."""
    for node in roots:
        w = node.words
        if w[:2] == ("router", "bgp") and len(w) == 3 and w[2].isdigit():
            return int(w[2])
    return None


def _policies(roots: tuple[Line, ...], rep: Reporter
              ) -> tuple[list[PrefixList], list[RoutePolicy], set[str]]:
    prefix_nodes = [n for n in roots if n.words[0] == "prefix-set"]
    lists = [pl for n in prefix_nodes if (pl := parse_prefix_set(n, rep)) is not None]
    known_sets = {n.words[1] for n in prefix_nodes if len(n.words) > 1}
    policy_nodes = [n for n in roots if n.words[0] == "route-policy"]
    asn = _first_asn(roots)
    policies = [p for n in policy_nodes
                if (p := parse_route_policy(n, rep, known_sets, asn)) is not None]
    known_policies = {n.words[1].split("(")[0] for n in policy_nodes if len(n.words) > 1}
    return lists, policies, known_policies


def _read(roots: tuple[Line, ...], rep: Reporter, mpls: _Mpls) -> _Sections:
    s = _Sections()
    ended = False
    bgp_nodes: list[Line] = []
    for node in roots:
        w = node.words
        if ended:
            rep.warn_all(node, "configuration after 'end' is not applied")
        elif w == ("end",):
            ended = True
        elif w[0] in ("prefix-set", "route-policy"):
            continue  # read by _policies
        elif w[0] == "hostname" and len(w) == 2:
            s.hostname = w[1]
        elif w[0] == "interface" and len(w) == 2:
            _interface(node, s.interfaces.setdefault(w[1], _Interface(w[1])), rep)
        elif w == ("router", "static"):
            _static(node, rep, s.statics)
        elif w[:2] == ("router", "isis"):
            if s.isis_line is not None and s.isis_line.words != w:
                rep.warn_all(node, "a second IS-IS process is not modelled")
                continue
            s.isis_line = node
            s.isis = parse_isis(node, rep)
        elif w[:2] == ("router", "bgp"):
            if bgp_nodes and bgp_nodes[0].words != w:
                rep.warn_all(node, "a second BGP instance is not modelled")
                continue
            bgp_nodes.append(node)
        elif w == ("mpls", "ldp"):
            _mpls_ldp(node, rep, mpls)
        elif w == ("mpls", "static"):
            _mpls_static(node, rep, mpls)
        else:
            rep.warn_all(node)
    if bgp_nodes:
        merged = Line(bgp_nodes[0].number, 0, bgp_nodes[0].text,
                      tuple(c for n in bgp_nodes for c in n.children))
        lo = next((i.ipv4 for n, i in s.interfaces.items() if n.startswith("Loopback")
                   and i.ipv4 is not None), None)
        s.bgp = parse_bgp(merged, rep, None if lo is None else lo.ip)
    return s


def _assemble(s: _Sections, mpls: _Mpls, rep: Reporter) -> list[InterfaceConfig]:
    isis: dict[str, IsisInterface] = {}
    if s.isis is not None:
        for name, isis_itf, line in s.isis.interfaces:
            if name in s.interfaces:
                isis[name] = isis_itf
            else:
                rep.warn_all(line, f"IS-IS on {name}, which is not configured; ignored")
    mpls_on: set[str] = set()
    ldp_names = {name for name, _ in mpls.ldp_interfaces}
    for name, line in mpls.ldp_interfaces + mpls.static_interfaces:
        if name not in s.interfaces:
            rep.warn_all(line, f"MPLS on {name}, which is not configured; ignored")
        elif mpls.ldp and name not in ldp_names:
            rep.warn(line, "MPLS without LDP on one interface while LDP runs is not modelled")
        else:
            mpls_on.add(name)
    return [InterfaceConfig(
        name=i.name, description=i.description, enabled=i.enabled, ipv4=i.ipv4,
        ipv6=i.ipv6, mtu=i.mtu, isis=isis.get(i.name), mpls=i.name in mpls_on,
        loopback=i.name.startswith("Loopback")) for i in s.interfaces.values()]


def _drop_ref(bgp: BgpConfig, ref: PolicyRef) -> BgpConfig:
    """``bgp`` without the neighbor's reference ``ref`` to a policy the model lacks."""

    def without(nb: BgpNeighbor) -> BgpNeighbor:
        if nb.address != ref.neighbor:
            return nb
        if ref.inbound and nb.import_policy == ref.name:
            return dataclasses.replace(nb, import_policy=None)
        if not ref.inbound and nb.export_policy == ref.name:
            return dataclasses.replace(nb, export_policy=None)
        return nb

    return dataclasses.replace(bgp, neighbors=tuple(without(nb) for nb in bgp.neighbors))


def parse(text: str, filename: str = "<config>") -> ParseResult:
    """Parse IOS-XR ``text`` (read from ``filename``) into a normalized DeviceConfig."""
    rep = Reporter(filename)
    roots = parse_tree(text, filename)
    lists, policies, known_policies = _policies(roots, rep)
    mpls = _Mpls()
    s = _read(roots, rep, mpls)
    if s.hostname is None:
        raise ParseError("no 'hostname' line", path=filename, line=1)
    interfaces = _assemble(s, mpls, rep)
    modelled = {p.name for p in policies}
    bgp = None
    if s.bgp is not None:
        bgp = s.bgp.config
        for ref in s.bgp.policy_refs:
            if ref.name not in known_policies:
                raise rep.error(ref.line, f"route-policy {ref.name} is not defined")
            if ref.name not in modelled:
                rep.warn(ref.line, f"route-policy {ref.name} is not modelled; reference ignored")
                bgp = _drop_ref(bgp, ref)
    anchors = set(bgp.networks) if bgp is not None else set()
    statics = tuple(dict.fromkeys(
        r for r, _ in s.statics if not (r.next_hop is None and r.prefix in anchors)))
    cfg = DeviceConfig(
        hostname=s.hostname,
        vendor=Vendor.IOSXR,
        interfaces=tuple(interfaces),
        isis=s.isis.process if s.isis is not None else None,
        bgp=bgp,
        prefix_lists=tuple(lists),
        route_policies=tuple(policies),
        static_routes=statics,
        mpls_ldp=mpls.ldp,
    )
    warnings = sorted(rep.warnings, key=lambda w: w.line)
    return ParseResult(cfg.normalized(), tuple(warnings))
