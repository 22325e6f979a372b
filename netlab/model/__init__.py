"""The vendor-neutral model: the Network graph and per-device configuration."""

from netlab.model.device import DeviceConfig
from netlab.model.network import FailureState, Network
from netlab.model.types import (
    Backbone,
    Demand,
    Endpoint,
    ExternalNetwork,
    Link,
    LinkKind,
    PeerKind,
    Role,
    Router,
    Site,
    SiteKind,
    SitePrefixes,
    Vendor,
)

__all__ = [
    "Backbone",
    "Demand",
    "DeviceConfig",
    "Endpoint",
    "ExternalNetwork",
    "FailureState",
    "Link",
    "LinkKind",
    "Network",
    "PeerKind",
    "Role",
    "Router",
    "Site",
    "SiteKind",
    "SitePrefixes",
    "Vendor",
]
