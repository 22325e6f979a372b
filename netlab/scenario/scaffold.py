"""``netlab scenario new``: a valid, commented scenario file to start from.

The scaffold is a real, sound drill — the fault's parameters picked on the
topology, everything else derived as ``generate`` does — with a comment above
every key saying what it means and what to change.
"""

from __future__ import annotations

import re
from random import Random

from netlab.engines.base import Engine
from netlab.errors import FaultError, ScenarioError
from netlab.evidence.incident import baseline_state
from netlab.faults import fault_type, pick_params
from netlab.scenario.generate import Draft, draft_drill, dump_scenario
from netlab.scenario.soundness import Level
from netlab.topology.files import load_network

__all__ = ["COMMENTS", "DEFAULT_FAULT", "scaffold", "scaffold_text"]

DEFAULT_FAULT = "isis-passive"
ATTEMPTS = 12

COMMENTS: dict[str, list[str]] = {
    "id": ["The drill's id: lower-case letters, digits and dashes; must equal the file name."],
    "title": ["What the trainee sees in 'netlab scenario list': the symptom, never the cause."],
    "topology": ["A shipped topology ('netlab topology list') or a path to a topology file,",
                 "relative to this file."],
    "difficulty": ["1 (first week on call) .. 5 (senior)."],
    "skills": ["What the drill trains: isis, bgp, capacity, hardware, optics, mpls, policy,",
               "triage."],
    "brief": ["The page as the NOC sends it: what fired, when, what is at stake.",
              "Describe symptoms, not the cause."],
    "time_limit_minutes": ["Full efficiency points within this; none at twice it."],
    "faults": ["What breaks ('netlab fault list', 'netlab fault show TYPE' for parameters).",
               "Add 'red_herring: true' to a fault that is noise, 'at_minute: N' to start",
               "it later on the drill clock."],
    "answer": ["The answer key: the root cause label and where it is (router, link or",
               "srlg). Grading gives half the points for either one right."],
    "checks": ["Remediation checks: engine questions (isisAdjacencies, bgpSessionStatus,",
               "routes, bgpRib, linkUtilisation, differentialReachability ...); 'where'",
               "selects rows by a subset pattern, 'expect' takes one of count / all / any /",
               "none. Every check should fail on the faulted network: a check that",
               "already passes is a guard and earns nothing."],
    "fix": ["The reference fix: config edits by path into the router's DeviceConfig",
            "(docs/authoring.md lists the paths). 'netlab scenario check' proves it",
            "passes every check and breaks nothing."],
    "hints": ["Ordered hints; taking one costs its points off the total."],
}
"""The comment written above each key of a scaffold (docs/authoring.md says more)."""


def scaffold(scenario_id: str, engine: Engine, *, topology: str = "classic-small",
             fault: str | None = None) -> Draft:
    """A sound drill of ``fault`` (default :data:`DEFAULT_FAULT`) on ``topology``."""
    name = fault or DEFAULT_FAULT
    ft = fault_type(name)
    base = baseline_state(load_network(topology))
    rng = Random(0)
    last = "no attempt made"
    for _ in range(ATTEMPTS):
        try:
            draft = draft_drill(topology, [(name, pick_params(ft, base, rng), False)],
                                scenario_id=scenario_id, engine=engine, baseline=base)
        except (FaultError, ScenarioError) as exc:
            last = exc.message
            continue
        if draft.sound:
            return draft
        last = next(str(f) for f in draft.findings if f.level is Level.ERROR)
    raise ScenarioError(f"could not scaffold a sound {name} drill on {topology} "
                        f"({last})")


def scaffold_text(draft: Draft, command: str) -> str:
    """The scaffold as YAML, a comment above every top-level key."""
    out = [f"# A drill scaffolded by '{command}'.",
           "# Edit it, then prove it sound with 'netlab scenario check FILE'.",
           "# docs/authoring.md explains every key."]
    for line in dump_scenario(draft.data).splitlines():
        key = re.match(r"^([a-z_]+):", line)
        if key is not None:
            out += ["", *(f"# {c}" for c in COMMENTS.get(key.group(1), []))]
        out.append(line)
    return "\n".join(out) + "\n"
