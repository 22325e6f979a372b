"""The network behind a drill console: the faulted network plus the trainee's edits.

:class:`LiveNetwork` keeps the current :class:`~netlab.faults.NetworkState`
(the faulted configs with every config the trainee applied, over the faults'
physical state) and answers what the console shows about it at a minute of
the incident clock:

* **alerts** of the current network: the evidence layer compares it with the
  healthy baseline, so an alert clears once the trainee's change removes its
  cause — and one their change causes fires;
* **show output, counters, optics and captures** of the current network at
  the minute (time-varying faults evolve: a flapping link keeps flapping, a
  degrading optic keeps losing light, whatever the configs say);
* **logs**: what the routers logged — the faulted network's log until the
  trainee's first change, then each changed network's log from the minute it
  took effect (a repaired session stops retrying, a flapping link keeps
  flapping), plus a commit line on the router for each config applied;
* whether the drill's **checks** pass (the session evaluates them silently
  after every applied edit, for the mitigation time; they are never shown).

Every state is written as a snapshot under the session's directory (the faulted
one at the start, ``states/N`` after each change), because the syslog reads each
router's logging settings from its config text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from netlab.engines.base import Engine
from netlab.evidence.alerts import Alert, Severity
from netlab.evidence.clock import DEFAULT_PAGE_MINUTE
from netlab.evidence.incident import Incident
from netlab.evidence.syslog import SyslogLine, syslog_lines
from netlab.faults import NetworkState
from netlab.model.device import DeviceConfig
from netlab.model.types import Role, Vendor
from netlab.scenario.checks import run_checks
from netlab.scenario.drill import Drill, write_state
from netlab.scenario.fingerprint import EVIDENCE_MINUTE, Observer
from netlab.scenario.grading import impact_rate
from netlab.snapshot.layout import Snapshot

__all__ = ["HORIZON_MINUTES", "LiveNetwork", "commit_line", "page_minute", "severity_counts"]

HORIZON_MINUTES = 600.0
"""How far ahead a state's alerts are computed once (the open-alert count reads them)."""


def page_minute(observer: Observer, drill: Drill, snap: Snapshot) -> float:
    """When the on-call engineer is paged: the first critical or major alert (by
    :data:`~netlab.scenario.fingerprint.EVIDENCE_MINUTE`), never before the clock's
    default page minute — as the workspace's evidence is timed."""
    fired = observer.alerts(drill.faulted, snap, drill.starts, minute=EVIDENCE_MINUTE)
    serious = [a for a in fired if a.severity.rank <= 1] or list(fired)
    first = min((a.fired_minute for a in serious), default=DEFAULT_PAGE_MINUTE)
    return max(first, DEFAULT_PAGE_MINUTE)


def commit_line(vendor: Vendor, router: str, user: str, when: datetime, serial: int
                ) -> str | None:
    """The line ``router`` logs when ``user`` commits a config (None: FRR logs nothing)."""
    stamp = f"{when:%b} {when.day:2d} {when:%H:%M:%S}"
    if vendor is Vendor.JUNOS:
        return (f"{stamp}  {router} mgd[{4100 + serial}]: UI_COMMIT: User '{user}' requested "
                "'commit' operation (comment: none)")
    if vendor is Vendor.IOSXR:
        return (f"RP/0/RP0/CPU0:{stamp}.000 UTC: config[{65700 + serial}]: "
                f"%MGBL-CONFIG-6-DB_COMMIT : Configuration committed by user '{user}'. Use "
                f"'show configuration commit changes {1000000000 + serial}' to view the "
                "changes.")
    if vendor is Vendor.EOS:
        return f"{stamp} {router} ConfigAgent: %SYS-5-CONFIG_I: Configured from console by {user}"
    return None


class LiveNetwork:
    """The drill's network as the trainee has left it (see the module docstring)."""

    def __init__(self, drill: Drill, engine: Engine, workdir: Path) -> None:
        self.drill = drill
        self.engine = engine
        self.observer = Observer(engine, drill.baseline)
        written = write_state(drill.faulted, workdir / "faulted", starts=drill.starts)
        self.faulted_snap = self.observer.snapshot(drill.faulted, drill.starts, path=written)
        self.workdir = workdir
        self.state: NetworkState = drill.faulted
        self.snap: Snapshot = self.faulted_snap
        self._epochs: list[tuple[float, NetworkState, Snapshot]] = [
            (0.0, self.state, self.snap)]
        self._horizon: dict[int, tuple[Snapshot, tuple[Alert, ...]]] = {}
        self._commits: list[SyslogLine] = []

    @cached_property
    def page_minute(self) -> float:
        return page_minute(self.observer, self.drill, self.faulted_snap)

    @property
    def configs(self) -> Mapping[str, DeviceConfig]:
        return self.state.configs

    @property
    def routers(self) -> list[str]:
        """Our routers (external peers are not ours to log in to), sorted."""
        net = self.drill.network
        return sorted(n for n, r in net.routers.items() if r.role is not Role.PEER)

    # -- evidence ------------------------------------------------------------------------------
    def incident(self, minute: float) -> Incident:
        """The current network as an incident asked about at ``minute``."""
        inc, _ = self.observer.incident(self.state, self.snap, self.drill.starts, minute)
        assert isinstance(inc, Incident)
        return inc

    def alerts(self, minute: float) -> tuple[Alert, ...]:
        """The current network's alerts that have fired by ``minute``."""
        return tuple(self.observer.alerts(self.state, self.snap, self.drill.starts, minute))

    def horizon(self) -> tuple[Alert, ...]:
        """The current network's alerts up to :data:`HORIZON_MINUTES` (computed once per
        state; an alert's firing minute does not depend on when it is asked)."""
        got = self._horizon.get(id(self.state))
        if got is None or got[0] is not self.snap:
            got = (self.snap, self.alerts(HORIZON_MINUTES))
            self._horizon[id(self.state)] = got
        return got[1]

    def open_alerts(self, minute: float) -> list[Alert]:
        """Alerts of the current network fired by ``minute`` (cheap: from the horizon)."""
        return [a for a in self.horizon() if a.fired_minute <= minute + 1e-9]

    def logs(self, minute: float, router: str | None = None) -> list[str]:
        """Log lines up to ``minute``: each state's while it ran, and the commits."""
        lines: list[Any] = [c for c in self._commits if c.minute <= minute
                            and (router is None or c.router == router)]
        ends = [e[0] for e in self._epochs[1:]] + [math.inf]
        for (since, state, snap), until in zip(self._epochs, ends, strict=True):
            inc, changes = self.observer.incident(state, snap, self.drill.starts,
                                                  min(minute, until))
            lines += [line for line in syslog_lines(
                inc, changes, routers=None if router is None else [router])
                if since <= line.minute < until]
        lines.sort(key=lambda line: line.minute)
        return [line.text for line in lines]

    def dropped_gbps(self) -> float:
        """Traffic the current network drops under the demand matrix (Gbps)."""
        return impact_rate(self.engine, self.snap)

    @cached_property
    def impact_rate(self) -> float:
        """Traffic the faulted network drops (Gbps): the grade's impact rate."""
        return impact_rate(self.engine, self.faulted_snap)

    # -- changes ---------------------------------------------------------------------------------
    def apply(self, cfg: DeviceConfig, minute: float, user: str, when: datetime) -> None:
        """Make ``cfg`` the running config of its router from ``minute`` on."""
        configs = dict(self.state.configs)
        configs[cfg.hostname] = cfg
        self.state = NetworkState(self.drill.network, configs, self.drill.faulted.failures,
                                  self.drill.faulted.faults)
        written = write_state(self.state, self.workdir / "states" / str(len(self._epochs)),
                              starts=self.drill.starts)
        self.snap = self.observer.snapshot(self.state, self.drill.starts, path=written)
        self._epochs.append((minute, self.state, self.snap))
        text = commit_line(cfg.vendor, cfg.hostname, user, when, len(self._commits) + 1)
        if text is not None:
            self._commits.append(SyslogLine(minute, cfg.hostname, cfg.vendor, 5,
                                            "configuration committed", text))

    def checks_pass(self) -> bool:
        """Whether every check of the drill passes on the current network."""
        results = run_checks(self.engine, self.drill.spec.checks, self.snap,
                             self.observer.baseline)
        return all(r.passed for r in results)

    def down_elements(self, minute: float) -> tuple[frozenset[str], frozenset[str]]:
        """(links, routers) physically down at ``minute`` — what a NOC map shows dark
        (a flapping link only in its down phase)."""
        failures = self.state.failures
        flapping = {f.link for f in self.incident(minute).flaps if f.is_down(minute)}
        return frozenset(failures.links_down | flapping), frozenset(failures.nodes_down)


def severity_counts(found: list[Alert]) -> dict[Severity, int]:
    """How many alerts of each severity (every severity listed, most severe first)."""
    return {s: sum(a.severity is s for a in found) for s in Severity}
