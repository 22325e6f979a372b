"""How each vendor words an event in its log, timestamps and process names included.

One formatter per platform turns a :mod:`~netlab.evidence.timeline` event into
the line(s) the router writes, or nothing when the platform does not log it.
Shapes follow real logs (napalm-logs' recorded device messages, FRR's source):

=======  ===================================================================
Junos    ``Mar 14 02:13:05  host rpd[1234]: RPD_ISIS_ADJDOWN: IS-IS lost L2 adjacency
         to peer on et-0/0/1.0, reason: Aged Out``; ``mib2d``
         ``SNMP_TRAP_LINK_DOWN``; ``bgp_read_message``/``bgp_hold_timeout``/
         ``bgp_pp_recv``/``bgp_listen_accept`` NOTIFICATION lines;
         ``BGP_PREFIX_LIMIT_EXCEEDED``/``BGP_CEASE_PREFIX_LIMIT_EXCEEDED``;
         ``/kernel: tcp_auth_ok: ... wrong MD5 digest``;
         ``RPD_BGP_NEIGHBOR_STATE_CHANGED`` only with ``log-updown``
IOS-XR   ``RP/0/RP0/CPU0:Mar 14 02:13:05.123 UTC: isis[1010]: %ROUTING-ISIS-5-ADJCHANGE :
         Adjacency to peer (Hu0/0/0/1) (L2) Down, Holdtime expired``;
         ``%PKT_INFRA-LINK-3-UPDOWN``/``%PKT_INFRA-LINEPROTO-5-UPDOWN`` from the
         linecard; ``%ROUTING-BGP-5-ADJCHANGE``, ``%ROUTING-BGP-3-NOTIFICATION``,
         ``%ROUTING-BGP-5-MAXPFX``/``-4-MAXPFXEXCEED``, ``%IP-TCP-3-BADAUTH``
EOS      ``Mar 14 02:13:05 host Isis: %ISIS-4-ISIS_ADJCHG: L2 Neighbor State Change
         for SystemID 1980.1800.0001 on Ethernet1/1/1 to DOWN: ...``; ``Ebra:
         %LINEPROTO-5-UPDOWN`` (with the description); ``Bgp: %BGP-5-ADJCHANGE``,
         ``%BGP-3-NOTIFICATION``
FRR      syslog lines of bgpd/isisd (``[PXVXG-TFNNT] %ADJCHANGE: neighbor ...``,
         ``%NOTIFICATION: ...``, ``%MAXPFXEXCEED``), adjacency and neighbor changes
         only when ``log-adjacency-changes`` / ``bgp log-neighbor-changes`` are
         configured (``frr defaults traditional`` leaves both off); the Linux
         kernel's link and TCP-MD5 messages
=======  ===================================================================

FRR message ids in brackets are printed only where the real id is known.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from netlab.engines.base import IPAddress, SessionReason
from netlab.evidence.clock import EPOCH
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
)
from netlab.model.naming import slot_of
from netlab.model.types import Vendor

__all__ = ["Emitted", "LogProfile", "Router", "format_event"]


@dataclass(frozen=True, slots=True)
class LogProfile:
    """What a router's config makes it log (read from its config text)."""

    bgp_neighbor_changes: bool
    isis_adjacency_changes: bool
    max_severity: int  # lines above this severity (numerically) are not kept


@dataclass(frozen=True, slots=True)
class Router:
    """The router a line is written by, and what a formatter needs to know of it."""

    name: str
    vendor: Vendor
    profile: LogProfile
    descriptions: dict[str, str]  # interface -> description
    peer_vendors: dict[str, Vendor]  # neighbor address (text) -> the neighbor's vendor
    peer_names: dict[str, str]  # neighbor address (text) -> hostname


@dataclass(frozen=True, slots=True)
class Emitted:
    severity: int
    message: str  # everything after the timestamp/host/process header
    text: str  # the whole line


_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _pid(router: str, process: str) -> int:
    return 1000 + zlib.crc32(f"{router}/{process}".encode()) % 8000


def _bsd(when: datetime) -> str:
    return f"{_MON[when.month - 1]} {when.day:>2} {when:%H:%M:%S}"


def _as_kind(ev: BgpEvent | NotificationEvent | MaxPrefixEvent) -> str:
    return "Internal" if ev.remote_as == ev.local_as else "External"


def _family(addr: IPAddress) -> str:
    return "IPv4 Unicast" if addr.version == 4 else "IPv6 Unicast"


# -- Junos ------------------------------------------------------------------------------------
_JUNOS_CODE = {1: "Message Header Error", 2: "Open Message Error", 3: "Update Message Error",
               4: "Hold Timer Expired Error", 5: "Finite State Machine Error", 6: "Cease"}
_JUNOS_SUB = {(2, 2): "bad peer AS number", (6, 1): "Maximum Number of Prefixes Reached",
              (6, 2): "Administratively Shutdown", (6, 3): "Peer Unconfigured",
              (6, 4): "Administratively Reset", (6, 5): "Connection Rejected",
              (6, 6): "Other Configuration Change"}
_JUNOS_ISIS = {IsisCause.INTERFACE_DOWN: "Interface Down", IsisCause.HOLD_TIME: "Aged Out",
               IsisCause.THREE_WAY: "3-Way Handshake Failed",
               IsisCause.LOCAL_CONFIG: "Protocol Shutdown"}
_JUNOS_BGP_EVENT = {BgpCause.HOLD_TIME: "HoldTime", BgpCause.NOTIFICATION_RECEIVED: "RecvNotify"}


def _junos_ifindex(interface: str) -> int:
    sp = slot_of(Vendor.JUNOS, interface)
    return 500 + (16 * sp[0] + sp[1] if sp else 0)


def _junos(r: Router, ev: Event, when: datetime) -> list[tuple[int, str, str]]:
    """(severity, process, message) of a Junos router."""
    if isinstance(ev, LinkEvent):
        idx = _junos_ifindex(ev.interface)
        if ev.up:
            return [(4, "mib2d", f"SNMP_TRAP_LINK_UP: ifIndex {idx}, ifAdminStatus up(1), "
                                 f"ifOperStatus up(1), ifName {ev.interface}")]
        admin = "down(2)" if ev.admin else "up(1)"
        return [(4, "mib2d", f"SNMP_TRAP_LINK_DOWN: ifIndex {idx}, ifAdminStatus {admin}, "
                             f"ifOperStatus down(2), ifName {ev.interface}")]
    if isinstance(ev, IsisEvent):
        if ev.up:
            return [(6, "rpd", f"RPD_ISIS_ADJUP: IS-IS new L{ev.level} adjacency to "
                               f"{ev.neighbor} on {ev.interface}.0")]
        return [(5, "rpd", f"RPD_ISIS_ADJDOWN: IS-IS lost L{ev.level} adjacency to "
                           f"{ev.neighbor} on {ev.interface}.0, reason: {_JUNOS_ISIS[ev.cause]}")]
    if isinstance(ev, BgpEvent):
        if not r.profile.bgp_neighbor_changes:
            return []
        peer = f"BGP peer {ev.neighbor} ({_as_kind(ev)} AS {ev.remote_as})"
        if ev.up:
            change = "from OpenConfirm to Established (event RecvKeepAlive)"
        else:
            change = (f"from Established to Idle (event "
                      f"{_JUNOS_BGP_EVENT.get(ev.cause, 'Stop')})")
        return [(4, "rpd", f"RPD_BGP_NEIGHBOR_STATE_CHANGED: {peer} changed state {change} "
                           "(instance master)")]
    if isinstance(ev, NotificationEvent):
        peer = f"{ev.neighbor} ({_as_kind(ev)} AS {ev.remote_as})"
        code = f"code {ev.code} ({_JUNOS_CODE.get(ev.code, 'Unknown')})"
        if (ev.code, ev.subcode) in _JUNOS_SUB:
            code += f" subcode {ev.subcode} ({_JUNOS_SUB[(ev.code, ev.subcode)]})"
        if not ev.sent:
            return [(4, "rpd", f"bgp_read_message:2764: NOTIFICATION received from {peer}: "
                               f"{code}")]
        if ev.code == 4:
            return [(4, "rpd", f"bgp_hold_timeout:4244: NOTIFICATION sent to {peer}: {code}, "
                               f"Reason: holdtime expired for {peer}, socket buffer sndcc: 0 "
                               f"rcvcc: 0 TCP state: 4, hold timer out {ev.hold_s:g}s, hold "
                               "timer remain 0s")]
        if (ev.code, ev.subcode) == (2, 2):
            port = 49152 + zlib.crc32(f"{r.name}{ev.neighbor}{ev.second}".encode()) % 16000
            their = int.from_bytes(ev.data, "big") if ev.data else ev.remote_as
            who = f"{ev.neighbor}+{port} (proto)"
            return [(4, "rpd", f"bgp_pp_recv:4609: NOTIFICATION sent to {who}: {code}, "
                               f"Reason: no group for {who} from AS {their} found (peer as "
                               "mismatch) in master, dropping him")]
        return [(4, "rpd", f"bgp_send: NOTIFICATION sent to {peer}: {code}")]
    if isinstance(ev, MaxPrefixEvent):
        fam = "inet-unicast" if ev.neighbor.version == 4 else "inet6-unicast"
        peer = f"{ev.neighbor} ({_as_kind(ev)} AS {ev.remote_as})"
        return [(4, "rpd", f"BGP_PREFIX_LIMIT_EXCEEDED: {peer}: Configured maximum "
                           f"prefix-limit({ev.limit}) exceeded for {fam} nlri: {ev.count} "
                           "(instance master)"),
                (4, "rpd", f"BGP_CEASE_PREFIX_LIMIT_EXCEEDED: {peer}: Shutting down peer due "
                           f"to exceeding configured maximum prefix-limit({ev.limit}) for "
                           f"{fam} nlri: {ev.count} (instance master)")]
    if isinstance(ev, Md5Event):
        what = "missing" if ev.missing else "wrong"
        return [(4, "/kernel", f"tcp_auth_ok: Packet from {ev.source}:{ev.source_port} "
                               f"{what} MD5 digest")]
    who = f"{ev.source}+{ev.source_port} (proto)"
    return [(4, "rpd", f"bgp_listen_accept:4984: NOTIFICATION sent to {who}: code 6 "
                       "(Cease) subcode 5 (Connection Rejected), Reason: Connection "
                       f"attempt from unconfigured neighbor: {ev.source}+{ev.source_port}")]


def _junos_line(r: Router, process: str, message: str, when: datetime) -> str:
    proc = process if process.startswith("/") else f"{process}[{_pid(r.name, process)}]"
    return f"{_bsd(when)}  {r.name} {proc}: {message}"


# -- IOS-XR -----------------------------------------------------------------------------------
_XR_NOTE = {(4, 0): "hold time expired", (2, 2): "peer in wrong AS",
            (6, 1): "maximum number of prefixes reached", (6, 2): "administrative shutdown",
            (6, 3): "peer de-configured", (6, 4): "administrative reset",
            (6, 5): "connection rejected", (6, 6): "other configuration change"}
_XR_ISIS = {IsisCause.INTERFACE_DOWN: "Interface state down",
            IsisCause.HOLD_TIME: "Holdtime expired", IsisCause.THREE_WAY: "Neighbor forgot us",
            IsisCause.LOCAL_CONFIG: "Configuration changed"}
_XR_BGP = {BgpCause.INTERFACE_DOWN: "Interface flap",
           BgpCause.HOLD_TIME: "BGP Notification sent, hold time expired",
           BgpCause.ADMIN_SHUTDOWN: "Admin. shutdown", BgpCause.CONFIG_CHANGE:
           "Configuration change", BgpCause.DECONFIGURED: "Neighbor deleted",
           BgpCause.MAX_PREFIX: "Max. prefix limit exceeded"}


def _xr(r: Router, ev: Event, when: datetime) -> list[tuple[int, str, str]]:
    if isinstance(ev, LinkEvent):
        state = "Up" if ev.up else "Down"
        link = (f"%PKT_INFRA-LINK-5-CHANGED : Interface {ev.interface}, changed state to "
                "Administratively Down" if ev.admin and not ev.up else
                f"%PKT_INFRA-LINK-3-UPDOWN : Interface {ev.interface}, changed state to {state}")
        return [(3 if "UPDOWN" in link else 5, "ifmgr", link),
                (5, "ifmgr", f"%PKT_INFRA-LINEPROTO-5-UPDOWN : Line protocol on Interface "
                             f"{ev.interface}, changed state to {state}")]
    if isinstance(ev, IsisEvent):
        if not r.profile.isis_adjacency_changes:
            return []
        tail = "Up, New adjacency" if ev.up else f"Down, {_XR_ISIS[ev.cause]}"
        return [(5, "isis", f"%ROUTING-ISIS-5-ADJCHANGE : Adjacency to {ev.neighbor} "
                            f"({ev.interface}) (L{ev.level}) {tail}")]
    if isinstance(ev, BgpEvent):
        if not r.profile.bgp_neighbor_changes:
            return []
        if ev.up:
            state = "Up"
        elif ev.cause is BgpCause.NOTIFICATION_RECEIVED:
            state = (f"Down - BGP Notification received, "
                     f"{_XR_NOTE.get((ev.code, ev.subcode), 'unknown error')}")
        else:
            state = f"Down - {_XR_BGP.get(ev.cause, 'Peer closing down the session')}"
        return [(5, "bgp", f"%ROUTING-BGP-5-ADJCHANGE : neighbor {ev.neighbor} {state} "
                           f"(VRF: default) (AS: {ev.remote_as})")]
    if isinstance(ev, NotificationEvent):
        way = "sent to" if ev.sent else "received from"
        text = _XR_NOTE.get((ev.code, ev.subcode), "unknown error")
        data = ev.data.hex().upper() if ev.sent else ""
        size = len(ev.data) if ev.sent else 0
        return [(3, "bgp", f"%ROUTING-BGP-3-NOTIFICATION : {way} neighbor {ev.neighbor} "
                           f"{ev.code}/{ev.subcode} ({text}) {size} bytes {data}".rstrip())]
    if isinstance(ev, MaxPrefixEvent):
        fam = _family(ev.neighbor)
        return [(5, "bgp", f"%ROUTING-BGP-5-MAXPFX : No. of {fam} prefixes received from "
                           f"{ev.neighbor} has reached {ev.count}, max {ev.limit}"),
                (4, "bgp", f"%ROUTING-BGP-4-MAXPFXEXCEED : No. of {fam} prefixes received "
                           f"from {ev.neighbor}: {ev.count} exceed limit {ev.limit}")]
    if isinstance(ev, Md5Event):
        what = "No MD5 digest" if ev.missing else "Invalid MD5 digest"
        return [(3, "tcp", f"%IP-TCP-3-BADAUTH : {what} from {ev.source}:{ev.source_port} to "
                           f"{ev.destination}:{ev.destination_port}")]
    return []


def _xr_line(r: Router, process: str, message: str, when: datetime, ev: Event) -> str:
    node = "RP/0/RP0/CPU0"
    if process == "ifmgr" and isinstance(ev, LinkEvent):
        sp = slot_of(Vendor.IOSXR, ev.interface)
        node = f"LC/0/{sp[0] if sp else 0}/CPU0"
    stamp = f"{_bsd(when)}.{when.microsecond // 1000:03d} UTC"
    return f"{node}:{stamp}: {process}[{_pid(r.name, process)}]: {message}"


# -- EOS --------------------------------------------------------------------------------------
_EOS_NOTE = {(4, 0): "Hold Timer Expired Error/Unspecified", (2, 2): "Open Message Error/bad "
             "peer AS", (6, 1): "Cease/maximum number of prefixes reached",
             (6, 2): "Cease/administrative shutdown", (6, 3): "Cease/peer de-configured",
             (6, 4): "Cease/administrative reset", (6, 5): "Cease/connection rejected",
             (6, 6): "Cease/other configuration change"}
_EOS_ISIS = {IsisCause.INTERFACE_DOWN: "interface went down or no IP address on interface",
             IsisCause.HOLD_TIME: "hold time expired",
             IsisCause.THREE_WAY: "three-way handshake failed",
             IsisCause.LOCAL_CONFIG: "interface configuration changed"}
_EOS_BGP = {BgpCause.HOLD_TIME: "HoldTimerExpired", BgpCause.NOTIFICATION_RECEIVED: "RecvNotify",
            BgpCause.ADMIN_SHUTDOWN: "AdminShutdown", BgpCause.CONFIG_CHANGE: "AdminReset"}


def _eos(r: Router, ev: Event, when: datetime) -> list[tuple[int, str, str]]:
    if isinstance(ev, LinkEvent):
        desc = r.descriptions.get(ev.interface, "")
        name = f"{ev.interface} ({desc})" if desc else ev.interface
        return [(5, "Ebra", f"%LINEPROTO-5-UPDOWN: Line protocol on Interface {name}, changed "
                            f"state to {'up' if ev.up else 'down'}")]
    if isinstance(ev, IsisEvent):
        if not r.profile.isis_adjacency_changes:
            return []
        tail = "UP" if ev.up else f"DOWN: {_EOS_ISIS[ev.cause]}"
        return [(4, "Isis", f"%ISIS-4-ISIS_ADJCHG: L{ev.level} Neighbor State Change for "
                            f"SystemID {ev.neighbor_system_id} on {ev.interface} to {tail}")]
    if isinstance(ev, BgpEvent):
        if not r.profile.bgp_neighbor_changes:
            return []
        peer = f"peer {ev.neighbor} (VRF default AS {ev.remote_as})"
        if ev.up:
            return [(5, "Bgp", f"%BGP-5-ADJCHANGE: {peer} old state OpenConfirm event "
                               "Established new state Established")]
        return [(5, "Bgp", f"%BGP-5-ADJCHANGE: {peer} old state Established event "
                           f"{_EOS_BGP.get(ev.cause, 'Stop')} new state Idle")]
    if isinstance(ev, NotificationEvent):
        way = "sent to" if ev.sent else "received from"
        size = len(ev.data) if ev.sent else 0
        text = _EOS_NOTE.get((ev.code, ev.subcode), "Unknown")
        return [(3, "Bgp", f"%BGP-3-NOTIFICATION: {way} neighbor {ev.neighbor} (VRF default AS "
                           f"{ev.remote_as}) {ev.code}/{ev.subcode} ({text}) {size} bytes")]
    return []


# -- FRR (and the Linux kernel under it) ------------------------------------------------------
_FRR_NOTE = {(4, 0): "Hold Timer Expired", (2, 2): "OPEN Message Error/Bad Peer AS",
             (6, 1): "Cease/Maximum Number of Prefixes Reached",
             (6, 2): "Cease/Administrative Shutdown", (6, 3): "Cease/Peer De-configured",
             (6, 4): "Cease/Administrative Reset", (6, 5): "Cease/Connection Rejected",
             (6, 6): "Cease/Other Configuration Change"}
_FRR_ISIS = {IsisCause.INTERFACE_DOWN: "circuit is being brought down",
             IsisCause.HOLD_TIME: "holding time expired",
             IsisCause.THREE_WAY: "Neighbor restarted",
             IsisCause.LOCAL_CONFIG: "circuit is being brought down"}
_FRR_BGP = {BgpCause.INTERFACE_DOWN: "Interface down", BgpCause.HOLD_TIME:
            "BGP Notification send", BgpCause.NOTIFICATION_RECEIVED: "BGP Notification received",
            BgpCause.ADMIN_SHUTDOWN: "Admin. shutdown", BgpCause.CONFIG_CHANGE: "User reset",
            BgpCause.DECONFIGURED: "Neighbor deleted",
            BgpCause.MAX_PREFIX: "Reached received prefix count"}

_FRR_RESET = {SessionReason.REMOTE_AS_MISMATCH: "Remote AS changed",
              SessionReason.UPDATE_SOURCE_MISMATCH: "Update source change",
              SessionReason.PASSWORD_MISMATCH: "Password change"}


def _frr(r: Router, ev: Event, when: datetime) -> list[tuple[int, str, str]]:
    booted = 3_000_000 + zlib.crc32(r.name.encode()) % 500_000  # seconds up at minute 0
    since = (when - EPOCH).total_seconds()
    uptime = f"[{booted + since:13.6f}]"
    if isinstance(ev, LinkEvent):
        if ev.admin:
            return []
        sp = slot_of(Vendor.FRR, ev.interface) or (0, 0)
        state = "Link up" if ev.up else "Link down"
        return [(6, "kernel", f"{uptime} mlx5_core 0000:{0x3b + sp[0]:02x}:00.{sp[1]} "
                              f"{ev.interface}: {state}")]
    if isinstance(ev, IsisEvent):
        if not r.profile.isis_adjacency_changes:
            return []
        change = ("from Initializing to Up, unspecified" if ev.up else
                  f"from Up to Down, {_FRR_ISIS[ev.cause]}")
        return [(6, "isisd", f"%ADJCHANGE: Adjacency to {ev.neighbor} ({ev.interface}) for "
                             f"level-{ev.level} changed {change}")]
    if isinstance(ev, BgpEvent):
        if not r.profile.bgp_neighbor_changes:
            return []
        peer_vendor = r.peer_vendors.get(str(ev.neighbor))
        host = r.peer_names.get(str(ev.neighbor)) if peer_vendor is Vendor.FRR else None
        who = f"{ev.neighbor}({host or 'Unknown'})"
        if ev.up:
            return [(6, "bgpd", f"[N9HHH-F8H1M] %ADJCHANGE: neighbor {who} in vrf default Up")]
        why = _FRR_BGP.get(ev.cause, "Peer closed the session")
        if ev.cause is BgpCause.CONFIG_CHANGE:
            why = _FRR_RESET.get(ev.reason, why) if ev.reason else why
        return [(6, "bgpd", f"[PXVXG-TFNNT] %ADJCHANGE: neighbor {who} in vrf default Down "
                            f"{why}")]
    if isinstance(ev, NotificationEvent):
        if not r.profile.bgp_neighbor_changes:
            return []
        ident, way = ("[V1CHF-JSGRR]", "sent to") if ev.sent else ("[HZN6M-XRM1G]",
                                                                    "received from")
        data = " ".join(f"{b:02x}" for b in ev.data) if ev.sent else ""
        size = len(ev.data) if ev.sent else 0
        text = _FRR_NOTE.get((ev.code, ev.subcode), "Unknown")
        return [(6, "bgpd", f"{ident} %NOTIFICATION: {way} neighbor {ev.neighbor} "
                            f"{ev.code}/{ev.subcode} ({text}) {size} bytes {data}".rstrip())]
    if isinstance(ev, MaxPrefixEvent):
        return [(6, "bgpd", f"%MAXPFXEXCEED: No. of {_family(ev.neighbor)} prefix received "
                            f"from {ev.neighbor} {ev.count} exceed, limit {ev.limit}")]
    if isinstance(ev, Md5Event):
        return [(6, "kernel", f"{uptime} TCP: MD5 Hash mismatch for ({ev.source}, "
                              f"{ev.source_port})->({ev.destination}, {ev.destination_port}) "
                              "L3 index 0")]
    return []


def _plain_line(r: Router, process: str, message: str, when: datetime) -> str:
    if r.vendor is Vendor.EOS:
        return f"{_bsd(when)} {r.name} {process}: {message}"
    proc = process if process == "kernel" else f"{process}[{_pid(r.name, process)}]"
    return f"{_bsd(when)} {r.name} {proc}: {message}"


_FORMATTERS: dict[Vendor, Callable[[Router, Event, datetime], list[tuple[int, str, str]]]] = {
    Vendor.JUNOS: _junos, Vendor.IOSXR: _xr, Vendor.EOS: _eos, Vendor.FRR: _frr}


def format_event(r: Router, ev: Event, when: datetime) -> Sequence[Emitted]:
    """The lines ``r`` writes for ``ev`` at ``when`` (none if its platform or config is silent)."""
    out = []
    for severity, process, message in _FORMATTERS[r.vendor](r, ev, when):
        if severity > r.profile.max_severity:
            continue
        if r.vendor is Vendor.JUNOS:
            text = _junos_line(r, process, message, when)
        elif r.vendor is Vendor.IOSXR:
            text = _xr_line(r, process, message, when, ev)
        else:
            text = _plain_line(r, process, message, when)
        out.append(Emitted(severity, message, text))
    return out
