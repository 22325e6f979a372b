"""Grading: one scorer for the console and the workspace, every point explained.

A grade has three parts, weighted by the scenario's rubric (default 40/40/20):

* **diagnosis** — the trainee's root cause and location against the answer
  key: both right is full marks; the right cause at the wrong place, or the
  right place with the wrong cause, is half.
* **remediation** — each check evaluated by the engine on the trainee's
  snapshot (their edited configs over the faulted network). Checks the fault
  broke (they fail on the faulted network) earn the points as they pass;
  checks that already passed there are *guards* (nothing must break them): they
  earn nothing, and each failing guard cancels one repaired check. Doing
  nothing therefore earns no remediation points. Collateral damage — BGP sessions that were up in
  the faulted network and are down after the trainee's edits, and flows that
  were delivered and no longer are — costs 5 points each, down to zero.
* **efficiency** — earned only as far as the network was repaired: half for
  time against the limit (full within it, none at twice it), half for
  impact avoided (Gbps·min lost while unmitigated against leaving it broken
  for the whole time limit).

Hints cost their points off the total. Doing nothing therefore scores at most
the diagnosis share it never gave: zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from netlab.engines.base import Engine, EstablishedStatus
from netlab.errors import ScenarioError
from netlab.model.network import Network
from netlab.scenario.checks import CheckResult, run_checks
from netlab.scenario.drill import Drill
from netlab.scenario.schema import LocationSpec
from netlab.snapshot.layout import Snapshot
from netlab.topology.checks import suggest
from netlab.yamlfile import load_model_lines

__all__ = [
    "COLLATERAL_COST",
    "Diagnosis",
    "Grade",
    "ScoreItem",
    "collateral",
    "grade",
    "impact_rate",
    "load_answer",
    "remediation_share",
    "score_diagnosis",
]

COLLATERAL_COST = 5


class Diagnosis(BaseModel):
    """What the trainee says happened (the workspace's ``answer.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    root_cause: str
    location: LocationSpec
    notes: str = ""


def load_answer(path: Path, network: Network) -> Diagnosis:
    """Read an answer file; a router, link or SRLG not in the network is an error."""
    answer, lines = load_model_lines(Diagnosis, path, error=ScenarioError)
    from netlab.faults import CATALOGUE

    if answer.root_cause not in CATALOGUE:
        raise ScenarioError(f"unknown root cause {answer.root_cause!r}"
                            f"{suggest(answer.root_cause, CATALOGUE)}; "
                            "'netlab fault list' shows the labels", path=path,
                            line=lines.line_of(("root_cause",)))
    loc = answer.location
    for key, value, known in (("router", loc.router, network.routers),
                              ("link", loc.link, network.links),
                              ("srlg", loc.srlg, network.srlgs())):
        if value is not None and value not in known:
            raise ScenarioError(f"location.{key}: no {key} {value!r} in {network.name}"
                                f"{suggest(value, known)}", path=path,
                                line=lines.line_of(("location", key)))
    return answer


@dataclass(frozen=True, slots=True)
class ScoreItem:
    part: str  # diagnosis | remediation | collateral | efficiency | hints
    points: float
    max_points: float
    reason: str


@dataclass(frozen=True)
class Grade:
    items: tuple[ScoreItem, ...]
    checks: tuple[CheckResult, ...]
    collateral: tuple[str, ...] = ()
    impact_gbps_min: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return max(0, min(100, round(sum(i.points for i in self.items))))

    def to_json(self) -> dict[str, Any]:
        """The grade as JSON-ready data: score, every item, every check."""
        return {
            "score": self.score,
            "items": [{"part": i.part, "points": round(i.points, 2),
                       "max_points": round(i.max_points, 2), "reason": i.reason}
                      for i in self.items],
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                       for c in self.checks],
            "collateral": list(self.collateral),
            "impact_gbps_min": round(self.impact_gbps_min, 2),
        }


def _place_matches(drill: Drill, loc: LocationSpec) -> bool:
    """Does the trainee's location name where the real fault is?"""
    key = drill.spec.answer.location
    net = drill.network
    if key.srlg is not None:
        srlg_links = set(net.srlgs().get(key.srlg, ()))
        return loc.srlg == key.srlg or (loc.link is not None and loc.link in srlg_links)
    if key.link is not None:
        link = net.links[key.link]
        if loc.link == key.link:
            return key.router is None or loc.router in (None, key.router)
        return loc.link is None and key.router is None and loc.router in (
            link.a.router, link.b.router)
    return loc.router == key.router


def score_diagnosis(drill: Drill, answer: Diagnosis | None, weight: float) -> ScoreItem:
    """The diagnosis points: all for cause and place, half for either, with the reason."""
    if answer is None:
        return ScoreItem("diagnosis", 0, weight, "no diagnosis given")
    key = drill.spec.answer
    cause = answer.root_cause == key.root_cause
    place = _place_matches(drill, answer.location)
    where = _describe(key.location)
    if cause and place:
        return ScoreItem("diagnosis", weight, weight,
                         f"right root cause ({key.root_cause}) at the right place ({where})")
    if cause:
        return ScoreItem("diagnosis", weight / 2, weight,
                         f"right root cause ({key.root_cause}) but the place is {where}, "
                         f"not {_describe(answer.location)}")
    if place:
        return ScoreItem("diagnosis", weight / 2, weight,
                         f"right place ({where}) but the root cause is {key.root_cause}, "
                         f"not {answer.root_cause}")
    return ScoreItem("diagnosis", 0, weight,
                     f"the root cause is {key.root_cause} at {where}; you said "
                     f"{answer.root_cause} at {_describe(answer.location)}")


def _describe(loc: LocationSpec) -> str:
    parts = [f"{k} {v}" for k, v in (("srlg", loc.srlg), ("link", loc.link),
                                     ("router", loc.router)) if v]
    return ", ".join(parts)


def collateral(engine: Engine, faulted: Snapshot, trainee: Snapshot) -> list[str]:
    """What the trainee's edits broke that the fault had not: sessions and flows."""
    out = []
    before = {(r.node, str(r.local_ip), r.remote_node, str(r.remote_ip)): r.established_status
              for r in engine.bgp_session_status(faulted).rows}
    for r in engine.bgp_session_status(trainee).rows:
        key = (r.node, str(r.local_ip), r.remote_node, str(r.remote_ip))
        if before.get(key) is EstablishedStatus.ESTABLISHED and \
                r.established_status is not EstablishedStatus.ESTABLISHED:
            out.append(f"BGP session {r.node} -> {r.remote_node or r.remote_ip} went down")
    for row in engine.differential_reachability(trainee, faulted).rows:
        was = {t.disposition for t in row.reference_traces}
        now = {t.disposition for t in row.snapshot_traces}
        if any(d.success for d in was) and not any(d.success for d in now):
            out.append(f"flow {row.flow} no longer delivered")
    return out


def remediation_share(after: Sequence[CheckResult], before: Sequence[CheckResult]
                      ) -> tuple[float, str]:
    """The share of the repair earned, and why (see the module docstring).

    ``before`` are the same checks on the faulted network: those that failed
    there are repairs, the others guards. A drill whose checks all pass on the
    faulted network (no repairs; ``netlab scenario check`` rejects it) falls back
    to the plain share of passing checks.
    """
    repairs = [a for a, b in zip(after, before, strict=True) if not b.passed]
    guards = [a for a, b in zip(after, before, strict=True) if b.passed]
    if not repairs:
        passed = sum(c.passed for c in after)
        return passed / len(after), f"{passed} of {len(after)} checks pass"
    fixed = sum(c.passed for c in repairs)
    broken = [g.name for g in guards if not g.passed]
    share = max(0, fixed - len(broken)) / len(repairs)
    reason = f"{fixed} of {len(repairs)} checks the fault broke now pass"
    if broken:
        reason += f"; {len(broken)} that passed before now fail ({', '.join(broken[:3])})"
    return share, reason


def impact_rate(engine: Engine, faulted: Snapshot, baseline: Snapshot | None = None) -> float:
    """Traffic lost per minute while unmitigated (Gbps): what congested links drop
    under the demand matrix in the faulted network (``linkUtilisation``), less what
    they already dropped in the healthy ``baseline`` (an under-built link is not the
    incident)."""
    lost = sum(r.dropped_gbps for r in engine.link_utilisation(faulted).rows)
    if baseline is not None:
        lost -= sum(r.dropped_gbps for r in engine.link_utilisation(baseline).rows)
    return round(max(0.0, lost), 3)


def grade(drill: Drill, engine: Engine, *, baseline: Snapshot, faulted: Snapshot,
          trainee: Snapshot, answer: Diagnosis | None, minutes_elapsed: float,
          minutes_to_mitigation: float | None, hints_used: Sequence[int] = (),
          impact_rate_gbps: float = 0.0) -> Grade:
    """Score an attempt. ``trainee`` is the snapshot after the trainee's edits.

    ``minutes_to_mitigation`` is when the checks first passed (None = never);
    ``impact_rate_gbps`` is the traffic lost per minute while unmitigated.
    """
    rubric = drill.spec.rubric
    limit = float(drill.spec.time_limit_minutes)
    items = [score_diagnosis(drill, answer, rubric.diagnosis)]
    checks = run_checks(engine, drill.spec.checks, trainee, baseline)
    before = run_checks(engine, drill.spec.checks, faulted, baseline)
    share, reason = remediation_share(checks, before)
    items.append(ScoreItem("remediation", rubric.remediation * share, rubric.remediation,
                           reason))
    broken = collateral(engine, faulted, trainee)
    if broken:
        cost = min(len(broken) * COLLATERAL_COST, rubric.remediation * share)
        items.append(ScoreItem("collateral", -cost, 0,
                               f"{len(broken)} things broken by the change: "
                               + "; ".join(broken[:3])))
    half = rubric.efficiency / 2
    time_factor = 1.0 if minutes_elapsed <= limit else max(0.0, 2 - minutes_elapsed / limit)
    items.append(ScoreItem("efficiency", half * time_factor * share, half,
                           f"{minutes_elapsed:.1f} min against a {limit:.0f} min limit"
                           + ("" if share == 1 else f", scaled by the {share:.0%} repaired")))
    unmitigated = limit if minutes_to_mitigation is None else min(minutes_to_mitigation, limit)
    impact = impact_rate_gbps * unmitigated
    worst = impact_rate_gbps * limit
    avoided = 1.0 if worst == 0 else 1 - impact / worst
    items.append(ScoreItem("efficiency", half * avoided * share, half,
                           f"{impact:.0f} Gbps·min lost while unmitigated "
                           f"({avoided:.0%} of the worst case avoided)"))
    for i in hints_used:
        hint = drill.spec.hints[i]
        items.append(ScoreItem("hints", -hint.cost, 0, f"hint {i + 1} taken"))
    return Grade(tuple(items), tuple(checks), tuple(broken), impact)
