"""The drill session state machine, driven without a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_helpers import DRILL, ROUTER, fake_editor, fixed_text

from netlab.engines.embedded.engine import EmbeddedEngine
from netlab.scenario.console import EventKind, Reply, Session, SessionStatus, Source
from netlab.scenario.console.commands import COMMANDS, complete, help_text, lookup
from netlab.scenario.drill import Drill, load_drill
from netlab.scenario.history import AttemptStatus


class Clock:
    """A real-time clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def drill() -> Drill:
    return load_drill(DRILL)


def _session(drill: Drill, tmp_path: Path, clock: Clock | None = None) -> Session:
    return Session(drill, EmbeddedEngine(), tmp_path / "session", trainee="alice",
                   timer=clock or Clock())


def _run(s: Session, clock: Clock, line: str, seconds: float = 30.0) -> Reply:
    clock.now += seconds
    return s.execute(line)


def test_a_full_drill_scores_and_records_its_timeline(drill: Drill, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    s = _session(drill, tmp_path, clock)
    monkeypatch.setenv("EDITOR", str(fake_editor(tmp_path / "ed", [fixed_text(drill)])))
    assert s.prompt == "on-call> "
    assert s.open_alerts(), "the page comes with open alerts"
    assert "connect ROUTER" in _run(s, clock, "help").text
    assert drill.spec.title in _run(s, clock, "brief").text
    alerts = _run(s, clock, "alerts")
    assert "bgp-session-down" in alerts.text and ROUTER in alerts.text
    assert "peer in wrong AS" in _run(s, clock, f"logs {ROUTER}").text
    assert _run(s, clock, f"connect {ROUTER}").ok
    assert s.prompt.endswith(f"{ROUTER}#")
    summary = _run(s, clock, "show bgp summary")
    assert "198.18.64.27" in summary.text
    assert _run(s, clock, "disconnect").ok and s.prompt == "on-call> "
    assert "FourHundredGigE0/0/0/0" in _run(s, clock, f"counters {ROUTER}").text
    assert "Rx power" in _run(s, clock, f"optics {ROUTER} FourHundredGigE0/0/0/0").text
    health = _run(s, clock, "check")
    assert "Still service-affecting" in health.text or "major" in health.text
    assert "No changes" in _run(s, clock, "diff").text
    assert s.mitigated_minute is None

    edit = _run(s, clock, f"edit {ROUTER}", seconds=90)
    assert edit.ok, edit.text
    assert "configuration applied" in edit.text and "cleared" in edit.text
    edited_at = s.minute()
    assert s.mitigated_minute == pytest.approx(edited_at)
    assert "remote-as" in _run(s, clock, "diff").text
    logs = _run(s, clock, f"logs {ROUTER} -n 0", seconds=300).text.splitlines()
    assert "committed by user 'alice'" in logs[-1], "the retries stop once it is fixed"
    assert "looks healthy" in _run(s, clock, "check").text
    assert "Diagnosis recorded" in _run(s, clock, f"diagnose bgp-remote-as {ROUTER}").text
    assert s.confirmation("submit") == "Submit and end the drill?"
    done = _run(s, clock, "submit")
    assert done.finished and s.status is SessionStatus.SUBMITTED
    assert s.result is not None and s.result.score >= 95, s.result.items

    timeline = s.timeline
    kinds = [e.kind for e in timeline]
    for kind in (EventKind.FAULT, EventKind.PAGE, EventKind.ALERT, EventKind.CLEARED,
                 EventKind.EDIT, EventKind.MITIGATED, EventKind.DIAGNOSIS, EventKind.SUBMIT):
        assert kind in kinds, kind
    assert [e.minute for e in timeline] == sorted(e.minute for e in timeline)
    commands = [e for e in timeline if e.kind is EventKind.COMMAND]
    assert [c.text for c in commands][:3] == ["help", "brief", "alerts"]
    assert all(c.wall is not None and c.source is Source.TRAINEE for c in commands)
    assert commands[1].minute - commands[0].minute == pytest.approx(0.5)  # 30 s apart
    edit_cmd = next(i for i, e in enumerate(timeline) if e.text == f"edit {ROUTER}")
    applied = next(i for i, e in enumerate(timeline) if e.kind is EventKind.EDIT)
    assert edit_cmd < applied

    attempt = s.attempt()
    assert attempt.status is AttemptStatus.SUBMITTED
    assert attempt.edited_routers == (ROUTER,)
    assert any("remote_as" in e.path for e in attempt.edits)
    assert attempt.record().score == s.result.score
    assert not _run(s, clock, "alerts").ok  # the drill is over


def test_a_syntax_error_is_shown_and_the_text_is_kept(drill: Drill, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    s = _session(drill, tmp_path, clock)
    broken = fixed_text(drill).replace("router bgp 65000", "router bgp sixtyfive")
    folder = tmp_path / "ed"
    monkeypatch.setenv("EDITOR", str(fake_editor(folder, [broken, fixed_text(drill)])))
    bad = _run(s, clock, f"edit {ROUTER}")
    assert not bad.ok
    assert f"{ROUTER}.cfg:" in bad.text and "AS number must be a number" in bad.text
    line = int(bad.text.split(f"{ROUTER}.cfg:")[1].split(":")[0])
    assert broken.splitlines()[line - 1].startswith("router bgp sixtyfive")
    assert s.mitigated_minute is None and s.texts.drafts == [ROUTER]
    assert (s.workdir / "configs" / f"{ROUTER}.cfg").read_text() == broken
    assert "did not parse" in s.confirmation("submit")  # type: ignore[operator]
    assert "draft" in _run(s, clock, "diff").text
    good = _run(s, clock, f"edit {ROUTER}")
    assert good.ok, good.text
    assert (folder / "seen-1").read_text() == broken, "the draft is reopened, not lost"
    assert s.texts.drafts == [] and s.mitigated_minute is not None
    rejected = [e for e in s.timeline if e.kind is EventKind.REJECTED]
    assert len(rejected) == 1 and not rejected[0].ok


def test_an_unchanged_save_and_a_wrong_hostname(drill: Drill, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    s = _session(drill, tmp_path, clock)
    other = fixed_text(drill).replace(f"hostname {ROUTER}", "hostname lon1-pr1")
    monkeypatch.setenv("EDITOR", str(fake_editor(tmp_path / "ed", [])))
    assert "no change" in _run(s, clock, f"edit {ROUTER}").text
    monkeypatch.setenv("EDITOR", str(fake_editor(tmp_path / "ed2", [other])))
    wrong = _run(s, clock, f"edit {ROUTER}")
    assert not wrong.ok and "hostname 'lon1-pr1'" in wrong.text and f"{ROUTER}.cfg:4:" in wrong.text
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    failed = _run(s, clock, f"edit {ROUTER}")
    assert not failed.ok and "cannot start the editor" in failed.text
    assert s.texts.drafts == [ROUTER]


def test_quit_abandons_and_hints_cost(drill: Drill, tmp_path: Path) -> None:
    clock = Clock()
    s = _session(drill, tmp_path, clock)
    cost = drill.spec.hints[0].cost
    count = len(drill.spec.hints)
    assert s.confirmation("hint") == f"Hint 1 of {count} costs {cost} points. Take it?"
    hint = _run(s, clock, "hint")
    assert f"-{cost} points" in hint.text and drill.spec.hints[0].text in hint.text
    assert s.hints_used == [0]
    assert "abandoned" in (s.confirmation("quit") or "")
    assert s.confirmation("alerts") is None
    bye = _run(s, clock, "quit")
    assert bye.finished and s.status is SessionStatus.ABANDONED and s.result is None
    attempt = s.attempt()
    assert attempt.status is AttemptStatus.ABANDONED and attempt.record().score is None
    assert attempt.hints_used == (0,)


def test_mistyped_commands_are_explained(drill: Drill, tmp_path: Path) -> None:
    clock = Clock()
    s = _session(drill, tmp_path, clock)
    assert "unknown command" in _run(s, clock, "show bgp summary").text
    assert "did you mean 'nyc1-pr1'" in _run(s, clock, "connect nyc1-pr2").text
    assert "external peer" in _run(s, clock, "connect transit1-nyc1").text
    assert "usage" in _run(s, clock, "optics nyc1-pr1").text
    unknown = _run(s, clock, f"diagnose bgp-remote-ass {ROUTER}")
    assert not unknown.ok and "bgp-remote-as" in unknown.text
    assert not _run(s, clock, "diagnose bgp-remote-as nowhere").ok
    assert not _run(s, clock, "disconnect").ok
    assert not _run(s, clock, 'logs "unterminated').ok
    assert s.diagnosis is None
    assert all(not e.ok for e in s.timeline if e.kind is EventKind.COMMAND)


def test_files_are_written_and_never_overwritten(drill: Drill, tmp_path: Path) -> None:
    clock = Clock()
    s = _session(drill, tmp_path, clock)
    pcap = tmp_path / "cap.pcap"
    got = _run(s, clock, f"capture {ROUTER} Fo0/0/0/0 -o {pcap}")
    assert got.ok, got.text
    assert pcap.read_bytes()[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
    again = _run(s, clock, f"capture {ROUTER} Fo0/0/0/0 -o {pcap}")
    assert not again.ok and "refusing to overwrite" in again.text
    picture = tmp_path / "map.png"
    drawn = _run(s, clock, f"map -o {picture}")
    assert drawn.ok and str(picture) in drawn.text and picture.stat().st_size > 1000


def test_the_clock_runs_scaled_and_warns_once_past_the_limit(drill: Drill, tmp_path: Path
                                                             ) -> None:
    clock = Clock()
    s = Session(drill, EmbeddedEngine(), tmp_path / "s", trainee="bob", timer=clock, speed=60)
    start = s.minute()
    clock.now += 1
    assert s.minute() - start == pytest.approx(1.0)  # 1 real second = 1 simulated minute
    clock.now += drill.spec.time_limit_minutes
    late = s.execute("brief")
    assert "time limit has passed" in late.text
    assert "time limit has passed" not in s.execute("brief").text


def test_completion_offers_commands_names_and_show_commands(drill: Drill, tmp_path: Path
                                                            ) -> None:
    s = _session(drill, tmp_path)
    assert complete(s, "co") == ["connect", "counters"]
    assert complete(s, "connect nyc1-p") == [ROUTER]
    assert "transit1-nyc1" not in complete(s, "connect ")
    assert complete(s, "diagnose bgp-rem") == ["bgp-remote-as"]
    assert "nyc1-bb1--nyc1-pr1" in complete(s, "diagnose bgp-remote-as nyc1-bb1--")
    assert "FourHundredGigE0/0/0/0" in complete(s, f"optics {ROUTER} Four")
    assert complete(s, "capture nyc1-pr1 FourHundredGigE0/0/0/0 ") == ["-o", "-s"]
    assert complete(s, "show b") == []
    s.execute(f"connect {ROUTER}")
    assert complete(s, "show b", ROUTER) == ["bgp"]
    assert "summary" in complete(s, "show bgp ", ROUTER)
    assert "FourHundredGigE0/0/0/0" in complete(s, "show interfaces ", ROUTER)
    assert "disconnect" in complete(s, "d", ROUTER)


def test_the_command_table_is_consistent() -> None:
    names = [c.name for c in COMMANDS]
    assert len(set(names)) == len(names)
    for c in COMMANDS:
        assert lookup(c.name) is c and c.usage.startswith(c.name)
        assert c.summary in help_text(c.name)
    assert lookup("ssh") is lookup("connect") and lookup("nope") is None
    assert "no console command" in help_text("nope")


def test_the_toolbar_shows_title_clock_and_alerts(drill: Drill, tmp_path: Path) -> None:
    from netlab.scenario.console.ui import toolbar

    s = _session(drill, tmp_path)
    text = "".join(part[1] for part in toolbar(s))
    assert drill.spec.title in text and "UTC" in text
    assert f"{len(s.open_alerts())} open alert" in text and "00:00 of 25:00" in text


def test_time_varying_faults_evolve_with_the_clock(tmp_path: Path) -> None:
    clock = Clock()
    s = _session(load_drill("express-crc-errors-lla1"), tmp_path, clock)

    def rx() -> float:
        text = _run(s, clock, "optics lla1-ebb1 et-0/0/1", seconds=600).text
        return float(text.split("Rx power")[1].split("dBm")[0])

    readings = [rx(), rx(), rx()]
    assert readings == sorted(readings, reverse=True) and readings[0] > readings[-1] + 0.5
