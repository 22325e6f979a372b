"""An incident: the network before and after its faults, on a simulated clock.

:class:`Incident` is the one object the evidence modules (alerts, syslog,
show output, counters, packet captures), the drill console and the workspace
mode read. Everything it shows is derived from the **engine's answers** on
the baseline snapshot (the unfaulted network) and on the faulted snapshot,
plus the clock for faults that change with time (:mod:`netlab.evidence.clock`).

:func:`build_incident` makes one from a topology and a list of faults,
writing both snapshots into a work directory; :func:`load_incident` reads one
back from two snapshot directories (what ``netlab fault inject`` wrote).

A fault may start later than minute 0 (``("link-down", {...}, 2.5)``): its
start minute is recorded beside its record in the snapshot's ``state.json``
(key ``start_minute``) so a snapshot read back keeps the same timeline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlab.engines.base import Engine
from netlab.errors import FaultError, SnapshotError
from netlab.evidence.clock import DEFAULT_PAGE_MINUTE, FlapCycle, OpticDecay, SimClock
from netlab.faults import FaultRecord, NetworkState, fault_type
from netlab.model.network import Network
from netlab.model.types import Vendor
from netlab.snapshot import read_snapshot, write_snapshot
from netlab.snapshot.layout import Snapshot

__all__ = [
    "BASELINE_DIR",
    "FAULTED_DIR",
    "FaultSpec",
    "Incident",
    "apply_specs",
    "baseline_state",
    "build_incident",
    "default_engine",
    "fault_records",
    "fault_starts",
    "load_incident",
    "state_of",
    "write_state",
]

BASELINE_DIR = "baseline"
FAULTED_DIR = "faulted"

FaultSpec = tuple[str, Mapping[str, Any]] | tuple[str, Mapping[str, Any], float]
"""A fault to inject: (type, params) or (type, params, start minute)."""


def default_engine() -> Engine:
    """The embedded engine (in-process, no server): netlab's default grader."""
    from netlab.engines.embedded import EmbeddedEngine

    engine: Engine = EmbeddedEngine()
    return engine


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident: baseline and faulted snapshots, the faults, the clock and the engine."""

    baseline: Snapshot
    faulted: Snapshot
    state: NetworkState
    clock: SimClock
    engine: Engine

    def at(self, minute: float) -> Incident:
        """The same incident asked about at another ``minute`` on the clock."""
        return dataclasses.replace(self, clock=self.clock.at(minute))

    @property
    def network(self) -> Network:
        return self.faulted.network

    @property
    def faults(self) -> tuple[FaultRecord, ...]:
        return self.state.faults

    def fault_start(self, index: int) -> float:
        """The minute fault number ``index`` (in :attr:`faults` order) starts."""
        return self.clock.start_of(index)

    def static_faults(self) -> tuple[tuple[int, FaultRecord], ...]:
        """(index, record) of the faults the faulted snapshot shows.

        Time-varying faults (a flapping link, a degrading optic) leave the snapshot
        as it was; their evidence comes from the clock.
        """
        from netlab.faults import CATALOGUE

        return tuple((i, f) for i, f in enumerate(self.faults)
                     if f.type not in CATALOGUE or not CATALOGUE[f.type].time_varying)

    @property
    def first_change_minute(self) -> float:
        """When the earliest fault the snapshot shows starts (0 if there is none)."""
        return min((self.fault_start(i) for i, _ in self.static_faults()), default=0.0)

    @property
    def flaps(self) -> tuple[FlapCycle, ...]:
        """Every flapping link (link-flap faults), with its cycle."""
        out = []
        for i, f in enumerate(self.faults):
            if f.type == "link-flap":
                out.append(FlapCycle(str(f.params["link"]), self.fault_start(i),
                                     float(f.params["period"]), float(f.params["down"])))
        return tuple(out)

    @property
    def optics(self) -> tuple[OpticDecay, ...]:
        """Every degrading receiver (optic-degrade faults)."""
        out = []
        for i, f in enumerate(self.faults):
            if f.type == "optic-degrade":
                out.append(OpticDecay(str(f.params["link"]), str(f.params["router"]),
                                      self.fault_start(i), self.clock.page_minute,
                                      float(f.params["loss"]), float(f.params["growth"])))
        return tuple(out)


# -- building ---------------------------------------------------------------------------------
def baseline_state(network: Network, vendor: Vendor | None = None) -> NetworkState:
    """The unfaulted NetworkState of ``network``: every router's intended config."""
    from netlab.render.intent import device_configs

    return NetworkState(network, device_configs(network, vendor))


def _split(spec: FaultSpec) -> tuple[str, Mapping[str, Any], float]:
    if len(spec) == 3:
        name, params, start = spec
        return str(name), params, float(start)
    name, params = spec
    return str(name), params, 0.0


def apply_specs(state: NetworkState, specs: Iterable[FaultSpec]
                ) -> tuple[NetworkState, tuple[float, ...]]:
    """Apply faults in order; return the faulted state and each fault's start minute."""
    starts: list[float] = []
    for spec in specs:
        name, params, start = _split(spec)
        if start < 0:
            raise FaultError(f"fault {name}: start minute {start:g} is before minute 0")
        state = fault_type(name).apply(state, params)
        starts.append(start)
    return state, tuple(starts)


def fault_records(state: NetworkState, starts: Sequence[float] = ()) -> list[dict[str, Any]]:
    """The JSON of every fault record, with its start minute (``state.json`` ``faults``)."""
    out = []
    for i, rec in enumerate(state.faults):
        data = rec.to_json()
        data["start_minute"] = float(starts[i]) if i < len(starts) else 0.0
        out.append(data)
    return out


def write_state(state: NetworkState, out_dir: Path | str, *, starts: Sequence[float] = (),
                vendor: Vendor | None = None, overwrite: bool = False) -> Path:
    """Write a NetworkState (faults applied or not) as a snapshot directory."""
    return write_snapshot(state.network, state.configs, out_dir, failures=state.failures,
                          faults=fault_records(state, starts), overwrite=overwrite,
                          vendor=vendor)


def build_incident(network_or_name: Network | str | Path, faults: Iterable[FaultSpec], *,
                   workdir: Path | str, engine: Engine | None = None,
                   page_minute: float = DEFAULT_PAGE_MINUTE, vendor: Vendor | None = None,
                   overwrite: bool = False) -> Incident:
    """Inject ``faults`` into a network and write ``workdir/baseline`` and ``workdir/faulted``.

    ``network_or_name`` is a Network, a shipped topology name or a topology
    file. Every fault's parameters are checked against the network first
    (:class:`~netlab.errors.FaultError` with a did-you-mean on a bad one), so a
    bad fault leaves nothing written.
    """
    from netlab.topology.files import load_network

    network = (network_or_name if isinstance(network_or_name, Network)
               else load_network(network_or_name))
    base = baseline_state(network, vendor)
    faulted, starts = apply_specs(base, faults)
    root = Path(workdir)
    write_state(base, root / BASELINE_DIR, vendor=vendor, overwrite=overwrite)
    write_state(faulted, root / FAULTED_DIR, starts=starts, vendor=vendor, overwrite=overwrite)
    return load_incident(root / FAULTED_DIR, root / BASELINE_DIR, engine=engine,
                         page_minute=page_minute)


# -- reading back -----------------------------------------------------------------------------
def fault_starts(snapshot: Snapshot) -> tuple[float, ...]:
    """The start minute of every fault recorded in a snapshot (0 where none is)."""
    out = []
    for data in snapshot.faults:
        value = data.get("start_minute", 0.0)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise SnapshotError(f"fault start_minute must be a number, got {value!r}",
                                path=snapshot.path / "netlab" / "state.json")
        out.append(float(value))
    return tuple(out)


def state_of(snapshot: Snapshot) -> NetworkState:
    """The NetworkState a snapshot shows: its parsed configs, failures and fault records."""
    try:
        records = tuple(FaultRecord.from_json(f) for f in snapshot.faults)
    except (KeyError, TypeError, AttributeError) as exc:
        raise SnapshotError(f"malformed fault record ({exc})",
                            path=snapshot.path / "netlab" / "state.json") from None
    return NetworkState(snapshot.network, dict(snapshot.configs), snapshot.failures, records)


def load_incident(faulted: Path | str | Snapshot, baseline: Path | str | Snapshot, *,
                  engine: Engine | None = None, page_minute: float = DEFAULT_PAGE_MINUTE,
                  now_minute: float | None = None) -> Incident:
    """An incident from a faulted and a baseline snapshot (directories or read snapshots)."""
    fsnap = faulted if isinstance(faulted, Snapshot) else read_snapshot(faulted)
    bsnap = baseline if isinstance(baseline, Snapshot) else read_snapshot(baseline)
    if fsnap.network.name != bsnap.network.name:
        raise SnapshotError(f"baseline is network {bsnap.network.name!r}, faulted snapshot is "
                            f"{fsnap.network.name!r}", path=bsnap.path)
    if set(fsnap.network.routers) != set(bsnap.network.routers):
        raise SnapshotError("baseline and faulted snapshots have different routers",
                            path=bsnap.path)
    clock = SimClock(page_minute=page_minute,
                     now_minute=page_minute if now_minute is None else now_minute,
                     fault_starts=fault_starts(fsnap))
    return Incident(bsnap, fsnap, state_of(fsnap), clock,
                    engine if engine is not None else default_engine())
