"""Shortest paths for IS-IS: all-pairs distances and ECMP next hops on a compiled kernel.

The adjacency graph of one level is a set of directed edges (tail, head,
metric). :func:`solve` computes, with ``scipy.sparse.csgraph.dijkstra``:

* ``dist[s, d]`` — the cost of the best path from ``s`` to ``d`` as ``s`` sees it;
* ``on_path[e, d]`` — whether edge ``e`` starts a shortest path from its tail to
  ``d``: ``w(e) + transit[head(e), d] == dist[tail(e), d]``, vectorised with numpy.
  The ECMP next hops of ``s`` toward ``d`` are the edges out of ``s`` with
  ``on_path`` set.

**Overload** (the IS-IS overload bit): no path may *transit* an overloaded router,
but it remains a destination, and it still routes its own traffic. Distances
are computed on the graph without the overloaded routers' outgoing edges
(``transit``), and an overloaded source's own row is the best of its edges plus
its neighbours' transit distances.

:func:`without` is the incremental what-if: only sources for which a removed
edge lay on some shortest path (``dist[s, u] + w == dist[s, v]``) are
recomputed; every other source's row, and the ``on_path`` rows of every edge
leaving it, provably stay the same.

Examples
--------
>>> import numpy as np
>>> g = Graph(3, np.array([0, 1, 0, 2]), np.array([1, 2, 2, 1]), np.array([1., 1., 5., 1.]),
...           np.zeros(3, dtype=bool))
>>> s = solve(g)
>>> s.dist[0].tolist(), s.next_hop_edges(0, 2).tolist()
([0.0, 1.0, 2.0], [0])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["Graph", "Spf", "SpfDelta", "solve", "without"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
_Rows = Callable[[IntArray], FloatArray]


@dataclass(frozen=True)
class Graph:
    """Directed edges of one IS-IS level over ``n`` nodes (parallel edges allowed)."""

    n: int
    tail: IntArray
    head: IntArray
    weight: FloatArray
    overloaded: BoolArray
    alive: BoolArray | None = None  # edges still present (None = all)

    @property
    def live(self) -> BoolArray:
        return np.ones(len(self.tail), dtype=bool) if self.alive is None else self.alive

    def matrix(self, transit_only: bool = True) -> csr_matrix:
        """The sparse matrix of the cheapest live edge per (tail, head)."""
        keep = self.live.copy()
        if transit_only:
            keep &= ~self.overloaded[self.tail]
        t, h, w = self.tail[keep], self.head[keep], self.weight[keep]
        order = np.lexsort((w, h, t))
        t, h, w = t[order], h[order], w[order]
        first = np.ones(len(t), dtype=bool)
        first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
        return csr_matrix((w[first], (t[first], h[first])), shape=(self.n, self.n))

    def out_edges(self) -> list[IntArray]:
        """Edge ids leaving each node (live or not), in edge order."""
        order = np.argsort(self.tail, kind="stable")
        bounds = np.searchsorted(self.tail[order], np.arange(self.n + 1))
        return [order[bounds[i]:bounds[i + 1]] for i in range(self.n)]


@dataclass(frozen=True)
class Spf:
    """All-pairs SPF of one level: distances, transit distances and ECMP edge masks."""

    graph: Graph
    dist: FloatArray  # (n, n): cost from s to d as s routes
    transit: FloatArray  # (n, n): cost from s to d never transiting an overloaded node
    on_path: BoolArray  # (edges, n)
    out: list[IntArray]

    def next_hop_edges(self, s: int, d: int) -> IntArray:
        """Edges out of ``s`` that start a shortest path to ``d`` (empty if none or s == d)."""
        edges = self.out[s]
        picked: IntArray = edges[self.on_path[edges, d]]
        return picked


def _own_rows(g: Graph, transit: _Rows, sources: IntArray, out: list[IntArray]
              ) -> FloatArray:
    """Rows of ``dist`` for overloaded ``sources``: best edge + neighbour's transit cost."""
    live = g.live
    rows = np.full((len(sources), g.n), np.inf)
    for k, s in enumerate(sources):
        edges = out[s][live[out[s]]]
        if len(edges):
            rows[k] = np.min(g.weight[edges][:, None] + transit(g.head[edges]), axis=0)
        rows[k, s] = 0.0
    return rows


CHUNK = 1024  # edges per block: bounds the float temporaries to CHUNK x n


def _on_path(g: Graph, dist: FloatArray, transit: FloatArray, edges: IntArray) -> BoolArray:
    mask: BoolArray = np.zeros((len(edges), dist.shape[1]), dtype=bool)
    live = g.live
    for lo in range(0, len(edges), CHUNK):
        e = edges[lo:lo + CHUNK]
        mine = dist[g.tail[e]]
        got = g.weight[e][:, None] + transit[g.head[e]]
        np.equal(got, mine, out=mask[lo:lo + CHUNK])
        mask[lo:lo + CHUNK] &= np.isfinite(mine) & live[e][:, None]
    return mask


def solve(g: Graph) -> Spf:
    """All-pairs shortest paths and ECMP masks of ``g``."""
    transit = np.asarray(dijkstra(g.matrix(), directed=True), dtype=np.float64)
    dist = transit
    out = g.out_edges()
    over = np.flatnonzero(g.overloaded)
    if len(over):
        dist = transit.copy()
        dist[over] = _own_rows(g, lambda idx: transit[idx], over, out)
        for s in over:  # nobody transits s: its transit row reaches only itself
            transit[s] = np.inf
            transit[s, s] = 0.0
    edges = np.arange(len(g.tail))
    return Spf(g, dist, transit, _on_path(g, dist, transit, edges), out)


@dataclass(frozen=True)
class SpfDelta:
    """What a failure changes: new rows for the affected sources only.

    Rows of sources outside ``affected`` are unchanged, except that every column
    of a dead node becomes unreachable (``applied`` does that too).
    """

    base: Spf
    graph: Graph  # the graph with the failed edges dead
    affected: IntArray  # sources whose rows were recomputed
    dist: FloatArray  # (len(affected), n)
    edges: IntArray  # live edges whose on_path entries were recomputed ...
    cols: IntArray  # ... in these destination columns (every other entry is unchanged)
    on_path: BoolArray  # (len(edges), len(cols))
    dead_edges: IntArray  # edges removed (on_path all False)
    dead_nodes: IntArray

    def mask(self, edge: int, dest: int) -> bool:
        """``on_path[edge, dest]`` after the failure."""
        return bool(self.applied_mask_row(edge)[dest])

    def applied_mask_row(self, edge: int) -> BoolArray:
        """The whole ``on_path`` row of ``edge`` after the failure."""
        row: BoolArray = self.base.on_path[edge].copy()
        if edge in self._dead:
            row[:] = False
            return row
        k = self._edge_pos.get(edge)
        if k is not None:
            row[self.cols] = self.on_path[k]
        row[self.dead_nodes] = False
        return row

    @property
    def _dead(self) -> set[int]:
        return set(self.dead_edges.tolist())

    @property
    def _edge_pos(self) -> dict[int, int]:
        return {int(e): k for k, e in enumerate(self.edges)}

    def applied(self) -> Spf:
        """The full SPF after the failure (the base copied, the delta applied)."""
        b = self.base
        dist = b.dist.copy()
        dist[self.affected] = self.dist
        transit = b.transit.copy()
        plain = ~self.graph.overloaded[self.affected]
        transit[self.affected[plain]] = self.dist[plain]
        on_path = b.on_path.copy()
        on_path[np.ix_(self.edges, self.cols)] = self.on_path
        on_path[self.dead_edges] = False
        for d in self.dead_nodes:
            dist[:, d] = np.inf
            transit[:, d] = np.inf
            dist[d, d] = transit[d, d] = 0.0
            on_path[:, d] = False
        return Spf(self.graph, dist, transit, on_path, b.out)


def without(spf: Spf, dead_edges: IntArray, dead_nodes: IntArray | None = None) -> SpfDelta:
    """The SPF with ``dead_edges`` (and every edge of ``dead_nodes``) removed, incrementally.

    A source's row can only change if it reaches the head ``v`` of a removed edge
    ``u → v`` over that edge (``dist[s, u] + w == dist[s, v]``) *and* its distance to
    ``v`` grows without it; one reverse Dijkstra per distinct head tells which
    (otherwise an equal path to ``v`` avoids the edge, and so every path through
    it has an equal replacement). Only those rows are recomputed, and only the
    ECMP masks of edges leaving or entering them.
    """
    g = spf.graph
    dead = np.zeros(len(g.tail), dtype=bool)
    dead[np.asarray(dead_edges, dtype=np.int64)] = True
    nodes = np.asarray(dead_nodes if dead_nodes is not None else [], dtype=np.int64)
    is_dead = np.zeros(g.n, dtype=bool)
    is_dead[nodes] = True
    dead |= is_dead[g.tail] | is_dead[g.head]
    dead &= g.live
    alive = g.live & ~dead
    g2 = Graph(g.n, g.tail, g.head, g.weight, g.overloaded, alive)
    matrix = g2.matrix()
    removed = np.flatnonzero(dead)
    affected = is_dead.copy()
    heads = sorted({int(g.head[e]) for e in removed if not is_dead[g.head[e]]})
    if heads:
        rev = np.asarray(dijkstra(matrix.T.tocsr(), directed=True, indices=heads),
                         dtype=np.float64).reshape(len(heads), g.n)
        row_of = {v: k for k, v in enumerate(heads)}
        for e in removed:
            u, v, w = int(g.tail[e]), int(g.head[e]), g.weight[e]
            if is_dead[v]:
                continue
            used = spf.dist[:, u] + w == spf.dist[:, v]
            if g.overloaded[u]:
                used &= np.arange(g.n) == u
            grown = rev[row_of[v]] > spf.dist[:, v]
            affected |= used & (grown | g.overloaded)
    src = np.flatnonzero(affected)
    over_mask = g.overloaded[src]
    plain, over = src[~over_mask], src[over_mask]
    rows = np.empty((len(src), g.n))
    if len(plain):
        new = np.asarray(dijkstra(matrix, directed=True, indices=plain), dtype=np.float64)
        rows[~over_mask] = new.reshape(len(plain), g.n)
    transit = _overlay(spf.transit, plain, rows[~over_mask])
    if len(over):
        rows[over_mask] = _own_rows(g2, transit, over, spf.out)
    # Only columns where some recomputed (live) row changed can change any mask entry.
    live_src = ~is_dead[src]
    cols = np.flatnonzero((rows[live_src] != spf.dist[src[live_src]]).any(axis=0)
                          & ~is_dead)
    edges = np.flatnonzero((affected[g.tail] | affected[g.head]) & alive)
    tail_of, head_of = g.tail[edges], g.head[edges]
    mine = _gather(spf.dist, src, rows, tail_of, cols)
    got = _gather(spf.transit, plain, rows[~over_mask], head_of, cols)
    mask = (g.weight[edges][:, None] + got == mine) & np.isfinite(mine)
    return SpfDelta(spf, g2, src, rows, edges, cols, mask, np.flatnonzero(dead), nodes)


def _gather(base: FloatArray, idx: IntArray, rows: FloatArray, which: IntArray,
            cols: IntArray) -> FloatArray:
    """``base[which][:, cols]`` with the rows ``idx`` replaced by ``rows`` (no full copy)."""
    out: FloatArray = base[np.ix_(which, cols)]
    pos = np.full(base.shape[0], -1, dtype=np.int64)
    pos[idx] = np.arange(len(idx))
    p = pos[which]
    sel = p >= 0
    out[sel] = rows[np.ix_(p[sel], cols)]
    return out


def _overlay(base: FloatArray, idx: IntArray, rows: FloatArray) -> _Rows:
    """A row getter over ``base`` with the rows ``idx`` replaced by ``rows`` (no copy)."""
    pos = np.full(base.shape[0], -1, dtype=np.int64)
    pos[idx] = np.arange(len(idx))

    def get(which: IntArray) -> FloatArray:
        out = base[which]
        p = pos[which]
        sel = p >= 0
        out[sel] = rows[p[sel]]
        return out

    return get
