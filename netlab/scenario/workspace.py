"""Workspace mode: a drill as files to edit, graded from the command line.

``netlab scenario start ID --dir D`` writes::

    D/BRIEF.md            the page, time limit, rubric and how to answer
    D/evidence/           alerts, syslog, network-wide tables, and show output of
                          the alerting routers (show/<router>.txt)
    D/configs/<host>.cfg  the FAULTED configs: the trainee mitigates by editing these
    D/answer.yaml         a commented template for the diagnosis (never the key)
    D/.netlab/drill.json  the drill id, its file and the start time
    D/.netlab/faulted/    the faulted snapshot as started, for reference

Neither the answer key, the reference fix, the fault records nor the baseline
(whose configs would give the fix away) is written. ``netlab scenario grade D`` parses the
trainee's configs over the faulted network's physical state, reads
``answer.yaml`` and scores the attempt with :func:`~netlab.scenario.grading.grade`;
it only ever adds to ``.netlab/attempts.jsonl``. ``start`` refuses a directory
that is not empty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netlab import __version__
from netlab.engines.base import Engine
from netlab.errors import ScenarioError
from netlab.faults import NetworkState
from netlab.model.device import DeviceConfig
from netlab.model.types import Vendor
from netlab.parse import parse_file
from netlab.scenario.checks import run_checks
from netlab.scenario.drill import Drill, load_drill
from netlab.scenario.fingerprint import EVIDENCE_MINUTE, Observer
from netlab.scenario.grading import (
    Diagnosis,
    Grade,
    ScoreItem,
    grade,
    impact_rate,
    load_answer,
)
from netlab.snapshot import CONFIGS_DIR, write_snapshot
from netlab.snapshot.layout import Snapshot

__all__ = [
    "ANSWER_FILE",
    "BRIEF_FILE",
    "EVIDENCE_DIR",
    "META_DIR",
    "SHOW_COMMANDS",
    "Attempt",
    "Workspace",
    "grade_workspace",
    "start_workspace",
    "write_evidence",
]

META_DIR = ".netlab"
EVIDENCE_DIR = "evidence"
BRIEF_FILE = "BRIEF.md"
ANSWER_FILE = "answer.yaml"
_META = f"{META_DIR}/drill.json"
_FAULTED = f"{META_DIR}/faulted"
_ATTEMPTS = f"{META_DIR}/attempts.jsonl"
COLLECTED_AFTER = 2.0
"""Minutes after the page at which the workspace's evidence is collected."""

ANSWER_TEMPLATE = """\
# Your diagnosis. Uncomment and fill in the two keys, then run
#   netlab scenario grade {dir}
#
# root_cause: the label of what broke, one of 'netlab fault list'
#   (for example link-down, isis-overload, bgp-remote-as ...)
# location: where it is: a router, a link or an SRLG (conduit), one of
#   {{router: ROUTER}}   {{link: ROUTER-A--ROUTER-B}}   {{srlg: CONDUIT}}
# notes: anything you want to remember (not graded)
#
# root_cause: LABEL
# location: {{router: ROUTER}}
# notes: ""
"""


@dataclass(frozen=True, slots=True)
class Workspace:
    """A started drill on disk."""

    root: Path
    scenario_id: str
    scenario_file: Path
    started: datetime

    @classmethod
    def load(cls, root: Path) -> Workspace:
        """Read ``root/.netlab/drill.json``; ScenarioError when it is not a workspace."""
        meta = root / _META
        if not meta.is_file():
            raise ScenarioError("not a drill workspace (no .netlab/drill.json); start one "
                                "with 'netlab scenario start ID --dir DIR'", path=root)
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return cls(root, str(data["scenario"]), Path(data["scenario_file"]),
                       datetime.fromisoformat(str(data["started_at"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise ScenarioError(f"malformed workspace metadata ({exc})", path=meta) from None

    def drill(self) -> Drill:
        """The drill, from its file when it is still there, else by its shipped id."""
        return load_drill(self.scenario_file if self.scenario_file.is_file()
                          else self.scenario_id)

    def minutes_since_start(self, now: datetime | None = None) -> float:
        return max(0.0, ((now or datetime.now(UTC)) - self.started).total_seconds() / 60)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def start_workspace(drill: Drill, root: Path, engine: Engine, *,
                    now: datetime | None = None) -> Workspace:
    """Write a drill into the empty (or new) directory ``root``."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScenarioError("directory is not empty; refusing to start a drill in it "
                            "(nothing in it was changed)", path=root)
    started = now or _now()
    # Without its fault records: they name the root cause, and the trainee can read this.
    faulted = write_snapshot(drill.network, drill.faulted.configs, root / _FAULTED,
                             failures=drill.faulted.failures)
    configs = root / CONFIGS_DIR
    configs.mkdir()
    for cfg in sorted((faulted / CONFIGS_DIR).glob("*.cfg")):
        (configs / cfg.name).write_text(cfg.read_text(encoding="utf-8"), encoding="utf-8")
    obs = Observer(engine, drill.baseline)
    snap = obs.snapshot(drill.faulted, drill.starts, path=faulted)
    paged, files = write_evidence(obs, drill, snap, root / EVIDENCE_DIR)
    (root / _META).write_text(json.dumps({
        "scenario": drill.spec.id, "scenario_file": str(drill.path.resolve()),
        "started_at": started.isoformat(), "time_limit_minutes": drill.spec.time_limit_minutes,
        "netlab_version": __version__}, indent=2) + "\n", encoding="utf-8")
    (root / ANSWER_FILE).write_text(ANSWER_TEMPLATE.format(dir=root), encoding="utf-8")
    (root / BRIEF_FILE).write_text(_brief(drill, root, started, paged, files),
                                   encoding="utf-8")
    return Workspace(root, drill.spec.id, drill.path.resolve(), started)


def _brief(drill: Drill, root: Path, started: datetime, paged: str, files: list[str]) -> str:
    spec = drill.spec
    r = spec.rubric
    evidence = "\n".join(f"- `{f}`" for f in files)
    return f"""# {spec.title}

{spec.brief.strip()}

- Drill `{spec.id}` on the `{spec.topology}` backbone; difficulty {spec.difficulty}/5;
  skills: {", ".join(spec.skills)}.
- {paged}
- Started {started:%Y-%m-%d %H:%M:%S} UTC; time limit **{spec.time_limit_minutes} minutes**.

## Evidence

{evidence}
- `configs/<router>.cfg`: every router's running config, in its vendor's syntax.

## How to answer

1. Investigate: the evidence above and the configs.
2. Mitigate by editing `configs/<router>.cfg` in the router's own syntax, as you would
   on the router. Physical faults cannot be repaired from here: route around them.
3. Write your diagnosis in `answer.yaml` (root cause and where it is).
4. Run `netlab scenario grade {root}` — as often as you like; it never changes your files.

## Rubric (100 points)

| part | points | earned by |
|------|-------:|-----------|
| diagnosis | {r.diagnosis} | the right root cause at the right place (half for either) |
| remediation | {r.remediation} | the network's checks passing on your configs; each \
BGP session or flow your change breaks costs 5 |
| efficiency | {r.efficiency} | finishing within the time limit, and traffic loss avoided |
"""


# -- evidence ----------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
             for row in (header, *rows)]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]]) + "\n"


def _network_tables(engine: Engine, snap: Snapshot, at: str) -> dict[str, str]:
    """Network-wide tables as the NOC's monitoring shows them (states, never netlab's
    reasons): every adjacency, every BGP session, every link direction's load."""
    adj = [[r.node, r.interface, r.remote_node or "-", r.level.value if r.level else "-",
            r.state.value] for r in engine.isis_adjacencies(snap).rows]
    bgp = [[r.node, str(r.remote_ip), str(r.remote_as), r.remote_node or "?",
            r.session_type.value, r.established_status.value]
           for r in engine.bgp_session_status(snap).rows]
    util = [[r.node, r.interface, r.remote_node, f"{r.capacity_gbps:.0f}",
             f"{r.load_gbps:.1f}", f"{r.utilisation_pct:.1f}", f"{r.dropped_gbps:.1f}"]
            for r in engine.link_utilisation(snap).rows]
    head = f"# collected {at}\n"
    return {
        "network-isis-adjacencies.txt": head + _table(
            ["router", "interface", "neighbor", "level", "state"], adj),
        "network-bgp-sessions.txt": head + _table(
            ["router", "neighbor", "remote-as", "peer", "type", "state"], bgp),
        "network-link-utilisation.txt": head + _table(
            ["router", "interface", "to", "capacity-gbps", "load-gbps", "util-%",
             "dropped-gbps"], util),
    }


SHOW_COMMANDS: dict[Vendor, tuple[str, ...]] = {
    Vendor.JUNOS: ("show isis adjacency", "show bgp summary", "show interfaces terse"),
    Vendor.IOSXR: ("show isis neighbors", "show bgp summary", "show interfaces brief"),
    Vendor.EOS: ("show isis neighbors", "show ip bgp summary", "show ipv6 bgp summary"),
    Vendor.FRR: ("show isis neighbor", "show bgp summary", "show interface"),
}
"""What the on-call engineer ran on each alerting router before opening the workspace."""
SHOWN_ROUTERS = 4


def _router_network_tables(incident: Any, devices: list[str]) -> dict[str, str]:
    """``show/<router>.txt``: :data:`SHOW_COMMANDS` on the first alerting routers, as the
    router prints them (netlab.evidence.show), when that module is installed."""
    try:
        from netlab.evidence.show import prompt, show
    except ImportError:
        return {}
    out = {}
    for router in list(dict.fromkeys(devices))[:SHOWN_ROUTERS]:
        vendor = incident.faulted.configs[router].vendor
        text = "".join(f"{prompt(incident, router).rstrip()} {cmd}\n"
                       f"{show(incident, router, cmd)}\n" for cmd in SHOW_COMMANDS[vendor])
        out[f"show/{router}.txt"] = text
    return out


def write_evidence(obs: Observer, drill: Drill, snap: Snapshot, folder: Path
                   ) -> tuple[str, list[str]]:
    """Write alerts, syslog and show output as of a little after the page.

    The page is the first major or critical alert (or the clock's default page
    minute); evidence is collected :data:`COLLECTED_AFTER` minutes later. Returns
    a line saying when, and the files written (relative to the workspace).
    """
    from netlab.evidence.clock import DEFAULT_PAGE_MINUTE
    from netlab.evidence.syslog import render_log, syslog_lines

    state = drill.faulted
    late = obs.alerts(state, snap, drill.starts, minute=EVIDENCE_MINUTE)
    serious = [a for a in late if a.severity.rank <= 1] or list(late)
    page = min((a.fired_minute for a in serious), default=DEFAULT_PAGE_MINUTE)
    now = max(page, DEFAULT_PAGE_MINUTE) + COLLECTED_AFTER
    incident, changes = obs.incident(state, snap, drill.starts, minute=now)
    from netlab.evidence.alerts import alerts

    fired = alerts(incident, changes)
    clock = incident.clock
    folder.mkdir(parents=True)
    at = f"{clock.time(now):%Y-%m-%d %H:%M} UTC"
    lines = [f"{a.fired_at:%H:%M:%S} {a.severity.value:<8} {a.kind.value:<22} {a.device:<16} "
             f"{a.summary}" for a in fired]
    files = {
        "alerts.txt": f"# alerts fired by {at}\n" + "\n".join(lines) + ("\n" if lines else ""),
        "alerts.json": json.dumps([a.to_json() for a in fired], indent=2) + "\n",
        "syslog.log": render_log(syslog_lines(incident, changes)),
        **_network_tables(obs.engine, snap, at),
    }
    files.update(_router_network_tables(incident, [a.device for a in fired]))
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    paged = (f"Paged at {clock.time(page):%H:%M} UTC; the evidence was collected at "
             f"{clock.time(now):%H:%M} UTC.")
    return paged, [f"{folder.name}/{name}" for name in files]


# -- grading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attempt:
    """One grading of a workspace.

    While the drill is running (less than its time limit since ``start``) a
    grade must not teach the answer: :attr:`revealed` is False and
    :meth:`items` / :meth:`checks` / :meth:`to_json` say how the diagnosis
    scored without naming the answer key, and name only the checks that pass.
    Once the time limit is over everything is shown.
    """

    workspace: Workspace
    drill: Drill
    grade: Grade
    answer: Diagnosis | None
    minutes: float
    mitigated: bool

    @property
    def revealed(self) -> bool:
        return self.minutes >= self.drill.spec.time_limit_minutes

    def items(self) -> list[ScoreItem]:
        """The score items, the diagnosis reason redacted while the drill runs."""
        if self.revealed:
            return list(self.grade.items)
        out = []
        for item in self.grade.items:
            if item.part != "diagnosis" or self.answer is None:
                out.append(item)
                continue
            verdict = ("right root cause at the right place" if item.points == item.max_points
                       else "one of root cause and place is right" if item.points > 0
                       else "neither the root cause nor the place is right")
            out.append(ScoreItem(item.part, item.points, item.max_points,
                                 f"{verdict} (the key is shown once the time limit is over)"))
        return out

    def checks(self) -> list[tuple[str, bool, str]]:
        """(name, passed, detail) of every check; failing ones unnamed while the drill runs."""
        return [(c.name, c.passed, c.detail) if c.passed or self.revealed else
                (f"check {i + 1}", False, "still failing")
                for i, c in enumerate(self.grade.checks)]

    def to_json(self) -> dict[str, Any]:
        data = self.grade.to_json()
        data["items"] = [{"part": i.part, "points": round(i.points, 2),
                          "max_points": round(i.max_points, 2), "reason": i.reason}
                         for i in self.items()]
        data["checks"] = [{"name": n, "passed": p, "detail": d} for n, p, d in self.checks()]
        return {"scenario": self.drill.spec.id, "graded_at": _now().isoformat(),
                "minutes": round(self.minutes, 2), "mitigated": self.mitigated,
                "revealed": self.revealed,
                "answer": None if self.answer is None else self.answer.model_dump(
                    mode="json", exclude_none=True), **data}


def _read_configs(root: Path, drill: Drill) -> dict[str, DeviceConfig]:
    folder = root / CONFIGS_DIR
    files = sorted(folder.glob("*.cfg")) if folder.is_dir() else []
    configs: dict[str, DeviceConfig] = {}
    source: dict[str, Path] = {}
    for file in files:
        cfg = parse_file(file).config
        host = cfg.hostname
        if host not in drill.network.routers:
            raise ScenarioError(f"hostname {host!r} is not a router of {drill.network.name}",
                                path=file)
        if host in source:
            raise ScenarioError(f"hostname {host!r} is also configured in "
                                f"{source[host].name}", path=file)
        configs[host], source[host] = cfg, file
    missing = sorted(set(drill.network.routers) - set(configs))
    if missing:
        raise ScenarioError(f"no config for {', '.join(missing[:5])} (the started copy is in "
                            f"{_FAULTED}/configs)", path=folder)
    return configs


def _answer(root: Path, drill: Drill) -> Diagnosis | None:
    path = root / ANSWER_FILE
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if not any(line.strip() and not re.match(r"\s*#", line) for line in text.splitlines()):
        return None  # the template, still all comments
    return load_answer(path, drill.network)


def grade_workspace(root: Path, engine: Engine, *, now: datetime | None = None) -> Attempt:
    """Grade the attempt in workspace ``root`` (the trainee's files are only read)."""
    ws = Workspace.load(root)
    drill = ws.drill()
    configs = _read_configs(root, drill)
    answer = _answer(root, drill)
    minutes = ws.minutes_since_start(now)
    obs = Observer(engine, drill.baseline)
    faulted = obs.snapshot(drill.faulted, drill.starts)
    state = NetworkState(drill.network, configs, drill.faulted.failures, drill.faulted.faults)
    trainee = obs.snapshot(state, drill.starts)
    mitigated = all(c.passed for c in run_checks(engine, drill.spec.checks, trainee,
                                                 obs.baseline))
    result = grade(drill, engine, baseline=obs.baseline, faulted=faulted, trainee=trainee,
                   answer=answer, minutes_elapsed=minutes,
                   minutes_to_mitigation=minutes if mitigated else None,
                   impact_rate_gbps=impact_rate(engine, faulted, obs.baseline))
    attempt = Attempt(ws, drill, result, answer, minutes, mitigated)
    with (root / _ATTEMPTS).open("a", encoding="utf-8") as log:
        log.write(json.dumps(attempt.to_json()) + "\n")
    return attempt
