"""Interfaces as a router reports them: state, addresses, counters, errors and optics.

Everything comes from the snapshots and the engine's ``link_utilisation``
answers, integrated over the clock:

* **state**: admin state from the faulted config; a port is operationally up
  when its router is alive, it is enabled and it is an end of a live layer-1
  edge of the snapshot asked about now (a flapping link in its down phase is
  down). A port whose far end is shut or dead receives no light.
* **counters** (cleared at boot): each direction carries the engine's load
  under the demand matrix — the baseline's load from boot to the first fault,
  the faulted snapshot's load after it, minus the seconds a flapping link
  spent down — in frames of :data:`FRAME_BYTES`. Output drops are the load the
  engine says the link drops. Rates are the current load (0 when down).
* **errors and optics**: a healthy receiver reads
  :func:`~netlab.evidence.clock.healthy_rx_dbm`; a degrading one
  (optic-degrade) reads :class:`~netlab.evidence.clock.OpticDecay` at the
  current minute, with its CRC and FEC counters; a dark one reads
  :data:`NO_LIGHT_DBM`.
* **transitions**: one at boot, one per down and up since (a cut, a flap).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Interface, IPv6Interface

from netlab.engines.base import LinkUtilisationRow
from netlab.evidence.clock import TX_DBM, OpticDecay, healthy_rx_dbm
from netlab.evidence.hwaddr import mac_address
from netlab.evidence.show.context import ShowContext
from netlab.evidence.timeline import LinkEvent
from netlab.model.device import InterfaceConfig
from netlab.snapshot.layout import Snapshot

__all__ = ["FRAME_BYTES", "NO_LIGHT_DBM", "Counters", "Optic", "PortFacts", "Ports"]

FRAME_BYTES = 1000
"""Average frame size on a backbone link (bytes), as the clock's error model uses."""
NO_LIGHT_DBM = -40.0
"""What a receiver with no light reports."""
DEFAULT_MTU = 1500


@dataclass(frozen=True, slots=True)
class Counters:
    """Interface counters since they were last cleared, and current rates."""

    in_packets: int = 0
    in_bytes: int = 0
    out_packets: int = 0
    out_bytes: int = 0
    in_bps: int = 0
    out_bps: int = 0
    in_pps: int = 0
    out_pps: int = 0
    crc_errors: int = 0
    fec_corrected: int = 0
    fec_uncorrected: int = 0
    out_drops: int = 0


@dataclass(frozen=True, slots=True)
class Optic:
    """Digital optical monitoring of one port."""

    rx_dbm: float
    tx_dbm: float
    pre_fec_ber: float
    loss_pct: float


@dataclass(frozen=True, slots=True)
class PortFacts:
    """One interface of the router."""

    name: str
    description: str
    loopback: bool
    admin_up: bool
    oper_up: bool
    ipv4: IPv4Interface | None
    ipv6: IPv6Interface | None
    mtu: int
    speed_gbps: float | None
    mac: str
    link: str | None
    far: tuple[str, str] | None
    transitions: int
    last_change_minute: float
    counters: Counters
    optic: Optic | None
    isis: bool

    @property
    def up(self) -> bool:
        return self.admin_up and self.oper_up


def _live_ports(snapshot: Snapshot) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for e in snapshot.layer1:
        out.add((e.node1, e.interface1))
        out.add((e.node2, e.interface2))
    return out


class Ports:
    """The interfaces of one router (see the module docstring)."""

    def __init__(self, ctx: ShowContext) -> None:
        self.ctx = ctx

    @cached_property
    def _loads(self) -> tuple[dict[tuple[str, str], LinkUtilisationRow],
                              dict[tuple[str, str], LinkUtilisationRow]]:
        """(link, sending node) → utilisation row, baseline and faulted."""
        eng, inc = self.ctx.engine, self.ctx.incident
        base = {(r.link, r.node): r for r in eng.link_utilisation(inc.baseline).rows}
        now = {(r.link, r.node): r for r in eng.link_utilisation(inc.faulted).rows}
        return base, now

    @cached_property
    def _live(self) -> set[tuple[str, str]]:
        return _live_ports(self.ctx.snapshot)

    def all(self) -> list[PortFacts]:
        """Every configured interface, loopbacks first, in config order."""
        return [self.port(i) for i in self.ctx.cfg.interfaces]

    def get(self, name: str) -> PortFacts | None:
        itf = self.ctx.interface(name)
        return self.port(itf) if itf is not None else None

    # -- one port ----------------------------------------------------------------------------
    def _oper(self, router: str, name: str, live: set[tuple[str, str]]) -> bool:
        ctx = self.ctx
        if router in ctx.incident.faulted.failures.nodes_down:
            return False
        cfg = ctx.incident.faulted.configs.get(router)
        itf = next((i for i in cfg.interfaces if i.name == name), None) if cfg else None
        if itf is None or not itf.enabled:
            return False
        return itf.loopback or (router, name) in live

    def _transitions(self, name: str) -> tuple[int, float]:
        """(state transitions since boot, minute of the last one)."""
        count, last = 1, self.ctx.boot
        for e in self.ctx.events(LinkEvent):
            assert isinstance(e, LinkEvent)
            if e.interface == name:
                count += 1
                last = e.second / 60.0
        return count, last

    def _down_seconds(self, link: str | None) -> float:
        """Seconds a flapping ``link`` spent down since the first fault."""
        ctx = self.ctx
        for flap in ctx.incident.flaps:
            if flap.link == link:
                total, down_at = 0.0, None
                for t in flap.transitions(ctx.now):
                    if not t.up:
                        down_at = t.minute
                    elif down_at is not None:
                        total += (t.minute - down_at) * 60.0
                        down_at = None
                if down_at is not None:
                    total += (ctx.now - down_at) * 60.0
                return total
        return 0.0

    def _direction(self, link: str, sender: str, oper_now: bool) -> tuple[float, float, float]:
        """(bytes sent since boot, current bits/s, bytes dropped) of ``sender`` over ``link``."""
        ctx = self.ctx
        base, now = self._loads
        b, f = base.get((link, sender)), now.get((link, sender))
        before_s = max(0.0, (min(ctx.change_minute, ctx.now) - ctx.boot) * 60.0)
        after_s = max(0.0, ctx.seconds(ctx.change_minute) - self._down_seconds(link))
        load_b = b.load_gbps if b else 0.0
        load_f = f.load_gbps if f else 0.0
        sent = (load_b * before_s + load_f * after_s) * 1e9 / 8
        dropped = ((b.dropped_gbps if b else 0.0) * before_s
                   + (f.dropped_gbps if f else 0.0) * after_s) * 1e9 / 8
        rate = load_f * 1e9 if oper_now else 0.0
        return sent, rate, dropped

    def _decay(self, link: str | None) -> OpticDecay | None:
        return next((d for d in self.ctx.incident.optics
                     if d.link == link and d.router == self.ctx.router), None)

    def port(self, itf: InterfaceConfig) -> PortFacts:
        ctx = self.ctx
        me = ctx.router
        link = ctx.link(itf.name)
        far = ctx.far_end(itf.name)
        oper = self._oper(me, itf.name, self._live)
        transitions, last = self._transitions(itf.name)
        counters = Counters()
        optic = None
        if link is not None:
            out_b, out_rate, drops = self._direction(link.id, me, oper)
            in_b, in_rate, _ = self._direction(link.id, far[0], oper) if far else (0, 0, 0)
            decay = self._decay(link.id)
            crc = fec_c = fec_u = 0
            lit = far is not None and self._oper(far[0], far[1], self._live)
            if decay is not None:
                _, now_rows = self._loads
                row = now_rows.get((link.id, far[0])) if far else None
                reading = decay.reading(ctx.now, row.load_gbps if row else 0.0,
                                        link.capacity_gbps)
                crc, fec_c, fec_u = (reading.crc_errors, reading.fec_corrected,
                                     reading.fec_uncorrected)
                optic = Optic(reading.rx_dbm if lit else NO_LIGHT_DBM,
                              TX_DBM if itf.enabled else NO_LIGHT_DBM,
                              reading.pre_fec_ber, reading.loss_pct)
            else:
                optic = Optic(healthy_rx_dbm(link.id, me) if lit else NO_LIGHT_DBM,
                              TX_DBM if itf.enabled else NO_LIGHT_DBM, 1e-12 if lit else 0.0,
                              0.0 if lit else 100.0)
            counters = Counters(
                in_packets=int(in_b / FRAME_BYTES), in_bytes=int(in_b),
                out_packets=int(out_b / FRAME_BYTES), out_bytes=int(out_b),
                in_bps=int(in_rate), out_bps=int(out_rate),
                in_pps=int(in_rate / 8 / FRAME_BYTES), out_pps=int(out_rate / 8 / FRAME_BYTES),
                crc_errors=crc, fec_corrected=fec_c, fec_uncorrected=fec_u,
                out_drops=int(drops / FRAME_BYTES))
        mtu = itf.mtu if itf.mtu is not None else (65535 if itf.loopback else DEFAULT_MTU)
        return PortFacts(
            name=itf.name, description=itf.description, loopback=itf.loopback,
            admin_up=itf.enabled, oper_up=oper, ipv4=itf.ipv4, ipv6=itf.ipv6, mtu=mtu,
            speed_gbps=link.capacity_gbps if link is not None else None,
            mac=mac_address(me, itf.name), link=link.id if link is not None else None,
            far=far, transitions=transitions, last_change_minute=last, counters=counters,
            optic=optic, isis=itf.isis is not None)
