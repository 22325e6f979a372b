"""Syslog: what each router of the incident wrote to its log, in its vendor's words.

:func:`syslog_lines` renders the incident's timeline
(:mod:`netlab.evidence.timeline`) per router with
:mod:`netlab.evidence.syslog_formats`, up to the clock's current minute. Only
our own routers are shown (an external peer's log is not ours to read), and a
router logs only what its platform and configuration make it log — read from
its config text: Junos logs BGP state changes only with ``log-updown`` and
keeps what its ``file messages`` level allows (``any notice`` drops the
informational ``RPD_ISIS_ADJUP``); IOS-XR logs IS-IS adjacency changes only with
``log adjacency changes`` and BGP neighbor changes unless ``bgp log neighbor
changes disable``; EOS logs IS-IS adjacency changes with
``log-adjacency-changes`` and BGP changes unless ``no bgp log-neighbor-changes``;
FRR needs ``log-adjacency-changes`` and ``bgp log-neighbor-changes`` (``frr
defaults traditional`` turns the latter off) and keeps what ``log syslog
<level>`` allows.

The cause of a fault shows only as a real router would show it: an MTU
mismatch, for instance, is an adjacency that aged out, nothing more.

Examples
--------
A rendered line of each platform (the clock's epoch is 2026-03-14 02:13 UTC)::

    Mar 14 02:13:00  nyc1-bb1 mib2d[5530]: SNMP_TRAP_LINK_DOWN: ifIndex 500, ...
    LC/0/0/CPU0:Mar 14 02:13:00.042 UTC: ifmgr[6211]: %PKT_INFRA-LINK-3-UPDOWN : ...
    Mar 14 02:13:00 prn1-dr1 Ebra: %LINEPROTO-5-UPDOWN: Line protocol on Interface ...
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from netlab.evidence.changes import Changes, changes_of
from netlab.evidence.incident import Incident
from netlab.evidence.syslog_formats import LogProfile, Router, format_event
from netlab.evidence.timeline import build_timeline
from netlab.model.device import DeviceConfig
from netlab.model.types import Role, Vendor
from netlab.snapshot.layout import CONFIGS_DIR

__all__ = ["SEVERITIES", "SyslogLine", "log_profile", "render_log", "syslog_lines"]

SEVERITIES = {"emergency": 0, "emergencies": 0, "alert": 1, "alerts": 1, "critical": 2,
              "error": 3, "errors": 3, "warning": 4, "warnings": 4, "notice": 5,
              "notifications": 5, "informational": 6, "info": 6, "debugging": 7, "debug": 7,
              "any": 7}


@dataclass(frozen=True, slots=True)
class SyslogLine:
    """One line a router wrote: when (minute on the clock), who, how severe, and the text."""

    minute: float
    router: str
    vendor: Vendor
    severity: int
    message: str  # the line after its timestamp, host and process
    text: str  # the line as the router's log shows it

    def __str__(self) -> str:
        return self.text

    @property
    def collected(self) -> str:
        """The line as a central syslog collector stores it: IOS-XR's gains its hostname."""
        return f"{self.router} {self.text}" if self.vendor is Vendor.IOSXR else self.text


def _text(snapshot_path: Path, host: str) -> str:
    try:
        return (snapshot_path / CONFIGS_DIR / f"{host}.cfg").read_text(encoding="utf-8")
    except OSError:
        return ""


def log_profile(vendor: Vendor, config_text: str) -> LogProfile:
    """What a router with this config text logs (see the module docstring)."""
    if vendor is Vendor.JUNOS:
        m = re.search(r"file messages\s*\{[^}]*?\bany\s+(\w+);", config_text)
        level = SEVERITIES.get(m.group(1), 5) if m else 5
        return LogProfile(bgp_neighbor_changes="log-updown" in config_text,
                          isis_adjacency_changes=True, max_severity=level)
    if vendor is Vendor.IOSXR:
        return LogProfile(
            bgp_neighbor_changes="bgp log neighbor changes disable" not in config_text,
            isis_adjacency_changes=re.search(r"^\s*log adjacency changes", config_text,
                                             re.M) is not None, max_severity=7)
    if vendor is Vendor.EOS:
        return LogProfile(
            bgp_neighbor_changes="no bgp log-neighbor-changes" not in config_text,
            isis_adjacency_changes="log-adjacency-changes" in config_text, max_severity=7)
    m = re.search(r"^log syslog(?:\s+(\w+))?", config_text, re.M)
    level = SEVERITIES.get(m.group(1) or "debugging", 7) if m else 6
    return LogProfile(
        bgp_neighbor_changes=re.search(r"^\s*bgp log-neighbor-changes", config_text,
                                       re.M) is not None,
        isis_adjacency_changes=re.search(r"^\s*log-adjacency-changes", config_text,
                                         re.M) is not None, max_severity=level)


def _peers(configs: Iterable[DeviceConfig]) -> tuple[dict[str, str], dict[str, str]]:
    """Every interface address (text) -> (owner hostname, owner vendor value)."""
    names: dict[str, str] = {}
    vendors: dict[str, str] = {}
    for cfg in configs:
        for itf in cfg.interfaces:
            for addr in (itf.ipv4, itf.ipv6):
                if addr is not None:
                    names[str(addr.ip)] = cfg.hostname
                    vendors[str(addr.ip)] = cfg.vendor.value
    return names, vendors


def _routers(incident: Incident) -> dict[str, Router]:
    snap = incident.faulted
    names, vendors = _peers(snap.configs.values())
    out = {}
    for host, cfg in snap.configs.items():
        if snap.network.routers[host].role is Role.PEER:
            continue
        out[host] = Router(
            name=host, vendor=cfg.vendor, profile=log_profile(cfg.vendor, _text(snap.path, host)),
            descriptions={i.name: i.description for i in cfg.interfaces if i.description},
            peer_vendors={a: Vendor(v) for a, v in vendors.items()}, peer_names=names)
    return out


def syslog_lines(incident: Incident, changes: Changes | None = None, *,
                 routers: Collection[str] | None = None) -> tuple[SyslogLine, ...]:
    """Every line our routers logged up to the clock's current minute, oldest first."""
    changes = changes if changes is not None else changes_of(incident)
    info = _routers(incident)
    out: list[SyslogLine] = []
    now = incident.clock.now_minute
    for ev in build_timeline(incident, changes):
        r = info.get(ev.router)
        if r is None or (routers is not None and ev.router not in routers):
            continue
        minute = (ev.second + _jitter(ev.router)) / 60.0
        if minute > now:
            continue
        for line in format_event(r, ev, incident.clock.time(minute)):
            out.append(SyslogLine(minute, ev.router, r.vendor, line.severity, line.message,
                                  line.text))
    return tuple(sorted(out, key=lambda s: (round(s.minute, 9), s.router)))


def _jitter(router: str) -> float:
    """A router's fixed processing delay (0-0.996 s): no two routers log in lockstep."""
    return (zlib.crc32(router.encode()) % 997) / 1000.0


def render_log(lines: Iterable[SyslogLine], *, collected: bool = False) -> str:
    """Lines as a router's log shows them, one per line (``collected``: as a collector
    receiving several routers' logs stores them, so every line names its router)."""
    return "".join(f"{line.collected if collected else line.text}\n" for line in lines)
