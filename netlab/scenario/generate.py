"""Fresh drills from the fault catalogue: ``netlab scenario generate --seed N``.

:func:`draft_drill` turns faults on a topology into a complete drill (answer
key, reference fix, checks, brief, hints — see :mod:`netlab.scenario.derive`)
and proves it with :func:`~netlab.scenario.soundness.check_drill`;
:func:`generate` picks faults with a seeded random generator until a draft
is sound. The same seed, options and netlab version give the same drill.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

import yaml

from netlab.engines.base import Engine
from netlab.errors import FaultError, ScenarioError
from netlab.faults import CATALOGUE, NetworkState, fault_type, pick_params
from netlab.render.intent import device_configs
from netlab.scenario.checks import run_check
from netlab.scenario.derive import (
    answer_location,
    derive_checks,
    derive_fix,
    describe_edits,
    hints_for,
    page_text,
    title_for,
)
from netlab.scenario.drill import Drill
from netlab.scenario.edits import apply_edits
from netlab.scenario.fingerprint import Observer
from netlab.scenario.schema import CheckSpec, ScenarioFile
from netlab.scenario.soundness import Finding, Level, check_drill
from netlab.topology.files import load_network
from netlab.yamlfile import LineMap

__all__ = [
    "BACKBONE_TOPOLOGIES",
    "FAULT_DIFFICULTY",
    "FAULT_SKILLS",
    "Draft",
    "draft_drill",
    "dump_scenario",
    "generate",
]

FAULT_SKILLS: dict[str, tuple[str, ...]] = {
    "link-down": ("hardware", "capacity", "triage"), "node-down": ("hardware", "triage"),
    "linecard-failure": ("hardware", "capacity"), "srlg-cut": ("hardware", "capacity"),
    "link-flap": ("hardware", "triage"), "optic-degrade": ("optics", "hardware"),
    "interface-admin-down": ("triage", "isis"), "isis-metric": ("isis", "capacity"),
    "isis-overload": ("isis", "capacity"), "isis-level-mismatch": ("isis",),
    "isis-area-mismatch": ("isis",), "isis-not-enabled": ("isis",), "isis-passive": ("isis",),
    "isis-mtu-mismatch": ("isis",), "isis-auth-mismatch": ("isis",),
    "bgp-remote-as": ("bgp",), "bgp-neighbor-typo": ("bgp",), "bgp-update-source": ("bgp",),
    "bgp-next-hop-self": ("bgp",), "bgp-rr-client": ("bgp",),
    "bgp-import-deny": ("bgp", "policy"), "bgp-leak": ("bgp", "policy"),
    "bgp-local-pref": ("bgp", "policy"), "bgp-max-prefix": ("bgp",), "bgp-shutdown": ("bgp",),
    "bgp-password": ("bgp",),
}
"""The skills a drill on each fault type trains (scenario ``skills``)."""
FAULT_DIFFICULTY: dict[str, int] = {
    "link-down": 2, "node-down": 2, "linecard-failure": 3, "srlg-cut": 3, "link-flap": 2,
    "optic-degrade": 3, "interface-admin-down": 1, "isis-metric": 3, "isis-overload": 2,
    "isis-level-mismatch": 3, "isis-area-mismatch": 4, "isis-not-enabled": 2,
    "isis-passive": 2, "isis-mtu-mismatch": 4, "isis-auth-mismatch": 3, "bgp-remote-as": 2,
    "bgp-neighbor-typo": 3, "bgp-update-source": 4, "bgp-next-hop-self": 4,
    "bgp-rr-client": 4, "bgp-import-deny": 3, "bgp-leak": 4, "bgp-local-pref": 4,
    "bgp-max-prefix": 3, "bgp-shutdown": 1, "bgp-password": 3,
}
"""How hard a drill on each fault type is (1-5)."""
BACKBONE_TOPOLOGIES = {"classic": ("classic-small",), "express": ("express-small",)}
"""The topologies ``generate --backbone`` draws from."""
MAX_CHECKS = 3
ATTEMPTS = 16


@dataclass(frozen=True)
class Draft:
    """A drill built from faults: its scenario data, the drill, and its proof."""

    data: dict[str, Any]
    drill: Drill
    findings: tuple[Finding, ...]

    @property
    def sound(self) -> bool:
        return not any(f.level is Level.ERROR for f in self.findings)


def _baseline(topology: str) -> NetworkState:
    network = load_network(topology)
    return NetworkState(network, device_configs(network))


def draft_drill(topology: str, faults: Sequence[tuple[str, dict[str, Any], bool]], *,
                scenario_id: str, engine: Engine, path: Path | None = None,
                difficulty: int | None = None, baseline: NetworkState | None = None
                ) -> Draft:
    """A drill of ``faults`` ((type, params, red herring), the first real one keyed) on
    ``topology``, checked; ScenarioError when no config change mitigates the fault or
    no check tells the fault from its fix."""
    base = baseline if baseline is not None else _baseline(topology)
    state = base
    for name, params, _ in faults:
        state = fault_type(name).apply(state, params)
    index = next(i for i, f in enumerate(faults) if not f[2])
    record = state.faults[index]
    alone = state if len(faults) == 1 else fault_type(record.type).apply(base, record.params)
    obs = Observer(engine, base)
    fp = obs.fingerprint(alone)
    fix = derive_fix(obs, base, state, record)
    if not fix:
        raise ScenarioError(f"{record.type} at {record.location.describe()}: no config "
                            "change mitigates it")
    fixed = obs.snapshot(type(state)(state.network, apply_edits(state.configs, fix),
                                     state.failures, state.faults))
    faulted = obs.snapshot(state)
    checks = []
    for candidate in derive_checks(obs, state, fp, record):
        check = CheckSpec.model_validate(candidate)
        if not run_check(engine, check, faulted, obs.baseline).passed and \
                run_check(engine, check, fixed, obs.baseline).passed:
            checks.append(candidate)
    if not checks:
        raise ScenarioError(f"{record.type} at {record.location.describe()}: no check "
                            "fails on the faulted network and passes after the fix")
    alerts = obs.alerts(state, faulted, ())
    level = difficulty or FAULT_DIFFICULTY.get(record.type, 3)
    backbone = base.network.backbone.value
    brief = (f"You are on call for the {backbone} backbone ({topology}). The NOC paged "
             f"you with:\n\n{page_text(alerts)}\n\nFind what is wrong, mitigate it by "
             "changing router configs, and name the root cause and where it is.\n")
    data: dict[str, Any] = {
        "id": scenario_id,
        "title": title_for(fp, alerts),
        "topology": topology,
        "difficulty": level,
        "skills": list(FAULT_SKILLS.get(record.type, ("triage",))),
        "brief": brief,
        "time_limit_minutes": 15 + 5 * level,
        "faults": [{"type": n, "params": dict(fault_type(n).check_params(base, p)),
                    **({"red_herring": True} if h else {})} for n, p, h in faults],
        "answer": {"root_cause": record.root_cause, "location": answer_location(record)},
        "checks": checks[:MAX_CHECKS],
        "fix": describe_edits(fix),
        "hints": hints_for(record),
    }
    try:
        spec = ScenarioFile.model_validate(data)
    except ValueError as exc:
        raise ScenarioError(f"generated scenario is invalid: {exc}") from None
    drill = Drill(spec, path or Path(f"{scenario_id}.yaml"), LineMap(), base.network, base,
                  state)
    return Draft(data, drill, tuple(check_drill(drill, engine, observer=obs)))


def generate(seed: int, *, scenario_id: str, engine: Engine,
             skills: Collection[str] = (), difficulty: int | None = None,
             backbone: str | None = None, topology: str | None = None,
             attempts: int = ATTEMPTS) -> Draft:
    """A sound drill drawn with ``Random(seed)`` from the faults that train ``skills``
    at about ``difficulty`` on ``topology`` (or a small topology of ``backbone``)."""
    rng = Random(seed)
    types = [t for t in CATALOGUE if (not skills or set(skills) & set(FAULT_SKILLS[t]))
             and (difficulty is None or abs(FAULT_DIFFICULTY[t] - difficulty) <= 1)]
    if not types:
        raise ScenarioError("no fault type trains those skills at that difficulty")
    if topology is not None:
        topologies: tuple[str, ...] = (topology,)
    elif backbone is not None:
        if backbone not in BACKBONE_TOPOLOGIES:
            raise ScenarioError(f"unknown backbone {backbone!r} (classic or express)")
        topologies = BACKBONE_TOPOLOGIES[backbone]
    else:
        topologies = tuple(t for ts in BACKBONE_TOPOLOGIES.values() for t in ts)
    bases: dict[str, NetworkState] = {}
    last = "no attempt made"
    for _ in range(attempts):
        name = rng.choice(types)
        topo = rng.choice(topologies)
        base = bases.setdefault(topo, _baseline(topo))
        try:
            params = pick_params(fault_type(name), base, rng)
            draft = draft_drill(topo, [(name, params, False)], scenario_id=scenario_id,
                                engine=engine, difficulty=difficulty, baseline=base)
        except (FaultError, ScenarioError) as exc:
            last = exc.message
            continue
        if draft.sound:
            return draft
        last = next(str(f) for f in draft.findings if f.level is Level.ERROR)
    raise ScenarioError(f"no sound drill for seed {seed} in {attempts} attempts "
                        f"(last problem: {last})")


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings as literal blocks, small mappings inline."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_scenario(data: dict[str, Any], header: Sequence[str] = ()) -> str:
    """Scenario data as a YAML file, with ``header`` lines as comments on top."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True,
                     default_flow_style=None)
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + body
