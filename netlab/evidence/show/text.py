"""Small formatting helpers every vendor's show output shares: durations and dates.

Each platform prints an elapsed time its own way:

>>> junos_duration(90061)
'1d 1:01:01'
>>> junos_duration(26 * 86400 + 3 * 3600)
'3w5d 3:00:00'
>>> cisco_duration(3723), cisco_duration(200000), cisco_duration(900000)
('01:02:03', '2d07h', '1w3d')
>>> frr_duration(93784)
'1d02h03m'
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["cisco_duration", "frr_duration", "junos_duration", "junos_time", "xr_time"]

_WEEK = 7 * 86400


def _split(seconds: float) -> tuple[int, int, int, int, int]:
    s = max(0, int(seconds))
    weeks, s = divmod(s, _WEEK)
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    return weeks, days, hours, minutes, s


def junos_duration(seconds: float) -> str:
    """Junos: ``3w2d 4:19:15``, ``1d 1:01:01``, ``4:19:15``, ``19:15``."""
    w, d, h, m, s = _split(seconds)
    clock = f"{h}:{m:02d}:{s:02d}" if (w or d or h) else f"{m}:{s:02d}"
    if w:
        return f"{w}w{d}d {clock}"
    if d:
        return f"{d}d {clock}"
    return clock


def cisco_duration(seconds: float) -> str:
    """IOS-XR and EOS: ``hh:mm:ss`` below a day, then ``2d07h``, then ``1w3d``."""
    w, d, h, m, s = _split(seconds)
    if w:
        return f"{w}w{d}d"
    if d:
        return f"{d}d{h:02d}h"
    return f"{h:02d}:{m:02d}:{s:02d}"


def frr_duration(seconds: float) -> str:
    """FRR: ``hh:mm:ss`` below a day, ``1d02h03m`` below a week, then ``01w2d03h``."""
    w, d, h, m, s = _split(seconds)
    if w:
        return f"{w:02d}w{d}d{h:02d}h"
    if d:
        return f"{d}d{h:02d}h{m:02d}m"
    return f"{h:02d}:{m:02d}:{s:02d}"


def junos_time(when: datetime) -> str:
    """Junos timestamps: ``2026-03-14 02:13:00 UTC``."""
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def xr_time(when: datetime) -> str:
    """The line IOS-XR prints above every show output: ``Sat Mar 14 02:18:00.000 UTC``."""
    return when.strftime("%a %b %d %H:%M:%S.") + f"{when.microsecond // 1000:03d} UTC"
