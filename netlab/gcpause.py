"""Pause Python's cyclic garbage collector around allocation-heavy batch work.

An analysis of a 1,000-router backbone allocates hundreds of thousands of small
objects (paths, routes, rows) that form no reference cycles. Each allocation
burst triggers the collector, and every full collection walks the whole heap —
the parsed configs and the network included — so on a large snapshot the
collector can take as long as the analysis itself (measured: 1.5 s with it,
0.85 s without, classic 1k; docs/performance.md). Reference counting still frees
everything as usual while the collector is paused; what the block leaves alive
joins the oldest generation when the collector resumes (:func:`_promote_young`),
where full collections free anything cyclic.

:func:`paused_gc` nests, and restores the collector only if it was enabled when
the outermost pause began.

Examples
--------
>>> import gc
>>> with paused_gc():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

__all__ = ["paused_gc", "without_gc"]

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic collector disabled (restored afterwards)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            _promote_young()
            gc.enable()


def _promote_young() -> None:
    """Move every object the block left in the young generations to the oldest one.

    Resuming the collector with ~230,000 new objects in generation 0 (a classic-1k
    analysis) makes the next allocation scan them all (80 ms), and generation 1 scans
    them again later; they are long-lived results, not garbage. ``gc.freeze()`` moves
    every tracked object to the permanent generation and ``gc.unfreeze()`` puts them
    back into the oldest one, so full collections still examine them and anything
    cyclic among them is still freed. Skipped when something else has frozen objects
    (unfreezing would release them too).
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of :func:`paused_gc`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return fn(*args, **kwargs)

    return wrapper
