"""What a drill session records: a timeline of network events and trainee actions.

Every entry carries its minute on the incident clock (minute 0 is when the
first fault starts; the trainee is paged a few minutes later) and, for what
the trainee did, the wall-clock time too. The session appends entries as they
happen; the debrief (:mod:`netlab.scenario.report`) reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from netlab.scenario.drill import Drill
from netlab.scenario.edits import ConfigEdit
from netlab.scenario.grading import Diagnosis, Grade
from netlab.scenario.history import AttemptRecord, AttemptStatus

__all__ = ["ConsoleAttempt", "Entry", "EventKind", "Source"]


class Source(StrEnum):
    """Who a timeline entry is about: the network or the trainee."""

    NETWORK = "network"
    TRAINEE = "trainee"


class EventKind(StrEnum):
    """What happened at a timeline entry."""

    FAULT = "fault"  # a fault starts (network)
    PAGE = "page"  # the on-call engineer is paged (network)
    ALERT = "alert"  # an alert fires (network)
    CLEARED = "cleared"  # an alert stops (network)
    COMMAND = "command"  # a line the trainee typed
    EDIT = "edit"  # a config the trainee saved was applied
    REJECTED = "rejected"  # a config the trainee saved did not parse
    MITIGATED = "mitigated"  # the drill's checks first passed (network)
    DIAGNOSIS = "diagnosis"
    HINT = "hint"
    SUBMIT = "submit"
    ABANDON = "abandon"


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the timeline."""

    minute: float
    source: Source
    kind: EventKind
    text: str
    wall: datetime | None = None
    ok: bool = True


@dataclass(frozen=True)
class ConsoleAttempt:
    """A finished console session: everything the debrief and the history need.

    ``minutes`` is drill-clock time from the page to the end; ``mitigated_minute``
    is on the incident clock (None when the checks never all passed).
    """

    drill: Drill
    trainee: str
    engine: str
    status: AttemptStatus
    started_at: datetime
    finished_at: datetime
    page_minute: float
    end_minute: float
    grade: Grade | None
    diagnosis: Diagnosis | None
    edits: tuple[ConfigEdit, ...]
    edited_routers: tuple[str, ...]
    mitigated_minute: float | None
    hints_used: tuple[int, ...]
    timeline: tuple[Entry, ...]
    impact_rate_gbps: float
    workdir: Path

    @property
    def minutes(self) -> float:
        return max(0.0, self.end_minute - self.page_minute)

    def record(self, report: Path | None = None) -> AttemptRecord:
        """The attempt as the history stores it."""
        spec = self.drill.spec
        graded = self.grade.to_json() if self.grade is not None else {"items": [], "checks": []}
        return AttemptRecord(
            drill_id=spec.id, title=spec.title, skills=tuple(spec.skills),
            difficulty=spec.difficulty, trainee=self.trainee, mode="console",
            engine=self.engine, status=self.status, started_at=self.started_at,
            finished_at=self.finished_at, minutes=self.minutes,
            score=self.grade.score if self.grade is not None else None,
            items=tuple(graded["items"]), checks=tuple(graded["checks"]),
            report=None if report is None else str(report))
