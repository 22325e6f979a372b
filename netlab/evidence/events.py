"""The events of an incident, vendor-neutral: what one router experienced, and when.

Each event carries ``second`` (seconds since minute 0 of the incident clock) and
``router`` (the router that experienced it). :mod:`netlab.evidence.timeline`
derives them from the engine's answers; :mod:`netlab.evidence.syslog_formats`
words them per vendor; alerts take their times from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from netlab.engines.base import IPAddress, SessionReason

__all__ = [
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
]


class IsisCause(StrEnum):
    INTERFACE_DOWN = "interface-down"
    HOLD_TIME = "hold-time-expired"
    THREE_WAY = "three-way-failed"
    LOCAL_CONFIG = "local-config-change"
    NEW = "new-adjacency"


class BgpCause(StrEnum):
    INTERFACE_DOWN = "interface-down"
    HOLD_TIME = "hold-time-expired"
    NOTIFICATION_SENT = "notification-sent"
    NOTIFICATION_RECEIVED = "notification-received"
    ADMIN_SHUTDOWN = "admin-shutdown"
    CONFIG_CHANGE = "config-change"
    DECONFIGURED = "neighbor-deleted"
    MAX_PREFIX = "max-prefix"
    UP = "established"


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """An interface going down or up; ``admin`` when shut on this router."""

    second: float
    router: str
    interface: str
    up: bool
    admin: bool = False


@dataclass(frozen=True, slots=True)
class IsisEvent:
    """An IS-IS adjacency going down or up on one end."""

    second: float
    router: str
    interface: str
    neighbor: str
    neighbor_system_id: str
    level: int
    up: bool
    cause: IsisCause


@dataclass(frozen=True, slots=True)
class BgpEvent:
    """A BGP session going down or up on one side."""

    second: float
    router: str
    neighbor: IPAddress
    remote_as: int
    local_as: int
    up: bool
    cause: BgpCause
    code: int = 0  # the NOTIFICATION behind it, if any
    subcode: int = 0
    reason: SessionReason | None = None  # the engine's reason, where a config change caused it


@dataclass(frozen=True, slots=True)
class NotificationEvent:
    """A BGP NOTIFICATION sent to or received from a neighbor."""

    second: float
    router: str
    neighbor: IPAddress
    remote_as: int
    local_as: int
    sent: bool
    code: int
    subcode: int
    data: bytes = b""
    hold_s: float = 0.0


@dataclass(frozen=True, slots=True)
class MaxPrefixEvent:
    """More prefixes received from a neighbor than its configured limit."""

    second: float
    router: str
    neighbor: IPAddress
    remote_as: int
    local_as: int
    count: int
    limit: int


@dataclass(frozen=True, slots=True)
class Md5Event:
    """A TCP segment dropped for a bad (or missing) TCP-MD5 signature."""

    second: float
    router: str
    source: IPAddress
    source_port: int
    destination: IPAddress
    destination_port: int
    missing: bool = False


@dataclass(frozen=True, slots=True)
class RejectEvent:
    """A BGP connection refused because it came from an address with no neighbor entry."""

    second: float
    router: str
    source: IPAddress
    source_port: int


Event = (LinkEvent | IsisEvent | BgpEvent | NotificationEvent | MaxPrefixEvent | Md5Event
         | RejectEvent)
