"""What each console command does to a :class:`~netlab.scenario.console.session.Session`.

One function per command, looked up by :func:`run`; each returns a
:class:`~netlab.scenario.console.session.Reply` or raises
:class:`~netlab.scenario.console.session.CommandError` for a line typed
wrongly. Files the trainee names (``capture -o``, ``map -o``) are never
overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from netlab.evidence.show.context import ShowContext
from netlab.evidence.show.dispatch import PLATFORMS
from netlab.evidence.show.ports import Ports
from netlab.faults import CATALOGUE
from netlab.scenario.console.commands import lookup
from netlab.scenario.console.editing import EditStatus
from netlab.scenario.console.record import EventKind, Source
from netlab.scenario.console.reply import CommandError, Reply, SessionStatus
from netlab.scenario.console.views import (
    alerts_view,
    counters_view,
    health_view,
    optics_view,
)
from netlab.scenario.edits import diff_config
from netlab.scenario.grading import Diagnosis
from netlab.scenario.schema import LocationSpec
from netlab.topology.checks import suggest

if TYPE_CHECKING:
    from netlab.scenario.console.session import Session

__all__ = ["run"]

LOG_LINES = 40
CAPTURE_SECONDS = 60.0


def _fail(message: str) -> CommandError:
    return CommandError(message)


def _reply(text: str = "", *, ok: bool = True, finished: bool = False) -> Reply:
    return Reply(text, ok=ok, finished=finished)


def _options(args: Sequence[str], names: Sequence[str], usage: str
             ) -> tuple[list[str], dict[str, str]]:
    """Positional words and ``-x VALUE`` options (flags such as ``--all`` get '')."""
    words: list[str] = []
    opts: dict[str, str] = {}
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("-") and len(word) > 1:
            if word not in names:
                raise _fail(f"unknown option {word}; usage: {usage}")
            if word.startswith("--"):
                opts[word] = ""
            else:
                if i + 1 >= len(args):
                    raise _fail(f"{word} needs a value; usage: {usage}")
                opts[word] = args[i + 1]
                i += 1
        else:
            words.append(word)
        i += 1
    return words, opts


def _arity(words: Sequence[str], low: int, high: int, usage: str) -> None:
    if not low <= len(words) <= high:
        raise _fail(f"usage: {usage}")


def _router(s: Session, name: str) -> str:
    if name in s.net.routers:
        return name
    if name in s.drill.network.routers:
        raise _fail(f"{name} is an external peer's router: not ours to log in to")
    raise _fail(f"no router {name!r}{suggest(name, s.net.routers)}")


def _interface(s: Session, router: str, token: str) -> str:
    cfg = s.net.configs[router]
    names = [i.name for i in cfg.interfaces]
    found = PLATFORMS[cfg.vendor].resolve_interface(token, names)
    if found is None:
        raise _fail(f"{router} has no interface {token!r}{suggest(token, names)}")
    return found


def _ports(s: Session, router: str) -> Ports:
    return Ports(ShowContext(s.net.incident(s.minute()), router))


def _new_file(path_text: str, suffix: str) -> Path:
    path = Path(path_text).expanduser()
    if path.suffix.lower() != suffix:
        raise _fail(f"{path}: the file name must end in {suffix}")
    if path.exists():
        raise _fail(f"{path} exists; refusing to overwrite it (name a new file)")
    return path


# -- the commands --------------------------------------------------------------------------------
def _help(s: Session, args: Sequence[str]) -> Reply:
    return s.help(args)


def _brief(s: Session, args: Sequence[str]) -> Reply:
    spec = s.drill.spec
    left = s.time_limit - s.minutes_elapsed
    paged = s.clock_time(s.page_minute)
    return _reply(f"{spec.title}\n\n{spec.brief.strip()}\n\nDrill {spec.id}, difficulty "
                  f"{spec.difficulty}/5, skills {', '.join(spec.skills)}. Paged at "
                  f"{paged:%H:%M:%S} UTC; time limit {spec.time_limit_minutes} min "
                  f"({max(0.0, left):.1f} min left). {len(spec.hints)} hints available.")


def _alerts(s: Session, args: Sequence[str]) -> Reply:
    _, opts = _options(args, ("--all",), "alerts [--all]")
    minute = s.minute()
    cleared = [(a, m - s.page_minute) for a, m in s.cleared] if "--all" in opts else []
    return _reply(alerts_view(s.net.alerts(minute), cleared))


def _logs(s: Session, args: Sequence[str]) -> Reply:
    words, opts = _options(args, ("-n",), "logs [ROUTER] [-n LINES]")
    _arity(words, 0, 1, "logs [ROUTER] [-n LINES]")
    router = _router(s, words[0]) if words else None
    try:
        count = int(opts.get("-n", LOG_LINES))
    except ValueError:
        raise _fail("-n takes a number of lines") from None
    lines = s.net.logs(s.minute(), router)
    if not lines:
        return _reply(f"{router or 'the network'}: nothing logged")
    shown = lines[-count:] if count > 0 else lines
    more = len(lines) - len(shown)
    head = f"(the last {len(shown)} of {len(lines)} lines; -n 0 shows all)\n" if more else ""
    return _reply(head + "\n".join(shown))


def _connect(s: Session, args: Sequence[str]) -> Reply:
    _arity(args, 1, 1, "connect ROUTER")
    router = _router(s, args[0])
    if router in s.drill.faulted.failures.nodes_down:
        return _reply(f"ssh: connect to host {router} port 22: Connection timed out",
                      ok=False)
    s.connected = router
    vendor = s.net.configs[router].vendor
    return _reply(f"Connected to {router} ({vendor.value}). Type its show commands; "
                  "'disconnect' to leave.")


def _disconnect(s: Session, args: Sequence[str]) -> Reply:
    if s.connected is None:
        raise _fail("not connected to a router ('quit' leaves the drill)")
    router, s.connected = s.connected, None
    return _reply(f"Connection to {router} closed.")


def _counters(s: Session, args: Sequence[str]) -> Reply:
    _arity(args, 1, 2, "counters ROUTER [INTERFACE]")
    router = _router(s, args[0])
    ports = _ports(s, router)
    if len(args) == 2:
        port = ports.get(_interface(s, router, args[1]))
        chosen = [port] if port is not None else []
    else:
        chosen = [p for p in ports.all() if not p.loopback]
    return _reply(counters_view(router, chosen))


def _optics(s: Session, args: Sequence[str]) -> Reply:
    _arity(args, 2, 2, "optics ROUTER INTERFACE")
    router = _router(s, args[0])
    port = _ports(s, router).get(_interface(s, router, args[1]))
    if port is None:
        raise _fail(f"{router} has no interface {args[1]!r}")
    return _reply(optics_view(router, port))


def _capture(s: Session, args: Sequence[str]) -> Reply:
    usage = "capture ROUTER INTERFACE -o FILE.pcap [-s SECONDS]"
    words, opts = _options(args, ("-o", "-s"), usage)
    _arity(words, 2, 2, usage)
    if "-o" not in opts:
        raise _fail(f"name the file to write with -o; usage: {usage}")
    router = _router(s, words[0])
    interface = _interface(s, router, words[1])
    try:
        seconds = float(opts.get("-s", CAPTURE_SECONDS))
    except ValueError:
        raise _fail("-s takes a number of seconds") from None
    if not 0 < seconds <= 600:
        raise _fail("-s: capture between 1 and 600 seconds")
    path = _new_file(opts["-o"], ".pcap")
    from netlab.evidence.pcap import capture, write_pcap

    minute = s.minute()
    packets = capture(s.net.incident(minute), router, interface, seconds=seconds)
    write_pcap(packets, path)
    return _reply(f"captured {len(packets)} packets on {router} {interface} "
                  f"({seconds:g} s up to {s.clock_time(minute):%H:%M:%S} UTC) into {path}")


def _map(s: Session, args: Sequence[str]) -> Reply:
    words, opts = _options(args, ("-o",), "map [-o FILE.png]")
    _arity(words, 0, 0, "map [-o FILE.png]")
    minute = s.minute()
    if "-o" in opts:
        path = _new_file(opts["-o"], ".png")
    else:
        path = s.workdir / f"map-{s.clock_time(minute):%H%M%S}.png"
    from netlab.topology.draw import Mark, draw_network

    links, routers = s.net.down_elements(minute)
    alerting = frozenset(a.device for a in s.net.open_alerts(minute)) - routers
    marks = [Mark("down now", "#d62728", routers, links),
             Mark("open alerts", "#ff7f0e", alerting)]
    draw_network(s.drill.network, path, marks=marks,
                 title=f"{s.drill.spec.title} — {s.clock_time(minute):%H:%M:%S} UTC")
    return _reply(f"map written to {path.resolve()} (red: down now; orange: routers with "
                  "open alerts)")


def _edit(s: Session, args: Sequence[str]) -> Reply:
    _arity(args, 1, 1, "edit ROUTER")
    router = _router(s, args[0])
    previous = s.net.configs[router]
    outcome = s.texts.edit(router, s.editor)
    minute = s.minute()
    if outcome.status is EditStatus.UNCHANGED:
        return _reply(outcome.message)
    if outcome.status is EditStatus.REJECTED or outcome.config is None:
        s.log(minute, Source.TRAINEE, EventKind.REJECTED,
              f"{router}: config rejected: {outcome.message.splitlines()[0]}", ok=False)
        return _reply(outcome.message, ok=False)
    changes = diff_config(previous, outcome.config, verify=False)
    what = "; ".join(e.describe() for e in changes[:3]) + (
        f"; … {len(changes) - 3} more" if len(changes) > 3 else "")
    s.log(minute, Source.TRAINEE, EventKind.EDIT,
          f"{router}: config applied ({what or 'no effective change'})")
    before = {a.id for a in s.net.open_alerts(minute)}
    s.apply(outcome.config, minute)
    after = {a.id for a in s.net.open_alerts(minute)}
    s.evaluate_mitigation(minute)
    lines = [outcome.message + (f" ({len(changes)} change{'s' * (len(changes) != 1)})"
                                if changes else " (no effective change)")]
    lines += [f"warning: {w}" for w in outcome.warnings]
    cleared, fired = len(before - after), len(after - before)
    if cleared or fired:
        lines.append(f"alerts: {cleared} cleared, {fired} new, {len(after)} open")
    return _reply("\n".join(lines))


def _diff(s: Session, args: Sequence[str]) -> Reply:
    _arity(args, 0, 1, "diff [ROUTER]")
    routers = [_router(s, args[0])] if args else s.texts.edited
    parts = [s.texts.diff(r) for r in routers]
    text = "".join(p for p in parts if p)
    drafts = [r for r in s.texts.drafts if not args or r in routers]
    notes = [f"(draft for {r} did not parse and is not applied: 'edit {r}' reopens it)"
             for r in drafts]
    if not text:
        text = "No changes: the running configs are the faulted ones."
    return _reply("\n".join([text.rstrip("\n"), *notes]))


def _check(s: Session, args: Sequence[str]) -> Reply:
    minute = s.minute()
    return _reply(health_view(s.net.alerts(minute), s.net.dropped_gbps()))


def _hint(s: Session, args: Sequence[str]) -> Reply:
    hints = s.drill.spec.hints
    if not hints:
        return _reply("This drill has no hints.")
    nxt = len(s.hints_used)
    if nxt >= len(hints):
        taken = "\n".join(f"  {i + 1}. {h.text}" for i, h in enumerate(hints))
        return _reply(f"You have taken every hint:\n{taken}")
    s.hints_used.append(nxt)
    hint = hints[nxt]
    s.log(s.minute(), Source.TRAINEE, EventKind.HINT,
          f"hint {nxt + 1} taken (-{hint.cost} points)")
    return _reply(f"Hint {nxt + 1}/{len(hints)} (-{hint.cost} points): {hint.text}")


def _diagnose(s: Session, args: Sequence[str]) -> Reply:
    usage = "diagnose ROOT_CAUSE ROUTER|LINK|SRLG"
    _arity(args, 2, 2, usage)
    cause, where = args
    causes = sorted({f.root_cause for f in CATALOGUE.values()})
    if cause not in causes:
        raise _fail(f"unknown root cause {cause!r}{suggest(cause, causes)}; Tab completes "
                    "the labels")
    net = s.drill.network
    if where in net.routers:
        loc, kind = LocationSpec(router=where), "router"
    elif where in net.links:
        loc, kind = LocationSpec(link=where), "link"
    elif where in net.srlgs():
        loc, kind = LocationSpec(srlg=where), "srlg"
    else:
        known = [*net.routers, *net.links, *net.srlgs()]
        raise _fail(f"no router, link or SRLG {where!r}{suggest(where, known)}")
    s.diagnosis = Diagnosis(root_cause=cause, location=loc)
    s.log(s.minute(), Source.TRAINEE, EventKind.DIAGNOSIS,
          f"diagnosis: {cause} at {kind} {where}")
    return _reply(f"Diagnosis recorded: {cause} at {kind} {where}. You can change it until "
                  "you submit.")


def _submit(s: Session, args: Sequence[str]) -> Reply:
    s.finish(SessionStatus.SUBMITTED)
    assert s.result is not None
    return _reply(f"Submitted after {s.minutes_elapsed:.1f} min: score {s.result.score}/100",
                  finished=True)


def _quit(s: Session, args: Sequence[str]) -> Reply:
    s.finish(SessionStatus.ABANDONED)
    return _reply("Drill abandoned (recorded as such).", finished=True)


_ACTIONS: dict[str, Callable[[Session, Sequence[str]], Reply]] = {
    "help": _help, "brief": _brief, "alerts": _alerts, "logs": _logs, "connect": _connect,
    "disconnect": _disconnect, "counters": _counters, "optics": _optics, "capture": _capture,
    "map": _map, "edit": _edit, "diff": _diff, "check": _check, "hint": _hint,
    "diagnose": _diagnose, "submit": _submit, "quit": _quit,
}


def run(s: Session, name: str, args: Sequence[str]) -> Reply:
    """Run console command ``name`` (a :data:`~netlab.scenario.console.commands.COMMANDS`
    name) with its arguments."""
    cmd = lookup(name)
    if cmd is None or cmd.name not in _ACTIONS:
        raise _fail(f"unknown command {name!r}")
    return _ACTIONS[cmd.name](s, args)
