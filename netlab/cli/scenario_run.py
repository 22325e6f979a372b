"""``netlab scenario run ID``: the interactive on-call console.

Attaches ``run`` to the ``scenario`` group of :mod:`netlab.cli.scenario` (which
imports this module through its ``EXTENSIONS``). The drill runs in a
prompt_toolkit console (:mod:`netlab.scenario.console`); on ``submit`` the
score is printed, the debrief (Markdown, HTML, map) is written under the data
directory or ``--report-dir`` and the attempt is added to the history; on
``quit`` (or Ctrl-C / Ctrl-D, confirmed) the attempt is recorded as abandoned.
The trainee's config edits stay in the session folder printed at the end.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from netlab.cli.common import console, guarded
from netlab.cli.scenario import scenario

__all__ = ["run_cmd"]


@scenario.command("run")
@click.argument("target")
@click.option("--engine", "engine_name", type=click.Choice(["embedded", "batfish"]),
              default="embedded", show_default=True,
              help="Who answers: in-process, or a Batfish service at BATFISH_HOST.")
@click.option("--name", "trainee", default=None,
              help="Your name in the history (default: $NETLAB_TRAINEE or your login).")
@click.option("--speed", type=click.FloatRange(min=0.1, max=600), default=1.0,
              show_default=True, help="Simulated seconds per real second.")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the debrief goes (default: the data directory's reports/).")
@guarded
def run_cmd(target: str, engine_name: str, trainee: str | None, speed: float,
            report_dir: Path | None) -> None:
    """Run drill TARGET (an id from 'netlab scenario list', or a file) as an on-call
    console: investigate, fix configs in $EDITOR, diagnose, submit."""
    from netlab.cli.engine import make_engine
    from netlab.scenario.console.session import Session
    from netlab.scenario.console.ui import run_console
    from netlab.scenario.drill import load_drill
    from netlab.scenario.history import data_dir, default_trainee, record_attempt
    from netlab.scenario.report import print_summary, write_reports

    if not sys.stdin.isatty():
        click.echo("netlab: error: 'scenario run' is interactive and needs a terminal; use "
                   "'netlab scenario start' for files to edit and grade", err=True)
        sys.exit(2)
    drill = load_drill(target)
    engine = make_engine(engine_name)
    name = trainee or default_trainee()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    workdir = data_dir() / "sessions" / f"{drill.spec.id}-{stamp}"
    click.echo(f"Loading drill {drill.spec.id} …")
    session = Session(drill, engine, workdir, trainee=name, engine_name=engine_name,
                      speed=speed)
    run_console(session, history_file=data_dir() / "console_history")
    attempt = session.attempt()
    out = console()
    report = None
    if attempt.grade is not None:
        print_summary(attempt, out)
        files = write_reports(attempt, engine, report_dir)
        report = files.markdown
        out.print(f"debrief: {files.markdown} (and {files.html.name})", markup=False)
    record = record_attempt(attempt.record(report))
    out.print(f"recorded attempt {record.id} for {name} ({record.status.value}); your "
              f"configs are in {workdir / 'configs'}; 'netlab progress' shows your trend",
              markup=False)
