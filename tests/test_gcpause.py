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
