"""A generated site map: sites, fibre spans between them, and a gravity demand model.

Shared by the classic and express generators. Span latencies and metrics are
computed exactly as :func:`~netlab.topology.build.build_network` derives them
for the long-haul links laid on the span, so capacity planning sees the
metrics the IGP will use.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from netlab.model.types import SiteKind
from netlab.topology.cities import City, pick_sites
from netlab.topology.fibre import fibre_map
from netlab.topology.geo import (
    default_metric,
    distance_matrix_km,
    great_circle_km,
    latency_ms,
)
from netlab.topology.schema import SiteSpec

__all__ = ["SiteMap", "gravity_demands", "site_map"]

Span = tuple[int, int]
SiteDemand = tuple[int, int, float]


@dataclass(frozen=True, slots=True)
class SiteMap:
    """Sites in file order, their demand weights, fibre spans and span metrics."""

    sites: tuple[SiteSpec, ...]
    weights: tuple[float, ...]
    spans: tuple[Span, ...]
    latency: tuple[float, ...]
    metrics: tuple[int, ...]
    km_matrix: NDArray[np.float64]  # great-circle distances between sites


    def name(self, index: int) -> str:
        return self.sites[index].name

    def conduit(self, span: int, diverse: bool = False) -> str:
        """SRLG of a span's conduit: ``cdt-<a>-<b>``; its diverse twin ends in ``-2``."""
        a, b = self.spans[span]
        return f"cdt-{self.name(a)}-{self.name(b)}" + ("-2" if diverse else "")

    def km(self, i: int, j: int) -> float:
        return float(self.km_matrix[i, j])


def _spec(city: City, kind: SiteKind) -> SiteSpec:
    return SiteSpec(name=city.code, kind=kind, city=city.name, lat=city.lat, lon=city.lon)


def site_map(pops: int, dcs: int, rng: random.Random, *, neighbours: int = 2) -> SiteMap:
    """PoPs then DCs (real places first), joined by a 2-edge-connected fibre map.

    Each site's demand weight is its place's weight jittered by ±30 % with ``rng``.
    """
    cities = [(c, SiteKind.POP) for c in pick_sites(pops, SiteKind.POP)] + \
        [(c, SiteKind.DC) for c in pick_sites(dcs, SiteKind.DC)]
    sites = tuple(_spec(c, kind) for c, kind in cities)
    spans = tuple(fibre_map([s.lat for s in sites], [s.lon for s in sites],
                            neighbours=neighbours))
    lat = tuple(latency_ms(great_circle_km(sites[a].lat, sites[a].lon, sites[b].lat,
                                           sites[b].lon)) for a, b in spans)
    weights = tuple(c.weight * rng.uniform(0.7, 1.3) for c, _ in cities)
    km = distance_matrix_km(np.array([s.lat for s in sites]), np.array([s.lon for s in sites]))
    return SiteMap(sites=sites, weights=weights, spans=spans, latency=lat,
                   metrics=tuple(default_metric(x) for x in lat), km_matrix=km)


def gravity_demands(smap: SiteMap, sources: Sequence[int], sinks: Sequence[int],
                    rng: random.Random, *, gbps_per_weight: float,
                    fanout: int) -> list[SiteDemand]:
    """Gravity-model traffic between each source and its ``fanout`` most attractive sinks.

    Source ``s`` exchanges ``gbps_per_weight * weight(s)`` (jittered ±25 %),
    split over sinks in proportion to ``weight(t) / (distance + 1000 km)`` — big
    places nearby attract most — keeping the ``fanout`` largest shares (users
    are served from their nearest few data centres). Returns ``(s, t, gbps)``
    with Gbps rounded to 0.1 as written in a file; the caller decides the
    direction.
    """
    out: list[SiteDemand] = []
    sink = np.array(sinks, dtype=int)
    sink_weight = np.array([smap.weights[t] for t in sinks])
    for s in sources:
        total = gbps_per_weight * smap.weights[s] * rng.uniform(0.75, 1.25)
        attraction = sink_weight / (smap.km_matrix[s, sink] + 1000.0)
        attraction[sink == s] = -1.0
        # Largest pulls first, ties by site index; then back in site order.
        order = np.lexsort((sink, -attraction))[:fanout]
        pull = [(float(attraction[k]), int(sink[k])) for k in order if attraction[k] > 0]
        norm = sum(p for p, _ in pull)
        for p, t in sorted(pull, key=lambda x: x[1]):
            gbps = round(total * p / norm, 1)
            if gbps > 0:
                out.append((s, t, gbps))
    return out
