"""Semantic checks of a topology file: names that must exist, be unique, or agree.

Pydantic checks each value on its own; these checks look across the file
(a link naming an unknown router, two sites with one name, a peer router of
an unknown network, a prefix outside the lab-safe ranges) and name the line
of the offending value. They run before anything is derived, so the builder
can trust every reference.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from netlab.errors import TopologyError
from netlab.model.addressing import is_external_safe, is_infra_safe
from netlab.model.types import Backbone, Role, SiteKind
from netlab.topology.schema import RouterSpec, TopologySpec
from netlab.yamlfile import LineMap

__all__ = ["check_spec", "suggest"]

_ROLES = {
    Backbone.CLASSIC: (Role.BB, Role.PR, Role.DR, Role.PEER),
    Backbone.EXPRESS: (Role.EBB, Role.DR, Role.PEER),
}
_SITE_KIND = {Role.PR: SiteKind.POP, Role.DR: SiteKind.DC}


def suggest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close known name exists, else ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Reporter:
    def __init__(self, lines: LineMap, path: str) -> None:
        self.lines = lines
        self.path = path

    def fail(self, where: Sequence[str | int], message: str) -> TopologyError:
        return TopologyError(message, path=self.path, line=self.lines.line_of(where))


def _unique(rep: _Reporter, section: str, names: Sequence[str], what: str) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            first = rep.lines.line_of((section, seen[name]))
            at = f" (first defined on line {first})" if first is not None else ""
            raise rep.fail((section, i, "name"), f"duplicate {what} name {name!r}{at}")
        seen[name] = i


def check_spec(spec: TopologySpec, lines: LineMap | None = None, path: str = "<topology>") -> None:
    """Raise :class:`TopologyError` (with the line) for the first cross-reference problem."""
    rep = _Reporter(lines or LineMap(), path)
    if spec.backbone is Backbone.CLASSIC and spec.plane_count != 1:
        raise rep.fail(("planes",), "a classic backbone has exactly 1 plane")
    _unique(rep, "sites", [s.name for s in spec.sites], "site")
    _unique(rep, "routers", [r.name for r in spec.routers], "router")
    _unique(rep, "external_networks", [n.name for n in spec.external_networks],
            "external network")
    site_kinds = {s.name: s.kind for s in spec.sites}
    sites = set(site_kinds)
    routers = {r.name: r for r in spec.routers}
    networks = {n.name for n in spec.external_networks}
    for i, r in enumerate(spec.routers):
        _check_router(rep, spec, i, r, site_kinds, networks)
    for i, site in enumerate(spec.sites):
        for j, origin in enumerate(site.origin or ()):
            if origin not in routers:
                raise rep.fail(("sites", i, "origin", j), f"site {site.name} is originated by "
                               f"unknown router {origin!r}{suggest(origin, routers)}")
        for key, prefix in (("prefix4", site.prefix4), ("prefix6", site.prefix6)):
            if prefix is not None and not is_infra_safe(prefix):
                raise rep.fail(("sites", i, key), f"site prefix {prefix} is outside the lab-safe "
                               "ranges 198.18.0.0/15 and 2001:db8::/32")
    for i, net in enumerate(spec.external_networks):
        for j, prefix in enumerate(net.prefixes or ()):
            if not is_external_safe(prefix):
                raise rep.fail(("external_networks", i, "prefixes", j),
                               f"external prefix {prefix} is outside the TEST-NETs (192.0.2.0/24, "
                               "198.51.100.0/24, 203.0.113.0/24) and 2001:db8::/32")
    _check_links(rep, spec, routers)
    pairs: dict[tuple[str, str], int] = {}
    for i, d in enumerate(spec.demands):
        for key in ("src", "dst"):
            site = getattr(d, key)
            if site not in sites:
                raise rep.fail(("demands", i, key),
                               f"demand names unknown site {site!r}{suggest(site, sites)}")
        if d.src == d.dst:
            raise rep.fail(("demands", i), f"demand from {d.src} to itself")
        if (d.src, d.dst) in pairs:
            raise rep.fail(("demands", i), f"duplicate demand {d.src} -> {d.dst} (first on "
                           f"line {rep.lines.line_of(('demands', pairs[d.src, d.dst]))})")
        pairs[d.src, d.dst] = i


def _check_router(rep: _Reporter, spec: TopologySpec, i: int, r: RouterSpec,
                  site_kinds: dict[str, SiteKind], networks: set[str]) -> None:
    sites = site_kinds
    where = ("routers", i)
    if r.site not in sites:
        raise rep.fail((*where, "site"), f"router {r.name} is at unknown site "
                       f"{r.site!r}{suggest(r.site, sites)}")
    allowed = _ROLES[spec.backbone]
    if r.role not in allowed:
        raise rep.fail((*where, "role"), f"role {r.role.value!r} does not exist in a "
                       f"{spec.backbone.value} backbone (expected one of "
                       f"{', '.join(a.value for a in allowed)})")
    kind = site_kinds[r.site]
    if r.role in _SITE_KIND and kind is not _SITE_KIND[r.role]:
        raise rep.fail((*where, "site"), f"{r.role.value} router {r.name} must be at a "
                       f"{_SITE_KIND[r.role].value} site, {r.site} is a {kind.value}")
    if r.role is Role.PEER:
        if r.network is None:
            raise rep.fail(where, f"peer router {r.name} needs 'network' (its external network)")
        if r.network not in networks:
            raise rep.fail((*where, "network"), f"router {r.name} belongs to unknown external "
                           f"network {r.network!r}{suggest(r.network, networks)}")
    elif r.network is not None:
        raise rep.fail((*where, "network"), f"only peer routers belong to an external network, "
                       f"{r.name} is {r.role.value}")
    if r.role is Role.EBB and r.plane is None:
        raise rep.fail(where, f"express router {r.name} needs 'plane'")
    if r.plane is not None:
        if r.role is not Role.EBB:
            raise rep.fail((*where, "plane"), f"only ebb routers are on a plane, "
                           f"{r.name} is {r.role.value}")
        if r.plane >= spec.plane_count:
            raise rep.fail((*where, "plane"), f"router {r.name} is on plane {r.plane}, planes "
                           f"are numbered 0..{spec.plane_count - 1}")
    for key in ("loopback4", "loopback6"):
        itf = getattr(r, key)
        if itf is not None and not is_infra_safe(itf.ip):
            raise rep.fail((*where, key), f"loopback {itf} is outside the lab-safe ranges "
                           "198.18.0.0/15 and 2001:db8::/32")
        if itf is not None and itf.network.prefixlen != itf.max_prefixlen:
            raise rep.fail((*where, key), f"{key} must be a /{itf.max_prefixlen} (one "
                           f"address), got {itf}")


def _check_links(rep: _Reporter, spec: TopologySpec, routers: dict[str, RouterSpec]) -> None:
    ports: dict[tuple[str, str], int] = {}
    ids: dict[str, int] = {}
    for i, link in enumerate(spec.links):
        where = ("links", i)
        for key in ("a", "b"):
            name = getattr(link, key)
            if name not in routers:
                raise rep.fail((*where, key), f"link ends at unknown router "
                               f"{name!r}{suggest(name, routers)}")
        if link.a == link.b:
            raise rep.fail(where, f"link connects {link.a} to itself")
        pa, pb = routers[link.a].plane, routers[link.b].plane
        if pa is not None and pb is not None and pa != pb:
            raise rep.fail(where, f"link joins plane {pa} ({link.a}) to plane {pb} ({link.b}); "
                           "planes are independent")
        if link.plane is not None and link.plane >= spec.plane_count:
            raise rep.fail((*where, "plane"), f"link is on plane {link.plane}, planes are "
                           f"numbered 0..{spec.plane_count - 1}")
        for key, router in (("a_port", link.a), ("b_port", link.b)):
            port = getattr(link, key)
            if port is None:
                continue
            if (router, port) in ports:
                first = rep.lines.line_of(("links", ports[router, port]))
                raise rep.fail((*where, key), f"port {port} of {router} is already used by the "
                               f"link on line {first}")
            ports[router, port] = i
        if link.id is not None:
            if link.id in ids:
                raise rep.fail((*where, "id"), f"duplicate link id {link.id!r}")
            ids[link.id] = i
        for key, net in (("ipv4", link.ipv4), ("ipv6", link.ipv6)):
            if net is None:
                continue
            if net.prefixlen != (31 if net.version == 4 else 127):
                raise rep.fail((*where, key), f"link {key} must be a /"
                               f"{31 if net.version == 4 else 127}, got {net}")
            if not is_infra_safe(net):
                raise rep.fail((*where, key), f"link prefix {net} is outside the lab-safe ranges "
                               "198.18.0.0/15 and 2001:db8::/32")
