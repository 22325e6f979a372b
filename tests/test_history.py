"""The attempt history: SQLite round trip, schema versioning, progress and the CLI."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlab.cli import cli
from netlab.errors import ScenarioError
from netlab.scenario.history import (
    SCHEMA_VERSION,
    AttemptRecord,
    AttemptStatus,
    data_dir,
    history_path,
    load_attempts,
    progress,
    record_attempt,
    sparkline,
    store_attempt,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _record(drill: str, score: int | None, *, day: int = 0, trainee: str = "alice",
            skills: tuple[str, ...] = ("isis",)) -> AttemptRecord:
    status = AttemptStatus.ABANDONED if score is None else AttemptStatus.SUBMITTED
    return AttemptRecord(
        drill_id=drill, title=f"Drill {drill}", skills=skills, difficulty=2, trainee=trainee,
        mode="console", engine="embedded", status=status,
        started_at=T0 + timedelta(days=day), finished_at=T0 + timedelta(days=day, minutes=20),
        minutes=12.5, score=score,
        items=({"part": "diagnosis", "points": 40.0, "max_points": 40.0, "reason": "right"},),
        checks=({"name": "c", "passed": True, "detail": "1 rows"},))


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NETLAB_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_data_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.delenv("NETLAB_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "netlab"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_dir() == Path.home() / ".local" / "share" / "netlab"
    monkeypatch.setenv("NETLAB_DATA_DIR", str(tmp_path / "mine"))
    assert history_path() == tmp_path / "mine" / "history.sqlite3"


def test_round_trip_keeps_every_field(data: Path) -> None:
    first = store_attempt(_record("d-one", 80))
    second = store_attempt(_record("d-two", None, day=1, skills=("bgp", "triage")))
    assert (first.id, second.id) == (1, 2)
    back = load_attempts()
    assert back == [first, second]
    assert back[1].status is AttemptStatus.ABANDONED and back[1].score is None
    assert back[0].items[0]["reason"] == "right"
    assert load_attempts(trainee="bob") == []
    assert [r.drill_id for r in load_attempts(drill_id="d-two")] == ["d-two"]


def test_schema_is_versioned_and_a_newer_file_is_refused(data: Path) -> None:
    store_attempt(_record("d-one", 80))
    path = history_path()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(ScenarioError, match="newer"):
        load_attempts()
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_an_error(data: Path) -> None:
    data.mkdir()
    history_path().write_text("not sqlite at all, but long enough to have a header" * 20)
    with pytest.raises(ScenarioError, match="unreadable"):
        store_attempt(_record("d-one", 80))


def test_progress_per_skill_and_per_drill() -> None:
    records = [_record("d-one", 40, day=0), _record("d-one", None, day=1),
               _record("d-one", 70, day=2), _record("d-two", 90, day=3, skills=("bgp",)),
               _record("d-one", 100, day=4)]
    got = progress(records, "alice")
    isis = next(s for s in got.skills if s.skill == "isis")
    assert isis.scores == (40, 70, 100)
    assert isis.trend == pytest.approx((70 + 100) / 2 - 40)
    one = next(d for d in got.drills if d.drill_id == "d-one")
    assert (one.attempts, one.abandoned, one.best, one.last) == (4, 1, 100, 100)
    assert one.average == pytest.approx(70)
    assert got.to_json()["skills"][0]["skill"] == "bgp"
    assert sparkline([0, 50, 100]) == "▁▅█"


def test_record_attempt_from_a_graded_workspace(data: Path) -> None:
    from types import SimpleNamespace

    from netlab.scenario.workspace import Attempt

    grade = SimpleNamespace(score=55, to_json=lambda: {
        "items": [{"part": "remediation", "points": 15, "max_points": 40, "reason": "r"}],
        "checks": [{"name": "x", "passed": False, "detail": "d"}]})
    spec = SimpleNamespace(id="ws-drill", title="A workspace", skills=["bgp"], difficulty=3)
    attempt = SimpleNamespace(drill=SimpleNamespace(spec=spec), grade=grade, minutes=7.0,
                              workspace=SimpleNamespace(started=T0))
    rec = record_attempt(attempt, trainee="carol")  # type: ignore[arg-type]
    assert isinstance(rec.id, int)
    (back,) = load_attempts(trainee="carol")
    assert (back.mode, back.status, back.score, back.started_at) == (
        "workspace", AttemptStatus.GRADED, 55, T0)
    assert Attempt is not None  # the type record_attempt accepts exists


def test_progress_command_table_and_json(data: Path) -> None:
    for rec in (_record("d-one", 40), _record("d-one", 90, day=1),
                _record("d-two", 75, day=2, trainee="bob", skills=("bgp",))):
        store_attempt(rec)
    runner = CliRunner()
    result = runner.invoke(cli, ["progress", "--trainee", "alice"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "isis" in result.output and "▄█" in result.output
    assert "d-one" in result.output and "d-two" not in result.output
    result = runner.invoke(cli, ["progress", "--json"])
    data_json = json.loads(result.output)
    assert data_json["attempts"] == 3
    assert {d["drill"]: d["best"] for d in data_json["drills"]} == {"d-one": 90, "d-two": 75}


def test_progress_with_no_history_says_how_to_start(data: Path) -> None:
    result = CliRunner().invoke(cli, ["progress"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "No attempts yet" in result.output and "scenario run" in result.output
