"""The one bounded polling helper of the live lab (and of its tests).

Nothing in the lab waits by sleeping for a guessed time: it states what it is
waiting for as a *check* — a function that returns ``None`` when the state is
reached, or a short human-readable difference when it is not — and calls
:func:`wait_until` with a deadline. When the deadline passes the last
difference seen travels in :class:`~netlab.errors.ConvergenceTimeout`, so a
failure says *what* never happened (``bb1: adjacency to bb2 on eth0-1 is
Initializing``), not just that something timed out.

:class:`Pacer` is the other kind of waiting: a deliberate schedule (a link
flapping every *period* seconds), kept on absolute monotonic times so it
does not drift.

Examples
--------
>>> from netlab.lab.poll import wait_until
>>> seen = []
>>> def check():
...     seen.append(1)
...     return None if len(seen) >= 3 else f"{len(seen)} of 3"
>>> wait_until(check, deadline_s=5, interval=0.001)
3
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from netlab.errors import ConvergenceTimeout

__all__ = ["Check", "Pacer", "wait_until"]

Check = Callable[[], str | None]
"""A check: ``None`` when satisfied, else the difference still outstanding."""


def wait_until(
    check: Check,
    deadline_s: float,
    interval: float = 0.25,
    *,
    what: str = "the expected state",
    on_progress: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Call ``check`` every ``interval`` seconds until it returns ``None``.

    Returns the number of calls made. Raises :class:`ConvergenceTimeout`
    carrying the last difference when ``deadline_s`` seconds pass first (the
    check always runs at least once, and once more at the deadline).
    ``on_progress`` sees every difference (for a progress display); ``stop``
    ends the wait early with a timeout (used to abandon a wait on Ctrl-C).
    """
    if deadline_s < 0 or interval <= 0:
        raise ValueError("deadline_s must be >= 0 and interval > 0")
    start = time.monotonic()
    deadline = start + deadline_s
    waiter = stop or threading.Event()
    calls = 0
    while True:
        calls += 1
        diff = check()
        if diff is None:
            return calls
        if on_progress is not None:
            on_progress(diff)
        now = time.monotonic()
        if now >= deadline or waiter.is_set():
            took = now - start
            raise ConvergenceTimeout(
                f"{what} was not reached within {deadline_s:g} s (waited {took:.1f} s)",
                last_diff=diff,
            )
        waiter.wait(min(interval, max(0.0, deadline - now)))


@dataclass
class Pacer:
    """Marks a schedule: ``pace.wait_for(t)`` returns at ``start + t`` seconds.

    Used for deliberate timing (flapping a link with a period), never to wait
    for a state to be reached — that is :func:`wait_until`'s job.
    """

    start: float = field(default_factory=time.monotonic)
    stop: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, offset_s: float) -> bool:
        """Block until ``offset_s`` seconds after ``start``; False if stopped early."""
        remaining = self.start + offset_s - time.monotonic()
        if remaining > 0:
            return not self.stop.wait(remaining)
        return not self.stop.is_set()
