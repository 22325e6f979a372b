"""Capacity planning at site level: route demands on IGP shortest paths, size links.

A planner routes each demand over the shortest paths of the fibre map (IS-IS
metrics), splitting equally over equal-cost next hops at every hop, as
routers do with ECMP, and sizes each link so that its busier direction runs
at no more than :data:`TARGET_UTILISATION` of capacity, in 100G steps. Half
the capacity is then held back for failures — enough for one parallel link
to take over its twin's traffic, but not for a whole conduit's traffic to
squeeze onto a detour, so an SRLG cut congests the surviving path.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["STEP_GBPS", "TARGET_UTILISATION", "SpanLoads", "hub_sites", "route_demands",
           "size_capacity"]

TARGET_UTILISATION = 0.5
STEP_GBPS = 100.0

Span = tuple[int, int]
SiteDemand = tuple[int, int, float]


@dataclass(frozen=True, slots=True)
class SpanLoads:
    """Traffic on each span, per direction (Gbps), and what could not be routed."""

    forward: NDArray[np.float64]  # from span[0] to span[1]
    backward: NDArray[np.float64]
    unrouted: float

    def peak(self, span: int) -> float:
        """The busier direction of ``span``."""
        return float(max(self.forward[span], self.backward[span]))


def size_capacity(load_gbps: float, *, target: float = TARGET_UTILISATION,
                  step: float = STEP_GBPS, minimum: float = STEP_GBPS) -> float:
    """Smallest multiple of ``step`` (>= ``minimum``) carrying ``load_gbps`` at ``target``.

    Examples
    --------
    >>> size_capacity(0.0), size_capacity(50.0), size_capacity(50.1), size_capacity(420.0)
    (100.0, 100.0, 200.0, 900.0)
    """
    needed = math.ceil(load_gbps / target / step - 1e-9) * step
    return float(max(minimum, needed))


def _graph(n: int, spans: Sequence[Span], metrics: Sequence[int],
           alive: Sequence[int]) -> csr_matrix:
    rows = [spans[s][0] for s in alive] + [spans[s][1] for s in alive]
    cols = [spans[s][1] for s in alive] + [spans[s][0] for s in alive]
    data = [float(metrics[s]) for s in alive] * 2
    return csr_matrix((data, (rows, cols)), shape=(n, n))


def route_demands(n: int, spans: Sequence[Span], metrics: Sequence[int],
                  demands: Sequence[SiteDemand], failed: Collection[int] = ()) -> SpanLoads:
    """Route site-to-site demands over shortest paths with per-hop equal-cost splitting.

    Parameters
    ----------
    n
        Number of sites (nodes ``0..n-1``).
    spans, metrics
        Fibre spans ``(i, j)`` (at most one per pair) and their IS-IS metrics.
    demands
        ``(src, dst, gbps)`` triples.
    failed
        Indexes of spans that are cut.

    Examples
    --------
    >>> loads = route_demands(3, [(0, 1), (1, 2), (0, 2)], [1, 1, 2], [(0, 2, 10.0)])
    >>> loads.forward.tolist(), loads.backward.tolist()
    ([5.0, 5.0, 5.0], [0.0, 0.0, 0.0])
    """
    cut = set(failed)
    alive = [s for s in range(len(spans)) if s not in cut]
    adj: list[list[tuple[int, int, bool]]] = [[] for _ in range(n)]
    for s in alive:
        a, b = spans[s]
        adj[a].append((b, s, True))
        adj[b].append((a, s, False))
    by_dst: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for src, dst, gbps in demands:
        if src != dst and gbps > 0:
            by_dst[dst][src] += gbps
    forward = np.zeros(len(spans))
    backward = np.zeros(len(spans))
    unrouted = 0.0
    if not by_dst:
        return SpanLoads(forward, backward, unrouted)
    dests = sorted(by_dst)
    dist = dijkstra(_graph(n, spans, metrics, alive), directed=False, indices=dests)
    for row, dst in enumerate(dests):
        d = dist[row]
        flow = np.zeros(n)
        for src, gbps in by_dst[dst].items():
            flow[src] += gbps
        # Farthest first: all traffic into a node arrives from nodes farther away.
        for u in np.argsort(-d, kind="stable").tolist():
            f = flow[u]
            if f == 0.0 or u == dst:
                continue
            if math.isinf(d[u]):
                unrouted += f
                continue
            hops = [(v, s, fw) for v, s, fw in adj[u] if d[v] + metrics[s] == d[u]]
            share = f / len(hops)
            for v, s, fw in hops:
                (forward if fw else backward)[s] += share
                flow[v] += share
    return SpanLoads(forward, backward, unrouted)


def hub_sites(n: int, spans: Sequence[Span], metrics: Sequence[int], count: int) -> list[int]:
    """The ``count`` most central sites (least total IGP distance to all others).

    Route reflectors go there: close to everyone, so a reflected route's
    path is short, and on the best-connected part of the map.
    """
    dist = dijkstra(_graph(n, spans, metrics, range(len(spans))), directed=False)
    dist[np.isinf(dist)] = 0.0
    total = dist.sum(axis=1)
    order = sorted(range(n), key=lambda i: (float(total[i]), i))
    return sorted(order[:min(count, n)])
