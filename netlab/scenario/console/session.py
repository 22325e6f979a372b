"""The drill session: the on-call console's state machine, without a terminal.

A :class:`Session` is running from the moment the trainee is paged until they
``submit`` (graded) or ``quit`` (abandoned). :meth:`Session.execute` takes
one typed line and returns a :class:`Reply`; the terminal front end
(:mod:`netlab.scenario.console.ui`) only reads lines, asks the confirmations
:meth:`Session.confirmation` names and prints replies, so every behaviour is
tested by driving this class.

The drill clock starts at the page and advances with real time, scaled by
``speed`` (simulated seconds per real second). Every command is recorded on
the timeline with its drill-clock minute and wall-clock time, with the
network's events: faults starting, alerts firing and clearing, configs
applied, and the mitigation — the first minute at which the drill's checks
all pass on the trainee's network. The checks are evaluated silently after
each applied edit and never shown: ``check`` reports what the NOC sees
(open alerts and traffic dropped), which tells a trainee whether the service
recovered without handing them the grader's answer.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from netlab.engines.base import Engine
from netlab.errors import NetlabError
from netlab.evidence.alerts import Alert
from netlab.evidence.clock import EPOCH
from netlab.evidence.show import commands as show_commands
from netlab.evidence.show import prompt as show_prompt
from netlab.evidence.show import show
from netlab.faults import CATALOGUE
from netlab.model.device import DeviceConfig
from netlab.scenario.console import actions
from netlab.scenario.console.commands import help_text, lookup
from netlab.scenario.console.editing import ConfigTexts, Editor, run_editor
from netlab.scenario.console.network import LiveNetwork
from netlab.scenario.console.record import ConsoleAttempt, Entry, EventKind, Source
from netlab.scenario.console.reply import CommandError, Reply, SessionStatus
from netlab.scenario.drill import Drill
from netlab.scenario.edits import diff_configs
from netlab.scenario.grading import Diagnosis, Grade, grade
from netlab.scenario.history import AttemptStatus

__all__ = ["PROMPT", "CommandError", "Reply", "Session", "SessionStatus"]

PROMPT = "on-call> "


class Session:
    """One trainee's attempt at one drill (see the module docstring)."""

    def __init__(self, drill: Drill, engine: Engine, workdir: Path, *, trainee: str,
                 engine_name: str = "embedded", speed: float = 1.0,
                 timer: Callable[[], float] = time.monotonic,
                 wall: Callable[[], datetime] | None = None,
                 editor: Editor = run_editor) -> None:
        self.drill = drill
        self.engine_name = engine_name
        self.trainee = trainee
        self.workdir = workdir
        self.speed = speed
        self._timer = timer
        self._wall = wall or (lambda: datetime.now(UTC).replace(microsecond=0))
        self.editor = editor
        workdir.mkdir(parents=True, exist_ok=True)
        self.net = LiveNetwork(drill, engine, workdir)
        self.texts = ConfigTexts(workdir / "configs", drill.faulted.configs)
        self.page_minute = self.net.page_minute
        self.started_at = self._wall()
        self._t0 = timer()
        self.status = SessionStatus.RUNNING
        self.connected: str | None = None
        self.diagnosis: Diagnosis | None = None
        self.hints_used: list[int] = []
        self.mitigated_minute: float | None = None
        self.result: Grade | None = None
        self._end_minute: float | None = None
        self._finished_at: datetime | None = None
        self._timeline: list[Entry] = []
        self._open: dict[str, Alert] = {}
        self._cleared: list[tuple[Alert, float]] = []
        self._state_since = 0.0
        self._warned_late = False
        for spec, start in zip(drill.spec.faults, drill.starts, strict=True):
            noise = " (a red herring)" if spec.red_herring else ""
            params = ", ".join(f"{k}={v}" for k, v in spec.params.items())
            self.log(start, Source.NETWORK, EventKind.FAULT,
                      f"{spec.type} starts ({params}){noise}")
        self.log(self.page_minute, Source.NETWORK, EventKind.PAGE,
                  f"{trainee} is paged: {drill.spec.title}")
        self.sync_alerts(self.page_minute)

    # -- the clock -------------------------------------------------------------------------------
    def minute(self) -> float:
        """Now on the incident clock (frozen once the drill ended)."""
        if self._end_minute is not None:
            return self._end_minute
        return self.page_minute + (self._timer() - self._t0) * self.speed / 60.0

    @property
    def minutes_elapsed(self) -> float:
        """Drill-clock minutes since the page."""
        return max(0.0, self.minute() - self.page_minute)

    @property
    def time_limit(self) -> float:
        return float(self.drill.spec.time_limit_minutes)

    @staticmethod
    def clock_time(minute: float) -> datetime:
        """The wall-clock time the incident clock shows at ``minute``."""
        from datetime import timedelta

        return EPOCH + timedelta(minutes=minute)

    @property
    def prompt(self) -> str:
        if self.connected is None:
            return PROMPT
        return show_prompt(self.net.incident(self.minute()), self.connected)

    @property
    def timeline(self) -> tuple[Entry, ...]:
        """Every entry so far, in time order (in the order they happened at a tie)."""
        return tuple(sorted(self._timeline, key=lambda e: round(e.minute, 6)))

    def log(self, minute: float, source: Source, kind: EventKind, text: str, *,
             ok: bool = True) -> None:
        """Add an entry to the timeline (trainee entries carry the wall-clock time)."""
        wall = self._wall() if source is Source.TRAINEE else None
        self._timeline.append(Entry(minute, source, kind, text, wall, ok))

    # -- alerts ----------------------------------------------------------------------------------
    def open_alerts(self) -> list[Alert]:
        """Alerts open now (cheap enough for a toolbar refreshed every second)."""
        return self.net.open_alerts(self.minute())

    def sync_alerts(self, minute: float) -> None:
        """Record alerts that fired or cleared up to ``minute`` on the timeline."""
        current = {a.id: a for a in self.net.open_alerts(minute)}
        for aid, alert in current.items():
            if aid not in self._open:
                self.log(max(alert.fired_minute, self._state_since), Source.NETWORK,
                          EventKind.ALERT, f"[{alert.severity.value}] {alert.summary}")
        for aid, alert in self._open.items():
            if aid not in current:
                self._cleared.append((alert, minute))
                self.log(minute, Source.NETWORK, EventKind.CLEARED,
                          f"cleared: {alert.summary}")
        self._open = current

    @property
    def cleared(self) -> list[tuple[Alert, float]]:
        """Alerts that cleared, with the minute they did."""
        return list(self._cleared)

    # -- commands --------------------------------------------------------------------------------
    def confirmation(self, line: str) -> str | None:
        """The question to ask before running ``line`` (None: run it straight away)."""
        try:
            words = shlex.split(line)
        except ValueError:
            return None
        cmd = lookup(words[0]) if words else None
        if cmd is None or not cmd.confirm or self.status is not SessionStatus.RUNNING:
            return None
        if cmd.name == "hint":
            nxt = len(self.hints_used)
            hints = self.drill.spec.hints
            if nxt >= len(hints):
                return None
            return f"Hint {nxt + 1} of {len(hints)} costs {hints[nxt].cost} points. Take it?"
        if cmd.name == "submit":
            drafts = self.texts.drafts
            notes = []
            if self.diagnosis is None:
                notes.append("you have not named a root cause ('diagnose')")
            if drafts:
                notes.append(f"your draft for {', '.join(drafts)} did not parse and is "
                             "not applied")
            return ("Submit and end the drill" + (f" ({'; '.join(notes)})" if notes else "")
                    + "?")
        return "Quit without submitting? The attempt is recorded as abandoned."

    def execute(self, line: str) -> Reply:
        """Run one typed line and record it (see the module docstring)."""
        if self.status is not SessionStatus.RUNNING:
            return Reply("the drill is over", ok=False)
        minute = self.minute()
        self.sync_alerts(minute)
        try:
            words = shlex.split(line)
        except ValueError as exc:
            self.log(minute, Source.TRAINEE, EventKind.COMMAND, line, ok=False)
            return Reply(f"cannot read that line: {exc}", ok=False)
        if not words:
            return Reply("")
        cmd = lookup(words[0])
        at = len(self._timeline)  # the command goes before what it caused
        try:
            if cmd is None and self.connected is not None:
                reply = Reply(show(self.net.incident(minute), self.connected, line.strip()))
            elif cmd is None:
                raise CommandError(f"unknown command {words[0]!r}; 'help' lists them"
                                   " (show commands need 'connect ROUTER' first)")
            else:
                reply = actions.run(self, cmd.name, words[1:])
        except CommandError as exc:
            reply = Reply(str(exc), ok=False)
        except NetlabError as exc:
            reply = Reply(str(exc), ok=False)
        self._timeline.insert(at, Entry(minute, Source.TRAINEE, EventKind.COMMAND,
                                        line.strip(), self._wall(), reply.ok))
        if (not reply.finished and not self._warned_late
                and self.minutes_elapsed > self.time_limit):
            self._warned_late = True
            reply.text += (f"\n(The {self.time_limit:.0f}-minute time limit has passed: the "
                           "time points now fall. Submit when you are ready.)")
        return reply

    def apply(self, cfg: DeviceConfig, minute: float) -> None:
        """Make ``cfg`` its router's running config from ``minute``: alerts fired before
        are recorded against the old network, then the new one's fire or clear; the
        checks are evaluated silently for the mitigation time."""
        self.sync_alerts(minute)
        self.net.apply(cfg, minute, self.trainee, self.clock_time(minute))
        self._state_since = minute
        self.sync_alerts(minute)

    def evaluate_mitigation(self, minute: float) -> None:
        """Record the first minute the drill's checks all pass (never shown)."""
        if self.mitigated_minute is None and self.net.checks_pass():
            self.mitigated_minute = minute
            self.log(minute, Source.NETWORK, EventKind.MITIGATED,
                     "the drill's checks pass on the network: mitigated")

    def help(self, args: Sequence[str]) -> Reply:
        return Reply(help_text(args[0] if args else None))

    # -- ending ----------------------------------------------------------------------------------
    def finish(self, status: SessionStatus) -> None:
        """End the drill: freeze the clock, record the end, grade a submission."""
        end = self.minute()
        self.sync_alerts(end)
        self._end_minute = end
        self._finished_at = self._wall()
        self.status = status
        self.connected = None
        if status is SessionStatus.SUBMITTED:
            self.log(end, Source.TRAINEE, EventKind.SUBMIT, "submitted for grading")
            mitigated = (None if self.mitigated_minute is None
                         else max(0.0, self.mitigated_minute - self.page_minute))
            net = self.net
            self.result = grade(
                self.drill, net.engine, baseline=net.observer.baseline,
                faulted=net.faulted_snap, trainee=net.snap, answer=self.diagnosis,
                minutes_elapsed=end - self.page_minute, minutes_to_mitigation=mitigated,
                hints_used=self.hints_used, impact_rate_gbps=net.impact_rate)
        else:
            self.log(end, Source.TRAINEE, EventKind.ABANDON, "left without submitting")

    def attempt(self) -> ConsoleAttempt:
        """The finished attempt (the debrief's and the history's input)."""
        if self.status is SessionStatus.RUNNING or self._finished_at is None:
            raise NetlabError("the drill is still running; submit or quit first")
        status = (AttemptStatus.SUBMITTED if self.status is SessionStatus.SUBMITTED
                  else AttemptStatus.ABANDONED)
        edits = diff_configs(self.drill.faulted.configs, self.net.configs,
                             self.texts.edited, verify=False)
        return ConsoleAttempt(
            drill=self.drill, trainee=self.trainee, engine=self.engine_name, status=status,
            started_at=self.started_at, finished_at=self._finished_at,
            page_minute=self.page_minute, end_minute=self.minute(), grade=self.result,
            diagnosis=self.diagnosis, edits=tuple(edits),
            edited_routers=tuple(self.texts.edited), mitigated_minute=self.mitigated_minute,
            hints_used=tuple(self.hints_used), timeline=self.timeline,
            impact_rate_gbps=self.net.impact_rate, workdir=self.workdir)

    # -- completion (commands.Names) -----------------------------------------------------------
    def routers(self) -> Sequence[str]:
        return self.net.routers

    def interfaces(self, router: str) -> Sequence[str]:
        cfg = self.net.configs.get(router)
        return [i.name for i in cfg.interfaces] if cfg is not None else []

    def locations(self) -> Sequence[str]:
        net = self.drill.network
        return sorted({*self.net.routers, *net.links, *net.srlgs()})

    def root_causes(self) -> Sequence[str]:
        return sorted({f.root_cause for f in CATALOGUE.values()})

    def show_commands(self) -> Sequence[str]:
        if self.connected is None:
            return []
        return show_commands(self.net.configs[self.connected].vendor)
