"""The debrief of a drill attempt: a terminal summary, and Markdown and HTML reports.

:func:`print_summary` prints the score, every score item with its reason and
every check (rich). :func:`write_reports` writes ``debrief.md``,
``debrief.html`` (self-contained: the map is embedded) and ``map.png`` into a
folder of the user's data directory (or one the caller names), with:

* the **map** with the fault's place marked (and the trainee's diagnosis when
  it named another place, and red herrings),
* the **timeline** of the trainee's commands against the network's events
  (faults starting, alerts firing and clearing, configs applied, mitigation),
* the **impact**: traffic dropped (Gbps·min) and what the fault took down,
  asked of the engine on the baseline and faulted networks,
* a prefilled **postmortem** — what happened, impact, root cause, mitigation,
  follow-ups — written from the drill's faults, answer key and reference fix
  and from what the trainee did, not canned text.

Both files come from one document (:class:`Section` of blocks), so they say
the same thing.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netlab.engines.base import AdjacencyState, Engine, EstablishedStatus
from netlab.evidence.clock import EPOCH
from netlab.faults import CATALOGUE
from netlab.faults.base import Category, FaultRecord
from netlab.scenario.console.record import ConsoleAttempt, Entry, EventKind, Source
from netlab.scenario.drill import state_snapshot
from netlab.scenario.edits import diff_configs
from netlab.scenario.history import data_dir
from netlab.topology.draw import Mark, draw_network

__all__ = [
    "Impact",
    "ReportFiles",
    "Section",
    "debrief",
    "measure_impact",
    "print_summary",
    "report_folder",
    "to_html",
    "to_markdown",
    "write_reports",
]


# -- the document ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its blocks: ``str`` paragraphs, ``list[str]`` bullets, or
    ``(header, rows)`` tables; ``Path`` is a picture."""

    title: str
    blocks: tuple[str | list[str] | tuple[list[str], list[list[str]]] | Path, ...] = ()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(title: str, sections: Sequence[Section]) -> str:
    """The document as Markdown (pictures linked by file name, next to the file)."""
    out = [f"# {title}", ""]
    for sec in sections:
        out += [f"## {sec.title}", ""]
        for block in sec.blocks:
            if isinstance(block, Path):
                out += [f"![{sec.title}]({block.name})", ""]
            elif isinstance(block, str):
                out += [block, ""]
            elif isinstance(block, list):
                out += [f"- {item}" for item in block] + [""]
            else:
                header, rows = block
                out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
                out.append("")
    return "\n".join(out).rstrip() + "\n"


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccd;padding:3px 8px;
text-align:left;vertical-align:top;font-size:14px}th{background:#eef1f7}img{max-width:100%}
h1{border-bottom:2px solid #1f3a93}h2{color:#1f3a93;margin-top:1.6em}"""


def to_html(title: str, sections: Sequence[Section]) -> str:
    """The document as one HTML page (pictures embedded, so the file stands alone)."""
    esc = html.escape
    out = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
           f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{esc(title)}</h1>"]
    for sec in sections:
        out.append(f"<h2>{esc(sec.title)}</h2>")
        for block in sec.blocks:
            if isinstance(block, Path):
                data = base64.b64encode(block.read_bytes()).decode("ascii")
                out.append(f"<p><img alt=\"{esc(sec.title)}\" src=\"data:image/png;base64,"
                           f"{data}\"></p>")
            elif isinstance(block, str):
                out.append(f"<p>{esc(block)}</p>")
            elif isinstance(block, list):
                out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block) + "</ul>")
            else:
                header, rows = block
                out.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header)
                           + "</tr>" + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>"
                                                                for c in row) + "</tr>"
                                               for row in rows) + "</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# -- facts ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Impact:
    """What the fault did, asked of the engine: baseline against faulted network."""

    rate_gbps: float
    lost_gbps_min: float
    worst_gbps_min: float
    sessions_down: tuple[str, ...] = ()
    adjacencies_down: tuple[str, ...] = ()
    flows_lost: int = 0
    congested: tuple[str, ...] = field(default=())


def measure_impact(attempt: ConsoleAttempt, engine: Engine) -> Impact:
    """The impact numbers of the debrief (see :class:`Impact`)."""
    drill = attempt.drill
    base = state_snapshot(drill.baseline)
    faulted = state_snapshot(drill.faulted, starts=drill.starts)
    up = {(r.node, str(r.remote_ip)) for r in engine.bgp_session_status(base).rows
          if r.established_status is EstablishedStatus.ESTABLISHED}
    sessions = sorted(f"{r.node} -> {r.remote_node or r.remote_ip}"
                      for r in engine.bgp_session_status(faulted).rows
                      if (r.node, str(r.remote_ip)) in up
                      and r.established_status is not EstablishedStatus.ESTABLISHED)
    adj_up = {(a.node, a.interface) for a in engine.isis_adjacencies(base).rows
              if a.state is AdjacencyState.UP}
    adjacencies = sorted(f"{a.node} {a.interface}"
                         for a in engine.isis_adjacencies(faulted).rows
                         if (a.node, a.interface) in adj_up and a.state is not AdjacencyState.UP)
    adjacencies += sorted(f"{n} {i}" for n, i in adj_up - {
        (a.node, a.interface) for a in engine.isis_adjacencies(faulted).rows})
    flows = sum(1 for r in engine.differential_reachability(faulted, base).rows
                if any(t.disposition.success for t in r.reference_traces)
                and not any(t.disposition.success for t in r.snapshot_traces))
    congested = sorted(f"{u.node} {u.interface} ({u.utilisation_pct:.0f} %)"
                       for u in engine.link_utilisation(faulted).rows
                       if u.utilisation_pct >= 95 or u.dropped_gbps > 0)
    rate = attempt.impact_rate_gbps
    lost = attempt.grade.impact_gbps_min if attempt.grade is not None else rate * (
        attempt.minutes if attempt.mitigated_minute is None
        else max(0.0, attempt.mitigated_minute - attempt.page_minute))
    limit = float(drill.spec.time_limit_minutes)
    return Impact(rate, lost, rate * limit, tuple(sessions), tuple(sorted(set(adjacencies))),
                  flows, tuple(congested))


def _where(rec: FaultRecord) -> str:
    return rec.location.describe() or ", ".join(f"{k} {v}" for k, v in rec.params.items())


def _clock(attempt: ConsoleAttempt, minute: float) -> str:
    return f"{EPOCH + timedelta(minutes=minute):%H:%M:%S}"


def _rel(attempt: ConsoleAttempt, minute: float) -> str:
    delta = minute - attempt.page_minute
    return f"T{'+' if delta >= 0 else '-'}{abs(delta):.1f}"


# -- the postmortem -------------------------------------------------------------------------------
def _happened(attempt: ConsoleAttempt) -> list[str]:
    drill = attempt.drill
    out = []
    herrings = [f.red_herring for f in drill.spec.faults]
    for rec, start, noise in zip(drill.faulted.faults, drill.starts, herrings, strict=True):
        kind = CATALOGUE.get(rec.type)
        summary = kind.summary if kind is not None else rec.type
        line = f"{_clock(attempt, start)} UTC: {summary} ({rec.type} at {_where(rec)})"
        out.append(line + (" — unrelated noise, a red herring" if noise else ""))
    alerts = [e for e in attempt.timeline if e.kind is EventKind.ALERT]
    first = alerts[0].text if alerts else "no alert"
    out.append(f"{_clock(attempt, attempt.page_minute)} UTC: {attempt.trainee} was paged "
               f"(first alert: {first}); {len(alerts)} alert{'s' * (len(alerts) != 1)} fired "
               "during the drill.")
    return out


def _root_cause(attempt: ConsoleAttempt) -> list[str]:
    key = attempt.drill.spec.answer
    loc = ", ".join(f"{k} {v}" for k, v in key.location.model_dump().items() if v)
    kind = CATALOGUE.get(key.root_cause)
    out = [f"{key.root_cause} at {loc}" + (f": {kind.summary}" if kind else "")]
    changed = diff_configs(attempt.drill.baseline.configs, attempt.drill.faulted.configs,
                           verify=False)
    if changed:
        out.append("The faulted configs differ from the intended ones in: "
                   + "; ".join(e.describe() for e in changed[:6])
                   + (f"; … {len(changed) - 6} more" if len(changed) > 6 else ""))
    if attempt.diagnosis is None:
        out.append(f"{attempt.trainee} named no root cause.")
    else:
        d = attempt.diagnosis
        where = ", ".join(f"{k} {v}" for k, v in d.location.model_dump().items() if v)
        verdict = next((i.reason for i in attempt.grade.items if i.part == "diagnosis"), "") \
            if attempt.grade is not None else ""
        out.append(f"{attempt.trainee} diagnosed {d.root_cause} at {where}"
                   + (f" — {verdict}" if verdict else "") + ".")
    return out


def _mitigation(attempt: ConsoleAttempt) -> list[str]:
    out = []
    if attempt.edits:
        out.append(f"{attempt.trainee} changed the config of "
                   f"{', '.join(attempt.edited_routers)} ("
                   + "; ".join(e.describe() for e in attempt.edits[:8])
                   + (f"; … {len(attempt.edits) - 8} more" if len(attempt.edits) > 8 else "")
                   + ").")
    else:
        out.append(f"{attempt.trainee} changed no config.")
    if attempt.mitigated_minute is not None:
        out.append(f"The drill's checks all passed from {_clock(attempt, attempt.mitigated_minute)}"
                   f" UTC ({_rel(attempt, attempt.mitigated_minute)} min after the page).")
    else:
        out.append("The drill's checks never all passed: the network was not mitigated.")
    fix = "; ".join(f.to_edit().describe() for f in attempt.drill.spec.fix)
    out.append(f"The reference fix: {fix}.")
    return out


def _follow_ups(attempt: ConsoleAttempt, impact: Impact) -> list[str]:
    drill = attempt.drill
    out = []
    for rec in drill.real_faults:
        kind = CATALOGUE.get(rec.type)
        where = _where(rec)
        if rec.type in ("link-flap", "optic-degrade"):
            out.append(f"Field operations: clean or replace the optics on {where}; keep the "
                       "link drained until the errors stop, then restore its metric.")
        elif rec.type in ("link-down", "srlg-cut"):
            out.append(f"Field operations: repair {where}; until then the traffic rides the "
                       "remaining paths — review their headroom.")
            if rec.location.srlg:
                n = len(drill.network.srlgs().get(rec.location.srlg, ()))
                out.append(f"Capacity planning: {n} links share conduit {rec.location.srlg}; "
                           "check that one cut cannot congest the backbone.")
        elif rec.type in ("node-down", "linecard-failure"):
            out.append(f"Hardware: open an RMA for {where}; drain it before the swap.")
        elif kind is not None and kind.category is not Category.PHYSICAL:
            out.append(f"Find the change that introduced the {rec.type} on {where} and add a "
                       f"pre-deployment check (netlab analyze / Batfish) that catches it.")
        else:
            out.append(f"Find out who changed {where} and why ({rec.type}).")
    physical = all(CATALOGUE[r.type].category is Category.PHYSICAL for r in drill.real_faults
                   if r.type in CATALOGUE)
    if physical and attempt.edits:
        out.append("Remove the temporary mitigation ("
                   + "; ".join(e.describe() for e in attempt.edits[:3])
                   + ") once the repair is done.")
    if attempt.mitigated_minute is None:
        failing = [c.name for c in attempt.grade.checks if not c.passed] \
            if attempt.grade is not None else []
        out.append("The incident is still open: " + ("; ".join(failing[:3]) if failing
                                                     else "it was not mitigated") + ".")
    if attempt.grade is not None and attempt.grade.collateral:
        out.append("Review the change: it broke " + "; ".join(attempt.grade.collateral[:3])
                   + ".")
    first_start = min(drill.starts, default=0.0)
    alerts = [e.minute for e in attempt.timeline if e.kind is EventKind.ALERT]
    detected = min(alerts, default=None)
    if detected is None:
        out.append("Alerting: no alert fired for this fault; add monitoring that would.")
    elif detected - first_start >= 3:
        out.append(f"Alerting: the first alert came {detected - first_start:.0f} min after "
                   "the fault started; look for a faster signal.")
    wrong = attempt.grade is not None and any(
        i.part == "diagnosis" and i.points < i.max_points for i in attempt.grade.items)
    if attempt.hints_used or wrong:
        out.append(f"Training: practise {', '.join(drill.spec.skills)} drills"
                   + (f" ({len(attempt.hints_used)} hints taken)" if attempt.hints_used
                      else "") + ".")
    return out


# -- the document ---------------------------------------------------------------------------------
def _timeline_rows(attempt: ConsoleAttempt, entries: Sequence[Entry]) -> list[list[str]]:
    rows = []
    for e in entries:
        who = attempt.trainee if e.source is Source.TRAINEE else "network"
        text = e.text if e.ok else f"{e.text} (failed)"
        rows.append([_rel(attempt, e.minute), _clock(attempt, e.minute), who, e.kind.value,
                     text])
    return rows


def debrief(attempt: ConsoleAttempt, impact: Impact, picture: Path | None
            ) -> tuple[str, list[Section]]:
    """The debrief's title and sections (see the module docstring)."""
    spec = attempt.drill.spec
    score = f"{attempt.grade.score}/100" if attempt.grade is not None else "abandoned"
    title = f"Debrief: {spec.title} ({spec.id}) — {score}"
    summary = (f"{attempt.trainee} ran drill {spec.id} on {spec.topology} "
               f"(difficulty {spec.difficulty}/5, skills {', '.join(spec.skills)}) with the "
               f"{attempt.engine} engine, from {attempt.started_at:%Y-%m-%d %H:%M} UTC, for "
               f"{attempt.minutes:.1f} drill minutes (limit {spec.time_limit_minutes}).")
    sections = [Section("Summary", (summary,))]
    if attempt.grade is not None:
        g = attempt.grade
        sections.append(Section("Score", (
            f"Score {g.score}/100.",
            (["part", "points", "of", "why"],
             [[i.part, f"{i.points:.1f}", f"{i.max_points:.0f}", i.reason] for i in g.items]),
            (["check", "result", "detail"],
             [[c.name, "PASS" if c.passed else "FAIL", c.detail] for c in g.checks]))))
    if picture is not None:
        sections.append(Section("Map", (picture, "Red: where the fault was. Orange: the "
                                        "place you diagnosed, when it was another. Grey: "
                                        "red herrings.")))
    sections.append(Section("Timeline", (
        "T is minutes after the page; times are the incident clock (UTC).",
        (["T", "time", "who", "what", "detail"], _timeline_rows(attempt, attempt.timeline)))))
    impact_lines = [
        f"Traffic dropped while unmitigated: {impact.rate_gbps:.1f} Gbps under the demand "
        f"matrix, {impact.lost_gbps_min:.0f} Gbps·min lost (leaving it for the whole "
        f"{spec.time_limit_minutes} min limit: {impact.worst_gbps_min:.0f} Gbps·min).",
        f"BGP sessions down: {len(impact.sessions_down)}"
        + (f" ({'; '.join(impact.sessions_down[:6])})" if impact.sessions_down else ""),
        f"IS-IS adjacencies down: {len(impact.adjacencies_down)}"
        + (f" ({'; '.join(impact.adjacencies_down[:6])})" if impact.adjacencies_down else ""),
        f"Flows the healthy network delivered that failed: {impact.flows_lost}",
        f"Link directions at 95 % or dropping: {len(impact.congested)}"
        + (f" ({'; '.join(impact.congested[:6])})" if impact.congested else ""),
    ]
    sections.append(Section("Impact", (impact_lines,)))
    sections += [
        Section("Postmortem: what happened", (_happened(attempt),)),
        Section("Postmortem: impact", (f"{impact.lost_gbps_min:.0f} Gbps·min of traffic "
                                       f"lost; {len(impact.sessions_down)} BGP sessions and "
                                       f"{len(impact.adjacencies_down)} IS-IS adjacencies "
                                       f"down; {impact.flows_lost} flows failing.",)),
        Section("Postmortem: root cause", (_root_cause(attempt),)),
        Section("Postmortem: mitigation", (_mitigation(attempt),)),
        Section("Postmortem: follow-ups", (_follow_ups(attempt, impact),)),
    ]
    return title, sections


def _marks(attempt: ConsoleAttempt) -> list[Mark]:
    drill = attempt.drill

    def mark(label: str, colour: str, records: Sequence[FaultRecord]) -> Mark:
        return Mark(label, colour, frozenset(r for rec in records for r in rec.location.routers),
                    frozenset(lk for rec in records for lk in rec.location.links),
                    frozenset(rec.location.srlg for rec in records if rec.location.srlg))

    real = drill.real_faults
    herrings = [r for r in drill.faulted.faults if r not in real]
    marks = [mark("fault", "#d62728", real)]
    if herrings:
        marks.append(mark("red herring", "#7f7f7f", herrings))
    wrong_place = attempt.grade is not None and any(
        i.part == "diagnosis" and i.points < i.max_points for i in attempt.grade.items)
    if attempt.diagnosis is not None and wrong_place:
        loc = attempt.diagnosis.location
        marks.append(Mark("your diagnosis", "#ff7f0e",
                          frozenset([loc.router] if loc.router else []),
                          frozenset([loc.link] if loc.link else []),
                          frozenset([loc.srlg] if loc.srlg else [])))
    return marks


@dataclass(frozen=True, slots=True)
class ReportFiles:
    folder: Path
    markdown: Path
    html: Path
    map: Path


def report_folder(attempt: ConsoleAttempt, base: Path | None = None) -> Path:
    """A new folder for this attempt's debrief under ``base`` (default: the data
    directory's ``reports/``); never one that exists."""
    root = base if base is not None else data_dir() / "reports"
    stem = f"{attempt.drill.spec.id}-{attempt.finished_at:%Y%m%d-%H%M%S}"
    folder, n = root / stem, 1
    while folder.exists():
        n += 1
        folder = root / f"{stem}-{n}"
    return folder


def write_reports(attempt: ConsoleAttempt, engine: Engine, base: Path | None = None
                  ) -> ReportFiles:
    """Write the debrief (Markdown, HTML, map) into a new folder (see :func:`report_folder`)."""
    folder = report_folder(attempt, base)
    folder.mkdir(parents=True)
    picture = draw_network(attempt.drill.network, folder / "map.png", marks=_marks(attempt),
                           title=f"{attempt.drill.spec.title}: where the fault was")
    title, sections = debrief(attempt, measure_impact(attempt, engine), picture)
    md = folder / "debrief.md"
    md.write_text(to_markdown(title, sections), encoding="utf-8")
    page = folder / "debrief.html"
    page.write_text(to_html(title, sections), encoding="utf-8")
    return ReportFiles(folder, md, page, picture)


def print_summary(attempt: ConsoleAttempt, out: Console) -> None:
    """Score, every score item with its reason, and every check, on the terminal."""
    g = attempt.grade
    if g is None:
        out.print(f"{attempt.drill.spec.id}: abandoned after {attempt.minutes:.1f} min "
                  "(not graded)")
        return
    table = Table(title=f"{attempt.drill.spec.id}: {g.score}/100", title_justify="left")
    for col, just in (("part", "left"), ("points", "right"), ("of", "right"), ("why", "left")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for item in g.items:
        table.add_row(item.part, f"{item.points:.1f}", f"{item.max_points:.0f}", item.reason)
    out.print(table)
    for c in g.checks:
        out.print(f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {c.detail}", markup=False)
    for broken in g.collateral:
        out.print(f"  BROKE {broken}", markup=False)
    mitigated = ("never mitigated" if attempt.mitigated_minute is None else
                 f"mitigated {attempt.mitigated_minute - attempt.page_minute:.1f} min after "
                 "the page")
    out.print(f"{mitigated}; {g.impact_gbps_min:.0f} Gbps·min lost", markup=False)
    out.print(f"score {g.score}/100 after {attempt.minutes:.1f} min", markup=False)
