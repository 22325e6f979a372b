"""Is a drill sound? What ``netlab scenario check`` proves about a scenario.

:func:`check_drill` runs the drill through an engine and proves that

1. the answer key names a real (not red-herring) fault, at a place that fault is;
2. each real fault, applied alone to the baseline, changes what the engine
   sees, and every symptom its type declares appears (see :data:`SYMPTOM_PARTS`
   for how a symptom is read from the :mod:`~netlab.scenario.fingerprint`);
3. the reference fix passes **every** check and breaks nothing the fault had
   not (:func:`~netlab.scenario.grading.collateral`), and the answer key with
   the fix scores at least :data:`REFERENCE_MIN`;
4. doing nothing fails at least one check and scores at most :data:`NOTHING_MAX`;
5. the answer key is unambiguous: no *other* fault type of the catalogue,
   applied alone at the same or a neighbouring place (the routers of the fault
   and their neighbours, their links, the SRLGs of those links, their slots and
   BGP neighbors, default values for the rest) leaves the same fingerprint;
6. with ``batfish=True``: whether the Batfish engine could grade the drill
   (every real fault observable by Batfish, no check asking a netlab-only
   question) — a note, not an error.

Each problem is one :class:`Finding`, with the scenario file and line where it
concerns a line.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from netlab.engines.base import Engine, Question
from netlab.errors import FaultError, NetlabError
from netlab.faults import (
    CATALOGUE,
    Category,
    FaultRecord,
    NetworkState,
    ParamKind,
    Symptom,
    fault_type,
)
from netlab.faults.base import Engine as Observers
from netlab.model.types import Role
from netlab.scenario.checks import run_checks
from netlab.scenario.drill import Drill
from netlab.scenario.fingerprint import Fingerprint, Observer
from netlab.scenario.grading import Diagnosis, collateral, grade, impact_rate

__all__ = [
    "NETLAB_ONLY",
    "NOTHING_MAX",
    "REFERENCE_MIN",
    "SYMPTOM_PARTS",
    "Finding",
    "Level",
    "batfish_findings",
    "candidates",
    "check_drill",
    "symptom_seen",
]

REFERENCE_MIN = 95
"""The answer key with the reference fix must score at least this."""
NOTHING_MAX = 20
"""Doing nothing must score at most this."""
NETLAB_ONLY = frozenset({Question.ISIS_ADJACENCIES, Question.ISIS_ROUTES,
                         Question.LINK_UTILISATION})
"""Questions only netlab's engines answer (Batfish has no such question)."""
SYMPTOM_PARTS: Mapping[Symptom, str] = {
    Symptom.LAYER1: "layer1", Symptom.ISIS_ADJACENCY: "adjacencies",
    Symptom.ISIS_ROUTES: "isis_routes", Symptom.BGP_SESSION: "sessions",
    Symptom.BGP_ROUTES: "bgp", Symptom.REACHABILITY: "reachability",
    Symptom.UTILISATION: "shifted", Symptom.INTERFACE_ERRORS: "evidence",
}
"""The fingerprint component in which each declared symptom must show."""


class Level(StrEnum):
    """How bad a finding is: an error makes the drill unsound; notes inform."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a check: ``file:line: level: message``."""

    level: Level
    message: str
    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = "" if self.path is None else (
            f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: ")
        return f"{where}{self.level.value}: {self.message}"


def symptom_seen(symptom: Symptom, fp: Fingerprint, record: FaultRecord) -> bool:
    """Whether ``symptom`` shows in ``fp`` (interface errors: on a router of the fault)."""
    part: frozenset[tuple[str, ...]] = getattr(fp, SYMPTOM_PARTS[symptom])
    if symptom is Symptom.INTERFACE_ERRORS:
        return any(device in record.location.routers for _, device in part)
    return bool(part)


def _neighbours(state: NetworkState, routers: set[str]) -> set[str]:
    net = state.network
    out = set(routers)
    for r in routers:
        for link in net.links_of(r):
            out.add(link.other(r).router)
    return {r for r in out if net.routers[r].role is not Role.PEER}


def _place(drill: Drill, record: FaultRecord) -> tuple[set[str], set[str], set[str]]:
    """Routers, links and SRLGs at or next to the fault and the answer key."""
    net = drill.network
    key = drill.spec.answer.location
    routers = set(record.location.routers) | ({key.router} if key.router else set())
    links = set(record.location.links) | ({key.link} if key.link else set())
    srlg_links = net.srlgs()
    for s in (record.location.srlg, key.srlg):
        if s:
            links |= set(srlg_links.get(s, ()))
    for lid in list(links):
        link = net.links[lid]
        routers |= {link.a.router, link.b.router}
    near = _neighbours(drill.baseline, routers)
    links |= {lk.id for r in routers for lk in net.links_of(r)}
    srlgs = {s for s, members in srlg_links.items() if set(members) & links}
    return near, links, srlgs


def candidates(drill: Drill, record: FaultRecord, changed: frozenset[str] | None = None
               ) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every other fault type with parameters at or next to ``record``'s place.

    ``changed`` (the routers whose config the real fault changed) prunes what
    cannot match: a fault with a router parameter changes that router's config
    or nothing, so with configs changed only candidates on those routers can
    leave the same config diff; with no config changed, IS-IS and BGP faults
    (config faults) cannot.
    """
    routers, links, srlgs = _place(drill, record)
    state = drill.baseline
    net = drill.network
    for name, ft in CATALOGUE.items():
        if name == record.type:
            continue
        if changed is not None and not changed and ft.category is not Category.PHYSICAL:
            continue
        options: list[list[tuple[str, Any]]] = []
        router_param = next((p.name for p in ft.params if p.kind is ParamKind.ROUTER), None)
        places = sorted(routers if not changed else routers & changed)
        for rname in places if router_param else [None]:
            options = []
            for p in ft.params:
                if p.kind is ParamKind.ROUTER:
                    values: list[Any] = [rname]
                elif p.kind is ParamKind.LINK:
                    values = sorted(lid for lid in links if rname is None or rname in (
                        net.links[lid].a.router, net.links[lid].b.router))
                elif p.kind is ParamKind.SRLG:
                    values = sorted(srlgs)
                elif p.kind is ParamKind.SLOT and rname is not None:
                    values = sorted({lk.end(rname).slot for lk in net.links_of(rname)})
                elif p.kind is ParamKind.NEIGHBOR and rname is not None:
                    bgp = state.configs[rname].bgp
                    values = [str(n.address) for n in bgp.neighbors] if bgp else []
                elif p.default is not None:
                    values = [p.default]
                else:
                    values = []
                options.append([(p.name, v) for v in values])
            for combo in itertools.product(*options):
                yield name, dict(combo)


def _ambiguity(drill: Drill, obs: Observer, record: FaultRecord, alone: NetworkState,
               start: float) -> list[Finding]:
    real_cheap = obs.cheap(alone)
    real: Fingerprint | None = None
    out: list[Finding] = []
    seen: set[str] = set()
    changed = frozenset(router for router, _ in real_cheap.config)
    for name, params in candidates(drill, record, changed):
        if name in seen:
            continue
        try:
            other = fault_type(name).apply(drill.baseline, params)
        except FaultError:
            continue
        if obs.cheap(other) != real_cheap:
            continue
        real = real or obs.fingerprint(alone, (start,))
        if obs.fingerprint(other, (start,)) == real:
            seen.add(name)
            shown = ", ".join(f"{k}={v}" for k, v in params.items())
            out.append(Finding(Level.ERROR, f"the answer key is ambiguous: {name} ({shown}) "
                               f"leaves the same fingerprint as {record.type} "
                               f"({real.describe()})", drill.path,
                               drill.line("answer", "root_cause")))
    return out


def batfish_findings(drill: Drill) -> list[Finding]:
    """Whether the Batfish engine could grade this drill, as one note.

    Uses the Batfish engine's capability matrix
    (:func:`netlab.engines.batfish.capability.batfish_can_grade`) when it is
    installed, else the fault types' declared ``observers`` and the netlab-only
    questions.
    """
    try:
        from netlab.engines.batfish.capability import batfish_can_grade
    except ImportError:
        return _batfish_by_observers(drill)
    ok, reasons = batfish_can_grade(drill)
    if ok:
        more = f" ({'; '.join(reasons)})" if reasons else ""
        return [Finding(Level.NOTE, f"batfish can grade this drill{more}", drill.path)]
    return [Finding(Level.NOTE, "batfish cannot grade this drill: " + "; ".join(reasons),
                    drill.path)]


def _batfish_by_observers(drill: Drill) -> list[Finding]:
    reasons = []
    herrings = [f.red_herring for f in drill.spec.faults]
    for spec_herring, record in zip(herrings, drill.faulted.faults, strict=True):
        if spec_herring:
            continue
        ft = fault_type(record.type)
        if Observers.BATFISH not in ft.observers(drill.baseline, record.params):
            reasons.append(f"Batfish cannot observe {record.type} "
                           f"({record.location.describe()})")
    for check in drill.spec.checks:
        q = Question.parse(check.question)
        if q in NETLAB_ONLY:
            reasons.append(f"check {check.name!r} asks {q.value}, a netlab-only question")
    if reasons:
        return [Finding(Level.NOTE, "batfish cannot grade this drill: " + "; ".join(reasons),
                        drill.path)]
    return [Finding(Level.NOTE, "batfish can grade this drill", drill.path)]


def _answer_matches(drill: Drill, record: FaultRecord) -> bool:
    key = drill.spec.answer
    if key.root_cause != record.root_cause:
        return False
    loc = key.location
    return ((loc.router is None or loc.router in record.location.routers)
            and (loc.link is None or loc.link in record.location.links)
            and (loc.srlg is None or loc.srlg == record.location.srlg))


def check_drill(drill: Drill, engine: Engine, *, batfish: bool = False,
                ambiguity: bool = True, observer: Observer | None = None) -> list[Finding]:
    """Prove ``drill`` sound with ``engine``; every problem is a Finding (none = sound).

    ``observer`` reuses answers already computed for ``drill.baseline``.
    """
    out: list[Finding] = []

    def error(message: str, *path: str | int) -> None:
        out.append(Finding(Level.ERROR, message, drill.path, drill.line(*path)))

    spec = drill.spec
    obs = observer if observer is not None and observer.base_state is drill.baseline \
        else Observer(engine, drill.baseline)
    real = [(i, f, rec) for i, (f, rec) in enumerate(zip(spec.faults, drill.faulted.faults,
                                                         strict=True)) if not f.red_herring]
    keyed = [(i, f, rec) for i, f, rec in real if _answer_matches(drill, rec)]
    if not keyed:
        error(f"the answer key ({spec.answer.root_cause} at "
              f"{spec.answer.location.model_dump(exclude_none=True)}) names no real fault: "
              + "; ".join(f"{rec.type} is at {rec.location.describe()}" for _, _, rec in real),
              "answer")
    for i, f, rec in real:
        alone = drill.faulted if len(spec.faults) == 1 else fault_type(f.type).apply(
            drill.baseline, f.params)
        fp = obs.fingerprint(alone, (f.at_minute,))
        if fp.empty:
            error(f"fault {rec.type} ({rec.location.describe()}) changes nothing the engine "
                  "can see", "faults", i, "type")
            continue
        for symptom in sorted(fault_type(rec.type).symptoms):
            if not symptom_seen(symptom, fp, rec):
                error(f"fault {rec.type} declares symptom {symptom.value} but it does not "
                      f"appear here (seen: {fp.describe()})", "faults", i, "type")
        if ambiguity and keyed and keyed[0][0] == i:
            out += _ambiguity(drill, obs, rec, alone, f.at_minute)

    faulted = obs.snapshot(drill.faulted, drill.starts)
    try:
        fixed_state = drill.edited(drill.fix)
    except NetlabError as exc:
        error(f"the reference fix does not apply: {exc.message}", "fix")
        return out
    fixed = obs.snapshot(fixed_state, drill.starts)
    for j, result in enumerate(run_checks(engine, spec.checks, fixed, obs.baseline)):
        if not result.passed:
            error(f"check {result.name!r} fails after the reference fix: {result.detail}",
                  "checks", j, "name")
    for broken in collateral(engine, faulted, fixed):
        error(f"the reference fix breaks something: {broken}", "fix")
    before = run_checks(engine, spec.checks, faulted, obs.baseline)
    if all(r.passed for r in before):
        error("doing nothing passes every check: no check detects the fault", "checks")
    rate = impact_rate(engine, faulted, obs.baseline)
    common: dict[str, Any] = {"baseline": obs.baseline, "faulted": faulted,
                              "minutes_elapsed": 0.0, "impact_rate_gbps": rate}
    ref = grade(drill, engine, trainee=fixed, answer=Diagnosis(
        root_cause=spec.answer.root_cause, location=spec.answer.location),
        minutes_to_mitigation=0.0, **common).score
    if ref < REFERENCE_MIN:
        error(f"the answer key with the reference fix scores {ref}, below {REFERENCE_MIN}",
              "fix")
    nothing = grade(drill, engine, trainee=faulted, answer=None, minutes_to_mitigation=None,
                    **common).score
    if nothing > NOTHING_MAX:
        error(f"doing nothing scores {nothing}, above {NOTHING_MAX}: most checks must "
              "detect the fault", "checks")
    if not spec.hints:
        out.append(Finding(Level.WARNING, "no hints: a stuck trainee has nowhere to go",
                           drill.path, drill.line("id")))
    if batfish:
        out += batfish_findings(drill)
    return out
