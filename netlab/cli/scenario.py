"""``netlab scenario``: list, show, check, scaffold, generate, start and grade drills.

Errors are one line on stderr (``file:line: what``) with exit code 2; ``check``
prints one line per finding and exits 2 when any is an error. Nothing a person
wrote is overwritten: ``new`` and ``generate`` refuse an existing file, ``start``
a non-empty directory, and ``grade`` only reads the trainee's files.

Other modules add sub-commands to :data:`scenario` (the interactive console's
``run`` lives in ``netlab.cli.scenario_run``): :func:`load_extensions` imports
each module of :data:`EXTENSIONS` that exists, and each attaches itself with
``@scenario.command(...)``.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from netlab.cli.common import console, echo_json, guarded
from netlab.errors import NetlabError, ScenarioError

if TYPE_CHECKING:
    from netlab.engines.base import Engine

__all__ = ["COMMANDS", "EXTENSIONS", "load_extensions", "scenario"]

EXTENSIONS = ("netlab.cli.scenario_run",)
"""Modules that add sub-commands to the ``scenario`` group when they exist."""
SKILLS = ("isis", "bgp", "capacity", "hardware", "optics", "mpls", "policy", "triage")




def _engine() -> Engine:
    """The engine drills are proven and graded with: the embedded one (in-process)."""
    from netlab.engines.embedded.engine import EmbeddedEngine

    return EmbeddedEngine()


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise ScenarioError("file exists; refusing to overwrite it", path=path)


def _scenario_id(out: Path) -> str:
    stem = out.stem if out.name != "scenario.yaml" else out.parent.name
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{2,62}", stem):
        raise ScenarioError("the file name is the drill id: lower-case letters, digits and "
                            "dashes, 3 to 63 characters", path=out)
    return stem


@click.group("scenario")
def scenario() -> None:
    """On-call drills: list, show, check, new, generate, start and grade."""


@scenario.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guarded
def list_cmd(as_json: bool) -> None:
    """List the shipped drills."""
    from netlab.scenario.drill import list_scenarios, topology_path
    from netlab.scenario.schema import load_scenario
    from netlab.topology.files import load_network

    rows: list[dict[str, Any]] = []
    backbones: dict[str, str] = {}
    for sid, path in list_scenarios().items():
        spec, _ = load_scenario(path)
        ref = str(topology_path(spec, path))
        if ref not in backbones:
            try:
                backbones[ref] = load_network(ref).backbone.value
            except NetlabError:
                backbones[ref] = "?"
        rows.append({"id": sid, "title": spec.title, "topology": spec.topology,
                     "backbone": backbones[ref], "difficulty": spec.difficulty,
                     "skills": list(spec.skills), "time_limit_minutes":
                     spec.time_limit_minutes, "path": str(path)})
    if as_json:
        echo_json(rows)
        return
    table = Table(title="Shipped drills", title_justify="left")
    for col in ("id", "title", "backbone", "topology", "difficulty", "skills"):
        table.add_column(col, justify="right" if col == "difficulty" else "left")
    for r in rows:
        table.add_row(r["id"], r["title"], r["backbone"], r["topology"], str(r["difficulty"]),
                      ", ".join(r["skills"]))
    console().print(table)


@scenario.command("show")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@guarded
def show_cmd(target: str, as_json: bool) -> None:
    """Show a drill as a trainee may see it (never the answer key or the fix)."""
    from netlab.scenario.drill import resolve_scenario
    from netlab.scenario.schema import load_scenario

    path = resolve_scenario(target)
    spec, _ = load_scenario(path)
    data = {"id": spec.id, "title": spec.title, "topology": spec.topology,
            "difficulty": spec.difficulty, "skills": list(spec.skills),
            "time_limit_minutes": spec.time_limit_minutes, "brief": spec.brief,
            "hints": len(spec.hints), "checks": len(spec.checks),
            "rubric": spec.rubric.model_dump(), "path": str(path)}
    if as_json:
        echo_json(data)
        return
    out = console()
    out.print(f"[bold]{spec.id}[/bold]: {spec.title}")
    out.print(f"topology {spec.topology}, difficulty {spec.difficulty}/5, skills "
              f"{', '.join(spec.skills)}, time limit {spec.time_limit_minutes} min, "
              f"{len(spec.hints)} hints, {len(spec.checks)} checks")
    r = spec.rubric
    out.print(f"rubric: diagnosis {r.diagnosis}, remediation {r.remediation}, "
              f"efficiency {r.efficiency}")
    out.print()
    out.print(spec.brief.rstrip(), markup=False)


def _targets(targets: Sequence[str], all_: bool) -> list[str | Path]:
    from netlab.scenario.drill import list_scenarios

    if all_:
        return list(list_scenarios().values())
    if not targets:
        raise ScenarioError("name drills (ids or files) to check, or pass --all")
    return list(targets)


@scenario.command("check")
@click.argument("targets", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Check every shipped drill.")
@click.option("--engine", "engine_name", type=click.Choice(["embedded", "batfish"]),
              default="embedded", show_default=True,
              help="batfish: also say whether Batfish could grade each drill.")
@guarded
def check_cmd(targets: tuple[str, ...], all_: bool, engine_name: str) -> None:
    """Prove drills sound: faults show their symptoms, the fix passes every check and
    breaks nothing, doing nothing fails, the answer key is unambiguous."""
    from netlab.scenario.drill import load_drill
    from netlab.scenario.soundness import Level, check_drill

    engine = _engine()
    errors = 0
    total = time.perf_counter()
    chosen = _targets(targets, all_)
    for target in chosen:
        t0 = time.perf_counter()
        try:
            drill = load_drill(target)
            findings = check_drill(drill, engine, batfish=engine_name == "batfish")
        except NetlabError as exc:
            if len(chosen) == 1:
                raise  # one drill: its error alone, as 'netlab: error: file:line: what'
            click.echo(str(exc))
            errors += 1
            continue
        bad = [f for f in findings if f.level is Level.ERROR]
        for f in findings:
            click.echo(str(f))
        errors += bool(bad)
        status = "FAIL" if bad else "ok  "
        click.echo(f"{status}  {drill.spec.id}  ({time.perf_counter() - t0:.1f} s)")
    if len(chosen) > 1:
        click.echo(f"{'FAILED' if errors else 'all sound'}: {len(chosen)} drills checked in "
                   f"{time.perf_counter() - total:.1f} s, {errors} unsound")
    if errors:
        sys.exit(2)


@scenario.command("new")
@click.argument("scenario_id")
@click.option("--topology", default="classic-small", show_default=True,
              help="A shipped topology or a topology file.")
@click.option("--fault", "fault", default=None, help="The fault type (default isis-passive).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="The scenario file to write (its name must be ID.yaml).")
@guarded
def new_cmd(scenario_id: str, topology: str, fault: str | None, output: Path) -> None:
    """Scaffold a valid, commented drill to edit."""
    from netlab.scenario.scaffold import scaffold, scaffold_text

    _refuse_existing(output)
    if _scenario_id(output) != scenario_id:
        raise ScenarioError(f"the file must be named {scenario_id}.yaml (the id is the "
                            "file name)", path=output)
    draft = scaffold(scenario_id, _engine(), topology=topology, fault=fault)
    command = "netlab scenario new " + shlex.join(
        [scenario_id, "--topology", topology, *(["--fault", fault] if fault else []),
         "-o", str(output)])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(scaffold_text(draft, command), encoding="utf-8")
    click.echo(f"wrote {output} ({draft.data['faults'][0]['type']} on {topology}); "
               f"check it with 'netlab scenario check {output}'")


def _split(values: Sequence[str]) -> list[str]:
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    unknown = sorted(set(out) - set(SKILLS))
    if unknown:
        raise ScenarioError(f"unknown skill {unknown[0]!r}; skills: {', '.join(SKILLS)}")
    return out


@scenario.command("generate")
@click.option("--seed", type=int, required=True, help="The random seed (same seed, same drill).")
@click.option("--skills", multiple=True, help="Skills to train (comma-separated or repeated).")
@click.option("--difficulty", type=click.IntRange(1, 5), default=None)
@click.option("--backbone", type=click.Choice(["classic", "express"]), default=None)
@click.option("--topology", default=None, help="A shipped topology or a topology file.")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="The scenario file to write (its name is the drill id).")
@guarded
def generate_cmd(seed: int, skills: tuple[str, ...], difficulty: int | None,
                 backbone: str | None, topology: str | None, output: Path) -> None:
    """Generate a fresh, sound drill from the fault catalogue."""
    from netlab.scenario.generate import dump_scenario, generate

    _refuse_existing(output)
    draft = generate(seed, scenario_id=_scenario_id(output), engine=_engine(),
                     skills=_split(skills), difficulty=difficulty, backbone=backbone,
                     topology=topology)
    words = ["--seed", str(seed), *(f"--skills={s}" for s in skills),
             *(["--difficulty", str(difficulty)] if difficulty else []),
             *(["--backbone", backbone] if backbone else []),
             *(["--topology", topology] if topology else []), "-o", str(output)]
    header = [f"Generated by: netlab scenario generate {shlex.join(words)}",
              "Proven sound by 'netlab scenario check' when generated."]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dump_scenario(draft.data, header), encoding="utf-8")
    fault = draft.data["faults"][0]
    click.echo(f"wrote {output}: {draft.data['title']} ({fault['type']} on "
               f"{draft.data['topology']})")


@scenario.command("start")
@click.argument("target")
@click.option("--dir", "directory", type=click.Path(path_type=Path), required=True,
              help="An empty or new directory for the workspace.")
@guarded
def start_cmd(target: str, directory: Path) -> None:
    """Start a drill as a workspace of files: read BRIEF.md, edit configs/, fill in
    answer.yaml, then 'netlab scenario grade DIR'."""
    from netlab.scenario.drill import load_drill
    from netlab.scenario.workspace import start_workspace

    drill = load_drill(target)
    ws = start_workspace(drill, directory, _engine())
    click.echo(f"started {drill.spec.id} in {ws.root}: read {ws.root / 'BRIEF.md'}; "
               f"time limit {drill.spec.time_limit_minutes} min")


@scenario.command("grade")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@guarded
def grade_cmd(directory: Path, as_json: bool) -> None:
    """Grade a workspace: parse its configs, read answer.yaml, score every point."""
    from netlab.scenario.workspace import grade_workspace

    attempt = grade_workspace(directory, _engine())
    if as_json:
        echo_json(attempt.to_json())
    else:
        _print_grade(attempt)
    _history(attempt)


def _print_grade(attempt: Any) -> None:
    g = attempt.grade
    table = Table(title=f"{attempt.drill.spec.id}: {g.score}/100", title_justify="left")
    for col, just in (("part", "left"), ("points", "right"), ("of", "right"),
                      ("why", "left")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for item in attempt.items():
        table.add_row(item.part, f"{item.points:.1f}", f"{item.max_points:.0f}", item.reason)
    out = console()
    out.print(table)
    for name, passed, detail in attempt.checks():
        out.print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}", markup=False)
    for broken in g.collateral:
        out.print(f"  BROKE {broken}", markup=False)
    out.print(f"score {g.score}/100 after {attempt.minutes:.1f} min")


def _history(attempt: Any) -> None:
    """Append the attempt to the trainee's history when the history module exists; a
    history that cannot be written is a warning, never a lost grade."""
    if importlib.util.find_spec("netlab.scenario.history") is None:
        return
    history = importlib.import_module("netlab.scenario.history")
    record = getattr(history, "record_attempt", None)
    if not callable(record):
        return
    try:
        record(attempt)
    except (NetlabError, OSError) as exc:
        click.echo(f"netlab: warning: the attempt was not added to the history: {exc}",
                   err=True)


def load_extensions() -> None:
    """Import each module of :data:`EXTENSIONS` that exists (it adds its commands)."""
    for name in EXTENSIONS:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


COMMANDS = [scenario]
load_extensions()
