"""What every show command of one router reads: the incident at the clock's minute.

A :class:`ShowContext` is one router of an :class:`~netlab.evidence.incident.Incident`
asked about at the incident's current minute. It holds the snapshot the
engine is asked about *now* — the faulted snapshot, with every flapping link
that is in its down phase taken down (:func:`~netlab.evidence.changes.with_links_down`)
— and the incident's :class:`~netlab.evidence.changes.Changes` and timeline
(when sessions went down, which NOTIFICATION was last sent).

Times that no engine answer gives are fixed per router so output is
reproducible: every router booted :func:`boot_minute` minutes before the
first fault (between 20 and 120 days), its adjacencies and sessions came up
within the first minutes after boot, and its interface counters were last
cleared at boot.

Changes and flap variants are cached per snapshot object (like the embedded
engine caches its analyses), so a console asking many commands pays once.
"""

from __future__ import annotations

import weakref
import zlib
from collections.abc import Iterable
from functools import cached_property

from netlab.engines.base import IPAddress
from netlab.errors import EngineError
from netlab.evidence.changes import Changes, changes_of, with_links_down
from netlab.evidence.incident import Incident
from netlab.evidence.timeline import Event, build_timeline
from netlab.model.device import DeviceConfig, InterfaceConfig
from netlab.model.naming import interface_name
from netlab.model.types import Link, Vendor
from netlab.snapshot.layout import Snapshot

__all__ = ["ShowContext", "boot_minute", "link_of_port"]

_DAY = 24 * 60.0
_CHANGES: dict[int, tuple[weakref.ref[Snapshot], Changes]] = {}
_VARIANTS: dict[tuple[int, frozenset[str]], tuple[weakref.ref[Snapshot], Snapshot]] = {}


def boot_minute(router: str) -> float:
    """When ``router`` booted: 20 to 120 days (to the second) before minute 0."""
    seconds = 20 * _DAY * 60 + zlib.crc32(f"boot/{router}".encode()) % int(100 * _DAY * 60)
    return -seconds / 60.0


def link_of_port(snapshot: Snapshot, router: str, interface: str) -> Link | None:
    """The physical link ``router``'s ``interface`` is an end of (None for loopbacks)."""
    cfg = snapshot.configs.get(router)
    if cfg is None or router not in snapshot.network.routers:
        return None
    for link in snapshot.network.links_of(router):
        end = link.end(router)
        if interface_name(cfg.vendor, end.slot, end.port, link.capacity_gbps) == interface:
            return link
    return None


def _cached_changes(incident: Incident) -> Changes:
    key = id(incident.faulted)
    got = _CHANGES.get(key)
    if got is not None and got[0]() is incident.faulted:
        return got[1]
    changes = changes_of(incident)
    _CHANGES[key] = (weakref.ref(incident.faulted, lambda _r: _CHANGES.pop(key, None)), changes)
    return changes


def _variant(snapshot: Snapshot, links: frozenset[str]) -> Snapshot:
    if not links:
        return snapshot
    key = (id(snapshot), links)
    got = _VARIANTS.get(key)
    if got is not None and got[0]() is snapshot:
        return got[1]
    down = with_links_down(snapshot, links)
    _VARIANTS[key] = (weakref.ref(snapshot, lambda _r: _VARIANTS.pop(key, None)), down)
    return down


class ShowContext:
    """One router of an incident at the incident's current minute (see the module docstring)."""

    def __init__(self, incident: Incident, router: str) -> None:
        if router not in incident.faulted.configs:
            names = sorted(incident.faulted.configs)
            close = [n for n in names if n.startswith(router[:4])][:5] or names[:5]
            raise EngineError(f"no router named {router!r}; routers include: "
                              + ", ".join(close))
        self.incident = incident
        self.router = router
        self.engine = incident.engine
        self.cfg: DeviceConfig = incident.faulted.configs[router]
        self.base_cfg: DeviceConfig = incident.baseline.configs[router]
        self.vendor: Vendor = self.cfg.vendor
        self.now = incident.clock.now_minute
        self.boot = boot_minute(router)

    # -- time --------------------------------------------------------------------------------
    @cached_property
    def change_minute(self) -> float:
        """When the network started to differ from the baseline (the first fault's start)."""
        starts = [self.incident.fault_start(i) for i in range(len(self.incident.faults))]
        return min(starts) if starts else self.now

    def seconds(self, minute: float) -> float:
        """Seconds from ``minute`` to now (never negative)."""
        return max(0.0, (self.now - minute) * 60.0)

    @property
    def down(self) -> bool:
        """Whether this router itself is down (it answers nothing)."""
        return self.router in self.incident.faulted.failures.nodes_down

    # -- snapshots ---------------------------------------------------------------------------
    @cached_property
    def flapping_down(self) -> frozenset[str]:
        """Flapping links in their down phase now."""
        return frozenset(f.link for f in self.incident.flaps if f.is_down(self.now))

    @cached_property
    def snapshot(self) -> Snapshot:
        """The snapshot the engine is asked about now (flapping links down where they are)."""
        return _variant(self.incident.faulted, self.flapping_down)

    @property
    def baseline(self) -> Snapshot:
        return self.incident.baseline

    @cached_property
    def changes(self) -> Changes:
        return _cached_changes(self.incident)

    @cached_property
    def timeline(self) -> tuple[Event, ...]:
        """Every event of the incident up to now."""
        return build_timeline(self.incident, self.changes)

    def events(self, kind: type[Event] | tuple[type[Event], ...]) -> Iterable[Event]:
        """This router's events of one kind, in time order."""
        return (e for e in self.timeline if isinstance(e, kind) and e.router == self.router)

    # -- config lookups ----------------------------------------------------------------------
    def interface(self, name: str) -> InterfaceConfig | None:
        return next((i for i in self.cfg.interfaces if i.name == name), None)

    def link(self, interface: str) -> Link | None:
        return link_of_port(self.incident.faulted, self.router, interface)

    def far_end(self, interface: str) -> tuple[str, str] | None:
        """(router, interface) at the other end of ``interface``'s link."""
        link = self.link(interface)
        if link is None:
            return None
        far = link.other(self.router)
        cfg = self.incident.faulted.configs.get(far.router)
        if cfg is None:
            return None
        return far.router, interface_name(cfg.vendor, far.slot, far.port, link.capacity_gbps)

    def owner(self, address: IPAddress) -> tuple[str, str] | None:
        """(router, interface) configured with ``address`` in the faulted snapshot."""
        for host, cfg in self.incident.faulted.configs.items():
            for itf in cfg.interfaces:
                for a in (itf.ipv4, itf.ipv6):
                    if a is not None and a.ip == address:
                        return host, itf.name
        return None
