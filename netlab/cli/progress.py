"""``netlab progress``: a trainee's scores per skill over time and per drill.

Reads the attempt history (:mod:`netlab.scenario.history`): one row per skill
with a sparkline of its scores (oldest first), the average and the trend (the
last three scores against those before), and one row per drill with its
attempts, best, last and average score.
"""

from __future__ import annotations

import click
from rich.table import Table

from netlab.cli.common import console, echo_json

__all__ = ["COMMANDS", "progress_cmd"]


def _trend(value: float, count: int) -> str:
    if count < 2:
        return "-"
    if abs(value) < 2.5:
        return "→ steady"
    return f"{'↑' if value > 0 else '↓'} {value:+.0f}"


@click.command("progress")
@click.option("--trainee", default=None, help="Only this trainee (default: everyone).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def progress_cmd(trainee: str | None, as_json: bool) -> None:
    """Show scores per skill over time and best/last/average per drill."""
    from netlab.scenario.history import history_path, load_attempts, progress, sparkline

    path = history_path()
    records = load_attempts(path, trainee=trainee)
    result = progress(records, trainee)
    if as_json:
        echo_json({**result.to_json(), "history": str(path)})
        return
    out = console()
    who = trainee or "all trainees"
    if not records:
        out.print(f"No attempts yet for {who} (history: {path}). Start one with "
                  "'netlab scenario run ID'.", markup=False)
        return
    skills = Table(title=f"Skills: {who} ({result.attempts} attempts)", title_justify="left")
    for col, just in (("skill", "left"), ("scores", "left"), ("n", "right"), ("average", "right"),
                      ("last", "right"), ("trend", "left")):
        skills.add_column(col, justify=just)  # type: ignore[arg-type]
    for s in result.skills:
        skills.add_row(s.skill, sparkline(s.scores), str(len(s.scores)), f"{s.average:.0f}",
                       str(s.scores[-1]), _trend(s.trend, len(s.scores)))
    out.print(skills)
    drills = Table(title="Drills", title_justify="left")
    for col, just in (("drill", "left"), ("attempts", "right"), ("abandoned", "right"),
                      ("best", "right"), ("last", "right"), ("average", "right"),
                      ("last tried", "left")):
        drills.add_column(col, justify=just)  # type: ignore[arg-type]
    for d in result.drills:
        drills.add_row(d.drill_id, str(d.attempts), str(d.abandoned),
                       "-" if d.best is None else str(d.best),
                       "-" if d.last is None else str(d.last),
                       "-" if d.average is None else f"{d.average:.0f}",
                       f"{d.last_at:%Y-%m-%d %H:%M}")
    out.print(drills)


COMMANDS = [progress_cmd]
