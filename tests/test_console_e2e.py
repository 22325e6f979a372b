"""End to end: the real console in a pseudo-terminal, driven like a trainee would.

Spawns ``netlab scenario run`` on a shipped drill with ``$EDITOR`` set to a
script that writes the fixed config, types alerts / connect (Tab-completed) /
a show command / edit / diagnose / submit, and checks the score line, the
debrief files, the history and ``netlab progress``; then quits a second run
with Ctrl-C and checks it is recorded as abandoned.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from console_helpers import DRILL, ROUTER, fake_editor, fixed_text

from netlab.scenario.drill import load_drill
from netlab.scenario.history import AttemptStatus, load_attempts

pexpect = pytest.importorskip("pexpect")

NETLAB = Path(sys.executable).parent / "netlab"
PROMPT = "on-call>"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not NETLAB.exists(), reason="the netlab script is not installed")]


def _spawn(data: Path, editor: Path, *args: str) -> object:
    env = {**os.environ, "NETLAB_DATA_DIR": str(data), "EDITOR": str(editor),
           "NETLAB_TRAINEE": "dana", "TERM": "xterm", "COLUMNS": "120",
           "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(str(NETLAB), ["scenario", "run", DRILL, *args], env=env,
                         dimensions=(40, 120), encoding="utf-8", timeout=60)


def test_a_trainee_fixes_the_drill_in_the_console(tmp_path: Path) -> None:
    data = tmp_path / "data"
    drill = load_drill(DRILL)
    editor = fake_editor(tmp_path / "editor", [fixed_text(drill)])
    child = _spawn(data, editor, "--report-dir", str(tmp_path / "reports"))
    try:
        child.expect(PROMPT)
        child.sendline("alerts")
        child.expect("bgp-session-down")
        child.expect(PROMPT)
        child.send(f"connect {ROUTER[:6]}\t")  # Tab completes the router's name
        child.sendline("")
        child.expect(f"CPU0:{ROUTER}#")
        child.sendline("show bgp summary")
        child.expect("198.18.64.27")
        child.expect(f"{ROUTER}#")
        child.sendline("disconnect")
        child.expect(PROMPT)
        child.sendline(f"edit {ROUTER}")
        child.expect("configuration applied")
        child.expect(PROMPT)
        child.sendline(f"diagnose bgp-remote-as {ROUTER}")
        child.expect("Diagnosis recorded")
        child.expect(PROMPT)
        child.sendline("submit")
        child.expect(r"\[y/N\]")
        child.sendline("y")
        child.expect(r"score (\d+)/100 after")
        score = int(child.match.group(1))
        child.expect("debrief: ")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert score >= 95
    (folder,) = (tmp_path / "reports").iterdir()
    md = (folder / "debrief.md").read_text(encoding="utf-8")
    assert (folder / "map.png").stat().st_size > 1000 and "![Map](map.png)" in md
    assert "## Timeline" in md and "| dana | command | show bgp summary |" in md
    assert "data:image/png;base64," in (folder / "debrief.html").read_text(encoding="utf-8")
    (attempt,) = load_attempts(data / "history.sqlite3")
    assert (attempt.trainee, attempt.status, attempt.score) == ("dana", AttemptStatus.SUBMITTED,
                                                                score)
    assert attempt.report == str(folder / "debrief.md")
    edited = next((data / "sessions").iterdir()) / "configs" / f"{ROUTER}.cfg"
    assert edited.read_text(encoding="utf-8") == fixed_text(drill), "the trainee's text is kept"

    progress = pexpect.run(str(NETLAB), args=["progress", "--trainee", "dana"],
                           env={**os.environ, "NETLAB_DATA_DIR": str(data), "COLUMNS": "120"},
                           encoding="utf-8", timeout=60)
    assert DRILL in progress and "bgp" in progress and str(score) in progress


def test_ctrl_c_asks_and_quitting_is_recorded_as_abandoned(tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = _spawn(data, fake_editor(tmp_path / "editor", []))
    try:
        child.expect(PROMPT)
        child.sendintr()
        child.expect(r"Quit without submitting\?.*\[y/N\]")
        child.sendline("n")
        child.expect(PROMPT)
        child.sendline("brief")
        child.expect("time limit 25 min")
        child.expect(PROMPT)
        child.sendeof()
        child.expect(r"\[y/N\]")
        child.sendline("y")
        child.expect("abandoned")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    (attempt,) = load_attempts(data / "history.sqlite3")
    assert attempt.status is AttemptStatus.ABANDONED and attempt.score is None


def test_run_needs_a_terminal() -> None:
    from click.testing import CliRunner

    from netlab.cli import cli

    result = CliRunner().invoke(cli, ["scenario", "run", DRILL])
    assert result.exit_code == 2
    assert "needs a terminal" in result.output and "scenario start" in result.output
