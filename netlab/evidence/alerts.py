"""Alerts a NOC would page on, derived from the engine's answers and the clock.

Every alert comes from a :class:`~netlab.evidence.changes.Changes` entry (the
engine's answers on the baseline against the faulted snapshot), timed by the
incident's :mod:`~netlab.evidence.timeline` or the time-varying faults on the
clock, plus the delay of the monitoring that raises it. Only our own routers
raise alerts; an alert is shown once it has fired (``fired_minute`` ≤ now).

=======================  ==========  =================================================
kind                     severity    raised when (and by which monitoring)
=======================  ==========  =================================================
device-unreachable       critical    most routers lost the route to its loopback
reachability-loss        critical    a site-to-site / site-to-Internet probe fails
interface-down           major       a backbone interface lost its link (SNMP trap)
isis-adjacency-down      major       an adjacency that was up is not (telemetry)
bgp-session-down         major       an established session is not (BMP / SNMP)
adjacency-flapping       major       an interface went down 3 times within 15 minutes
bgp-prefixes-dropped     major/minor prefixes accepted on a session that stayed up fell
                                     (to zero: major; on iBGP only a fall to zero)
bgp-prefixes-rose        warning     prefixes accepted on an eBGP session rose
bgp-rib-shrank           major/minor a router's BGP RIB lost prefixes (half or more: major)
link-utilisation         critical    a link direction runs at ≥ 95 % or drops traffic
                         warning     … at ≥ 80 % (5-minute average, one poll late)
interface-errors         major/minor CRC errors ≥ 1 % / 0.1 % of received frames
optic-low-light          major/      Rx power at the low-alarm / low-warning threshold
                         warning
=======================  ==========  =================================================

Ordering is deterministic: by firing time, then severity, device and id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from netlab.evidence.changes import CRITICAL_PCT, Changes, changes_of
from netlab.evidence.clock import RX_LOW_ALARM_DBM, RX_LOW_WARNING_DBM, OpticDecay
from netlab.evidence.events import BgpEvent, Event, IsisEvent, LinkEvent
from netlab.evidence.incident import Incident
from netlab.evidence.timeline import build_timeline
from netlab.model.naming import interface_name
from netlab.model.types import Role

__all__ = ["Alert", "AlertKind", "Severity", "alerts"]


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        """0 for critical … 3 for warning."""
        return list(Severity).index(self)


class AlertKind(StrEnum):
    DEVICE_UNREACHABLE = "device-unreachable"
    REACHABILITY_LOSS = "reachability-loss"
    INTERFACE_DOWN = "interface-down"
    ISIS_ADJACENCY_DOWN = "isis-adjacency-down"
    BGP_SESSION_DOWN = "bgp-session-down"
    ADJACENCY_FLAPPING = "adjacency-flapping"
    BGP_PREFIXES_DROPPED = "bgp-prefixes-dropped"
    BGP_PREFIXES_ROSE = "bgp-prefixes-rose"
    BGP_RIB_SHRANK = "bgp-rib-shrank"
    LINK_UTILISATION = "link-utilisation"
    INTERFACE_ERRORS = "interface-errors"
    OPTIC_LOW_LIGHT = "optic-low-light"


# Delays (seconds) between the event and the alert, by the monitoring that raises it.
TRAP_DELAY_S = 10.0
TELEMETRY_DELAY_S = 30.0
PROBE_DELAY_S = 60.0
POLL_DELAY_S = 120.0
UTILISATION_DELAY_S = 360.0  # a 5-minute average, read one poll later
FLAP_COUNT = 3
FLAP_WINDOW_MIN = 15.0
ERROR_MINOR_PCT = 0.1
ERROR_MAJOR_PCT = 1.0


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: what fired, how bad, when (minute on the clock), on which device."""

    id: str
    kind: AlertKind
    severity: Severity
    fired_minute: float
    fired_at: datetime
    device: str
    summary: str
    details: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind.value, "severity": self.severity.value,
                "fired_minute": round(self.fired_minute, 3),
                "fired_at": self.fired_at.isoformat(), "device": self.device,
                "summary": self.summary, "details": dict(self.details)}


@dataclass(frozen=True, slots=True)
class _Draft:
    kind: AlertKind
    severity: Severity
    second: float
    device: str
    subject: str
    summary: str
    details: tuple[tuple[str, str], ...] = ()


def _start_s(incident: Incident) -> float:
    """Seconds: when the snapshot's changes (reachability, RIBs, load) begin."""
    return 60.0 * incident.first_change_minute


def _from_events(events: Iterable[Event], flapping: set[tuple[str, str]]) -> Iterator[_Draft]:
    first: dict[tuple[type, str, str], Event] = {}
    for ev in events:
        if isinstance(ev, LinkEvent | IsisEvent) and not ev.up and (
                ev.router, ev.interface) not in flapping:
            first.setdefault((type(ev), ev.router, ev.interface), ev)
        elif isinstance(ev, BgpEvent) and not ev.up:
            first.setdefault((BgpEvent, ev.router, str(ev.neighbor)), ev)
    for ev in first.values():
        if isinstance(ev, LinkEvent):
            how = "administratively down" if ev.admin else "down (loss of signal)"
            yield _Draft(AlertKind.INTERFACE_DOWN, Severity.MAJOR, ev.second + TRAP_DELAY_S,
                         ev.router, ev.interface, f"{ev.router} {ev.interface} is {how}",
                         (("interface", ev.interface),))
        elif isinstance(ev, IsisEvent):
            yield _Draft(AlertKind.ISIS_ADJACENCY_DOWN, Severity.MAJOR,
                         ev.second + TELEMETRY_DELAY_S, ev.router, ev.interface,
                         f"IS-IS L{ev.level} adjacency {ev.router} {ev.interface} -> "
                         f"{ev.neighbor} down",
                         (("interface", ev.interface), ("neighbor", ev.neighbor),
                          ("level", f"L{ev.level}")))
        elif isinstance(ev, BgpEvent):
            kind = "iBGP" if ev.remote_as == ev.local_as else "eBGP"
            yield _Draft(AlertKind.BGP_SESSION_DOWN, Severity.MAJOR,
                         ev.second + TELEMETRY_DELAY_S, ev.router, str(ev.neighbor),
                         f"{kind} session {ev.router} -> {ev.neighbor} (AS {ev.remote_as}) "
                         "not established",
                         (("neighbor", str(ev.neighbor)), ("remote_as", str(ev.remote_as)),
                          ("type", kind)))


def _from_changes(incident: Incident, changes: Changes) -> Iterator[_Draft]:
    t0 = _start_s(incident)
    for router in changes.unreachable:
        yield _Draft(AlertKind.DEVICE_UNREACHABLE, Severity.CRITICAL, t0 + PROBE_DELAY_S,
                     router, router, f"{router} is unreachable (loopback lost from routing)",
                     (("loopback", str(incident.network.routers[router].loopback4.ip)),))
    for loss in changes.reachability:
        after = ", ".join(d.value for d in loss.after) or "no trace"
        yield _Draft(AlertKind.REACHABILITY_LOSS, Severity.CRITICAL, t0 + PROBE_DELAY_S,
                     loss.source, f"{loss.destination}",
                     f"probe {loss.source_site} -> {loss.target} failing ({after})",
                     (("source", loss.source), ("destination", str(loss.destination)),
                      ("target", loss.target), ("disposition", after)))
    for p in changes.prefix_counts:
        if not p.established:
            continue
        peer = f"{p.remote_ip}" + (f" ({p.remote_node})" if p.remote_node else "")
        if p.ibgp and p.after > 0:
            continue  # iBGP counts move with every best-path change; only a total loss pages
        if p.after < p.before:
            sev = Severity.MAJOR if p.after == 0 else Severity.MINOR
            yield _Draft(AlertKind.BGP_PREFIXES_DROPPED, sev, t0 + POLL_DELAY_S, p.node,
                         str(p.remote_ip), f"{p.node}: prefixes accepted from {peer} fell "
                         f"from {p.before} to {p.after}",
                         (("neighbor", str(p.remote_ip)), ("before", str(p.before)),
                          ("after", str(p.after))))
        else:
            yield _Draft(AlertKind.BGP_PREFIXES_ROSE, Severity.WARNING, t0 + POLL_DELAY_S,
                         p.node, str(p.remote_ip), f"{p.node}: prefixes accepted from {peer} "
                         f"rose from {p.before} to {p.after}",
                         (("neighbor", str(p.remote_ip)), ("before", str(p.before)),
                          ("after", str(p.after))))
    for rib in changes.rib_counts:
        if rib.after < rib.before:
            sev = Severity.MAJOR if 2 * rib.after <= rib.before else Severity.MINOR
            yield _Draft(AlertKind.BGP_RIB_SHRANK, sev, t0 + POLL_DELAY_S, rib.node, "rib",
                         f"{rib.node}: BGP RIB fell from {rib.before} to {rib.after} prefixes",
                         (("before", str(rib.before)), ("after", str(rib.after))))
    for u in changes.utilisation:
        critical = u.after_pct >= CRITICAL_PCT or u.dropped_gbps > 0
        sev = Severity.CRITICAL if critical else Severity.WARNING
        drop = f", dropping {u.dropped_gbps:.1f} Gbps" if u.dropped_gbps > 0 else ""
        yield _Draft(AlertKind.LINK_UTILISATION, sev, t0 + UTILISATION_DELAY_S, u.node,
                     u.interface, f"{u.node} {u.interface} -> {u.remote_node} at "
                     f"{u.after_pct:.0f} % of {u.capacity_gbps:g} Gbps{drop}",
                     (("link", u.link), ("interface", u.interface),
                      ("before_pct", f"{u.before_pct:.1f}"), ("after_pct", f"{u.after_pct:.1f}"),
                      ("dropped_gbps", f"{u.dropped_gbps:.1f}")))


def _interface(incident: Incident, link_id: str, router: str) -> str:
    link = incident.network.link(link_id)
    end = link.end(router)
    return interface_name(incident.faulted.configs[router].vendor, end.slot, end.port,
                          link.capacity_gbps)


def _optic(incident: Incident, changes: Changes, optic: OpticDecay) -> Iterator[_Draft]:
    now = incident.clock.now_minute
    itf = _interface(incident, optic.link, optic.router)
    for threshold, sev in ((RX_LOW_WARNING_DBM, Severity.WARNING),
                           (RX_LOW_ALARM_DBM, Severity.MAJOR)):
        minute = optic.first_minute(threshold, now)
        if minute is not None:
            yield _Draft(AlertKind.OPTIC_LOW_LIGHT, sev, minute * 60 + TELEMETRY_DELAY_S,
                         optic.router, f"{itf}:{sev.value}", f"{optic.router} {itf} Rx power "
                         f"{optic.rx_dbm(minute):.2f} dBm (low {sev.value} threshold "
                         f"{threshold:g} dBm)",
                         (("interface", itf), ("threshold_dbm", f"{threshold:g}")))
    load, _ = changes.load_into(optic.link, optic.router)
    if load <= 0:
        return
    for pct, sev in ((ERROR_MINOR_PCT, Severity.MINOR), (ERROR_MAJOR_PCT, Severity.MAJOR)):
        minute = _first_loss(optic, pct, now)
        if minute is not None:
            yield _Draft(AlertKind.INTERFACE_ERRORS, sev, minute * 60 + POLL_DELAY_S,
                         optic.router, f"{itf}:{sev.value}", f"{optic.router} {itf} input "
                         f"CRC errors at {optic.loss_pct(minute):.2f} % of received frames",
                         (("interface", itf), ("threshold_pct", f"{pct:g}")))


def _first_loss(optic: OpticDecay, pct: float, until: float) -> float | None:
    if optic.loss_pct(until) < pct:
        return None
    lo, hi = optic.start_minute, until
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if optic.loss_pct(mid) >= pct else (mid, hi)
    return hi


def _flapping(incident: Incident) -> Iterator[_Draft]:
    for flap in incident.flaps:
        downs = [t.minute for t in flap.transitions(incident.clock.now_minute) if not t.up]
        fired = next((downs[i] for i in range(FLAP_COUNT - 1, len(downs))
                      if downs[i] - downs[i - FLAP_COUNT + 1] <= FLAP_WINDOW_MIN), None)
        if fired is None:
            continue
        link = incident.network.link(flap.link)
        for end in (link.a, link.b):
            router = incident.network.routers[end.router]
            if router.role is Role.PEER or end.router in incident.faulted.failures.nodes_down:
                continue
            itf = _interface(incident, flap.link, end.router)
            count = sum(1 for d in downs if d <= incident.clock.now_minute)
            yield _Draft(AlertKind.ADJACENCY_FLAPPING, Severity.MAJOR,
                         fired * 60 + TELEMETRY_DELAY_S, end.router, itf,
                         f"{end.router} {itf} flapping: {count} link-downs, adjacency to "
                         f"{link.other(end.router).router} flapping",
                         (("interface", itf), ("link", flap.link), ("flaps", str(count))))


def alerts(incident: Incident, changes: Changes | None = None) -> tuple[Alert, ...]:
    """Every alert fired by the clock's current minute, in firing order."""
    changes = changes if changes is not None else changes_of(incident)
    flapping = set()
    for flap in incident.flaps:
        link = incident.network.link(flap.link)
        flapping |= {(e.router, _interface(incident, flap.link, e.router))
                     for e in (link.a, link.b)}
    drafts = [*_from_events(build_timeline(incident, changes), flapping),
              *_from_changes(incident, changes), *_flapping(incident)]
    for optic in incident.optics:
        drafts.extend(_optic(incident, changes, optic))
    internal = {r.name for r in incident.network.routers.values() if r.role is not Role.PEER}
    dead = incident.faulted.failures.nodes_down
    now_s = incident.clock.now_minute * 60.0
    out = []
    for d in drafts:
        if d.device not in internal or d.second > now_s + 1e-9:
            continue
        if d.device in dead and d.kind is not AlertKind.DEVICE_UNREACHABLE:
            continue  # a dead router reports nothing; others report it unreachable
        minute = d.second / 60.0
        out.append(Alert(f"{d.kind.value}:{d.device}:{d.subject}", d.kind, d.severity, minute,
                         incident.clock.time(minute), d.device, d.summary, d.details))
    unique = {a.id: a for a in sorted(out, key=lambda a: -a.fired_minute)}
    return tuple(sorted(unique.values(), key=lambda a: (round(a.fired_minute, 6),
                                                         a.severity.rank, a.device, a.id)))
