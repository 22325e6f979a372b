"""``show(incident, router, line)``: read a command the way the router's platform does.

The router's vendor (from its faulted config) picks the platform module
(:mod:`~netlab.evidence.show.junos`, :mod:`~netlab.evidence.show.iosxr`,
:mod:`~netlab.evidence.show.eos`, :mod:`~netlab.evidence.show.frr`): its
command tree parses the line (abbreviations, ``?`` help, errors in the
platform's words) and its renderer prints the answer from the engine's state.
A bare :class:`~netlab.snapshot.layout.Snapshot` is shown as an incident with
no faults at minute 0 (baseline and faulted are the same snapshot).

Examples
--------
>>> sorted(commands(Vendor.JUNOS))[:2]
['show bgp neighbor', 'show bgp neighbor <address>']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from netlab.errors import EngineError
from netlab.evidence.clock import SimClock
from netlab.evidence.incident import Incident, default_engine, state_of
from netlab.evidence.show import eos, frr, iosxr, junos
from netlab.evidence.show.common import Device
from netlab.evidence.show.context import ShowContext
from netlab.evidence.show.grammar import Failure, Parsed, Word, parse, paths
from netlab.model.types import Vendor
from netlab.snapshot.layout import Snapshot

__all__ = ["PLATFORMS", "Platform", "commands", "platform", "prompt", "show"]


@dataclass(frozen=True, slots=True)
class Platform:
    """One vendor's CLI: its command tree, prompt, error wording and renderer."""

    vendor: Vendor
    tree: tuple[Word, ...]
    prompt: Callable[[str], str]
    error: Callable[[Failure, str], str]
    render: Callable[[Device, Parsed], str]
    resolve_interface: Callable[[str, list[str]], str | None]


def _exact(token: str, names: list[str]) -> str | None:
    return token if token in names else None


def _abbreviated(token: str, names: list[str]) -> str | None:
    """IOS-XR/EOS interface abbreviations: ``Hu0/0/0/1``, ``et1/1/1`` (case-insensitive)."""
    if token in names:
        return token
    i = next((k for k, ch in enumerate(token) if ch.isdigit()), len(token))
    stem, rest = token[:i].lower(), token[i:]
    hits = [n for n in names if n.lower().startswith(stem) and stem
            and n[next((k for k, ch in enumerate(n) if ch.isdigit()), len(n)):] == rest]
    return hits[0] if len(hits) == 1 else None


PLATFORMS: dict[Vendor, Platform] = {
    Vendor.JUNOS: Platform(Vendor.JUNOS, junos.TREE, junos.prompt, junos.error, junos.render,
                           _exact),
    Vendor.IOSXR: Platform(Vendor.IOSXR, iosxr.TREE, iosxr.prompt, iosxr.error, iosxr.render,
                           _abbreviated),
    Vendor.EOS: Platform(Vendor.EOS, eos.TREE, eos.prompt, eos.error, eos.render, _abbreviated),
    Vendor.FRR: Platform(Vendor.FRR, frr.TREE, frr.prompt, frr.error, frr.render, _exact),
}


def platform(vendor: Vendor) -> Platform:
    return PLATFORMS[vendor]


def commands(vendor: Vendor) -> list[str]:
    """Every complete command of ``vendor``'s CLI (arguments as ``<placeholders>``)."""
    return paths(PLATFORMS[vendor].tree)


def _incident(source: Incident | Snapshot) -> Incident:
    if isinstance(source, Incident):
        return source
    clock = SimClock(page_minute=0.0, now_minute=0.0)
    return Incident(source, source, state_of(source), clock, default_engine())


def prompt(source: Incident | Snapshot, router: str) -> str:
    """The prompt ``router``'s platform prints before a command."""
    inc = _incident(source)
    cfg = inc.faulted.configs.get(router)
    if cfg is None:
        raise EngineError(f"no router named {router!r}")
    return PLATFORMS[cfg.vendor].prompt(router)


def _with_interface(p: Platform, ctx: ShowContext, cmd: Parsed) -> Parsed:
    """``cmd`` with its interface argument resolved to the router's name for it (an
    unknown name is kept, for the platform to report)."""
    names = [i.name for i in ctx.cfg.interfaces]
    args = tuple((k, (p.resolve_interface(v, names) or v) if k.startswith("<interface")
                  else v) for k, v in cmd.args)
    return Parsed(cmd.action, args)


def show(source: Incident | Snapshot, router: str, line: str) -> str:
    """What ``router`` prints for the command ``line`` (see the module docstring)."""
    inc = _incident(source)
    ctx = ShowContext(inc, router)
    p = PLATFORMS[ctx.vendor]
    if not line.strip():
        return ""
    got = parse(p.tree, line)
    if isinstance(got, Failure):
        return p.error(got, router)
    return p.render(Device(ctx), _with_interface(p, ctx, got))
