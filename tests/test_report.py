"""The debrief: terminal summary, Markdown and HTML with map, timeline, impact, postmortem."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from console_helpers import DRILL, ROUTER, fake_editor, fixed_text
from rich.console import Console

from netlab.engines.embedded.engine import EmbeddedEngine
from netlab.scenario.console import ConsoleAttempt, Session
from netlab.scenario.drill import load_drill
from netlab.scenario.history import load_attempts, record_attempt
from netlab.scenario.report import (
    Section,
    print_summary,
    report_folder,
    to_html,
    to_markdown,
    write_reports,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _attempt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[str],
             fix: bool = True) -> ConsoleAttempt:
    drill = load_drill(DRILL)
    monkeypatch.setenv("EDITOR", str(fake_editor(tmp_path / "ed",
                                                 [fixed_text(drill)] if fix else [])))
    clock = Clock()
    s = Session(drill, EmbeddedEngine(), tmp_path / "session", trainee="alice", timer=clock)
    for line in lines:
        clock.now += 45
        s.execute(line)
    return s.attempt()


@pytest.fixture(scope="module")
def submitted(tmp_path_factory: pytest.TempPathFactory) -> ConsoleAttempt:
    mp = pytest.MonkeyPatch()
    try:
        return _attempt(tmp_path_factory.mktemp("submitted"), mp, [
            "alerts", f"connect {ROUTER}", "show bgp summary", "disconnect", f"edit {ROUTER}",
            "diagnose bgp-remote-as nyc1-bb1", "submit"])
    finally:
        mp.undo()


def test_terminal_summary_lists_every_item_and_check(submitted: ConsoleAttempt) -> None:
    buffer = io.StringIO()
    print_summary(submitted, Console(file=buffer, width=120, color_system=None))
    text = buffer.getvalue()
    assert submitted.grade is not None
    for item in submitted.grade.items:
        assert item.reason[:40] in text
    for check in submitted.grade.checks:
        assert f"PASS  {check.name}" in text
    assert f"score {submitted.grade.score}/100 after" in text
    assert "mitigated 3.8 min after the page" in text


def test_reports_hold_the_map_timeline_impact_and_postmortem(submitted: ConsoleAttempt,
                                                            tmp_path: Path) -> None:
    files = write_reports(submitted, EmbeddedEngine(), tmp_path / "reports")
    assert files.folder.parent == tmp_path / "reports"
    assert files.map.read_bytes()[:4] == b"\x89PNG"
    md = files.markdown.read_text(encoding="utf-8")
    assert "![Map](map.png)" in md
    for heading in ("Score", "Timeline", "Impact", "Postmortem: what happened",
                    "Postmortem: root cause", "Postmortem: mitigation",
                    "Postmortem: follow-ups"):
        assert f"## {heading}" in md, heading
    # the trainee's commands against the network's events, in one table
    assert "| T+0.0 | 02:18:00 | network | page |" in md
    assert "| T+0.8 | 02:18:45 | alice | command | alerts |" in md
    assert "show bgp summary" in md and "| network | fault |" in md
    assert "config applied" in md and "mitigated" in md and "| alice | submit |" in md
    assert "Gbps·min" in md and "BGP sessions down: 2 (nyc1-pr1 -> transit1-nyc1" in md
    # written from the drill and the attempt
    assert "bgp-remote-as at router nyc1-pr1" in md
    assert "alice diagnosed bgp-remote-as at router nyc1-bb1" in md
    assert "remote_as = 64496" in md  # the trainee's edit and the reference fix
    assert "pre-deployment check" in md
    page = files.html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page
    assert "<h2>Timeline</h2>" in page and "show bgp summary" in page
    again = write_reports(submitted, EmbeddedEngine(), tmp_path / "reports")
    assert again.folder != files.folder and files.markdown.read_text(encoding="utf-8") == md


def test_the_history_keeps_the_attempt_and_its_report(submitted: ConsoleAttempt,
                                                      tmp_path: Path) -> None:
    rec = record_attempt(submitted.record(tmp_path / "debrief.md"), path=tmp_path / "h.db")
    (back,) = load_attempts(tmp_path / "h.db")
    assert back == rec and back.mode == "console" and back.report == str(tmp_path / "debrief.md")
    assert submitted.grade is not None and back.score == submitted.grade.score
    assert back.items[0]["part"] == "diagnosis"


def test_an_abandoned_attempt_is_summarised_and_reported(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    attempt = _attempt(tmp_path, monkeypatch, ["alerts", "hint", "quit"], fix=False)
    buffer = io.StringIO()
    print_summary(attempt, Console(file=buffer, width=100, color_system=None))
    assert "abandoned" in buffer.getvalue()
    files = write_reports(attempt, EmbeddedEngine(), tmp_path / "r")
    md = files.markdown.read_text(encoding="utf-8")
    assert "— abandoned" in md and "## Score" not in md
    assert "not mitigated" in md and "The incident is still open" in md
    assert "Training: practise bgp drills (1 hints taken)" in md


def test_markdown_and_html_say_the_same_thing(tmp_path: Path) -> None:
    picture = tmp_path / "p.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    sections = [Section("One", ("a | b <c>", ["x", "y"], (["h1", "h2"], [["1", "2|3"]]),
                                picture))]
    md = to_markdown("T & t", sections)
    assert "a | b <c>" in md and "- x" in md and "| 1 | 2\\|3 |" in md and "![One](p.png)" in md
    page = to_html("T & t", sections)
    assert "<title>T &amp; t</title>" in page and "a | b &lt;c&gt;" in page
    assert "<li>x</li>" in page and "<td>2|3</td>" in page and "base64," in page


def test_report_folder_defaults_to_the_data_dir(submitted: ConsoleAttempt, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETLAB_DATA_DIR", str(tmp_path))
    folder = report_folder(submitted)
    assert folder.parent == tmp_path / "reports" and folder.name.startswith(DRILL)
