"""Bounded calls: run a blocking function in a worker thread and stop waiting at a deadline.

pybatfish retries a dead service for minutes and polls a work item until the
service says it finished, with no overall limit. netlab never waits like that:
every call into pybatfish (and the probe itself, whose DNS lookup has no
timeout of its own) goes through :func:`run_bounded`, which raises a one-line
:class:`~netlab.errors.EngineError` when the deadline passes. The worker is a
daemon thread, so an abandoned call never keeps the process alive.

Examples
--------
>>> run_bounded(lambda: 6 * 7, 1.0, "the answer")
42
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from netlab.errors import EngineError

__all__ = ["run_bounded"]

T = TypeVar("T")


def run_bounded(fn: Callable[[], T], seconds: float, what: str) -> T:
    """``fn()``, or an EngineError naming ``what`` when it takes longer than ``seconds``.

    Exceptions raised by ``fn`` are re-raised in the caller's thread unchanged.
    """
    result: list[T] = []
    error: list[BaseException] = []

    def work() -> None:
        try:
            result.append(fn())
        except BaseException as exc:  # re-raised below, in the caller's thread
            error.append(exc)

    worker = threading.Thread(target=work, name=f"netlab-bounded: {what}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise EngineError(f"batfish: {what} did not finish within {seconds:g} s; "
                          "the service is busy or unreachable (set NETLAB_BATFISH_TIMEOUT "
                          "to wait longer, or use --engine embedded)")
    if error:
        raise error[0]
    return result[0]
