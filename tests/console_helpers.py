"""Shared by the console tests: a shipped drill, its reference fix as config text, and a
fake $EDITOR script that writes prepared text into the file it is given."""

from __future__ import annotations

import stat
from pathlib import Path

from netlab.render import render_config
from netlab.scenario.drill import Drill
from netlab.scenario.edits import apply_edits

DRILL = "nyc1-transit-session-down"
ROUTER = "nyc1-pr1"

EDITOR_SCRIPT = """#!/bin/sh
# A fake $EDITOR: record what it was given, then write the next prepared text (if any).
dir="{folder}"
n=$(ls "$dir"/seen-* 2>/dev/null | wc -l)
cp "$1" "$dir/seen-$n"
[ -f "$dir/text-$n" ] && cat "$dir/text-$n" > "$1"
exit 0
"""


def fixed_text(drill: Drill, router: str = ROUTER) -> str:
    """``router``'s config with the drill's reference fix applied, as its vendor writes it."""
    return render_config(apply_edits(drill.faulted.configs, drill.fix)[router])


def fake_editor(folder: Path, texts: list[str]) -> Path:
    """A script for $EDITOR that writes ``texts[i]`` on its i-th run (none: no change);
    what it was given each time is kept as ``folder/seen-i``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"text-{i}").write_text(text, encoding="utf-8")
    script = folder / "editor.sh"
    script.write_text(EDITOR_SCRIPT.format(folder=folder), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script
