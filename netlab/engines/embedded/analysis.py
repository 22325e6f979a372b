"""The computed control and data plane of one snapshot, built once in dependency order.

::

    Inventory ─► IS-IS adjacencies ─► SPF per level ─► IS-IS routes ─► IGP FIB
        ─► BGP sessions ─► BGP RIBs ─► (max-prefix trips? re-run sessions + RIBs)
        ─► full FIB (connected, static, IS-IS, BGP)

Everything is immutable once built; questions read it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from netlab.engines.base import IPAddress, IsisAdjacencyRow
from netlab.engines.embedded.adjacency import Adjacency, evaluate_adjacencies
from netlab.engines.embedded.bgp_rib import BgpRib
from netlab.engines.embedded.bgp_sessions import SessionTable, evaluate_sessions
from netlab.engines.embedded.fib import Fib
from netlab.engines.embedded.inventory import Inventory
from netlab.engines.embedded.isis_rib import IsisLevelGraph, IsisRib, build_level
from netlab.snapshot.layout import Snapshot

__all__ = ["Analysis", "analyse"]

MAX_PREFIX_ROUNDS = 10


@dataclass
class Analysis:
    """Every computed table of one snapshot."""

    snapshot: Snapshot
    inv: Inventory
    adjacency_rows: list[IsisAdjacencyRow]
    adjacencies: list[Adjacency]
    levels: dict[int, IsisLevelGraph]
    isis: IsisRib
    igp: Fib
    sessions: SessionTable
    bgp: BgpRib
    fib: Fib
    tripped: frozenset[tuple[str, IPAddress]]
    timings: dict[str, float] = field(default_factory=dict)


def analyse(snapshot: Snapshot) -> Analysis:
    """Compute the whole analysis of ``snapshot`` (timings in seconds per stage)."""
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    inv = Inventory(snapshot)
    rows, adjacencies = evaluate_adjacencies(inv)
    t["adjacencies"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    levels = {2: build_level(inv, adjacencies, 2)}
    if any(1 in a.levels for a in adjacencies):
        levels[1] = build_level(inv, adjacencies, 1)
    isis = IsisRib(inv, levels)
    igp = Fib(inv, isis)
    t["spf"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    tripped: frozenset[tuple[str, IPAddress]] = frozenset()
    sessions = evaluate_sessions(inv, igp, tripped)
    t["sessions"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    bgp = BgpRib(inv, igp, sessions)
    for _ in range(MAX_PREFIX_ROUNDS):
        more = bgp.tripped() | tripped
        if more == tripped:
            break
        tripped = more
        sessions = evaluate_sessions(inv, igp, tripped)
        bgp = BgpRib(inv, igp, sessions)
    t["bgp"] = time.perf_counter() - t0
    fib = Fib(inv, isis, bgp, igp=igp)
    return Analysis(snapshot, inv, rows, adjacencies, levels, isis, igp, sessions, bgp, fib,
                    tripped, t)
