"""The scenario file: an on-call drill as data an instructor writes.

A scenario names a topology, the faults to inject (some may be red herrings),
the answer key (root cause + location), remediation checks (engine questions
matched as subsets), a reference fix (config edits), hints with point costs,
a time limit and optional rubric weights. ``docs/authoring.md`` teaches it.
Files are read with :func:`load_scenario`; every error names file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from netlab.errors import ScenarioError
from netlab.scenario.edits import ConfigEdit
from netlab.yamlfile import LineMap, load_model_lines

__all__ = [
    "AnswerKey",
    "CheckSpec",
    "Expect",
    "FaultSpec",
    "FixEdit",
    "Hint",
    "LocationSpec",
    "Rubric",
    "ScenarioFile",
    "load_scenario",
]

Skill = Literal["isis", "bgp", "capacity", "hardware", "optics", "mpls", "policy", "triage"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FaultSpec(_Strict):
    type: str = Field(description="a fault type from 'netlab fault list'")
    params: dict[str, Any] = Field(default_factory=dict)
    red_herring: bool = Field(default=False, description="noise, not the root cause")
    at_minute: float = Field(default=0.0, ge=0, description="when it starts on the drill clock")


class LocationSpec(_Strict):
    router: str | None = None
    link: str | None = None
    srlg: str | None = None

    @model_validator(mode="after")
    def _one(self) -> LocationSpec:
        if not (self.router or self.link or self.srlg):
            raise ValueError("a location names a router, a link or an srlg")
        return self


class AnswerKey(_Strict):
    root_cause: str = Field(description="the fault type that explains the incident")
    location: LocationSpec


class Expect(_Strict):
    """Exactly one of: a row count, a pattern all rows match, any row matches, none match."""

    count: int | dict[str, int] | None = None
    all: dict[str, Any] | None = None
    any: dict[str, Any] | None = None
    none: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Expect:
        given = [k for k in ("count", "all", "any", "none") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("expect takes exactly one of count, all, any, none")
        return self


class CheckSpec(_Strict):
    name: str
    question: str = Field(description="an engine question, e.g. bgpSessionStatus")
    params: dict[str, Any] = Field(default_factory=dict, description="question filters")
    where: dict[str, Any] = Field(default_factory=dict, description="row selector pattern")
    expect: Expect


class FixEdit(_Strict):
    router: str
    path: str
    value: Any = None
    remove: bool = False

    def to_edit(self) -> ConfigEdit:
        return ConfigEdit(self.router, self.path, self.value, self.remove)


class Hint(_Strict):
    text: str
    cost: Annotated[int, Field(ge=0, le=50)] = 5


class Rubric(_Strict):
    diagnosis: int = 40
    remediation: int = 40
    efficiency: int = 20

    @model_validator(mode="after")
    def _hundred(self) -> Rubric:
        total = self.diagnosis + self.remediation + self.efficiency
        if total != 100:
            raise ValueError(f"rubric weights must add up to 100, they add up to {total}")
        return self


class ScenarioFile(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,62}$")]
    title: str
    topology: str = Field(description="a shipped topology name or a path to a YAML file")
    difficulty: Annotated[int, Field(ge=1, le=5)]
    skills: list[Skill] = Field(min_length=1)
    brief: str
    time_limit_minutes: Annotated[int, Field(ge=1, le=240)] = 30
    faults: list[FaultSpec] = Field(min_length=1)
    answer: AnswerKey
    checks: list[CheckSpec] = Field(min_length=1)
    fix: list[FixEdit] = Field(min_length=1, description="the reference fix")
    hints: list[Hint] = Field(default_factory=list)
    rubric: Rubric = Field(default_factory=Rubric)

    @field_validator("faults")
    @classmethod
    def _one_real_fault(cls, faults: list[FaultSpec]) -> list[FaultSpec]:
        if all(f.red_herring for f in faults):
            raise ValueError("at least one fault must not be a red herring")
        return faults


def load_scenario(path: Path) -> tuple[ScenarioFile, LineMap]:
    """Read and validate a scenario file; the id must match the file name.

    Returns the line map too, so later semantic checks (an unknown fault type,
    a router not in the topology) can name the line.
    """
    scenario, lines = load_model_lines(ScenarioFile, path, error=ScenarioError)
    stem = path.stem if path.name != "scenario.yaml" else path.parent.name
    if scenario.id != stem:
        raise ScenarioError(f"id {scenario.id!r} does not match the file name {stem!r}",
                            path=path, line=lines.line_of(("id",)))
    return scenario, lines
