"""The simulated clock of an incident, and the faults that change with time on it.

Minute 0 is when the first fault starts; the on-call engineer is paged at
:attr:`SimClock.page_minute`; :attr:`SimClock.now_minute` is the moment the
evidence is asked about (the drill moves it forward). Wall-clock times are
:data:`EPOCH` plus minutes, so every timestamp netlab prints is reproducible.

Two fault types leave the snapshot untouched and are evaluated here instead:

* **link-flap** (:class:`FlapCycle`): from its start the link goes down for
  ``down`` seconds at the start of every ``period``, then comes back up.
* **optic-degrade** (:class:`OpticDecay`): one receiver's loss grows
  linearly from 0 % at the start to ``loss`` % when paged, then by ``growth``
  % per 10 minutes. The Rx power falls with the margin consumed, from a healthy
  ~-2 dBm toward the receiver threshold (:data:`RX_THRESHOLD_DBM`); pre-FEC bit
  errors rise exponentially as the margin goes; CRC errors are the lost frames
  of the traffic the engine puts on the link.

Examples
--------
>>> clock = SimClock()
>>> clock.time(1.5).isoformat()
'2026-03-14T02:14:30+00:00'
>>> flap = FlapCycle("l1", start_minute=0.0, period_s=90.0, down_s=20.0)
>>> [(round(t.minute, 3), t.up) for t in flap.transitions(3.0)][:3]
[(0.0, False), (0.333, True), (1.5, False)]
>>> flap.is_down(0.2), flap.is_down(0.5)
(True, False)
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "DEFAULT_PAGE_MINUTE",
    "EPOCH",
    "RX_HEALTHY_DBM",
    "RX_LOW_ALARM_DBM",
    "RX_LOW_WARNING_DBM",
    "RX_THRESHOLD_DBM",
    "FlapCycle",
    "OpticDecay",
    "OpticReading",
    "SimClock",
    "Transition",
    "healthy_rx_dbm",
]

EPOCH = datetime(2026, 3, 14, 2, 13, 0, tzinfo=UTC)
"""Minute 0 of every incident (fixed so output is reproducible)."""
DEFAULT_PAGE_MINUTE = 5.0
"""Minutes after the first fault at which the on-call engineer is paged."""

RX_HEALTHY_DBM = -2.0
"""Typical received power of a healthy long-reach optic."""
RX_THRESHOLD_DBM = -14.0
"""Receiver sensitivity: the power the received signal falls toward as the optic dies."""
RX_LOW_WARNING_DBM = -10.0
"""Digital optical monitoring low-Rx warning threshold."""
RX_LOW_ALARM_DBM = -12.0
"""Digital optical monitoring low-Rx alarm threshold."""
TX_DBM = 1.0
"""Transmit power of every optic (the degrade is on the receive side)."""

_LOSS_KNEE = 1.0  # loss % at which half of the power margin is gone
_FRAME_BYTES = 1000  # average frame size on a backbone link (bytes)
_CODEWORD_BITS = 5440  # RS(544,514) FEC codeword
_CODEWORD_PAYLOAD_BITS = 5140
_STEPS = 600  # integration steps for counters


@dataclass(frozen=True, slots=True)
class SimClock:
    """Minutes on the incident's timeline, and the wall-clock times they stand for.

    ``fault_starts`` holds the start minute of each fault, in the order of the
    NetworkState's faults (missing entries start at minute 0).
    """

    epoch: datetime = EPOCH
    page_minute: float = DEFAULT_PAGE_MINUTE
    now_minute: float = DEFAULT_PAGE_MINUTE
    fault_starts: tuple[float, ...] = ()

    def time(self, minute: float) -> datetime:
        """The wall-clock time of ``minute`` (UTC)."""
        return self.epoch + timedelta(minutes=minute)

    @property
    def now(self) -> datetime:
        """The wall-clock time being asked about."""
        return self.time(self.now_minute)

    @property
    def paged_at(self) -> datetime:
        return self.time(self.page_minute)

    def at(self, minute: float) -> SimClock:
        """The same clock asked about ``minute``."""
        return dataclasses.replace(self, now_minute=float(minute))

    def start_of(self, fault_index: int) -> float:
        """The minute fault number ``fault_index`` starts."""
        if 0 <= fault_index < len(self.fault_starts):
            return self.fault_starts[fault_index]
        return 0.0

    def minute_of(self, when: datetime) -> float:
        """The minute on this clock of a wall-clock time."""
        return (when - self.epoch).total_seconds() / 60.0


@dataclass(frozen=True, slots=True, order=True)
class Transition:
    """A link going down (``up=False``) or coming back up at ``minute``."""

    minute: float
    up: bool


@dataclass(frozen=True, slots=True)
class FlapCycle:
    """A link that goes down for ``down_s`` seconds at the start of every ``period_s``."""

    link: str
    start_minute: float
    period_s: float
    down_s: float

    def __post_init__(self) -> None:
        if self.period_s <= 0 or not 0 < self.down_s < self.period_s:
            raise ValueError(f"link-flap on {self.link}: need 0 < down ({self.down_s}) < "
                             f"period ({self.period_s})")

    def _offset_s(self, minute: float) -> float:
        return (minute - self.start_minute) * 60.0

    def is_down(self, minute: float) -> bool:
        """Whether the link is down at ``minute``."""
        t = self._offset_s(minute)
        return t >= 0 and math.fmod(t, self.period_s) < self.down_s

    def transitions(self, until_minute: float) -> tuple[Transition, ...]:
        """Every down and up transition from the start up to ``until_minute`` (inclusive)."""
        out: list[Transition] = []
        end = self._offset_s(until_minute)
        k = 0
        while k * self.period_s <= end:
            base = k * self.period_s
            out.append(Transition(self.start_minute + base / 60.0, False))
            if base + self.down_s <= end:
                out.append(Transition(self.start_minute + (base + self.down_s) / 60.0, True))
            k += 1
        return tuple(out)

    def flaps(self, until_minute: float) -> int:
        """How many times the link has gone down by ``until_minute``."""
        return sum(1 for t in self.transitions(until_minute) if not t.up)

    def last_change(self, minute: float) -> Transition | None:
        """The most recent transition at or before ``minute``."""
        changes = self.transitions(minute)
        return changes[-1] if changes else None


@dataclass(frozen=True, slots=True)
class OpticReading:
    """What the optic of one interface reports at a moment (digital optical monitoring
    and the interface's error counters since the fault started)."""

    minute: float
    rx_dbm: float
    tx_dbm: float
    loss_pct: float
    pre_fec_ber: float
    fec_corrected: int
    fec_uncorrected: int
    crc_errors: int
    input_packets: int

    @property
    def rx_low_warning(self) -> bool:
        return self.rx_dbm <= RX_LOW_WARNING_DBM

    @property
    def rx_low_alarm(self) -> bool:
        return self.rx_dbm <= RX_LOW_ALARM_DBM


def healthy_rx_dbm(link: str, router: str) -> float:
    """A healthy receiver's power: -2 dBm give or take 0.6 dB, fixed per (link, end)."""
    h = zlib.crc32(f"{link}/{router}".encode())
    return round(RX_HEALTHY_DBM + ((h % 121) - 60) / 100.0, 2)


@dataclass(frozen=True, slots=True)
class OpticDecay:
    """The receive side of ``router`` on ``link`` losing light from ``start_minute`` on."""

    link: str
    router: str
    start_minute: float
    page_minute: float
    loss_at_page: float
    growth_per_10min: float

    def loss_pct(self, minute: float) -> float:
        """Loss % at ``minute``: 0 at the start, ``loss_at_page`` when paged, then growing."""
        t = minute - self.start_minute
        if t <= 0:
            return 0.0
        ramp = self.page_minute - self.start_minute
        if ramp > 0 and minute <= self.page_minute:
            value = self.loss_at_page * t / ramp
        else:
            value = self.loss_at_page + self.growth_per_10min * (minute - self.page_minute) / 10
        return min(100.0, max(0.0, value))

    def margin_used(self, minute: float) -> float:
        """Fraction (0..1) of the optical power margin gone at ``minute``."""
        loss = self.loss_pct(minute)
        return loss / (loss + _LOSS_KNEE)

    def rx_dbm(self, minute: float) -> float:
        healthy = healthy_rx_dbm(self.link, self.router)
        return round(healthy - (healthy - RX_THRESHOLD_DBM) * self.margin_used(minute), 2)

    def pre_fec_ber(self, minute: float) -> float:
        """Bit error ratio before FEC: 1e-12 healthy, rising to 1e-3 at the threshold."""
        return float(10.0 ** (-12.0 + 9.0 * self.margin_used(minute)))

    def reading(self, minute: float, load_gbps: float, capacity_gbps: float) -> OpticReading:
        """The optic and its counters at ``minute`` given the traffic the link carries."""
        pps = load_gbps * 1e9 / (8 * _FRAME_BYTES)
        codewords_per_s = capacity_gbps * 1e9 / _CODEWORD_PAYLOAD_BITS
        start = self.start_minute
        span_s = max(0.0, (minute - start) * 60.0)
        crc = fec = packets = 0.0
        if span_s > 0:
            dt = span_s / _STEPS
            for i in range(_STEPS):
                m = start + (i + 0.5) * dt / 60.0
                loss = self.loss_pct(m) / 100.0
                crc += pps * loss * dt
                packets += pps * dt
                fec += codewords_per_s * min(1.0, self.pre_fec_ber(m) * _CODEWORD_BITS) * dt
        return OpticReading(
            minute=minute, rx_dbm=self.rx_dbm(minute), tx_dbm=TX_DBM,
            loss_pct=round(self.loss_pct(minute), 3), pre_fec_ber=self.pre_fec_ber(minute),
            fec_corrected=int(fec), fec_uncorrected=int(crc), crc_errors=int(crc),
            input_packets=int(packets))

    def first_minute(self, predicate_rx_dbm: float, until_minute: float) -> float | None:
        """The first minute (to the second) the Rx power is at or below a threshold."""
        if self.rx_dbm(until_minute) > predicate_rx_dbm:
            return None
        lo, hi = self.start_minute, until_minute
        for _ in range(40):
            mid = (lo + hi) / 2
            if self.rx_dbm(mid) <= predicate_rx_dbm:
                hi = mid
            else:
                lo = mid
        return math.ceil(hi * 60.0) / 60.0
