"""Shared by the fault, alert and syslog tests: incidents on shipped topologies, built once.

A :class:`FaultLab` writes each topology's baseline snapshot once per test session
and reads it back once, so the engine analyses it once; every faulted snapshot
is written into its own directory and compared with that same baseline object.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from random import Random
from typing import Any

import pytest

from netlab.engines.base import Engine
from netlab.evidence.incident import (
    FaultSpec,
    Incident,
    apply_specs,
    baseline_state,
    default_engine,
    load_incident,
    write_state,
)
from netlab.faults import CATALOGUE, NetworkState, pick_params
from netlab.model.types import Vendor
from netlab.snapshot import read_snapshot
from netlab.snapshot.layout import Snapshot
from netlab.topology.files import load_network

__all__ = ["TOPOLOGIES", "FaultLab", "fault_cases", "lab"]

TOPOLOGIES = ("classic-small", "express-small")
SEED = 7


class FaultLab:
    """Incidents on shipped topologies, sharing baselines and one engine."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.engine: Engine = default_engine()
        self._base: dict[tuple[str, Vendor | None], tuple[NetworkState, Snapshot]] = {}

    def base(self, topology: str, vendor: Vendor | None = None
             ) -> tuple[NetworkState, Snapshot]:
        key = (topology, vendor)
        if key not in self._base:
            state = baseline_state(load_network(topology), vendor)
            path = write_state(state, self.root / f"{topology}-{vendor or 'model'}-base",
                               vendor=vendor, overwrite=True)
            self._base[key] = (state, read_snapshot(path))
        return self._base[key]

    def incident(self, topology: str, faults: Sequence[FaultSpec], *,
                 vendor: Vendor | None = None, page_minute: float = 5.0,
                 now_minute: float | None = None) -> Incident:
        state, base = self.base(topology, vendor)
        faulted, starts = apply_specs(state, faults)
        tag = hashlib.sha1(json.dumps([topology, str(vendor), [list(map(str, f))
                                                                for f in faults]],
                                      sort_keys=True).encode()).hexdigest()[:12]
        out = self.root / f"{topology}-{tag}"
        write_state(faulted, out, starts=starts, vendor=vendor, overwrite=True)
        return load_incident(out, base, engine=self.engine, page_minute=page_minute,
                             now_minute=now_minute)

    def picked(self, topology: str, fault: str, seed: int = SEED) -> dict[str, Any] | None:
        """Seeded parameters of ``fault`` on ``topology`` (None where it cannot apply)."""
        state, _ = self.base(topology)
        ft = CATALOGUE[fault]
        if ft.pick(state, Random(seed)) is None:
            return None
        return pick_params(ft, state, Random(seed))


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultLab]:
    yield FaultLab(tmp_path_factory.mktemp("faultlab"))


def fault_cases(known_gaps: dict[tuple[str, str], str] | None = None) -> list[Any]:
    """(topology, fault type) for every type on both shipped small topologies.

    ``known_gaps`` marks cases as strict expected failures (with the reason), so
    a fix elsewhere turns them into a failure that asks for the mark's removal.
    """
    gaps = known_gaps or {}
    return [pytest.param(t, f, id=f"{t}-{f}", marks=[pytest.mark.xfail(
                strict=True, reason=gaps[(t, f)])] if (t, f) in gaps else [])
            for t in TOPOLOGIES for f in CATALOGUE]
