"""A drill at run time: a scenario file made into network states and snapshots.

:func:`load_drill` reads a scenario (a shipped id or a path), loads its
topology, derives every router's intended config, applies the faults and
checks every name the file uses against the network — so a typo in a
scenario is reported with its line before any trainee sees the drill.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from netlab.errors import FaultError, NetlabError, ScenarioError
from netlab.faults import NetworkState, fault_type
from netlab.faults.base import FaultRecord
from netlab.model.network import Network
from netlab.model.types import Vendor
from netlab.render.intent import device_configs
from netlab.scenario.edits import ConfigEdit, apply_edits
from netlab.scenario.schema import ScenarioFile, load_scenario
from netlab.snapshot import Snapshot, layer1_edges, write_snapshot
from netlab.topology.checks import suggest
from netlab.topology.files import load_network
from netlab.yamlfile import LineMap

__all__ = [
    "SCENARIO_DIRS",
    "Drill",
    "DrillSnapshots",
    "build_drill",
    "list_scenarios",
    "load_drill",
    "resolve_scenario",
    "state_snapshot",
    "topology_path",
    "write_state",
]

_PACKAGE = Path(__file__).resolve().parent.parent
SCENARIO_DIRS = (_PACKAGE.parent / "scenarios", _PACKAGE / "_data" / "scenarios")
"""Where shipped scenarios are looked for: a source checkout, then an installed wheel."""


def list_scenarios() -> dict[str, Path]:
    """Shipped scenarios: id → file, sorted by id."""
    found: dict[str, Path] = {}
    for folder in SCENARIO_DIRS:
        if folder.is_dir():
            for file in sorted(folder.glob("*.yaml")):
                found.setdefault(file.stem, file)
            for file in sorted(folder.glob("*/scenario.yaml")):
                found.setdefault(file.parent.name, file)
    return dict(sorted(found.items()))


def resolve_scenario(id_or_path: str | Path) -> Path:
    """The file a scenario ID or PATH refers to."""
    if isinstance(id_or_path, Path):
        return id_or_path
    text = str(id_or_path)
    if os.sep in text or "/" in text or text.endswith((".yaml", ".yml")):
        return Path(text)
    shipped = list_scenarios()
    if text in shipped:
        return shipped[text]
    raise ScenarioError(f"unknown scenario {text!r}{suggest(text, shipped)}; "
                        f"'netlab scenario list' shows the shipped drills")


@dataclass(frozen=True, slots=True)
class DrillSnapshots:
    """Where a drill's snapshots were written."""

    baseline: Path
    faulted: Path


@dataclass(frozen=True)
class Drill:
    """A loaded, checked scenario: its file, its network and the two states."""

    spec: ScenarioFile
    path: Path
    lines: LineMap
    network: Network
    baseline: NetworkState
    faulted: NetworkState

    @property
    def fix(self) -> list[ConfigEdit]:
        return [f.to_edit() for f in self.spec.fix]

    @property
    def real_faults(self) -> tuple[FaultRecord, ...]:
        """Faults that are not red herrings, in file order."""
        herrings = [f.red_herring for f in self.spec.faults]
        return tuple(r for r, h in zip(self.faulted.faults, herrings, strict=True) if not h)

    @property
    def starts(self) -> tuple[float, ...]:
        """Each fault's start minute on the drill clock (``at_minute``), in file order."""
        return tuple(f.at_minute for f in self.spec.faults)

    def line(self, *path: str | int) -> int | None:
        return self.lines.line_of(path)

    def edited(self, edits: Sequence[ConfigEdit]) -> NetworkState:
        """The faulted state with config edits applied (physical failures stay)."""
        return dataclasses.replace(self.faulted,
                                   configs=apply_edits(self.faulted.configs, list(edits)))

    def write(self, workdir: Path, *, overwrite: bool = False) -> DrillSnapshots:
        """Write the baseline and faulted snapshots under ``workdir``."""
        base = write_state(self.baseline, workdir / "baseline", overwrite=overwrite)
        faulted = write_state(self.faulted, workdir / "faulted", overwrite=overwrite,
                              starts=self.starts)
        return DrillSnapshots(base, faulted)


def _records(state: NetworkState, starts: Sequence[float]) -> list[dict[str, object]]:
    """Fault records as ``state.json`` keeps them, each with its ``start_minute``."""
    out = []
    for i, rec in enumerate(state.faults):
        data = rec.to_json()
        data["start_minute"] = float(starts[i]) if i < len(starts) else 0.0
        out.append(data)
    return out


def write_state(state: NetworkState, out: Path, *, overwrite: bool = False,
                starts: Sequence[float] = ()) -> Path:
    """Write a NetworkState as a snapshot directory (fault start minutes recorded)."""
    return write_snapshot(state.network, state.configs, out, failures=state.failures,
                          faults=_records(state, starts), overwrite=overwrite)


def topology_path(spec: ScenarioFile, path: Path) -> str | Path:
    """What ``spec.topology`` names: a shipped topology, or a file relative to ``path``."""
    ref = spec.topology
    if "/" in ref or ref.endswith((".yaml", ".yml")):
        candidate = Path(ref)
        return candidate if candidate.is_absolute() else path.parent / candidate
    return ref


def _check_names(spec: ScenarioFile, network: Network, path: Path, lines: LineMap) -> None:
    try:
        fault_type(spec.answer.root_cause)
    except FaultError as exc:
        raise ScenarioError(f"answer.root_cause: {exc.message}", path=path,
                            line=lines.line_of(("answer", "root_cause"))) from None
    loc = spec.answer.location
    checks = (("router", loc.router, network.routers), ("link", loc.link, network.links),
              ("srlg", loc.srlg, network.srlgs()))
    for key, value, known in checks:
        if value is not None and value not in known:
            raise ScenarioError(f"answer.location.{key}: no {key} {value!r} in "
                                f"{network.name}{suggest(value, known)}", path=path,
                                line=lines.line_of(("answer", "location", key)))
    from netlab.engines.base import Question

    for i, check in enumerate(spec.checks):
        try:
            Question.parse(check.question)
        except NetlabError as exc:
            raise ScenarioError(f"checks[{i}].question: {exc.message}", path=path,
                                line=lines.line_of(("checks", i, "question"))) from None


def load_drill(id_or_path: str | Path, *, vendor: Vendor | None = None) -> Drill:
    """Load a scenario and build its baseline and faulted network states.

    ``vendor`` renders every router as that vendor (all-FRR for the live lab).
    """
    path = resolve_scenario(id_or_path)
    spec, lines = load_scenario(path)
    return build_drill(spec, path, lines, vendor=vendor)


def build_drill(spec: ScenarioFile, path: Path, lines: LineMap | None = None, *,
                vendor: Vendor | None = None) -> Drill:
    """A drill from an already validated scenario (``path`` anchors relative topologies
    and error messages; ``lines`` gives their line numbers)."""
    lines = lines if lines is not None else LineMap()
    try:
        network = load_network(topology_path(spec, path))
    except NetlabError as exc:
        raise ScenarioError(f"topology {spec.topology!r}: {exc}", path=path,
                            line=lines.line_of(("topology",))) from None
    _check_names(spec, network, path, lines)
    baseline = NetworkState(network, device_configs(network, vendor))
    state = baseline
    for i, fault in enumerate(spec.faults):
        try:
            state = fault_type(fault.type).apply(state, fault.params)
        except FaultError as exc:
            key = "type" if "unknown fault type" in exc.message else "params"
            raise ScenarioError(exc.message, path=path,
                                line=lines.line_of(("faults", i, key))) from None
    drill = Drill(spec, path, lines, network, baseline, state)
    configs = dict(state.configs)
    for i, edit in enumerate(drill.fix):
        try:
            configs = apply_edits(configs, [edit])
        except ScenarioError as exc:
            key = "router" if "unknown router" in exc.message else "path"
            raise ScenarioError(f"fix[{i}]: {exc.message}", path=path,
                                line=lines.line_of(("fix", i, key))) from None
    return drill


def state_snapshot(state: NetworkState, path: Path | None = None,
                   starts: Sequence[float] = ()) -> Snapshot:
    """A NetworkState as an in-memory snapshot (nothing written): what an engine reads.

    ``path`` only names it in messages; it need not exist.
    """
    return Snapshot(path=path or Path(f"<{state.network.name}>"), network=state.network,
                    failures=state.failures, configs=dict(state.configs),
                    layer1=layer1_edges(state.network, state.configs, state.failures),
                    faults=tuple(_records(state, starts)))
