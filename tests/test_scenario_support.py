"""Shared, cached drill results for the scenario tests (one computation per drill)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from netlab.engines.embedded.engine import EmbeddedEngine
from netlab.faults import CATALOGUE
from netlab.scenario.drill import Drill, list_scenarios, load_drill
from netlab.scenario.fingerprint import Observer
from netlab.scenario.grading import Diagnosis, Grade, grade, impact_rate
from netlab.scenario.schema import LocationSpec
from netlab.scenario.soundness import Finding, check_drill

__all__ = ["ENGINE", "SHIPPED", "DrillResult", "result", "wrong_cause"]

ENGINE = EmbeddedEngine()
SHIPPED = sorted(list_scenarios())


def wrong_cause(drill: Drill) -> str:
    """A root cause that is not the drill's (a plausible one of the same category)."""
    key = CATALOGUE[drill.spec.answer.root_cause]
    same = [n for n, f in CATALOGUE.items() if f.category is key.category and n != key.name]
    return same[0]


@dataclass(frozen=True)
class DrillResult:
    drill: Drill
    findings: tuple[Finding, ...]
    reference: Grade
    nothing: Grade
    wrong_cause: Grade
    wrong_place: Grade


@cache
def result(scenario_id: str) -> DrillResult:
    """Soundness and four graded attempts of a shipped drill, through the API."""
    drill = load_drill(scenario_id)
    obs = Observer(ENGINE, drill.baseline)
    findings = tuple(check_drill(drill, ENGINE, observer=obs))
    faulted = obs.snapshot(drill.faulted, drill.starts)
    fixed = obs.snapshot(drill.edited(drill.fix), drill.starts)
    key = drill.spec.answer
    rate = impact_rate(ENGINE, faulted, obs.baseline)

    def attempt(trainee: object, answer: Diagnosis | None, mitigated: bool) -> Grade:
        return grade(drill, ENGINE, baseline=obs.baseline, faulted=faulted,
                     trainee=trainee, answer=answer, minutes_elapsed=6.0,  # type: ignore[arg-type]
                     minutes_to_mitigation=6.0 if mitigated else None, impact_rate_gbps=rate)

    elsewhere = next(r for r in sorted(drill.network.routers)
                     if r not in drill.faulted.faults[0].location.routers
                     and r != key.location.router)
    return DrillResult(
        drill, findings,
        reference=attempt(fixed, Diagnosis(root_cause=key.root_cause,
                                           location=key.location), True),
        nothing=attempt(faulted, None, False),
        wrong_cause=attempt(fixed, Diagnosis(root_cause=wrong_cause(drill),
                                             location=key.location), True),
        wrong_place=attempt(fixed, Diagnosis(root_cause=wrong_cause(drill),
                                             location=LocationSpec(router=elsewhere)), True),
    )
