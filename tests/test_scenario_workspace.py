"""Workspace mode end to end: start, edit the configs' text, answer, grade."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from test_scenario_support import ENGINE, wrong_cause

from netlab.errors import ParseError, ScenarioError
from netlab.render import render_config
from netlab.scenario.drill import Drill, load_drill
from netlab.scenario.workspace import (
    ANSWER_FILE,
    BRIEF_FILE,
    Workspace,
    grade_workspace,
    start_workspace,
)

# Different vendors edited (Junos, IOS-XR, EOS), a drain, a capacity fix on a
# drill-local topology, a policy fix.
THROUGH_WORKSPACE = ["prn1-nyc1-hot-nothing-down", "nyc1-transit-session-down",
                     "prn1-dr1-session-lost", "nyc1-cln1-adjacency-bouncing",
                     "nyc1-lon1-dropping-traffic", "peer1-prefix-count-rose"]


@pytest.fixture(autouse=True)
def _private_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Grading records attempts in the history; keep it out of the user's data dir."""
    monkeypatch.setenv("NETLAB_DATA_DIR", str(tmp_path / "data"))


def apply_fix_as_text(drill: Drill, ws: Path) -> list[str]:
    """Render the fixed DeviceConfig of every router the fix touches over its file."""
    fixed = drill.edited(drill.fix)
    routers = sorted({e.router for e in drill.fix})
    for router in routers:
        (ws / "configs" / f"{router}.cfg").write_text(render_config(fixed.configs[router]),
                                                      encoding="utf-8")
    return routers


def write_answer(ws: Path, root_cause: str, location: dict[str, str]) -> None:
    where = ", ".join(f"{k}: {v}" for k, v in location.items())
    (ws / ANSWER_FILE).write_text(f"root_cause: {root_cause}\nlocation: {{{where}}}\n",
                                  encoding="utf-8")


@pytest.mark.parametrize("scenario_id", THROUGH_WORKSPACE)
def test_reference_fix_through_the_workspace(scenario_id: str, tmp_path: Path) -> None:
    drill = load_drill(scenario_id)
    ws = tmp_path / "ws"
    start_workspace(drill, ws, ENGINE)
    nothing = grade_workspace(ws, ENGINE)
    assert nothing.grade.score <= 20 and nothing.answer is None and not nothing.mitigated
    touched = apply_fix_as_text(drill, ws)
    key = drill.spec.answer
    write_answer(ws, key.root_cause, key.location.model_dump(exclude_none=True))
    attempt = grade_workspace(ws, ENGINE)
    assert attempt.grade.score >= 95, [i.reason for i in attempt.grade.items]
    assert attempt.mitigated and attempt.minutes < 5
    # Grading never touches what the trainee wrote.
    for router in touched:
        text = (ws / "configs" / f"{router}.cfg").read_text(encoding="utf-8")
        assert text == render_config(drill.edited(drill.fix).configs[router])
    attempts = (ws / ".netlab" / "attempts.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(a)["score"] for a in attempts] == [nothing.grade.score,
                                                          attempt.grade.score]


def test_wrong_diagnosis_through_the_workspace_is_partial(tmp_path: Path) -> None:
    drill = load_drill("cln1-adjacency-after-optic-swap")
    ws = tmp_path / "ws"
    start_workspace(drill, ws, ENGINE)
    apply_fix_as_text(drill, ws)
    write_answer(ws, wrong_cause(drill), drill.spec.answer.location.model_dump(
        exclude_none=True))
    attempt = grade_workspace(ws, ENGINE)
    assert 20 < attempt.grade.score < 95
    assert "right place" in attempt.grade.items[0].reason


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> tuple[Drill, Path]:
    drill = load_drill("lon1-cln1-adjacency-after-push")
    ws = tmp_path_factory.mktemp("started") / "ws"
    start_workspace(drill, ws, ENGINE)
    return drill, ws


def test_start_writes_brief_evidence_configs_and_a_template(started: tuple[Drill, Path]
                                                            ) -> None:
    drill, ws = started
    brief = (ws / BRIEF_FILE).read_text(encoding="utf-8")
    assert drill.spec.title in brief and f"{drill.spec.time_limit_minutes} minutes" in brief
    assert "Rubric" in brief and "netlab scenario grade" in brief
    assert sorted(p.stem for p in (ws / "configs").glob("*.cfg")) == sorted(
        drill.network.routers)
    evidence = {p.name for p in (ws / "evidence").iterdir()}
    assert {"alerts.txt", "alerts.json", "syslog.log", "network-isis-adjacencies.txt",
            "network-bgp-sessions.txt", "network-link-utilisation.txt", "show"} <= evidence
    lon = (ws / "evidence" / "show" / "lon1-bb2.txt").read_text(encoding="utf-8")
    assert "netlab@lon1-bb2> show isis adjacency" in lon and "Establ" in lon
    alerts = json.loads((ws / "evidence" / "alerts.json").read_text(encoding="utf-8"))
    assert any(a["kind"] == "isis-adjacency-down" for a in alerts)
    assert "lon1-bb2" in (ws / "evidence" / "syslog.log").read_text(encoding="utf-8")
    assert Workspace.load(ws).scenario_id == drill.spec.id


def test_the_workspace_never_holds_the_answer(started: tuple[Drill, Path]) -> None:
    drill, ws = started
    label = drill.spec.answer.root_cause
    for path in ws.rglob("*"):
        if path.is_file() and path.suffix != ".cfg":
            assert label not in path.read_text(encoding="utf-8"), path
    meta = json.loads((ws / ".netlab" / "drill.json").read_text(encoding="utf-8"))
    assert set(meta) == {"scenario", "scenario_file", "started_at", "time_limit_minutes",
                         "netlab_version"}
    assert not (ws / ".netlab" / "baseline").exists()


def test_the_answer_template_alone_is_no_diagnosis(started: tuple[Drill, Path]) -> None:
    _, ws = started
    template = (ws / ANSWER_FILE).read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in template.splitlines() if line.strip())
    attempt = grade_workspace(ws, ENGINE)
    assert attempt.answer is None and attempt.grade.items[0].points == 0


def test_start_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not empty"):
        start_workspace(load_drill("nyc1-transit-session-down"), tmp_path, ENGINE)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_syntax_error_in_an_edited_config_names_file_and_line(
        started: tuple[Drill, Path]) -> None:
    _, ws = started
    cfg = ws / "configs" / "lon1-bb2.cfg"
    original = cfg.read_text(encoding="utf-8")
    broken = original.replace("protocols {", "protocols {{", 1)
    cfg.write_text(broken, encoding="utf-8")
    try:
        with pytest.raises(ParseError) as info:
            grade_workspace(ws, ENGINE)
        assert info.value.path == str(cfg) and info.value.line is not None
        assert cfg.read_text(encoding="utf-8") == broken  # the edit is still there
    finally:
        cfg.write_text(original, encoding="utf-8")


def test_an_answer_naming_an_unknown_router_is_an_error(started: tuple[Drill, Path]
                                                        ) -> None:
    _, ws = started
    answer = ws / ANSWER_FILE
    original = answer.read_text(encoding="utf-8")
    answer.write_text("root_cause: isis-passive\nlocation: {router: lon9-bb2}\n",
                      encoding="utf-8")
    try:
        with pytest.raises(ScenarioError, match="no router 'lon9-bb2'") as info:
            grade_workspace(ws, ENGINE)
        assert info.value.line == 2 and "did you mean 'lon1-bb2'" in str(info.value)
    finally:
        answer.write_text(original, encoding="utf-8")


def test_an_unknown_root_cause_is_an_error(started: tuple[Drill, Path]) -> None:
    _, ws = started
    answer = ws / ANSWER_FILE
    original = answer.read_text(encoding="utf-8")
    answer.write_text("root_cause: isis-pasive\nlocation: {router: lon1-bb2}\n",
                      encoding="utf-8")
    try:
        with pytest.raises(ScenarioError, match="did you mean 'isis-passive'"):
            grade_workspace(ws, ENGINE)
    finally:
        answer.write_text(original, encoding="utf-8")


def test_a_deleted_config_is_named(started: tuple[Drill, Path], tmp_path: Path) -> None:
    _, ws = started
    cfg = ws / "configs" / "cln1-dr1.cfg"
    kept = tmp_path / "cln1-dr1.cfg"
    cfg.rename(kept)
    try:
        with pytest.raises(ScenarioError, match="no config for cln1-dr1"):
            grade_workspace(ws, ENGINE)
    finally:
        kept.rename(cfg)


def test_grading_a_directory_that_is_no_workspace(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not a drill workspace"):
        grade_workspace(tmp_path, ENGINE)


def test_grading_does_not_teach_the_answer_while_the_drill_runs(
        started: tuple[Drill, Path]) -> None:
    drill, ws = started
    answer = ws / ANSWER_FILE
    original = answer.read_text(encoding="utf-8")
    key = drill.spec.answer
    answer.write_text("root_cause: isis-passive\nlocation: {router: cln1-bb1}\n",
                      encoding="utf-8")
    try:
        running = grade_workspace(ws, ENGINE)
        shown = json.dumps(running.to_json())
        assert not running.revealed
        assert key.root_cause not in shown and str(key.location.router) not in shown
        assert "neither the root cause nor the place" in shown
        started_at = Workspace.load(ws).started
        late = grade_workspace(ws, ENGINE, now=started_at + timedelta(
            minutes=drill.spec.time_limit_minutes))
        assert late.revealed and key.root_cause in json.dumps(late.to_json())
        assert all(name == c.name for (name, _, _), c in zip(late.checks(), late.grade.checks,
                                                              strict=True))
    finally:
        answer.write_text(original, encoding="utf-8")
