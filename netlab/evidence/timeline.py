"""The incident's timeline: when each router experienced what (the rules of evidence).

:func:`build_timeline` turns :class:`~netlab.evidence.changes.Changes` (what
the engine says changed) into the events a router would notice, timed on the
incident's clock in seconds since minute 0. Syslog renders them in each
vendor's words; alerts take their times from them.

How a change becomes events (both ends of a link, both sides of a session):

* A link that lost light (cut, dead neighbor, failed linecard, the far end shut
  down — a shut port turns its laser off) goes down at both live ends when the
  fault starts; a shut port is *administratively* down on its own router.
* An IS-IS adjacency that goes down is logged per end with the cause that end
  sees: the interface went down; the hold time ran out (it stopped accepting
  the neighbor's hellos: authentication, MTU, level, area, the neighbor removed
  the circuit); the three-way handshake failed (it still hears the neighbor but
  is no longer listed by it: the side that is in INIT); or its own circuit was
  reconfigured. Hold times are the *neighbor's* (hello interval x multiplier).
* A BGP session that goes down: over a link that went down, at once; when
  the peer became unreachable or stopped answering, after the negotiated hold
  time, with a Hold Timer Expired NOTIFICATION; when one side's neighbor was
  reconfigured (remote-as, password, update-source, shutdown, max-prefix, a
  deleted neighbor) that side sends a Cease NOTIFICATION the other receives,
  and then every connect retry fails the same way (bad peer AS in the OPEN,
  bad TCP-MD5 digests, a connection from an unconfigured address).
* A flapping link repeats its down/up events and whatever its down phase
  changes (asked of the engine with the link down).

Timer values are the platforms' defaults as netlab renders them: IS-IS hold
Junos 27 s, IOS-XR and EOS 30 s, FRR 3 s (hello 1 s x 3); BGP hold Junos 90 s,
IOS-XR and EOS 180 s, FRR 9 s (the lower of both ends is negotiated). A failing
session is retried every connect-retry interval (Junos 32 s, IOS-XR 60 s, EOS 30 s;
FRR's 1 s connect timer is dominated by the ~30 s its unanswered TCP handshake
takes), the shorter of both ends.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections.abc import Iterable, Iterator
from ipaddress import ip_address

from netlab.engines.base import AdjacencyReason, AdjacencyState, IPAddress, SessionReason
from netlab.evidence.changes import AdjacencyChange, Changes, SessionChange, TopologyChanges
from netlab.evidence.clock import FlapCycle
from netlab.evidence.events import (
    BgpCause,
    BgpEvent,
    Event,
    IsisCause,
    IsisEvent,
    LinkEvent,
    MaxPrefixEvent,
    Md5Event,
    NotificationEvent,
    RejectEvent,
)
from netlab.evidence.incident import Incident
from netlab.model.device import BgpNeighbor, DeviceConfig, InterfaceConfig
from netlab.model.naming import interface_name
from netlab.model.types import Role, Vendor

__all__ = [
    "BGP_HOLD_S",
    "CONNECT_RETRY_S",
    "ISIS_HOLD_S",
    "BgpCause",
    "BgpEvent",
    "Event",
    "IsisCause",
    "IsisEvent",
    "LinkEvent",
    "MaxPrefixEvent",
    "Md5Event",
    "NotificationEvent",
    "RejectEvent",
    "build_timeline",
]

ISIS_HOLD_S = {Vendor.JUNOS: 27.0, Vendor.IOSXR: 30.0, Vendor.EOS: 30.0, Vendor.FRR: 3.0}
BGP_HOLD_S = {Vendor.JUNOS: 90.0, Vendor.IOSXR: 180.0, Vendor.EOS: 180.0, Vendor.FRR: 9.0}
CONNECT_RETRY_S = {Vendor.JUNOS: 32.0, Vendor.IOSXR: 60.0, Vendor.EOS: 30.0, Vendor.FRR: 30.0}
MAX_RETRIES = 120  # repeated connection failures followed per session at most
_SETTLE_S = 1.0  # a config change is committed and acted on about a second after the fault
_ADJ_UP_S = 3.0  # a fresh IS-IS adjacency comes up a few hellos after the link
_BGP_UP_S = 6.0  # and BGP after that


# -- helpers ----------------------------------------------------------------------------------
class _Ctx:
    """What the rules need to know about the incident."""

    def __init__(self, incident: Incident, changes: Changes) -> None:
        self.incident = incident
        self.changes = changes
        self.base = incident.baseline.configs
        self.now = incident.clock.now_minute * 60.0
        self.dead = incident.faulted.failures.nodes_down
        self.net = incident.faulted.network

    def internal(self, router: str | None) -> bool:
        r = self.net.routers.get(router or "")
        return r is not None and r.role is not Role.PEER and router not in self.dead

    def vendor(self, router: str) -> Vendor:
        return self.incident.faulted.configs[router].vendor

    def start(self, routers: Iterable[str] = (), links: Iterable[str] = ()) -> float:
        """Seconds: the start of the earliest fault located at these routers or links."""
        rs, ls = set(routers), set(links)
        starts = [self.incident.fault_start(i) for i, f in self.incident.static_faults()
                  if rs & set(f.location.routers) or ls & set(f.location.links)]
        return 60.0 * (min(starts) if starts else self.incident.first_change_minute)

    def link_of(self, router: str, interface: str) -> str | None:
        vendor = self.base[router].vendor
        for link in self.net.links_of(router):
            end = link.end(router)
            if interface_name(vendor, end.slot, end.port, link.capacity_gbps) == interface:
                return link.id
        return None

    def system_id(self, router: str | None) -> str:
        cfg = self.base.get(router or "")
        if cfg is None or cfg.isis is None:
            return "0000.0000.0000"
        return ".".join(cfg.isis.net.split(".")[-4:-1])


def _itf(cfg: DeviceConfig | None, name: str) -> InterfaceConfig | None:
    if cfg is None:
        return None
    return next((i for i in cfg.interfaces if i.name == name), None)


def _entry(cfg: DeviceConfig | None, addr: IPAddress) -> BgpNeighbor | None:
    if cfg is None or cfg.bgp is None:
        return None
    return next((n for n in cfg.bgp.neighbors if n.address == addr), None)


def _level(change: AdjacencyChange) -> int:
    return 1 if change.level is not None and change.level.value == "level-1" else 2


def _port(router: str, neighbor: IPAddress, k: int) -> int:
    """An ephemeral TCP port, fixed per (router, neighbor, attempt)."""
    seed = zlib.crc32(f"{router}/{neighbor}".encode())
    return 49152 + (seed + k * 7919) % 16000


# -- links ------------------------------------------------------------------------------------
def _oper(ctx: _Ctx, configs: dict[str, DeviceConfig], failures_dead: frozenset[str],
          layer1: set[tuple[str, str]], router: str, name: str) -> bool:
    itf = _itf(configs.get(router), name)
    return router not in failures_dead and itf is not None and itf.enabled and (
        (router, name) in layer1)


def _link_events(ctx: _Ctx) -> Iterator[Event]:
    inc = ctx.incident
    ends_b = {(e.node1, e.interface1) for e in inc.baseline.layer1} | {
        (e.node2, e.interface2) for e in inc.baseline.layer1}
    ends_f = {(e.node1, e.interface1) for e in inc.faulted.layer1} | {
        (e.node2, e.interface2) for e in inc.faulted.layer1}
    for link in sorted(ctx.net.links.values(), key=lambda lk: lk.id):
        names = {}
        for end in (link.a, link.b):
            names[end.router] = interface_name(ctx.vendor(end.router), end.slot, end.port,
                                               link.capacity_gbps)
        shut = {r for r, n in names.items()
                if (itf := _itf(inc.faulted.configs.get(r), n)) is not None and not itf.enabled}
        for router, name in names.items():
            if not ctx.internal(router):
                continue
            was = _oper(ctx, inc.baseline.configs, inc.baseline.failures.nodes_down, ends_b,
                        router, name)
            now = _oper(ctx, inc.faulted.configs, ctx.dead, ends_f, router, name)
            far_shut = bool(shut - {router})
            if was and (not now or far_shut):
                t = ctx.start(routers=names, links=[link.id])
                yield LinkEvent(t + (_SETTLE_S if shut else 0.0), router, name, False,
                                admin=router in shut)


# -- IS-IS ------------------------------------------------------------------------------------
_LINK_REASONS = {AdjacencyReason.NODE_DOWN, AdjacencyReason.NO_LAYER1_LINK,
                 AdjacencyReason.INTERFACE_ADMIN_DOWN}


def _isis_changed(ctx: _Ctx, router: str, interface: str) -> bool:
    """Whether this end's IS-IS circuit or process config differs from the baseline."""
    before, after = ctx.base.get(router), ctx.incident.faulted.configs.get(router)
    if before is None or after is None:
        return False
    ib, ia = _itf(before, interface), _itf(after, interface)
    return (ib is None) != (ia is None) or (ib is not None and ia is not None and (
        ib.isis != ia.isis or ib.mtu != ia.mtu)) or before.isis != after.isis


def _isis_events(ctx: _Ctx, changes: Iterable[AdjacencyChange], offset: float | None,
                 ) -> Iterator[Event]:
    """Events of adjacency changes; ``offset`` forces the time (a flap's down phase)."""
    by_end = {(c.node, c.interface): c for c in changes}
    for c in by_end.values():
        if not ctx.internal(c.node):
            continue
        link = ctx.link_of(c.node, c.interface)
        t0 = offset if offset is not None else ctx.start(
            routers=[c.node, c.remote_node or ""], links=[link] if link else [])
        peer = c.remote_node or "unknown"
        sysid = ctx.system_id(c.remote_node)
        if not c.went_down:
            if c.after is AdjacencyState.UP:
                yield IsisEvent(t0 + _ADJ_UP_S, c.node, c.interface, peer, sysid, 2, True,
                                IsisCause.NEW)
            continue
        remote_vendor = ctx.vendor(c.remote_node) if c.remote_node in ctx.base else None
        hold = ISIS_HOLD_S[remote_vendor] if remote_vendor else 30.0
        if offset is not None or c.reason in _LINK_REASONS:
            shut = c.reason is AdjacencyReason.INTERFACE_ADMIN_DOWN and offset is None
            cause, t = IsisCause.INTERFACE_DOWN, t0 + (_SETTLE_S if shut else 0.0)
        elif _isis_changed(ctx, c.node, c.interface) and c.reason not in (
                AdjacencyReason.AUTH_MISMATCH, AdjacencyReason.MTU_MISMATCH):
            cause, t = IsisCause.LOCAL_CONFIG, t0 + _SETTLE_S
        elif c.after is AdjacencyState.INIT:
            # Still hears the neighbor, which stopped listing it once its own copy aged out.
            own = ISIS_HOLD_S[ctx.vendor(c.node)]
            cause, t = IsisCause.THREE_WAY, t0 + _SETTLE_S + own + 1.0
        else:
            cause, t = IsisCause.HOLD_TIME, t0 + _SETTLE_S + hold
        yield IsisEvent(t, c.node, c.interface, peer, sysid, _level(c), False, cause)


# -- BGP --------------------------------------------------------------------------------------
def _bgp_hold(ctx: _Ctx, a: str, b: str | None) -> float:
    ha = BGP_HOLD_S[ctx.vendor(a)]
    hb = BGP_HOLD_S[ctx.vendor(b)] if b in ctx.base else ha
    return min(ha, hb)


def _retry(ctx: _Ctx, a: str, b: str | None) -> float:
    ra = CONNECT_RETRY_S[ctx.vendor(a)]
    rb = CONNECT_RETRY_S[ctx.vendor(b)] if b in ctx.base else ra
    return min(ra, rb)


def _entry_changed(ctx: _Ctx, c: SessionChange) -> bool:
    return _entry(ctx.base.get(c.node), c.remote_ip) != _entry(
        ctx.incident.faulted.configs.get(c.node), c.remote_ip)


def _peer_side(ctx: _Ctx, c: SessionChange, all_changes: dict[tuple[str, IPAddress],
               SessionChange]) -> SessionChange | None:
    if c.local_ip is None or c.remote_node is None:
        return None
    return all_changes.get((c.remote_node, c.local_ip))


def _down(c: SessionChange, t: float, cause: BgpCause, code: int = 0, sub: int = 0) -> BgpEvent:
    return BgpEvent(t, c.node, c.remote_ip, c.remote_as, c.local_as, False, cause, code, sub,
                    c.reason)


def _note(c: SessionChange, t: float, sent: bool, code: int, sub: int, data: bytes = b"",
          hold: float = 0.0) -> NotificationEvent:
    return NotificationEvent(t, c.node, c.remote_ip, c.remote_as, c.local_as, sent, code, sub,
                             data, hold)


def _as_configured(ctx: _Ctx, c: SessionChange) -> SessionChange:
    """``c`` with the remote AS the router's faulted config names (what it logs)."""
    entry = _entry(ctx.incident.faulted.configs.get(c.node), c.remote_ip)
    if entry is None or entry.remote_as == c.remote_as:
        return c
    return dataclasses.replace(c, remote_as=entry.remote_as)


def _configured_side(ctx: _Ctx, c: SessionChange) -> Iterator[Event]:
    """Events of the side whose neighbor entry was changed (or deleted) at ``t0``."""
    t0 = ctx.start(routers=[c.node]) + _SETTLE_S
    after = _entry(ctx.incident.faulted.configs.get(c.node), c.remote_ip)
    if after is None:
        yield _note(c, t0, True, 6, 3)
        yield _down(c, t0, BgpCause.DECONFIGURED, 6, 3)
        return
    if after.shutdown:
        yield _note(c, t0, True, 6, 2)
        yield _down(c, t0, BgpCause.ADMIN_SHUTDOWN, 6, 2)
        return
    if c.reason is SessionReason.MAX_PREFIX_EXCEEDED and after.max_prefix is not None:
        count = next((p.before for p in ctx.changes.prefix_counts
                      if p.node == c.node and p.remote_ip == c.remote_ip), after.max_prefix + 1)
        yield MaxPrefixEvent(t0, c.node, c.remote_ip, c.remote_as, c.local_as, count,
                             after.max_prefix)
        yield _note(c, t0, True, 6, 1)
        yield _down(c, t0, BgpCause.MAX_PREFIX, 6, 1)
        return
    yield _note(c, t0, True, 6, 6)
    yield _down(c, t0, BgpCause.CONFIG_CHANGE, 6, 6)


def _retries(ctx: _Ctx, c: SessionChange, far: SessionChange | None, changed: bool
             ) -> Iterator[Event]:
    """Connection attempts after a reconfiguration that keep failing the same way."""
    t0 = ctx.start(routers=[c.node, c.remote_node or ""]) + _SETTLE_S
    step = _retry(ctx, c.node, c.remote_node)
    source = _source_of(c)
    for k in range(1, MAX_RETRIES + 1):
        t = t0 + k * step
        if t > ctx.now:
            return
        if c.reason is SessionReason.REMOTE_AS_MISMATCH:
            if changed:
                known = _entry(ctx.base.get(c.node), c.remote_ip)
                actual = far.local_as if far else known.remote_as if known else c.remote_as
                peer_as = actual & 0xFFFF  # the AS its OPEN carries (2-byte field)
                yield _note(c, t, True, 2, 2, peer_as.to_bytes(2, "big"))
            else:
                yield _note(c, t, False, 2, 2)
        elif c.reason is SessionReason.PASSWORD_MISMATCH and c.local_ip is not None:
            yield Md5Event(t, c.node, c.remote_ip, _port(c.remote_node or "", c.local_ip, k),
                           c.local_ip, 179)
        elif c.reason is SessionReason.UPDATE_SOURCE_MISMATCH and source is not None:
            # The peer opens from an address this side has no neighbor entry for.
            yield RejectEvent(t, c.node, source, _port(c.remote_node or "", source, k))
        elif (c.reason is SessionReason.NOT_CONFIGURED_ON_REMOTE and c.local_ip is not None
              and ctx.internal(c.remote_node)):
            # We keep connecting to a peer that no longer has an entry for us.
            yield RejectEvent(t, c.remote_node or "", c.local_ip,
                              _port(c.node, c.local_ip, k))


def _source_of(c: SessionChange) -> IPAddress | None:
    """The address the peer opens its connections from, as the engine's detail names it."""
    who = re.escape(c.remote_node or "?")
    m = re.search(rf"{who} sources from ([0-9A-Fa-f:.]+?)[,;]?(?:\s|$)", c.detail)
    if m is None:
        return None
    try:
        return ip_address(m.group(1))
    except ValueError:
        return None


def _bgp_events(ctx: _Ctx, changes: Iterable[SessionChange], offset: float | None,
                down_for: float | None = None) -> Iterator[Event]:
    table = {(c.node, c.remote_ip): c for c in changes}
    for c in table.values():
        if not ctx.internal(c.node):
            continue
        far = _peer_side(ctx, c, table)
        t0 = offset if offset is not None else ctx.start(routers=[c.node, c.remote_node or ""])
        if not c.went_down:
            yield BgpEvent(t0 + _BGP_UP_S, c.node, c.remote_ip, c.remote_as, c.local_as, True,
                           BgpCause.UP)
            continue
        hold = _bgp_hold(ctx, c.node, c.remote_node)
        reason = c.reason
        if reason in (SessionReason.INTERFACE_DOWN, SessionReason.NO_LAYER1_PATH) or (
                reason is SessionReason.PEER_DOWN and not c.ibgp):
            yield _down(c, t0, BgpCause.INTERFACE_DOWN)
            continue
        if offset is None and _entry_changed(ctx, c):
            mine = _as_configured(ctx, c)
            yield from _configured_side(ctx, mine)
            yield from _retries(ctx, mine, far, changed=True)
            continue
        peer_changed = far is not None and _entry_changed(ctx, far)
        deleted = (reason is SessionReason.NOT_CONFIGURED_ON_REMOTE
                   and c.remote_node is not None and _deleted_on(ctx, c))
        if offset is None and (peer_changed or deleted):
            t = ctx.start(routers=[c.remote_node or ""]) + _SETTLE_S
            code, sub = _their_cease(ctx, c, far)
            yield _note(c, t, False, code, sub)
            yield _down(c, t, BgpCause.NOTIFICATION_RECEIVED, code, sub)
            yield from _retries(ctx, c, far, changed=False)
            continue
        # The peer is gone or unreachable: the hold timer runs out.
        if down_for is not None and down_for < hold:
            continue
        yield _note(c, t0 + hold, True, 4, 0, hold=hold)
        yield _down(c, t0 + hold, BgpCause.HOLD_TIME, 4, 0)


def _deleted_on(ctx: _Ctx, c: SessionChange) -> bool:
    """Whether the peer's entry pointing at us existed in the baseline and is gone."""
    if c.local_ip is None:
        return False
    return (_entry(ctx.base.get(c.remote_node or ""), c.local_ip) is not None and _entry(
        ctx.incident.faulted.configs.get(c.remote_node or ""), c.local_ip) is None)


def _their_cease(ctx: _Ctx, c: SessionChange, far: SessionChange | None) -> tuple[int, int]:
    """The Cease subcode the reconfigured peer sends us."""
    if c.local_ip is None:
        return 6, 6
    theirs = _entry(ctx.incident.faulted.configs.get(c.remote_node or ""), c.local_ip)
    if theirs is None:
        return 6, 3
    if theirs.shutdown:
        return 6, 2
    if far is not None and far.reason is SessionReason.MAX_PREFIX_EXCEEDED:
        return 6, 1
    return 6, 6


# -- flaps ------------------------------------------------------------------------------------
def _flap_events(ctx: _Ctx, flap: FlapCycle, phase: TopologyChanges) -> Iterator[Event]:
    link = ctx.net.link(flap.link)
    ends = [(e.router, interface_name(ctx.vendor(e.router), e.slot, e.port,
                                      link.capacity_gbps)) for e in (link.a, link.b)]
    for tr in flap.transitions(ctx.incident.clock.now_minute):
        t = tr.minute * 60.0
        for router, name in ends:
            if ctx.internal(router):
                yield LinkEvent(t, router, name, tr.up)
        if not tr.up:
            yield from _isis_events(ctx, phase.adjacencies, t)
            yield from _bgp_events(ctx, phase.sessions, t, down_for=flap.down_s)
        else:
            for c in phase.adjacencies:
                if c.went_down and ctx.internal(c.node):
                    yield IsisEvent(t + _ADJ_UP_S, c.node, c.interface, c.remote_node or "",
                                    ctx.system_id(c.remote_node), _level(c), True,
                                    IsisCause.NEW)
            for s in phase.sessions:
                hold = _bgp_hold(ctx, s.node, s.remote_node)
                direct = s.reason in (SessionReason.INTERFACE_DOWN, SessionReason.NO_LAYER1_PATH)
                if s.went_down and ctx.internal(s.node) and (direct or flap.down_s >= hold):
                    yield BgpEvent(t + _BGP_UP_S, s.node, s.remote_ip, s.remote_as,
                                   s.local_as, True, BgpCause.UP)


# -- the timeline -----------------------------------------------------------------------------
def _order(e: Event) -> tuple[float, str, int, str]:
    rank = {LinkEvent: 0, Md5Event: 1, RejectEvent: 1, MaxPrefixEvent: 2,
            NotificationEvent: 3, IsisEvent: 4, BgpEvent: 5}[type(e)]
    return (round(e.second, 3), e.router, rank, repr(e))


def build_timeline(incident: Incident, changes: Changes) -> tuple[Event, ...]:
    """Every event up to the incident's current minute, in time order (then router)."""
    ctx = _Ctx(incident, changes)
    events: list[Event] = [*_link_events(ctx),
                           *_isis_events(ctx, changes.adjacencies, None),
                           *_bgp_events(ctx, changes.sessions, None)]
    for flap in incident.flaps:
        events.extend(_flap_events(ctx, flap, changes.flap_phase(flap.link)))
    return tuple(sorted((e for e in events if e.second <= ctx.now + 1e-9), key=_order))
