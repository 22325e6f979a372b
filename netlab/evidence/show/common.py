"""What the vendor modules share: the per-router façade over ports, protocols and paths.

:class:`Device` is one router of an incident at the current minute with its
three fact sources (:class:`~netlab.evidence.show.ports.Ports`,
:class:`~netlab.evidence.show.protocols.Protocols`,
:class:`~netlab.evidence.show.paths.Paths`) built lazily, plus helpers every
platform needs: elapsed seconds, stable interface indexes, optical power in
milliwatts, hardware readings that no fault changes.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from netlab.evidence.show.context import ShowContext
from netlab.evidence.show.paths import Paths
from netlab.evidence.show.ports import Ports
from netlab.evidence.show.protocols import Protocols

__all__ = ["Device", "Hardware", "milliwatts"]


def milliwatts(dbm: float) -> float:
    """Optical power in mW from dBm (0 for no light)."""
    return 0.0 if dbm <= -40.0 else 10 ** (dbm / 10.0)


@dataclass(frozen=True, slots=True)
class Hardware:
    """Transceiver readings no fault changes, fixed per port."""

    temperature_c: float
    voltage_v: float
    bias_ma: float


class Device:
    """One router of an incident at the current minute (see the module docstring)."""

    def __init__(self, ctx: ShowContext) -> None:
        self.ctx = ctx

    @cached_property
    def ports(self) -> Ports:
        return Ports(self.ctx)

    @cached_property
    def protocols(self) -> Protocols:
        return Protocols(self.ctx)

    @cached_property
    def paths(self) -> Paths:
        return Paths(self.ctx)

    @property
    def name(self) -> str:
        return self.ctx.router

    @property
    def now(self) -> datetime:
        return self.ctx.incident.clock.now

    def ago(self, minute: float) -> float:
        """Seconds from ``minute`` to now."""
        return self.ctx.seconds(minute)

    def when(self, minute: float) -> datetime:
        return self.ctx.incident.clock.time(minute)

    def if_index(self, interface: str) -> int:
        """A stable SNMP ifIndex of an interface (its position in the config)."""
        names = [i.name for i in self.ctx.cfg.interfaces]
        pos = names.index(interface) if interface in names else len(names)
        return 500 + 10 * pos + (1 if interface.startswith(("lo", "Loopback")) else 0)

    def hardware(self, interface: str) -> Hardware:
        h = zlib.crc32(f"hw/{self.name}/{interface}".encode())
        return Hardware(round(30 + (h % 1500) / 100, 2), round(3.25 + (h % 9) / 100, 4),
                        round(6.5 + (h % 400) / 100, 3))

    @staticmethod
    def dbm_text(dbm: float) -> str:
        return "- Inf" if dbm <= -40.0 or math.isinf(dbm) else f"{dbm:.2f}"
