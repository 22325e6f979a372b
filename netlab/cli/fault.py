"""``netlab fault``: the fault catalogue, injecting faults, and an incident's evidence.

``list`` and ``show`` describe every fault type (parameters, root cause,
symptoms, the engines that can observe it); ``inject`` writes a faulted
snapshot of a topology (or of another snapshot, so faults stack); ``evidence``
prints the alerts and syslog a faulted snapshot produces against its baseline
at a minute of the simulated clock. A bad fault, parameter or name is one line
on stderr with exit code 2 (the top-level group turns every NetlabError into one).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from random import Random
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from netlab.cli.common import console, echo_json
from netlab.errors import FaultError, NetlabError
from netlab.faults import CATALOGUE, FaultType, NetworkState, fault_type, pick_params
from netlab.faults.base import Engine as Observer
from netlab.model.device import DeviceConfig
from netlab.model.network import Network
from netlab.model.types import Backbone, Vendor

__all__ = ["COMMANDS", "fault"]

_SEVERITY_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow",
                   "warning": "cyan"}


def _vendor(value: str | None) -> Vendor | None:
    if value is None:
        return None
    try:
        return Vendor(value.lower())
    except ValueError:
        choices = ", ".join(v.value for v in Vendor)
        raise NetlabError(f"unknown vendor {value!r} (choose one of {choices})") from None


# -- describing fault types -------------------------------------------------------------------
def _observers(ft: FaultType) -> dict[str, list[str]]:
    """Engines that can observe ``ft``, per vendor of the router it is on."""
    net = Network("-", Backbone.CLASSIC, 65000, {}, {}, {})
    out: dict[str, list[str]] = {}
    for vendor in Vendor:
        state = NetworkState(net, {"r": DeviceConfig("r", vendor)})
        try:
            engines = ft.observers(state, {"router": "r"})
        except (KeyError, FaultError):
            engines = frozenset(Observer)
        out[vendor.value] = sorted(e.value for e in engines)
    return out


def describe(ft: FaultType) -> dict[str, Any]:
    """A fault type as JSON: summary, parameters, root cause, symptoms, observers."""
    return {
        "name": ft.name, "category": ft.category.value, "summary": ft.summary,
        "root_cause": ft.root_cause, "time_varying": ft.time_varying,
        "params": [{"name": p.name, "kind": p.kind.value, "help": p.help,
                    "default": p.default, "required": p.required} for p in ft.params],
        "symptoms": sorted(s.value for s in ft.symptoms),
        "observers": _observers(ft),
    }


def _observer_text(observers: Mapping[str, list[str]]) -> str:
    distinct = {tuple(v) for v in observers.values()}
    if len(distinct) == 1:
        return ", ".join(next(iter(distinct)))
    every = set.intersection(*(set(v) for v in observers.values()))
    extra = []
    for engine in sorted(set().union(*(set(v) for v in observers.values())) - every):
        vendors = [v for v, e in observers.items() if engine in e]
        extra.append(f"{engine} ({', '.join(vendors)} only)")
    return ", ".join([*sorted(every), *extra])


def _param_text(p: Mapping[str, Any]) -> str:
    default = "" if p["required"] else f" [default {p['default']}]"
    return f"{p['name']} ({p['kind']}): {p['help']}{default}"


@click.group("fault")
def fault() -> None:
    """The fault catalogue: list and show fault types, inject faults, see their evidence."""


@fault.command("list")
@click.option("--category", type=click.Choice(sorted({f.category.value
                                                       for f in CATALOGUE.values()})),
              help="Only fault types of this category.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_cmd(category: str | None, as_json: bool) -> None:
    """List every fault type: summary, parameters, root cause, symptoms, engines."""
    rows = [describe(f) for f in CATALOGUE.values()
            if category is None or f.category.value == category]
    if as_json:
        echo_json(rows)
        return
    table = Table(title="Fault catalogue", title_justify="left", show_lines=True)
    for col in ("fault", "category", "summary", "parameters", "symptoms", "engines"):
        table.add_column(col, overflow="fold")
    for r in rows:
        params = "\n".join(_param_text(p) for p in r["params"]) or "-"
        name = r["name"] + (" (time-varying)" if r["time_varying"] else "")
        table.add_row(name, r["category"], f"{r['summary']}\nroot cause: {r['root_cause']}",
                      params, ", ".join(r["symptoms"]), _observer_text(r["observers"]))
    console().print(table)


@fault.command("show")
@click.argument("fault_name", metavar="TYPE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(fault_name: str, as_json: bool) -> None:
    """Show one fault type in full."""
    data = describe(fault_type(fault_name))
    if as_json:
        echo_json(data)
        return
    out = console()
    out.print(Text(f"{data['name']} ({data['category']})", style="bold"))
    out.print(data["summary"], markup=False)
    out.print(f"root cause: {data['root_cause']}", markup=False)
    out.print(f"time-varying: {'yes' if data['time_varying'] else 'no'}")
    out.print("parameters:")
    for p in data["params"]:
        out.print(f"  {_param_text(p)}", markup=False)
    out.print(f"symptoms: {', '.join(data['symptoms'])}")
    out.print(f"engines that can observe it: {_observer_text(data['observers'])}")


# -- injecting --------------------------------------------------------------------------------
def _pairs(items: Sequence[str], where: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise FaultError(f"{where}: expected key=value, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _spec(text: str) -> tuple[str, dict[str, str], float]:
    """``'TYPE k=v k=v [@MINUTE]'`` → (type, params, start minute)."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise FaultError(f"--fault {text!r}: {exc}") from None
    if not words:
        raise FaultError("--fault needs a fault type, e.g. --fault 'link-down link=a--b'")
    start = 0.0
    rest = []
    for w in words[1:]:
        if w.startswith("@"):
            try:
                start = float(w[1:])
            except ValueError:
                raise FaultError(f"--fault {text!r}: {w!r} is not @MINUTE") from None
        else:
            rest.append(w)
    return words[0], _pairs(rest, f"--fault {words[0]}"), start


def _source_state(topology: str, vendor: Vendor | None) -> tuple[NetworkState,
                                                                   tuple[float, ...]]:
    """The state faults are added to: a topology's intent, or an existing snapshot's."""
    from netlab.evidence.incident import baseline_state, fault_starts, state_of
    from netlab.snapshot import is_snapshot, read_snapshot
    from netlab.topology.files import load_network

    path = Path(topology)
    if path.is_dir():
        if not is_snapshot(path):
            raise NetlabError(f"{topology}: directory is not a netlab snapshot")
        if vendor is not None:
            raise NetlabError("--vendor applies to a topology, not to an existing snapshot "
                              "(use 'netlab render SNAPSHOT --vendor V' first)")
        snap = read_snapshot(path)
        return state_of(snap), fault_starts(snap)
    return baseline_state(load_network(topology), vendor), ()


@fault.command("inject")
@click.argument("topology")
@click.argument("fault_name", metavar="[FAULT]", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="K=V",
              help="A parameter of FAULT (repeatable).")
@click.option("--fault", "-f", "specs", multiple=True, metavar="'TYPE K=V ... [@MIN]'",
              help="A fault with its parameters and optional start minute (repeatable; "
                   "faults apply in order).")
@click.option("--random", "randomise", is_flag=True,
              help="Pick missing parameters (and FAULT itself when not given) at random.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --random.")
@click.option("-o", "--output", required=True, metavar="SNAPSHOT",
              help="Faulted snapshot directory to write.")
@click.option("--baseline", metavar="SNAPSHOT",
              help="Also write the unfaulted snapshot here (for 'netlab fault evidence').")
@click.option("--vendor", metavar="VENDOR",
              help="Render every router as this vendor: junos, iosxr, eos or frr.")
@click.option("--force", is_flag=True, help="Replace existing snapshots.")
def inject(topology: str, fault_name: str | None, params: tuple[str, ...],
           specs: tuple[str, ...], randomise: bool, seed: int, output: str,
           baseline: str | None, vendor: str | None, force: bool) -> None:
    """Inject faults into TOPOLOGY (a shipped name, a YAML file or a snapshot)."""
    from netlab.evidence.incident import write_state

    override = _vendor(vendor)
    base, starts = _source_state(topology, override)
    rng = Random(seed)
    wanted: list[tuple[str, dict[str, str], float]] = []
    if fault_name is not None or (randomise and not specs):
        name = fault_name or _random_type(base, rng)
        wanted.append((name, _pairs(params, f"fault {name}"), 0.0))
    elif params:
        raise FaultError("--param needs a FAULT argument (or use --fault 'TYPE k=v')")
    wanted.extend(_spec(s) for s in specs)
    if not wanted:
        raise FaultError("no fault given: name FAULT, use --fault 'TYPE k=v', or --random")
    state = base
    new_starts = list(starts)
    for name, given, start in wanted:
        ft = fault_type(name)
        full: dict[str, Any] = dict(given)
        if randomise:
            picked = pick_params(ft, state, rng)
            full = {**picked, **given}
        state = ft.apply(state, full)
        new_starts.append(start)
    if baseline is not None:
        write_state(base, baseline, starts=starts, vendor=override, overwrite=force)
    out = write_state(state, output, starts=new_starts, vendor=override, overwrite=force)
    table = Table(title=f"faulted snapshot {out}", title_justify="left")
    for col in ("fault", "location", "parameters", "starts"):
        table.add_column(col, overflow="fold")
    for rec, start in list(zip(state.faults, new_starts, strict=True))[len(base.faults):]:
        table.add_row(rec.type, rec.location.describe(),
                      " ".join(f"{k}={v}" for k, v in rec.params.items()), f"minute {start:g}")
    console().print(table)


def _random_type(state: NetworkState, rng: Random) -> str:
    names = [n for n, f in sorted(CATALOGUE.items()) if f.pick(state, Random(0)) is not None]
    if not names:
        raise FaultError(f"no fault type applies to {state.network.name}")
    return rng.choice(names)


# -- evidence ---------------------------------------------------------------------------------
@fault.command("evidence")
@click.argument("snapshot")
@click.option("--baseline", required=True, metavar="SNAPSHOT",
              help="The unfaulted snapshot to compare with.")
@click.option("--at", "at_minute", type=float, metavar="MINUTE",
              help="Minute on the incident clock to look at (default: when paged).")
@click.option("--page", "page_minute", type=float, default=5.0, show_default=True,
              metavar="MINUTE", help="Minute the on-call engineer is paged.")
@click.option("--router", "routers", multiple=True, help="Only this router's log (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evidence(snapshot: str, baseline: str, at_minute: float | None, page_minute: float,
             routers: tuple[str, ...], as_json: bool) -> None:
    """Print the alerts and syslog of a faulted SNAPSHOT against its baseline."""
    from netlab.evidence.alerts import alerts
    from netlab.evidence.changes import changes_of
    from netlab.evidence.incident import load_incident
    from netlab.evidence.syslog import syslog_lines
    from netlab.topology.checks import suggest

    incident = load_incident(snapshot, baseline, page_minute=page_minute, now_minute=at_minute)
    for r in routers:
        if r not in incident.network.routers:
            raise FaultError(f"no router {r!r} in {incident.network.name}"
                             f"{suggest(r, incident.network.routers)}")
    changes = changes_of(incident)
    fired = alerts(incident, changes)
    lines = syslog_lines(incident, changes, routers=routers or None)
    clock = incident.clock
    if as_json:
        echo_json({"network": incident.network.name, "now_minute": clock.now_minute,
                   "now": clock.now.isoformat(), "page_minute": clock.page_minute,
                   "faults": [f.to_json() for f in incident.faults],
                   "alerts": [a.to_json() for a in fired],
                   "syslog": [{"minute": round(s.minute, 4), "router": s.router,
                               "vendor": s.vendor.value, "severity": s.severity,
                               "text": s.text} for s in lines]})
        return
    out = console()
    out.print(Text(f"{incident.network.name} at minute {clock.now_minute:g} "
                   f"({clock.now:%Y-%m-%d %H:%M:%S} UTC); paged at minute "
                   f"{clock.page_minute:g}", style="bold"))
    table = Table(title=f"Alerts ({len(fired)})", title_justify="left")
    for col in ("fired", "severity", "device", "alert"):
        table.add_column(col, overflow="fold")
    for a in fired:
        table.add_row(f"{a.fired_at:%H:%M:%S}", Text(a.severity.value,
                                                      style=_SEVERITY_STYLE[a.severity.value]),
                      a.device, a.summary)
    out.print(table)
    out.print(Text(f"Syslog ({len(lines)} lines)", style="bold"))
    for s in lines:
        out.print(Text(s.collected))


COMMANDS = [fault]
