"""The garbage-collector pause restores the collector's state, even on errors."""

from __future__ import annotations

import doctest
import gc

import pytest

from netlab import gcpause
from netlab.gcpause import paused_gc, without_gc


def test_pause_nests_and_restores() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause must not re-enable the outer one
    assert gc.isenabled()


def test_an_error_restores_the_collector() -> None:
    @without_gc
    def boom() -> None:
        assert not gc.isenabled()
        raise ValueError("x")

    with pytest.raises(ValueError):
        boom()
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_doctests() -> None:
    assert doctest.testmod(gcpause).failed == 0


def test_what_the_block_leaves_alive_skips_the_young_generations() -> None:
    gc.collect()
    with paused_gc():
        kept = [[i] for i in range(5000)]
    assert gc.get_count()[0] < 100  # resuming does not owe a scan of the 5,000 lists
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert not any(id(x) in young for x in kept)
    assert any(o is kept for o in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_made_in_the_block_is_still_freed() -> None:
    import weakref

    class Node:
        other: object = None

    with paused_gc():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
    assert gone() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert gone() is None


def test_objects_frozen_by_someone_else_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            _ = [[i] for i in range(100)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
