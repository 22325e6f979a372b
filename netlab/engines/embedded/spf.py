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

:func:`without` is the incremental what-if: only the (source, destination)
entries with some shortest path over a removed edge can change; they are
re-solved by relaxation from the entries that provably stay the same, and only
the ECMP masks next to a changed entry are recomputed. A core-link failure on a
1,000-router backbone moves a few thousand of the million entries.

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
from functools import cached_property

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["Graph", "Spf", "SpfDelta", "distinct", "solve", "without"]

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
        order, bounds = _grouped(self.tail, self.n)
        return [order[bounds[i]:bounds[i + 1]] for i in range(self.n)]


def _grouped(ends: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Edge ids grouped by ``ends`` (their tails or heads), in edge order within a node,
    and each node's offset into them (``n + 1`` offsets)."""
    order = np.argsort(ends, kind="stable")
    return order, np.searchsorted(ends[order], np.arange(n + 1))


@dataclass(frozen=True)
class Spf:
    """All-pairs SPF of one level: distances, transit distances and ECMP edge masks."""

    graph: Graph
    dist: FloatArray  # (n, n): cost from s to d as s routes
    transit: FloatArray  # (n, n): cost from s to d never transiting an overloaded node
    on_path: BoolArray  # (edges, n)
    out: list[IntArray]

    @cached_property
    def padded_out(self) -> IntArray:
        """(n, max out-degree): the edge ids leaving each node, padded with -1."""
        return _padded(*self.csr_out)

    @cached_property
    def padded_in(self) -> IntArray:
        """(n, max in-degree): the edge ids entering each node, padded with -1."""
        return _padded(*self.csr_in)

    @cached_property
    def csr_out(self) -> tuple[IntArray, IntArray]:
        """Edge ids grouped by tail, and each node's offset into them."""
        return _grouped(self.graph.tail, self.graph.n)

    @cached_property
    def csr_in(self) -> tuple[IntArray, IntArray]:
        """Edge ids grouped by head, and each node's offset into them."""
        return _grouped(self.graph.head, self.graph.n)

    def next_hop_edges(self, s: int, d: int) -> IntArray:
        """Edges out of ``s`` that start a shortest path to ``d`` (empty if none or s == d)."""
        edges = self.out[s]
        picked: IntArray = edges[self.on_path[edges, d]]
        return picked


def _padded(order: IntArray, starts: IntArray) -> IntArray:
    deg = np.diff(starts)
    width = int(deg.max()) if len(deg) else 0
    out = np.full((len(deg), max(1, width)), -1, dtype=np.int64)
    rows = np.repeat(np.arange(len(deg)), deg)
    cols = np.arange(len(order)) - np.repeat(starts[:-1], deg)
    out[rows, cols] = order
    return out


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
    """What a failure changes, as sparse entries over the base SPF.

    Every (live source, live destination) whose distance changed is listed once,
    sorted, with its new distance; a dead router's row and column become
    unreachable. ``on_path`` entries outside (``mask_edges[k]``, ``mask_cols[k]``)
    are unchanged except for dead edges and dead columns (all False).
    """

    base: Spf
    graph: Graph  # the graph with the failed edges dead
    changed_src: IntArray  # sorted by (source, destination)
    changed_dst: IntArray
    new_dist: FloatArray  # the new distance of each changed entry
    mask_edges: IntArray  # on_path entries recomputed: edge ...
    mask_cols: IntArray  # ... and destination
    mask_vals: BoolArray  # ... and the new value
    dead_edges: IntArray  # edges removed (on_path all False)
    dead_nodes: IntArray

    @cached_property
    def affected(self) -> IntArray:
        """Sources whose row changed: those with a changed entry, and the dead."""
        return distinct(np.concatenate([self.changed_src, self.dead_nodes]))

    @cached_property
    def _keys(self) -> IntArray:
        keys: IntArray = self.changed_src * self.graph.n + self.changed_dst
        return keys

    @cached_property
    def _dead(self) -> frozenset[int]:
        return frozenset(self.dead_edges.tolist())

    @cached_property
    def _dead_nodes(self) -> frozenset[int]:
        return frozenset(self.dead_nodes.tolist())

    @cached_property
    def _flips(self) -> dict[tuple[int, int], bool]:
        return dict(zip(zip(self.mask_edges.tolist(), self.mask_cols.tolist(), strict=True),
                        self.mask_vals.tolist(), strict=True))

    def row(self, s: int) -> FloatArray:
        """The distances from ``s`` after the failure."""
        n = self.graph.n
        out: FloatArray
        if s in self._dead_nodes:
            out = np.full(n, np.inf)
            out[s] = 0.0
            return out
        out = self.base.dist[s].copy()
        lo, hi = np.searchsorted(self._keys, [s * n, (s + 1) * n])
        out[self.changed_dst[lo:hi]] = self.new_dist[lo:hi]
        out[self.dead_nodes] = np.inf
        return out

    def mask(self, edge: int, dest: int) -> bool:
        """``on_path[edge, dest]`` after the failure."""
        if edge in self._dead or dest in self._dead_nodes:
            return False
        got = self._flips.get((edge, dest))
        return bool(self.base.on_path[edge, dest]) if got is None else got

    def applied(self) -> Spf:
        """The full SPF after the failure (the base copied, the delta applied)."""
        b = self.base
        dist = b.dist.copy()
        dist[self.changed_src, self.changed_dst] = self.new_dist
        transit = b.transit.copy()
        plain = ~self.graph.overloaded[self.changed_src]
        transit[self.changed_src[plain], self.changed_dst[plain]] = self.new_dist[plain]
        on_path = b.on_path.copy()
        on_path[self.mask_edges, self.mask_cols] = self.mask_vals
        on_path[self.dead_edges] = False
        for d in self.dead_nodes:
            dist[d] = transit[d] = np.inf
            dist[:, d] = transit[:, d] = np.inf
            dist[d, d] = transit[d, d] = 0.0
            on_path[:, d] = False
        return Spf(self.graph, dist, transit, on_path, b.out)


def without(spf: Spf, dead_edges: IntArray, dead_nodes: IntArray | None = None) -> SpfDelta:
    """The SPF with ``dead_edges`` (and every edge of ``dead_nodes``) removed, incrementally.

    Removing edges only makes distances grow, and a single failure makes few grow:

    1. **Which entries grow** — exactly, by a search up the shortest-path DAGs from
       the removed edges (:func:`_grown`).
    2. **Their new values.** Every other entry keeps its distance, so the grown
       entries are solved by Bellman-Ford relaxation over the live edges *into*
       their destinations only, starting from infinity, with the unchanged entries
       as fixed boundary values: exact, in proportion to the entries that move
       instead of a Dijkstra per affected source. An overloaded source's own row is
       the best of its edges plus its neighbours' new transit rows.
    3. **ECMP masks.** ``on_path[e, d]`` depends on ``dist[tail(e), d]`` and
       ``transit[head(e), d]`` only, so only the entries of edges leaving or
       entering a router at a destination whose distance from it changed are
       recomputed.
    """
    g = spf.graph
    n = g.n
    dead = np.zeros(len(g.tail), dtype=bool)
    dead[np.asarray(dead_edges, dtype=np.int64)] = True
    nodes = np.asarray(dead_nodes if dead_nodes is not None else [], dtype=np.int64)
    is_dead = np.zeros(n, dtype=bool)
    is_dead[nodes] = True
    dead |= is_dead[g.tail] | is_dead[g.head]
    dead &= g.live
    alive = g.live & ~dead
    g2 = Graph(n, g.tail, g.head, g.weight, g.overloaded, alive)
    removed = np.flatnonzero(dead)
    src, dst, grown = _grown(spf, alive, removed, is_dead)
    keys = src * n + dst
    order = np.argsort(keys, kind="stable")
    src, dst, keys = src[order], dst[order], keys[order]
    # where each grown entry sits in keys (read only where ``grown`` is set; int32 and
    # uninitialised, so only the pages holding grown entries are ever touched)
    pos = np.empty((n, n), dtype=np.int32)
    pos[src, dst] = np.arange(len(keys), dtype=np.int32)
    new = np.full(len(keys), np.inf)
    over = g.overloaded[src]
    plain = np.flatnonzero(~over)
    _relax(spf, g2, pos, grown, src, dst, new, plain)
    if over.any():
        transit = _overlay(spf, keys[plain], new[plain])
        over_src = distinct(src[over])
        rows = _own_rows(g2, transit, over_src, spf.out)
        at = np.flatnonzero(over)
        new[at] = rows[np.searchsorted(over_src, src[at]), dst[at]]
    mask_edges, mask_cols, mask_vals = _masks(spf, g2, pos, grown, src, dst, new, is_dead)
    return SpfDelta(spf, g2, src, dst, new, mask_edges, mask_cols, mask_vals, removed, nodes)


def distinct(a: IntArray) -> IntArray:
    """The sorted distinct values of ``a`` (sort-based: numpy 2's hashing ``np.unique`` is
    many times slower on the tens of thousands of keys a what-if handles)."""
    if len(a) < 2:
        return np.asarray(a, dtype=np.int64).copy()
    b = np.sort(a)
    keep = np.empty(len(b), dtype=bool)
    keep[0] = True
    np.not_equal(b[1:], b[:-1], out=keep[1:])
    out: IntArray = b[keep]
    return out


def _segments(order: IntArray, starts: IntArray, nodes: IntArray) -> tuple[IntArray, IntArray]:
    """For a CSR (``order`` grouped by node, ``starts`` offsets): every item of each of
    ``nodes`` and, per item, the position in ``nodes`` it belongs to."""
    deg = starts[nodes + 1] - starts[nodes]
    owner = np.repeat(np.arange(len(nodes)), deg)
    within = np.arange(int(deg.sum())) - np.repeat(np.cumsum(deg) - deg, deg)
    return order[np.repeat(starts[nodes], deg) + within], owner


def _lookup(pos: NDArray[np.int32], vals: FloatArray, grown: BoolArray, src: IntArray,
            dst: IntArray, base: FloatArray) -> FloatArray:
    """Per (``src``, ``dst``): its entry of ``vals`` where it grew (at ``pos[src, dst]``),
    else ``base``."""
    out: FloatArray = base.copy()
    hit = grown[src, dst]
    if hit.any():
        out[hit] = vals[pos[src[hit], dst[hit]]]
    return out


def _grown(spf: Spf, alive: BoolArray, removed: IntArray, is_dead: BoolArray
           ) -> tuple[IntArray, IntArray, BoolArray]:
    """Every live (source, destination) whose distance grows when ``removed`` edges go.

    ``dist[p, d]`` grows exactly when every edge starting a shortest path from ``p`` to
    ``d`` (``on_path``) was removed or leads to a router whose distance to ``d`` grows
    (any other first edge costs more than before). So the answer is a search up the
    shortest-path DAGs, from the removed edges' tails toward their predecessors, one
    level at a time for every destination at once: work in proportion to the entries
    that move, not to the million there are. Also returns them as an (n, n) mask.
    """
    g = spf.graph
    n = g.n
    pad_out, pad_in = spf.padded_out, spf.padded_in
    on_path, head, tail = spf.on_path, g.head, g.tail
    grown = np.zeros((n, n), dtype=bool)
    # seeds: the tails of removed edges, at the destinations those edges led to
    seed_keys = [int(tail[e]) * n + np.flatnonzero(on_path[e]) for e in removed.tolist()
                 if not is_dead[tail[e]]]
    keys = distinct(np.concatenate(seed_keys)) if seed_keys else np.zeros(0, dtype=np.int64)
    found_s: list[IntArray] = []
    found_d: list[IntArray] = []
    while len(keys):
        p, d = keys // n, keys % n
        keep = ~is_dead[d] & (p != d) & ~grown[p, d]
        p, d = p[keep], d[keep]
        if not len(p):
            break
        e = pad_out[p]
        valid = e >= 0
        e = np.where(valid, e, 0)
        dd = d[:, None]
        on = on_path[e, dd] & valid
        safe = on & alive[e] & ~grown[head[e], dd]
        now = on.any(axis=1) & ~safe.any(axis=1)
        p, d = p[now], d[now]
        if not len(p):
            break
        grown[p, d] = True
        found_s.append(p)
        found_d.append(d)
        # predecessors over live edges that started a shortest path into them
        e = pad_in[p]
        valid = e >= 0
        e = np.where(valid, e, 0)
        dd = np.broadcast_to(d[:, None], e.shape)
        up = on_path[e, dd] & valid & alive[e]
        keys = distinct(tail[e[up]] * n + dd[up])
    if not found_s:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, grown
    return np.concatenate(found_s), np.concatenate(found_d), grown


def _relax(spf: Spf, g: Graph, pos: NDArray[np.int32], grown: BoolArray, src: IntArray,
           dst: IntArray, new: FloatArray, which: IntArray) -> None:
    """Bellman-Ford for the grown entries ``which`` (entry ``k`` is at ``pos[src[k],
    dst[k]]``): ``new[which]`` becomes their distance over the live edges no overloaded
    router transits, every entry that did not grow being final at its base value."""
    if not len(which):
        return
    n = g.n
    by_head, h_starts = spf.csr_in
    edges, owner = _segments(by_head, h_starts, dst[which])
    usable = g.live[edges] & ~g.overloaded[g.tail[edges]]
    edges, owner = edges[usable], owner[usable]
    if not len(edges):
        return
    c_src, c_tail, c_w = src[which][owner], g.tail[edges], g.weight[edges]
    inner = grown[c_src, c_tail]  # the tail's distance is itself being solved
    pos_in = pos[c_src[inner], c_tail[inner]]
    c_w_in = c_w[inner]
    base = spf.dist[c_src, c_tail] + c_w
    # owner is sorted: one segment per entry that has candidates
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    target = which[owner[starts]]
    for _ in range(n):
        vals = base.copy()
        vals[inner] = new[pos_in] + c_w_in
        best = np.minimum.reduceat(vals, starts)
        better = best < new[target]
        if not better.any():
            return
        new[target[better]] = best[better]


def _masks(spf: Spf, g2: Graph, pos: NDArray[np.int32], grown: BoolArray, src: IntArray,
           dst: IntArray, new: FloatArray, is_dead: BoolArray
           ) -> tuple[IntArray, IntArray, BoolArray]:
    """Recomputed ``on_path`` entries: every live edge leaving or entering a router, at
    each destination whose distance from that router changed."""
    n = g2.n
    if not len(src):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool)
    parts: list[IntArray] = []
    for order, starts in (spf.csr_out, spf.csr_in):
        edge, owner = _segments(order, starts, src)
        parts.append(edge * n + dst[owner])
    key = distinct(np.concatenate(parts))
    e, d = key // n, key % n
    keep = g2.live[e] & ~is_dead[d]
    e, d = e[keep], d[keep]
    tail, head = g2.tail[e], g2.head[e]
    mine = _lookup(pos, new, grown, tail, d, spf.dist[tail, d])
    # an overloaded router's transit row (only itself) never changes
    plain_head = ~g2.overloaded[head]
    got = spf.transit[head, d]
    got[plain_head] = _lookup(pos, new, grown, head[plain_head], d[plain_head],
                              got[plain_head])
    vals = (g2.weight[e] + got == mine) & np.isfinite(mine)
    return e, d, vals


def _overlay(spf: Spf, keys: IntArray, vals: FloatArray) -> _Rows:
    """A row getter over ``spf.transit`` with the sparse entries ``keys`` replaced."""
    n = spf.graph.n

    def get(which: IntArray) -> FloatArray:
        out = spf.transit[which].copy()
        for k, s in enumerate(np.asarray(which).tolist()):
            lo, hi = np.searchsorted(keys, [s * n, (s + 1) * n])
            out[k, keys[lo:hi] - s * n] = vals[lo:hi]
        return out

    return get
