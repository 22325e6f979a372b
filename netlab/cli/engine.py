"""``netlab engine``: which analysis engines can run here, and what Batfish can grade.

``status`` checks each engine's prerequisites (embedded: none; batfish:
pybatfish, ``BATFISH_HOST``, a service answering; live: root and FRR) and says
why one is unavailable. ``capabilities`` prints the Batfish capability matrix
(fault type by vendor), the network-wide limits for a topology, or whether a
drill can be graded by Batfish and why not.

:func:`make_engine` and :data:`ENGINE_CHOICES` are for commands that take an
``--engine`` option (``analyze``, ``scenario``).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from typing import Any

import click
from rich.table import Table

from netlab.cli.common import console, echo_json, guarded
from netlab.engines.base import Engine
from netlab.errors import EngineError

__all__ = ["COMMANDS", "ENGINE_CHOICES", "Check", "EngineStatus", "engine", "engine_status",
           "make_engine"]

ENGINE_CHOICES = ("embedded", "batfish", "live")
FRR_DAEMONS = ("zebra", "isisd", "bgpd", "staticd")


def make_engine(name: str) -> Engine:
    """The engine called ``name`` (``embedded`` or ``batfish``); no I/O until asked."""
    if name == "embedded":
        from netlab.engines.embedded import EmbeddedEngine

        return EmbeddedEngine()
    if name == "batfish":
        from netlab.engines.batfish import BatfishEngine

        return BatfishEngine()
    if name == "live":
        raise EngineError("the live engine answers from a running lab: start one with "
                          "'netlab lab up' and use the lab's commands")
    raise EngineError(f"unknown engine {name!r} (choose one of {', '.join(ENGINE_CHOICES)})")




# -- status ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Check:
    """One prerequisite of an engine: what, whether it holds, and the detail or the fix."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class EngineStatus:
    name: str
    checks: tuple[Check, ...]

    @property
    def available(self) -> bool:
        return all(c.ok for c in self.checks)


def _batfish_checks(timeout: float) -> tuple[Check, ...]:
    import os

    from netlab.engines.batfish.probe import HOST_ENV, ServiceAddress, probe, pybatfish_version

    checks = []
    version = pybatfish_version()
    checks.append(Check("pybatfish", version is not None, f"pybatfish {version}" if version
                        else "not installed: pip install 'netlab-backbone[batfish]'"))
    host = os.environ.get(HOST_ENV, "").strip()
    try:
        address = ServiceAddress.from_env()
    except EngineError as exc:
        return (*checks, Check(HOST_ENV, False, exc.message))
    checks.append(Check(HOST_ENV, True, f"{host} = {address.url}" if host
                        else f"not set: trying {address.url}"))
    try:
        info = probe(address, timeout=timeout)
    except EngineError as exc:
        checks.append(Check("service", False, exc.message))
    else:
        versions = ", ".join(f"{k} {v}" for k, v in sorted(info.versions.items()))
        checks.append(Check("service", True, f"{address.url} answers: {versions or 'no versions'}"))
    return tuple(checks)


def _live_checks() -> tuple[Check, ...]:
    from netlab.lab.system import FRR_DIR, is_root

    missing = [str(FRR_DIR / d) for d in FRR_DAEMONS if not (FRR_DIR / d).exists()]
    vtysh = shutil.which("vtysh")
    return (
        Check("root", is_root(), "running as root" if is_root()
              else "network namespaces need root: run with sudo"),
        Check("FRR daemons", not missing, ", ".join(str(FRR_DIR / d) for d in FRR_DAEMONS)
              if not missing else f"missing {', '.join(missing)}: apt-get install frr"),
        Check("vtysh", vtysh is not None, vtysh or "not on PATH: apt-get install frr"),
        Check("iproute2", shutil.which("ip") is not None, shutil.which("ip")
              or "not on PATH: apt-get install iproute2"),
    )


def engine_status(timeout: float = 2.0) -> tuple[EngineStatus, ...]:
    """Every engine with its prerequisite checks (probes the Batfish service once)."""
    return (
        EngineStatus("embedded", (Check("in-process", True, "always available (the default)"),)),
        EngineStatus("batfish", _batfish_checks(timeout)),
        EngineStatus("live", _live_checks()),
    )


@click.group("engine")
def engine() -> None:
    """Analysis engines: which can run here, and what Batfish can grade."""


@engine.command("status")
@click.option("--timeout", default=2.0, show_default=True, type=float,
              help="Seconds to wait for the Batfish service.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guarded
def status(timeout: float, as_json: bool) -> None:
    """Which engines can run here, and the reason when one cannot."""
    statuses = engine_status(timeout)
    if as_json:
        echo_json([{"engine": s.name, "available": s.available,
                    "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail}
                               for c in s.checks]} for s in statuses])
        return
    table = Table(title="netlab engines")
    for col in ("engine", "available", "check", "detail"):
        table.add_column(col)
    for s in statuses:
        for i, c in enumerate(s.checks):
            table.add_row(s.name if i == 0 else "", ("yes" if s.available else "no") if i == 0
                          else "", f"{'ok' if c.ok else 'FAIL'} {c.name}", c.detail)
    console().print(table)


# -- capabilities ----------------------------------------------------------------------------
def _matrix_table(vendors: list[Any] | None = None) -> Table:
    from netlab.engines.batfish.capability import MATRIX
    from netlab.model.types import Vendor

    shown = vendors or list(Vendor)
    table = Table(title="Batfish capability matrix (fault type by vendor of the routers it "
                        "involves)")
    table.add_column("fault type")
    for v in shown:
        table.add_column(v.value)
    for fault, row in MATRIX.items():
        table.add_row(fault, *(row[v].verdict.value for v in shown))
    return table


def _print_findings(title: str, ok: bool, reasons: tuple[str, ...]) -> None:
    con = console()
    con.print(f"{title}: Batfish {'can' if ok else 'cannot'} grade it")
    for reason in reasons:
        con.print(f"  - {reason}", markup=False, highlight=False)


def _release(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A Batfish release number such as 2025.07.07 (anything else was ignored silently)."""
    if value is not None and re.fullmatch(r"\d+(\.\d+)*", value.strip()) is None:
        raise click.BadParameter(f"{value!r} is not a Batfish release (expected e.g. "
                                 "2025.07.07.2423, as 'netlab engine status' shows)")
    return value


@engine.command("capabilities")
@click.option("--scenario", "scenarios", multiple=True, metavar="ID|FILE",
              help="A drill to check (repeatable).")
@click.option("--all-scenarios", is_flag=True, help="Check every shipped drill.")
@click.option("--topology", metavar="NAME|FILE",
              help="Network-wide limits for a topology (its default vendors).")
@click.option("--batfish-version", metavar="VERSION", callback=_release,
              help="The Batfish release that would grade (see 'netlab engine status').")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@guarded
def capabilities(scenarios: tuple[str, ...], all_scenarios: bool, topology: str | None,
                 batfish_version: str | None, as_json: bool) -> None:
    """What Batfish can grade: the matrix, a topology's limits, or drills one by one."""
    from netlab.engines.batfish.capability import MATRIX, batfish_can_grade
    from netlab.engines.batfish.caveats import network_findings
    from netlab.scenario.drill import list_scenarios, load_drill

    wanted = list(scenarios) + (list(list_scenarios()) if all_scenarios else [])
    report: dict[str, Any] = {}
    if topology is not None:
        from netlab.render.intent import device_configs
        from netlab.topology.files import load_network

        network = load_network(topology)
        configs = device_configs(network)
        findings = network_findings(configs, batfish_version)
        vendors = sorted({c.vendor for c in configs.values()}, key=lambda v: v.value)
        report["topology"] = {"name": network.name, "findings": [str(f) for f in findings]}
        if not as_json:
            console().print(_matrix_table(vendors))
            blocked = any(f.verdict.value == "not-modelled" for f in findings)
            _print_findings(f"topology {network.name}", not blocked,
                            tuple(str(f) for f in findings))
    drills = []
    for ref in wanted:
        verdict = batfish_can_grade(load_drill(ref), batfish_version=batfish_version)
        drills.append({"scenario": ref, "gradable": verdict.ok,
                       "reasons": list(verdict.reasons)})
        if not as_json:
            _print_findings(f"scenario {ref}", verdict.ok, verdict.reasons)
    if wanted:
        report["scenarios"] = drills
    if topology is None and not wanted:
        report["matrix"] = {f: {v.value: {"verdict": c.verdict.value, "reason": c.reason}
                                for v, c in row.items()} for f, row in MATRIX.items()}
        if not as_json:
            console().print(_matrix_table())
            shipped = list_scenarios()
            console().print(f"{len(shipped)} shipped drill(s); "
                            "'--all-scenarios' checks each one.")
    if as_json:
        echo_json(report)


COMMANDS = [engine]
