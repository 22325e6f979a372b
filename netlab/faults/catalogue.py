"""The fault catalogue: every fault type netlab can inject, by name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from random import Random
from typing import Any

from netlab.errors import FaultError
from netlab.faults.base import FaultType, NetworkState
from netlab.faults.bgp import BGP_FAULTS
from netlab.faults.isis import ISIS_FAULTS
from netlab.faults.physical import PHYSICAL_FAULTS
from netlab.topology.checks import suggest

__all__ = ["CATALOGUE", "apply_faults", "fault_type", "pick_params"]

CATALOGUE: Mapping[str, FaultType] = {
    f.name: f for f in (*PHYSICAL_FAULTS, *ISIS_FAULTS, *BGP_FAULTS)
}


def fault_type(name: str) -> FaultType:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise FaultError(f"unknown fault type {name!r}{suggest(name, CATALOGUE)}; "
                         f"'netlab fault list' shows them all") from None


def pick_params(fault: FaultType, state: NetworkState, rng: Random) -> dict[str, Any]:
    """Valid random parameters for ``fault`` on this network (defaults filled in)."""
    picked = fault.pick(state, rng)
    if picked is None:
        raise FaultError(f"fault {fault.name}: nowhere in {state.network.name} to apply it")
    return fault.check_params(state, picked)


def apply_faults(state: NetworkState, faults: Iterable[tuple[str, Mapping[str, Any]]]
                 ) -> NetworkState:
    """Apply several faults in order (they compose: red herrings, double failures)."""
    for name, params in faults:
        state = fault_type(name).apply(state, params)
    return state


def names(category: str | None = None) -> Sequence[str]:
    return [n for n, f in CATALOGUE.items() if category is None or f.category == category]
