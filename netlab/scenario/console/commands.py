"""The console's command table, its help and its completion.

Console commands are the same whether or not the trainee is connected to a
router; while connected, any other line is the router's own show command
(completed from that vendor's command tree, :func:`netlab.evidence.show.commands`).
Completion is a pure function of the typed text and a :class:`Names` view of
the session, so it is tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

__all__ = ["COMMANDS", "Arg", "Command", "Names", "complete", "help_text", "lookup"]


class Arg(StrEnum):
    """What a positional argument names, for completion."""

    ROUTER = "router"
    INTERFACE = "interface"  # an interface of the router named before it
    LOCATION = "location"  # a router, link or SRLG
    ROOT_CAUSE = "root-cause"
    WORD = "word"  # anything (no completion)


@dataclass(frozen=True, slots=True)
class Command:
    """One console command: how it is typed, what it does, what its arguments name."""

    name: str
    usage: str
    summary: str
    args: tuple[Arg, ...] = ()
    options: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    confirm: bool = False  # the terminal asks before running it (see Session.confirmation)


COMMANDS: tuple[Command, ...] = (
    Command("help", "help [COMMAND]", "list the commands, or explain one", (Arg.WORD,)),
    Command("brief", "brief", "the page you got: the drill's brief and time limit"),
    Command("alerts", "alerts [--all]", "open alerts (--all: also those that cleared)",
            options=("--all",)),
    Command("logs", "logs [ROUTER] [-n LINES]", "what the routers logged (last 40 lines)",
            (Arg.ROUTER,), ("-n",)),
    Command("connect", "connect ROUTER", "log in to a router: then type its show commands",
            (Arg.ROUTER,), aliases=("ssh",)),
    Command("disconnect", "disconnect", "log out of the router", aliases=("exit", "logout")),
    Command("counters", "counters ROUTER [INTERFACE]", "interface state, rates and error "
            "counters", (Arg.ROUTER, Arg.INTERFACE)),
    Command("optics", "optics ROUTER INTERFACE", "an interface's optic: light levels and "
            "bit errors", (Arg.ROUTER, Arg.INTERFACE)),
    Command("capture", "capture ROUTER INTERFACE -o FILE.pcap [-s SECONDS]",
            "capture the last SECONDS (60) of control traffic on an interface",
            (Arg.ROUTER, Arg.INTERFACE), ("-o", "-s")),
    Command("map", "map [-o FILE.png]", "draw the network, with what is down marked",
            options=("-o",)),
    Command("edit", "edit ROUTER", "edit a router's running config in $EDITOR; it is "
            "applied when it parses", (Arg.ROUTER,)),
    Command("diff", "diff [ROUTER]", "your config changes against the faulted configs",
            (Arg.ROUTER,)),
    Command("check", "check", "the network's health as the NOC sees it (open alerts and "
            "traffic dropped) — not the drill's grading checks"),
    Command("hint", "hint", "take the next hint (it costs points)", confirm=True),
    Command("diagnose", "diagnose ROOT_CAUSE ROUTER|LINK|SRLG", "name the root cause and "
            "where it is (the last one counts)", (Arg.ROOT_CAUSE, Arg.LOCATION)),
    Command("submit", "submit", "end the drill and get graded", confirm=True),
    Command("quit", "quit", "leave without submitting (recorded as abandoned)", confirm=True),
)

_BY_NAME = {n: c for c in COMMANDS for n in (c.name, *c.aliases)}


def lookup(name: str) -> Command | None:
    """The command called ``name`` (or one of its aliases)."""
    return _BY_NAME.get(name)


def help_text(name: str | None = None) -> str:
    """Every command with its usage, or one command's usage and summary."""
    if name is not None:
        cmd = lookup(name)
        if cmd is None:
            return f"no console command {name!r}; 'help' lists them"
        alias = f" (also: {', '.join(cmd.aliases)})" if cmd.aliases else ""
        return f"{cmd.usage}{alias}\n  {cmd.summary}"
    width = max(len(c.usage) for c in COMMANDS)
    lines = [f"  {c.usage:<{width}}  {c.summary}" for c in COMMANDS]
    return ("Console commands:\n" + "\n".join(lines) + "\n\nWhile connected to a router, "
            "any other line is that router's show command ('?' lists them, Tab completes).")


class Names(Protocol):
    """What completion needs to know about the session."""

    def routers(self) -> Sequence[str]: ...

    def interfaces(self, router: str) -> Sequence[str]: ...

    def locations(self) -> Sequence[str]: ...

    def root_causes(self) -> Sequence[str]: ...

    def show_commands(self) -> Sequence[str]:
        """The connected router's command paths (empty when not connected)."""
        ...


def _candidates(names: Names, arg: Arg, previous: Sequence[str]) -> Sequence[str]:
    if arg is Arg.ROUTER:
        return names.routers()
    if arg is Arg.INTERFACE:
        return names.interfaces(previous[-1]) if previous else ()
    if arg is Arg.LOCATION:
        return names.locations()
    if arg is Arg.ROOT_CAUSE:
        return names.root_causes()
    return ()


def _console_words(names: Names, cmd: Command, done: list[str]) -> Sequence[str]:
    """Words that may follow ``done`` (the arguments typed so far) for ``cmd``."""
    if done and done[-1] in cmd.options:
        return ()  # an option's value: a file name or a number
    positional = [w for i, w in enumerate(done)
                  if not w.startswith("-") and not (i and done[i - 1] in cmd.options)]
    if cmd.name == "help":
        return [c.name for c in COMMANDS] if not positional else ()
    if len(positional) < len(cmd.args):
        return _candidates(names, cmd.args[len(positional)], positional)
    return [o for o in cmd.options if o not in done]


def _show_words(paths: Sequence[str], done: list[str], names: Names, router: str | None
                ) -> list[str]:
    """The next word of the connected router's show commands after ``done``."""
    out: list[str] = []
    for path in paths:
        words = path.split()
        if len(words) <= len(done):
            continue
        if all(w.startswith("<") or w.startswith(t) for w, t in zip(words, done, strict=False)):
            nxt = words[len(done)]
            if nxt.startswith("<interface") or nxt == "<location>":
                out.extend(names.interfaces(router) if router else ())
            elif not nxt.startswith("<"):
                out.append(nxt)
    return out


def complete(names: Names, text: str, connected: str | None = None) -> list[str]:
    """Completions of the last word of ``text`` (the line up to the cursor)."""
    words = text.split()
    partial = "" if not words or text.endswith((" ", "\t")) else words.pop()
    if not words:
        pool = [c.name for c in COMMANDS]
        if connected is not None:
            pool += _show_words(names.show_commands(), [], names, connected)
    else:
        cmd = lookup(words[0])
        if cmd is not None:
            pool = list(_console_words(names, cmd, words[1:]))
        elif connected is not None:
            pool = _show_words(names.show_commands(), words, names, connected)
        else:
            pool = []
    return sorted({p for p in pool if p.startswith(partial)})
