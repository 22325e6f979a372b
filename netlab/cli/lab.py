"""``netlab lab``: run the network as real FRR routers in network namespaces.

``up`` builds a lab from a topology or a snapshot and waits for convergence;
``status``, ``exec``, ``vtysh`` and ``capture`` look inside; ``fail``,
``flap``, ``degrade`` and ``push`` inject faults; ``restore`` undoes them;
``down`` removes a lab (``--all`` every lab, and whatever a killed netlab
left behind). Every command needs root and FRR and says so in one line.
"""

from __future__ import annotations

import functools
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import click
from rich.live import Live
from rich.table import Table
from rich.text import Text

from netlab.cli.common import console, guarded
from netlab.errors import LabError

__all__ = ["COMMANDS", "lab"]

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_LAB_TIMEOUT = 180.0


def _guard(fn: F) -> F:
    """Check root and FRR first; a NetlabError becomes one line and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from netlab.lab.system import require_frr, require_root

        require_root()
        require_frr()
        return fn(*args, **kwargs)

    return guarded(wrapper)  # type: ignore[return-value]


def _lab_name(name: str | None) -> str:
    """The lab to act on: ``--name``, or the only lab that is up."""
    from netlab.lab.state import list_state_files

    if name:
        return name
    labs = [sf.lab for sf in list_state_files()]
    if not labs:
        raise LabError("no lab is up (start one with 'netlab lab up TOPOLOGY')")
    if len(labs) > 1:
        raise LabError(f"several labs are up ({', '.join(labs)}): choose one with --name")
    return labs[0]


def _open(name: str | None) -> Any:
    from netlab.lab.lab import Lab

    lab = Lab(_lab_name(name))
    lab.state()  # a clear error now if it is not up
    return lab


@click.group("lab")
def lab() -> None:
    """The live lab: every router as FRR in its own network namespace."""


name_option = click.option("--name", "-n", "name", default=None,
                           help="Lab name (default: the only lab that is up).")
timeout_option = click.option("--timeout", type=float, default=DEFAULT_LAB_TIMEOUT,
                              show_default=True, help="Seconds to wait for convergence.")


@lab.command("up")
@click.argument("source")
@click.option("--name", "-n", "name", default=None,
              help="Lab name (default: from the topology); prefixes every namespace.")
@timeout_option
@_guard
def up(source: str, name: str | None, timeout: float) -> None:
    """Build SOURCE (topology name/file or snapshot dir) as FRR routers and wait for it."""
    from netlab.lab.lab import Lab
    from netlab.lab.plan import plan_source

    plan = plan_source(source, name)
    out = console()
    started = time.monotonic()
    status = {"phase": "planning", "diff": ""}
    stop = threading.Event()

    def render() -> Text:
        took = time.monotonic() - started
        text = Text(f"lab {plan.lab}: {len(plan.routers)} routers, {len(plan.links)} links "
                    f"— {status['phase']} ({took:.1f} s)")
        if status["diff"]:
            text.append(f"\n  waiting for: {status['diff'][:160]}", style="dim")
        return text

    def on_phase(phase: str, _done: int, _total: int) -> None:
        status["phase"] = phase

    def on_diff(diff: str) -> None:
        status["phase"] = "converging"
        status["diff"] = diff

    previous = signal.getsignal(signal.SIGTERM)

    def on_term(_sig: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)  # a plain kill cleans up like Ctrl-C
    try:
        with Live(render(), console=out, refresh_per_second=4, transient=True) as live:
            ticker = threading.Thread(target=_tick, args=(live, render, stop), daemon=True)
            ticker.start()
            try:
                Lab.start(plan, timeout=timeout, progress=on_phase, on_diff=on_diff)
            finally:
                stop.set()
    except KeyboardInterrupt:
        click.echo(f"netlab: interrupted; lab {plan.lab} was removed", err=True)
        raise SystemExit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    out.print(f"lab [bold]{plan.lab}[/bold] is up: {len(plan.routers)} routers converged in "
              f"{time.monotonic() - started:.1f} s (netlab lab status --name {plan.lab})")


def _tick(live: Live, render: Callable[[], Text], stop: threading.Event) -> None:
    while not stop.wait(0.25):
        live.update(render())


@lab.command("status")
@name_option
@_guard
def status(name: str | None) -> None:
    """Routers, daemons alive, IS-IS adjacencies and BGP sessions (up / expected)."""
    the_lab = _open(name)
    state = the_lab.state()
    rows = the_lab.status()
    table = Table(title=f"lab {the_lab.name} ({state.phase}; {len(state.faults)} fault(s))")
    for col in ("router", "namespace", "daemons", "IS-IS adj", "BGP sessions", "note"):
        table.add_column(col)
    for r in rows:
        def frac(a: int, b: int) -> Text:
            return Text(f"{a}/{b}", style="green" if a >= b else "red")
        table.add_row(r.router, r.namespace, frac(r.daemons_alive, r.daemons),
                      frac(r.adjacencies_up, r.adjacencies_expected),
                      frac(r.sessions_up, r.sessions_expected), "failed" if r.failed else "")
    out = console()
    out.print(table)
    for f in state.faults:
        out.print(f"fault in force: {f.kind} {f.target} {f.detail}".rstrip())


@lab.command("exec", context_settings={"ignore_unknown_options": True})
@click.argument("router")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
@name_option
@click.option("--timeout", type=float, default=60.0, show_default=True)
@_guard
def exec_(router: str, command: tuple[str, ...], name: str | None, timeout: float) -> None:
    """Run COMMAND inside ROUTER's namespace: netlab lab exec bb1 -- ip route."""
    proc = _open(name).exec(router, list(command), timeout=timeout)
    click.echo(proc.stdout, nl=False)
    click.echo(proc.stderr, nl=False, err=True)
    raise SystemExit(proc.returncode)


@lab.command("vtysh")
@click.argument("router")
@click.option("-c", "commands", multiple=True, help="Command(s) to run (else interactive).")
@name_option
@_guard
def vtysh(router: str, commands: tuple[str, ...], name: str | None) -> None:
    """FRR's shell on ROUTER (one-shot with -c)."""
    import subprocess

    run_ = _open(name).run_of(router)
    argv = ["vtysh", "--vty_socket", str(run_.run_dir)]
    for c in commands:
        argv += ["-c", c]
    raise SystemExit(subprocess.call(argv))


@lab.command("capture")
@click.argument("router")
@click.argument("interface")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--count", type=int, default=100, show_default=True)
@click.option("--seconds", type=float, default=10.0, show_default=True)
@name_option
@_guard
def capture(router: str, interface: str, output: Path, count: int, seconds: float,
            name: str | None) -> None:
    """Capture packets on ROUTER's INTERFACE into a pcap (bounded by count and time)."""
    path = _open(name).capture(router, interface, output, count=count, seconds=seconds)
    click.echo(f"wrote {path}")


@lab.group("fail")
def fail_group() -> None:
    """Inject a physical fault: a link, a node, a linecard or an SRLG."""


def _after_fault(the_lab: Any, before: Any, timeout: float, what: str) -> None:
    the_lab.wait_converged(timeout, must_be_down=before)
    click.echo(f"{what}; the lab has reconverged (netlab lab restore undoes it)")


@fail_group.command("link")
@click.argument("link_id")
@name_option
@timeout_option
@_guard
def fail_link(link_id: str, name: str | None, timeout: float) -> None:
    """Cut LINK_ID (both ends go down)."""
    from netlab.lab import faults

    the_lab = _open(name)
    before = the_lab.expectation()
    faults.fail_link(the_lab, link_id)
    _after_fault(the_lab, before, timeout, f"link {link_id} is down")


@fail_group.command("node")
@click.argument("router")
@name_option
@timeout_option
@_guard
def fail_node(router: str, name: str | None, timeout: float) -> None:
    """Kill ROUTER (its daemons die, its ports go dark)."""
    from netlab.lab import faults

    the_lab = _open(name)
    before = the_lab.expectation()
    faults.fail_node(the_lab, router)
    _after_fault(the_lab, before, timeout, f"router {router} is down")


@fail_group.command("linecard")
@click.argument("router")
@click.argument("slot", type=int)
@name_option
@timeout_option
@_guard
def fail_linecard(router: str, slot: int, name: str | None, timeout: float) -> None:
    """Fail linecard SLOT of ROUTER (every port on it goes down)."""
    from netlab.lab import faults

    the_lab = _open(name)
    before = the_lab.expectation()
    faults.fail_linecard(the_lab, router, slot)
    _after_fault(the_lab, before, timeout, f"linecard {slot} of {router} is down")


@fail_group.command("srlg")
@click.argument("srlg")
@name_option
@timeout_option
@_guard
def fail_srlg(srlg: str, name: str | None, timeout: float) -> None:
    """Cut every link of SRLG (a conduit)."""
    from netlab.lab import faults

    the_lab = _open(name)
    before = the_lab.expectation()
    faults.fail_srlg(the_lab, srlg)
    _after_fault(the_lab, before, timeout, f"SRLG {srlg} is cut")


@lab.group("flap")
def flap_group() -> None:
    """Flap a link down and up."""


@flap_group.command("link")
@click.argument("link_id")
@click.option("--times", type=int, default=3, show_default=True)
@click.option("--period", type=float, default=4.0, show_default=True,
              help="Seconds per flap (half down, half up).")
@name_option
@_guard
def flap_link(link_id: str, times: int, period: float, name: str | None) -> None:
    """Flap LINK_ID TIMES times, one flap every PERIOD seconds; the link ends up."""
    from netlab.lab import faults

    faults.flap_link(_open(name), link_id, times, period)
    click.echo(f"link {link_id} flapped {times} time(s)")


@lab.group("degrade")
def degrade_group() -> None:
    """Degrade a link with loss and delay."""


@degrade_group.command("link")
@click.argument("link_id")
@click.option("--loss", type=float, default=0.0, show_default=True, help="Packet loss %.")
@click.option("--delay", "delay", type=float, default=0.0, show_default=True,
              help="Added one-way delay, ms.")
@name_option
@_guard
def degrade_link(link_id: str, loss: float, delay: float, name: str | None) -> None:
    """Add --loss % and --delay ms on both directions of LINK_ID."""
    from netlab.lab import faults

    how = faults.degrade_link(_open(name), link_id, loss, delay)
    click.echo(f"link {link_id} degraded: {loss:g}% loss, {delay:g} ms delay ({how})")


@lab.command("push")
@click.argument("router")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@name_option
@_guard
def push(router: str, file: Path, name: str | None) -> None:
    """Replace ROUTER's running config with the FRR config FILE (a config fault)."""
    from netlab.lab import faults

    how = faults.push_config(_open(name), router, file)
    note = " (frr-reload could not apply it in place: the router was restarted)" \
        if how == "restart" else ""
    click.echo(f"{router} now runs {file}{note}; netlab lab restore re-pushes the original")


@lab.command("restore")
@name_option
@timeout_option
@_guard
def restore(name: str | None, timeout: float) -> None:
    """Undo every fault: links up, dead routers restarted, original configs re-pushed."""
    from netlab.lab import faults

    the_lab = _open(name)
    done = faults.restore(the_lab)
    the_lab.wait_converged(timeout)
    click.echo(f"restored {len(done)} fault(s){': ' + ', '.join(done) if done else ''}; "
               "the lab has reconverged")


@lab.command("down")
@name_option
@click.option("--all", "all_", is_flag=True,
              help="Every lab, and anything netlab left behind (after a crash).")
@_guard
def down(name: str | None, all_: bool) -> None:
    """Remove a lab: daemons, namespaces, veths and files."""
    if all_:
        from netlab.lab.build import sweep

        report = sweep()
        click.echo(f"removed {len(report.labs)} lab(s)"
                   f"{' (' + ', '.join(report.labs) + ')' if report.labs else ''}, "
                   f"{len(report.stray_namespaces)} stray namespace(s), "
                   f"{report.stray_processes} stray process(es)")
        return
    the_lab = _open(name)
    the_lab.down()
    click.echo(f"lab {the_lab.name} removed")


COMMANDS = [lab]
