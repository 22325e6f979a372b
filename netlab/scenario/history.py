"""Attempt history: every drill attempt a trainee made, in one SQLite file.

The file is ``history.sqlite3`` in the user's data directory
(:func:`data_dir`: ``$NETLAB_DATA_DIR``, else ``$XDG_DATA_HOME/netlab``, else
``~/.local/share/netlab``). One row per attempt: the drill (id, title,
skills, difficulty), the trainee, how it was run (console or workspace, the
engine), when it started and finished, whether it was submitted or abandoned,
the score and every score item as JSON. The schema is versioned with SQLite's
``user_version``; a file written by a newer netlab is refused, never changed.

``netlab scenario run`` records its attempts here, ``netlab scenario grade``
through :func:`record_attempt`, and ``netlab progress`` reads them back
(:func:`progress`).

Examples
--------
>>> sparkline([0, 50, 100])
'▁▅█'
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING, Any

from netlab.errors import ScenarioError

if TYPE_CHECKING:
    from netlab.scenario.workspace import Attempt

__all__ = [
    "DB_FILE",
    "SCHEMA_VERSION",
    "AttemptRecord",
    "AttemptStatus",
    "DrillProgress",
    "Progress",
    "SkillProgress",
    "data_dir",
    "default_trainee",
    "history_path",
    "load_attempts",
    "progress",
    "record_attempt",
    "sparkline",
    "store_attempt",
]

SCHEMA_VERSION = 1
DB_FILE = "history.sqlite3"
_SCHEMA = {
    1: """
    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        drill_id    TEXT    NOT NULL,
        title       TEXT    NOT NULL,
        skills      TEXT    NOT NULL,  -- JSON list
        difficulty  INTEGER NOT NULL,
        trainee     TEXT    NOT NULL,
        mode        TEXT    NOT NULL,  -- console | workspace
        engine      TEXT    NOT NULL,
        status      TEXT    NOT NULL,  -- submitted | graded | abandoned
        started_at  TEXT    NOT NULL,  -- ISO 8601, UTC
        finished_at TEXT    NOT NULL,
        minutes     REAL,              -- drill-clock minutes from the page to the end
        score       INTEGER,           -- NULL when abandoned
        items       TEXT    NOT NULL,  -- JSON list of score items
        checks      TEXT    NOT NULL,  -- JSON list of checks
        report      TEXT               -- the debrief written, if any
    );
    CREATE INDEX attempts_trainee ON attempts (trainee, finished_at);
    """,
}
"""The statements that bring a file from the previous version to each version."""


class AttemptStatus(StrEnum):
    """How an attempt ended."""

    SUBMITTED = "submitted"  # the console's submit
    GRADED = "graded"  # a workspace graded with 'netlab scenario grade'
    ABANDONED = "abandoned"  # the console was quit without submitting


def data_dir() -> Path:
    """Where netlab keeps a user's data (history, debriefs, console history)."""
    explicit = os.environ.get("NETLAB_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "netlab"


def history_path() -> Path:
    """The history file in :func:`data_dir`."""
    return data_dir() / DB_FILE


def default_trainee() -> str:
    """The trainee's name when none is given: ``$NETLAB_TRAINEE``, else the login name."""
    name = os.environ.get("NETLAB_TRAINEE", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "trainee"


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One attempt as the history keeps it. ``items`` and ``checks`` are the grade's
    JSON (:meth:`~netlab.scenario.grading.Grade.to_json`); ``score`` is None when
    the attempt was abandoned."""

    drill_id: str
    title: str
    skills: tuple[str, ...]
    difficulty: int
    trainee: str
    mode: str
    engine: str
    status: AttemptStatus
    started_at: datetime
    finished_at: datetime
    minutes: float | None
    score: int | None
    items: tuple[dict[str, Any], ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    report: str | None = None
    id: int | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "drill": self.drill_id, "title": self.title,
                "skills": list(self.skills), "difficulty": self.difficulty,
                "trainee": self.trainee, "mode": self.mode, "engine": self.engine,
                "status": self.status.value, "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat(),
                "minutes": None if self.minutes is None else round(self.minutes, 2),
                "score": self.score, "items": list(self.items), "checks": list(self.checks),
                "report": self.report}


# -- the file ----------------------------------------------------------------------------------
@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """An open, migrated connection to the history file (created when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=10.0)
    except sqlite3.Error as exc:
        raise ScenarioError(f"cannot open the attempt history: {exc}", path=path) from None
    with closing(conn):
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise ScenarioError(f"the attempt history is schema version {version}, newer "
                                    f"than this netlab reads ({SCHEMA_VERSION}); upgrade "
                                    "netlab (the file was not changed)", path=path)
            for target in range(version + 1, SCHEMA_VERSION + 1):
                with conn:
                    conn.executescript(_SCHEMA[target])
                    conn.execute(f"PRAGMA user_version = {target}")
            yield conn
        except sqlite3.DatabaseError as exc:
            raise ScenarioError(f"the attempt history is unreadable: {exc}",
                                path=path) from None


def store_attempt(record: AttemptRecord, path: Path | None = None) -> AttemptRecord:
    """Add ``record`` to the history; return it with its id."""
    where = path if path is not None else history_path()
    with _connect(where) as conn, conn:
        cur = conn.execute(
            "INSERT INTO attempts (drill_id, title, skills, difficulty, trainee, mode, engine,"
            " status, started_at, finished_at, minutes, score, items, checks, report)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.drill_id, record.title, json.dumps(list(record.skills)), record.difficulty,
             record.trainee, record.mode, record.engine, record.status.value,
             record.started_at.isoformat(), record.finished_at.isoformat(), record.minutes,
             record.score, json.dumps(list(record.items)), json.dumps(list(record.checks)),
             record.report))
        return replace(record, id=cur.lastrowid)


def _row(row: sqlite3.Row) -> AttemptRecord:
    return AttemptRecord(
        drill_id=row["drill_id"], title=row["title"], skills=tuple(json.loads(row["skills"])),
        difficulty=int(row["difficulty"]), trainee=row["trainee"], mode=row["mode"],
        engine=row["engine"], status=AttemptStatus(row["status"]),
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=datetime.fromisoformat(row["finished_at"]), minutes=row["minutes"],
        score=row["score"], items=tuple(json.loads(row["items"])),
        checks=tuple(json.loads(row["checks"])), report=row["report"], id=int(row["id"]))


def load_attempts(path: Path | None = None, *, trainee: str | None = None,
                  drill_id: str | None = None) -> list[AttemptRecord]:
    """Attempts in the history, oldest first (a missing file holds none)."""
    where = path if path is not None else history_path()
    if not where.exists():
        return []
    query = "SELECT * FROM attempts"
    terms, args = [], []
    for column, value in (("trainee", trainee), ("drill_id", drill_id)):
        if value is not None:
            terms.append(f"{column} = ?")
            args.append(value)
    if terms:
        query += " WHERE " + " AND ".join(terms)
    with _connect(where) as conn:
        conn.row_factory = sqlite3.Row
        try:
            rows = conn.execute(query + " ORDER BY finished_at, id", args).fetchall()
            return [_row(r) for r in rows]
        except (ValueError, KeyError, TypeError) as exc:
            raise ScenarioError(f"malformed attempt in the history ({exc})",
                                path=where) from None


def record_attempt(attempt: Attempt | AttemptRecord, *, trainee: str | None = None,
                   engine: str = "embedded", path: Path | None = None) -> AttemptRecord:
    """Record a console attempt (an :class:`AttemptRecord`) or a graded workspace
    (:class:`~netlab.scenario.workspace.Attempt`, as ``netlab scenario grade`` makes).

    ``trainee`` defaults to :func:`default_trainee`; ``path`` to :func:`history_path`.
    """
    if isinstance(attempt, AttemptRecord):
        record = attempt if trainee is None else replace(attempt, trainee=trainee)
        return store_attempt(record, path)
    spec = attempt.drill.spec
    graded = attempt.grade.to_json()
    record = AttemptRecord(
        drill_id=spec.id, title=spec.title, skills=tuple(spec.skills),
        difficulty=spec.difficulty, trainee=trainee or default_trainee(), mode="workspace",
        engine=engine, status=AttemptStatus.GRADED, started_at=attempt.workspace.started,
        finished_at=datetime.now(UTC).replace(microsecond=0), minutes=attempt.minutes,
        score=attempt.grade.score, items=tuple(graded["items"]),
        checks=tuple(graded["checks"]), report=None)
    return store_attempt(record, path)


# -- progress ----------------------------------------------------------------------------------
_BARS = "▁▂▃▄▅▆▇█"


def sparkline(scores: Sequence[float]) -> str:
    """Scores 0..100 as one bar character each."""
    return "".join(_BARS[min(len(_BARS) - 1, max(0, int(s / 100 * len(_BARS))))]
                   for s in scores)


@dataclass(frozen=True, slots=True)
class SkillProgress:
    """One skill's scores over time (every scored attempt of a drill training it)."""

    skill: str
    scores: tuple[int, ...]
    last_at: datetime

    @property
    def average(self) -> float:
        return fmean(self.scores)

    @property
    def trend(self) -> float:
        """The mean of the last (up to) three scores minus the mean of those before
        them; 0 with fewer than two scores."""
        if len(self.scores) < 2:
            return 0.0
        k = min(3, len(self.scores) - 1)
        return fmean(self.scores[-k:]) - fmean(self.scores[:-k])


@dataclass(frozen=True, slots=True)
class DrillProgress:
    """One drill's attempts: best, last and average score, and how many were abandoned."""

    drill_id: str
    title: str
    attempts: int
    abandoned: int
    scores: tuple[int, ...]
    last_at: datetime

    @property
    def best(self) -> int | None:
        return max(self.scores) if self.scores else None

    @property
    def last(self) -> int | None:
        return self.scores[-1] if self.scores else None

    @property
    def average(self) -> float | None:
        return fmean(self.scores) if self.scores else None


@dataclass(frozen=True, slots=True)
class Progress:
    """A trainee's (or everyone's) progress, per skill and per drill."""

    trainee: str | None
    skills: tuple[SkillProgress, ...]
    drills: tuple[DrillProgress, ...]
    attempts: int

    def to_json(self) -> dict[str, Any]:
        return {
            "trainee": self.trainee, "attempts": self.attempts,
            "skills": [{"skill": s.skill, "scores": list(s.scores),
                        "average": round(s.average, 1), "trend": round(s.trend, 1),
                        "last_at": s.last_at.isoformat()} for s in self.skills],
            "drills": [{"drill": d.drill_id, "title": d.title, "attempts": d.attempts,
                        "abandoned": d.abandoned, "best": d.best, "last": d.last,
                        "average": None if d.average is None else round(d.average, 1),
                        "last_at": d.last_at.isoformat()} for d in self.drills],
        }


def progress(records: Sequence[AttemptRecord], trainee: str | None = None) -> Progress:
    """Aggregate attempts (oldest first) per skill and per drill."""
    by_skill: dict[str, list[AttemptRecord]] = {}
    by_drill: dict[str, list[AttemptRecord]] = {}
    for r in records:
        by_drill.setdefault(r.drill_id, []).append(r)
        if r.score is not None:
            for skill in r.skills:
                by_skill.setdefault(skill, []).append(r)
    skills = tuple(SkillProgress(s, tuple(r.score for r in rs if r.score is not None),
                                 rs[-1].finished_at) for s, rs in sorted(by_skill.items()))
    drills = tuple(
        DrillProgress(d, rs[-1].title, len(rs),
                      sum(r.status is AttemptStatus.ABANDONED for r in rs),
                      tuple(r.score for r in rs if r.score is not None), rs[-1].finished_at)
        for d, rs in sorted(by_drill.items()))
    return Progress(trainee, skills, drills, len(records))
