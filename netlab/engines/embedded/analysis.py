"""The computed control and data plane of one snapshot, built once in dependency order.

::

    Inventory ─► IS-IS adjacencies ─► SPF per level ─► IS-IS routes ─► IGP FIB
        ─► BGP sessions ─► BGP RIBs ─► (max-prefix trips? re-run sessions + RIBs)
        ─► full FIB (connected, static, IS-IS, BGP)

Everything is immutable once built; questions read it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from netlab.engines.base import IPAddress, IsisAdjacencyRow
from netlab.engines.embedded.adjacency import Adjacency, evaluate_adjacencies
from netlab.engines.embedded.bgp_rib import BgpRib
from netlab.engines.embedded.bgp_sessions import SessionTable, evaluate_sessions
from netlab.engines.embedded.fib import Fib
from netlab.engines.embedded.inventory import Inventory
from netlab.engines.embedded.isis_rib import IsisLevelGraph, IsisRib, build_level
from netlab.gcpause import without_gc
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


@without_gc
def analyse(snapshot: Snapshot, clock: Callable[[], float] = time.perf_counter) -> Analysis:
    """Compute the whole analysis of ``snapshot``; ``timings`` holds ``clock`` seconds per stage
    (wall time by default; pass ``time.process_time`` for CPU time)."""
    t: dict[str, float] = {}
    t0 = clock()
    inv = Inventory(snapshot)
    rows, adjacencies = evaluate_adjacencies(inv)
    t["adjacencies"] = clock() - t0
    t0 = clock()
    levels = {2: build_level(inv, adjacencies, 2)}
    if any(1 in a.levels for a in adjacencies):
        levels[1] = build_level(inv, adjacencies, 1)
    isis = IsisRib(inv, levels)
    igp = Fib(inv, isis)
    t["spf"] = clock() - t0
    t0 = clock()
    tripped: frozenset[tuple[str, IPAddress]] = frozenset()
    sessions = evaluate_sessions(inv, igp, tripped)
    t["sessions"] = clock() - t0
    t0 = clock()
    bgp = BgpRib(inv, igp, sessions)
    for _ in range(MAX_PREFIX_ROUNDS):
        more = bgp.tripped() | tripped
        if more == tripped:
            break
        tripped = more
        sessions = evaluate_sessions(inv, igp, tripped)
        bgp = BgpRib(inv, igp, sessions)
    t["bgp"] = clock() - t0
    fib = Fib(inv, isis, bgp, igp=igp)
    return Analysis(snapshot, inv, rows, adjacencies, levels, isis, igp, sessions, bgp, fib,
                    tripped, t)
