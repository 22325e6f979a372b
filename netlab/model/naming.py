"""Interface names in each vendor's style, and back.

An interface is identified by (slot, port) on its router; its name depends on
the router's vendor and the port speed. ``slot_of`` reads the slot back from a
name so a linecard failure can be expressed on any vendor's config.

========  ===============================  ===========
vendor    physical name                    loopback
========  ===============================  ===========
junos     et-<slot>/0/<port> (xe- ≤ 10G)    lo0
iosxr     HundredGigE0/<slot>/0/<port>      Loopback0
          (TenGigE, FourHundredGigE by speed)
eos       Ethernet<slot+1>/<port+1>/1       Loopback0
frr       eth<slot>-<port> (Linux, ≤15 ch)  lo
========  ===============================  ===========
"""

from __future__ import annotations

import re

from netlab.model.types import Vendor

__all__ = ["interface_name", "loopback_name", "slot_of"]

_XR_SPEED = {10: "TenGigE", 25: "TwentyFiveGigE", 40: "FortyGigE", 100: "HundredGigE",
             400: "FourHundredGigE"}


def _xr_prefix(speed_gbps: float) -> str:
    best = min(_XR_SPEED, key=lambda s: (abs(s - speed_gbps), -s))
    return _XR_SPEED[best]


def interface_name(vendor: Vendor, slot: int, port: int, speed_gbps: float = 100) -> str:
    """Name of the port ``port`` on linecard ``slot`` for ``vendor``."""
    if vendor is Vendor.JUNOS:
        return f"{'xe' if speed_gbps <= 10 else 'et'}-{slot}/0/{port}"
    if vendor is Vendor.IOSXR:
        return f"{_xr_prefix(speed_gbps)}0/{slot}/0/{port}"
    if vendor is Vendor.EOS:
        return f"Ethernet{slot + 1}/{port + 1}/1"
    return f"eth{slot}-{port}"


def loopback_name(vendor: Vendor) -> str:
    return {Vendor.JUNOS: "lo0", Vendor.IOSXR: "Loopback0", Vendor.EOS: "Loopback0",
            Vendor.FRR: "lo"}[vendor]


_SLOT_RE = {
    Vendor.JUNOS: re.compile(r"^(?:et|xe|ge)-(\d+)/\d+/(\d+)"),
    Vendor.IOSXR: re.compile(r"^[A-Za-z]+GigE0/(\d+)/0/(\d+)"),
    Vendor.EOS: re.compile(r"^Ethernet(\d+)/(\d+)/1"),
    Vendor.FRR: re.compile(r"^eth(\d+)-(\d+)$"),
}


def slot_of(vendor: Vendor, name: str) -> tuple[int, int] | None:
    """(slot, port) of a physical interface name, or None for loopbacks and others."""
    m = _SLOT_RE[vendor].match(name)
    if m is None:
        return None
    slot, port = int(m.group(1)), int(m.group(2))
    if vendor is Vendor.EOS:
        return slot - 1, port - 1
    return slot, port
