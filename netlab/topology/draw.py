"""Draw a network as a map: sites at their coordinates, routers around their site.

Long-haul conduits (SRLGs) are drawn as wide pale bands between sites, a
diverse second conduit dashed and offset, so a trainee sees which links one
backhoe cuts together; links are thin lines between routers on top, coloured
by plane on an express backbone and by kind on a classic one. Matplotlib's
object API is used (no pyplot, no global state), so it runs headless.

:class:`Mark` highlights elements on top of the map (failed links drawn thick
in the mark's colour, routers ringed), each mark with its own legend entry: the
drill console marks what is down, the debrief marks where the fault was.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from netlab.errors import TopologyError
from netlab.model.network import Network
from netlab.model.types import Backbone, LinkKind, Role, SiteKind

__all__ = ["DETAIL_LIMIT", "FORMATS", "Mark", "draw_network"]

FORMATS = ("png", "svg", "pdf")
_ROLE_STYLE = {  # marker, colour, ring (multiple of the router radius)
    Role.BB: ("o", "#1f3a93", 1.0),
    Role.EBB: ("o", "#1f3a93", 1.0),
    Role.PR: ("s", "#2e8b57", 1.9),
    Role.DR: ("D", "#7b3fa0", 1.9),
    Role.PEER: ("^", "#e67e22", 3.2),
}
_KIND_COLOUR = {LinkKind.LONGHAUL: "#1f3a93", LinkKind.METRO: "#2c3e50",
                LinkKind.ACCESS: "#8e9aa6", LinkKind.PEERING: "#e67e22"}
_PLANE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
_SITE_COLOUR = {SiteKind.POP: "#2e8b57", SiteKind.DC: "#7b3fa0"}
DETAIL_LIMIT = 400
"""Above this many routers a map shows sites and conduits only."""
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Mark:
    """Elements to highlight in one colour, with a legend label.

    ``links`` are drawn thick over their normal line (on a site-level map, the
    conduit between their sites), ``routers`` ringed (on a site-level map,
    their site); ``srlgs`` mark every link of the conduit.
    """

    label: str
    colour: str = "#d62728"
    routers: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    srlgs: frozenset[str] = frozenset()


def _site_xy(network: Network, min_gap: float) -> dict[str, Point]:
    """Site centres: longitude scaled by the mean latitude's cosine, pushed apart until
    no two are closer than ``min_gap`` (geography kept, clusters readable)."""
    names = list(network.sites)
    scale = math.cos(math.radians(sum(s.lat for s in network.sites.values()) / len(names)))
    xy = np.array([[network.sites[n].lon * max(0.3, scale), network.sites[n].lat]
                   for n in names], dtype=float)
    if 1 < len(names) <= 400:
        for _ in range(300):
            diff = xy[:, None, :] - xy[None, :, :]
            dist = np.hypot(diff[..., 0], diff[..., 1])
            np.fill_diagonal(dist, 1e18)
            close = dist < min_gap
            if not close.any():
                break
            dist = np.maximum(dist, 1e-9)
            push = np.where(close, (min_gap - dist) / dist / 2, 0.0)[..., None] * diff
            xy += 0.6 * push.sum(axis=1)
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, xy, strict=True)}


def _positions(network: Network, sites: dict[str, Point], radius: float
               ) -> tuple[dict[str, Point], dict[str, float]]:
    """Routers around their site: core routers on an inner ring, edge routers on a
    middle ring between them, each peer router just outside the router it peers with."""
    by_site: dict[str, list[str]] = defaultdict(list)
    for r in network.routers.values():
        by_site[r.site].append(r.name)
    peer_of: dict[str, str] = {}
    for link in network.links.values():
        if link.kind is LinkKind.PEERING:
            a, b = link.a.router, link.b.router
            if network.routers[a].role is Role.PEER:
                a, b = b, a
            peer_of.setdefault(b, a)
    out: dict[str, Point] = {}
    angles: dict[str, float] = {}
    for site_name, names in by_site.items():
        cx, cy = sites[site_name]
        rings: dict[float, list[str]] = defaultdict(list)
        for name in names:
            rings[_ROLE_STYLE[network.routers[name].role][2]].append(name)
        inner = len(rings.get(1.0, ())) or 1
        for ring, members in sorted(rings.items()):
            if ring > 2:
                continue
            start = math.pi / 2 + (math.pi / inner if ring > 1 else 0.0)
            for k, name in enumerate(members):
                angles[name] = start + 2 * math.pi * k / len(members)
        by_anchor: dict[str, list[str]] = defaultdict(list)
        for name in rings.get(3.2, ()):
            by_anchor[peer_of.get(name, "")].append(name)
        for anchor, peers in by_anchor.items():
            base = angles.get(anchor, -math.pi / 2)
            for k, name in enumerate(peers):
                angles[name] = base + 0.5 * (k - (len(peers) - 1) / 2)
        for ring, members in rings.items():
            for name in members:
                out[name] = (cx + ring * radius * math.cos(angles[name]),
                             cy + ring * radius * math.sin(angles[name]))
    return out, angles


def _segment(ax: Axes, p: Point, q: Point, wrap: float, **style: Any) -> None:
    """A line from p to q, wrapped across the antimeridian when that is shorter."""
    (x1, y1), (x2, y2) = p, q
    if abs(x2 - x1) <= wrap / 2:
        ax.plot([x1, x2], [y1, y2], **style)
        return
    shift = wrap if x1 > x2 else -wrap
    ax.plot([x1, x2 + shift], [y1, y2], **style)
    ax.plot([x1 - shift, x2], [y1, y2], **style)


def _conduits(network: Network) -> dict[str, tuple[str, str]]:
    """SRLG → the pair of sites its long-haul links join."""
    out: dict[str, tuple[str, str]] = {}
    for link in network.links.values():
        if link.kind is not LinkKind.LONGHAUL:
            continue
        a, b = network.routers[link.a.router].site, network.routers[link.b.router].site
        for srlg in link.srlgs:
            out.setdefault(srlg, (a, b))
    return out


def _short(network: Network, router: str) -> str:
    r = network.routers[router]
    if r.role is Role.PEER and r.network:
        return r.network
    prefix = f"{r.site}-"
    return router[len(prefix):] if router.startswith(prefix) else router


@dataclass(frozen=True)
class _Layout:
    sites: dict[str, Point]
    routers: dict[str, Point]
    angles: dict[str, float]
    radius: float
    wrap: float  # x distance of a full turn of longitude


def _layout(network: Network, detailed: bool) -> _Layout:
    lats = [s.lat for s in network.sites.values()]
    scale = max(0.3, math.cos(math.radians(sum(lats) / len(lats))))
    raw_x = [s.lon * scale for s in network.sites.values()]
    extent = max(max(raw_x) - min(raw_x), max(lats) - min(lats), 6.0)
    per_site = max(len(network.routers) / len(network.sites), 1.0)
    radius = extent * 0.02 * min(1.6, per_site / 5 + 0.6)
    # Keep room for every site's cluster without bending the map out of shape.
    radius = min(radius, extent * 0.9 / (6.5 * math.sqrt(len(network.sites))))
    gap = 6.5 * radius if detailed else 1.5 * radius
    sites = _site_xy(network, min_gap=gap)
    routers, angles = _positions(network, sites, radius) if detailed else ({}, {})
    return _Layout(sites, routers, angles, radius, 360.0 * scale)


def _draw_conduits(ax: Axes, network: Network, lay: _Layout) -> dict[str, tuple[str, str]]:
    conduits = _conduits(network)
    label = len(conduits) <= 40
    for srlg, (a, b) in sorted(conduits.items()):
        (ax_, ay), (bx, by) = lay.sites[a], lay.sites[b]
        diverse = srlg.endswith("-2")
        dx, dy = bx - ax_, by - ay
        norm = math.hypot(dx, dy) or 1.0
        off = 1.1 * lay.radius if diverse else 0.0
        ox, oy = -dy / norm * off, dx / norm * off
        p, q = (ax_ + ox, ay + oy), (bx + ox, by + oy)
        _segment(ax, p, q, lay.wrap, color="#c8a165" if diverse else "#aab4c2",
                 linewidth=9 if len(conduits) <= 80 else 3, alpha=0.4 if lay.routers else 0.8,
                 linestyle=(0, (2, 1)) if diverse else "-", solid_capstyle="round", zorder=1)
        if label and abs(dx) <= lay.wrap / 2 and norm > 8 * lay.radius:
            ax.annotate(srlg, ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2), fontsize=6.5,
                        color="#7a5a1e" if diverse else "#4a5562", ha="center",
                        va="center", zorder=6,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                              "alpha": 0.8})
    return conduits


def _draw_routers(ax: Axes, network: Network, lay: _Layout, labels: bool) -> None:
    express = network.backbone is Backbone.EXPRESS
    thin = 0.5 if len(network.links) > 400 else 1.0
    for link in network.links.values():
        if express and link.plane is not None and link.kind is LinkKind.LONGHAUL:
            colour = _PLANE_COLOURS[link.plane % len(_PLANE_COLOURS)]
        else:
            colour = _KIND_COLOUR[link.kind]
        _segment(ax, lay.routers[link.a.router], lay.routers[link.b.router], lay.wrap,
                 color=colour, linewidth=thin * (1.5 if link.kind is LinkKind.LONGHAUL else 0.9),
                 alpha=0.85, zorder=2)
    size = 48 if len(network.routers) <= 120 else 18
    for role, (marker, colour, _ring) in _ROLE_STYLE.items():
        routers = [r for r in network.routers.values() if r.role is role]
        if not routers:
            continue
        colours = [_PLANE_COLOURS[r.plane % len(_PLANE_COLOURS)] if r.plane is not None
                   else colour for r in routers]
        ax.scatter([lay.routers[r.name][0] for r in routers],
                   [lay.routers[r.name][1] for r in routers],
                   marker=marker, s=size, c=colours, edgecolors="white", linewidths=0.6,
                   zorder=4)
    if labels:
        for name, (x, y) in lay.routers.items():  # labels point away from the site centre
            cos, sin = math.cos(lay.angles[name]), math.sin(lay.angles[name])
            ax.annotate(_short(network, name), (x, y), xytext=(7 * cos, 7 * sin),
                        textcoords="offset points", fontsize=6, color="#222222", zorder=5,
                        ha="left" if cos > 0.3 else "right" if cos < -0.3 else "center",
                        va="bottom" if sin > 0.3 else "top" if sin < -0.3 else "center")


def _draw_sites(ax: Axes, network: Network, lay: _Layout) -> None:
    top: dict[str, float] = defaultdict(lambda: -math.inf)
    for name, (_x, y) in lay.routers.items():
        site = network.routers[name].site
        top[site] = max(top[site], y)
    if not lay.routers:  # site-level view: one marker per site, sized by its routers
        count = defaultdict(int, {s: 0 for s in network.sites})
        for r in network.routers.values():
            count[r.site] += 1
        names = list(lay.sites)
        ax.scatter([lay.sites[n][0] for n in names], [lay.sites[n][1] for n in names],
                   s=[6 + 2 * count[n] for n in names], zorder=4, edgecolors="white",
                   linewidths=0.4, c=[_SITE_COLOUR[network.sites[n].kind] for n in names])
    if len(network.sites) <= 150:
        few = len(network.sites) <= 40
        for name, (x, y) in lay.sites.items():
            kind = network.sites[name].kind.value
            ax.annotate(f"{name} ({kind})" if few else name,
                        (x, max(y, top[name]) + 0.7 * lay.radius), fontsize=9 if few else 6,
                        ha="center", va="bottom", weight="bold", color="#111111", zorder=6)


def _marked_links(network: Network, mark: Mark) -> list[str]:
    srlgs = network.srlgs()
    links = set(mark.links) | {lk for s in mark.srlgs for lk in srlgs.get(s, ())}
    return sorted(lk for lk in links if lk in network.links)


def _draw_marks(ax: Axes, network: Network, lay: _Layout, marks: Sequence[Mark]) -> None:
    """Each mark's links thick in its colour, its routers (or their sites) ringed."""
    for mark in marks:
        for link_id in _marked_links(network, mark):
            link = network.links[link_id]
            if lay.routers:
                p, q = lay.routers[link.a.router], lay.routers[link.b.router]
            else:
                p = lay.sites[network.routers[link.a.router].site]
                q = lay.sites[network.routers[link.b.router].site]
            _segment(ax, p, q, lay.wrap, color=mark.colour, linewidth=3.2, alpha=0.9,
                     solid_capstyle="round", zorder=3)
        routers = sorted(r for r in mark.routers if r in network.routers)
        if lay.routers:
            points = [lay.routers[r] for r in routers]
            size = 260.0
        else:
            points = [lay.sites[s] for s in sorted({network.routers[r].site for r in routers})]
            size = 420.0
        if points:
            ax.scatter([p[0] for p in points], [p[1] for p in points], s=size,
                       facecolors="none", edgecolors=mark.colour, linewidths=2.2, zorder=5)


def _legend(fig: Figure, network: Network, conduits: dict[str, tuple[str, str]],
            detailed: bool, marks: Sequence[Mark] = ()) -> None:
    express = network.backbone is Backbone.EXPRESS
    if detailed:
        handles = [Line2D([], [], marker=m, color="none", markerfacecolor=c, markersize=7,
                          label=role.value)
                   for role, (m, c, _) in _ROLE_STYLE.items()
                   if any(r.role is role for r in network.routers.values())]
        if express:
            handles += [Line2D([], [], color=_PLANE_COLOURS[p % len(_PLANE_COLOURS)], lw=1.8,
                               label=f"plane {p}") for p in range(network.planes)]
        kinds = {lk.kind for lk in network.links.values()}
        handles += [Line2D([], [], color=_KIND_COLOUR[k], lw=1.4, label=f"{k.value} link")
                    for k in LinkKind
                    if k in kinds and not (express and k is LinkKind.LONGHAUL)]
    else:
        handles = [Line2D([], [], marker="o", color="none", markerfacecolor=c, markersize=7,
                          label=f"{kind.value} (size: routers)")
                   for kind, c in _SITE_COLOUR.items()
                   if any(s.kind is kind for s in network.sites.values())]
    handles.append(Line2D([], [], color="#aab4c2", lw=7, alpha=0.6, label="conduit (SRLG)"))
    if any(name.endswith("-2") for name in conduits):
        handles.append(Line2D([], [], color="#c8a165", lw=7, alpha=0.6,
                              linestyle=(0, (2, 1)), label="diverse conduit"))
    for mark in marks:
        handles.append(Line2D([], [], color=mark.colour, lw=3, marker="o", markersize=9,
                              markerfacecolor="none", markeredgecolor=mark.colour,
                              label=mark.label))
    fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False)


def draw_network(network: Network, path: str | Path, *, labels: bool | None = None,
                 marks: Sequence[Mark] = (), title: str | None = None) -> Path:
    """Draw ``network`` to ``path`` (.png, .svg or .pdf) and return the path.

    Up to :data:`DETAIL_LIMIT` routers every router and link is drawn; beyond,
    the map shows sites and conduits only, which stays readable at thousands
    of routers. ``labels`` forces router labels on or off; by default they are
    shown up to 80 routers (site names up to 150 sites, conduit names up to 40
    conduits). ``marks`` highlight elements (see :class:`Mark`); ``title`` replaces
    the title line.
    """
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise TopologyError(f"cannot draw to {out.name!r}: use a .png, .svg or .pdf file")
    detailed = len(network.routers) <= DETAIL_LIMIT
    lay = _layout(network, detailed)
    points = [*lay.routers.values(), *lay.sites.values()]
    pad = 3.5 * lay.radius
    x0, x1 = min(p[0] for p in points) - pad, max(p[0] for p in points) + pad
    y0, y1 = min(p[1] for p in points) - pad, max(p[1] for p in points) + 1.6 * pad
    width = 14.0
    height = min(11.0, max(5.5, width * (y1 - y0) / (x1 - x0) + 1.2))
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    ax.set_facecolor("#f4f7fb")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    conduits = _draw_conduits(ax, network, lay)
    if detailed:
        _draw_routers(ax, network, lay, len(network.routers) <= 80 if labels is None else labels)
    _draw_marks(ax, network, lay, marks)
    _draw_sites(ax, network, lay)
    _legend(fig, network, conduits, detailed, marks)
    view = "" if detailed else ", site-level view"
    ax.set_title(title if title is not None else
                 f"{network.name}: {network.backbone.value} backbone, "
                 f"{len(network.sites)} sites, {len(network.routers)} routers, "
                 f"{len(network.links)} links, {len(conduits)} conduits{view}", fontsize=11)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=fmt, dpi=150)
    return out
