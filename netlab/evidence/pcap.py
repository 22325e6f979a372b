"""Packet captures on one interface of an incident, built with scapy and written as pcap.

:func:`capture` returns what a capture on ``router``'s ``interface`` would
hold between ``at - seconds`` and ``at`` (minutes on the incident's clock;
``at`` defaults to now), derived from the engine's answers and the timeline:

* **IS-IS point-to-point hellos** (ISO 10589, RFC 5303) from both ends of
  the link, every third of the sender's hold time: the sender's area (its NET),
  a P2P three-way adjacency TLV in the state the engine gives the sender's
  end (Up, Initialising — it hears us but we do not list it — or Down), an
  HMAC-MD5 authentication TLV (RFC 5304) when the sender has a hello key, and
  padding TLVs up to the sender's MTU (PDU length = MTU). A hello larger than
  the capturing side's MTU never arrives (the larger side's padded hellos are
  dropped), so it is not in that side's capture.
* **BGP** over the sessions whose traffic the interface carries (an eBGP
  session on its subnet, an iBGP session whose baseline IGP path to the peer
  leaves by it): keepalives every third of the negotiated hold time while
  established; for a session that stopped, what its failure looks like on the
  wire (RFC 4271): an OPEN carrying the wrong AS answered by a NOTIFICATION
  OPEN Message Error / Bad Peer AS; the peer's keepalives stopping and, a hold
  time later, a NOTIFICATION Hold Timer Expired; a Cease / Maximum Number of
  Prefixes Reached after an UPDATE over the limit (RFC 4486); TCP SYNs left
  unanswered to a neighbor that is shut, mistyped or not configured back;
  SYNs whose TCP-MD5 option (RFC 2385) is wrong or missing, dropped without a
  SYN-ACK.

MACs are :func:`~netlab.evidence.hwaddr.mac_address` of both ports, addresses
the ports' and loopbacks' lab-safe addresses, timestamps the incident's clock.
scapy's BGP layer encodes 4-byte ASNs only inside :func:`four_byte_asn` (its
global switch is restored after), and its import-time notice is kept out of
the user's log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

from netlab.engines.base import AdjacencyState, IPAddress, SessionReason
from netlab.errors import EngineError
from netlab.evidence.hwaddr import mac_address
from netlab.evidence.incident import Incident
from netlab.evidence.show.context import ShowContext
from netlab.evidence.timeline import BGP_HOLD_S, ISIS_HOLD_S, NotificationEvent
from netlab.model.device import DeviceConfig, InterfaceConfig

__all__ = ["ALL_ISS", "capture", "four_byte_asn", "write_pcap"]

ALL_ISS = "09:00:2b:00:00:05"
"""The multicast MAC every IS-IS IIH on a point-to-point circuit is sent to."""
_DEFAULT_MTU = 1500
_LLC = 3


class _QuietImport(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "use_2_bytes_asn" not in record.getMessage()


def _scapy() -> Any:
    """scapy's modules, imported once with the BGP contrib's import notice filtered."""
    log = logging.getLogger("scapy.runtime")
    quiet = _QuietImport()
    log.addFilter(quiet)
    try:
        from scapy import all as sc
        from scapy.contrib import bgp, isis
    finally:
        log.removeFilter(quiet)
    return sc, isis, bgp


@contextmanager
def four_byte_asn() -> Iterator[None]:
    """Build and dissect BGP with 4-byte ASNs (RFC 6793) inside the block only."""
    _, _, bgp = _scapy()
    old = bgp.bgp_module_conf.use_2_bytes_asn
    bgp.bgp_module_conf.use_2_bytes_asn = False
    try:
        yield
    finally:
        bgp.bgp_module_conf.use_2_bytes_asn = old


@dataclass(frozen=True, slots=True)
class _End:
    router: str
    interface: str
    cfg: DeviceConfig
    itf: InterfaceConfig

    @property
    def mac(self) -> str:
        return mac_address(self.router, self.interface)

    @property
    def mtu(self) -> int:
        return self.itf.mtu or _DEFAULT_MTU


def _phase(key: str, period: float) -> float:
    return (zlib.crc32(key.encode()) % 1000) / 1000.0 * period


def _ticks(key: str, period: float, start: float, end: float) -> list[float]:
    """Seconds in [start, end] at ``period`` intervals, phase fixed per ``key``."""
    first = start + (_phase(key, period) - start) % period
    out = []
    t = first
    while t <= end:
        out.append(t)
        t += period
    return out


class _Builder:
    def __init__(self, incident: Incident, router: str, interface: str,
                 start_s: float, end_s: float) -> None:
        self.sc, self.isis, self.bgp = _scapy()
        self.ctx = ShowContext(incident, router)
        self.inc = incident
        self.start, self.end = start_s, end_s
        itf = self.ctx.interface(interface)
        if itf is None:
            raise EngineError(f"{router} has no interface {interface}")
        self.me = _End(router, interface, self.ctx.cfg, itf)
        far = self.ctx.far_end(interface)
        self.far: _End | None = None
        if far is not None:
            fcfg = incident.faulted.configs[far[0]]
            fitf = next(i for i in fcfg.interfaces if i.name == far[1])
            self.far = _End(far[0], far[1], fcfg, fitf)
        self.packets: list[Any] = []

    def epoch(self, second: float) -> float:
        return self.inc.clock.time(second / 60.0).timestamp()

    def emit(self, second: float, pkt: Any) -> None:
        if self.start <= second <= self.end:
            pkt.time = self.epoch(second)
            self.packets.append(pkt)

    # -- layer 1 ---------------------------------------------------------------------------
    def lit(self, second: float) -> bool:
        """Whether the link carries frames at ``second`` (live, both ends up)."""
        if self.far is None:
            return False
        link = self.ctx.link(self.me.interface)
        for flap in self.inc.flaps:
            if link is not None and flap.link == link.id and flap.is_down(second / 60.0):
                return False
        failures = self.inc.faulted.failures
        if self.me.router in failures.nodes_down or self.far.router in failures.nodes_down:
            return second < self.ctx.change_minute * 60.0
        live = {(e.node1, e.interface1) for e in self.ctx.snapshot.layer1} | {
            (e.node2, e.interface2) for e in self.ctx.snapshot.layer1}
        up = (self.me.router, self.me.interface) in live and self.me.itf.enabled and (
            self.far.itf.enabled)
        return up or second < self.ctx.change_minute * 60.0

    # -- IS-IS -----------------------------------------------------------------------------
    def hellos(self) -> None:
        if self.far is None:
            return
        rows = {(r.node, r.interface): r for r in self.inc.engine.isis_adjacencies(
            self.ctx.snapshot, nodes=[self.me.router, self.far.router]).rows}
        for sender, receiver in ((self.me, self.far), (self.far, self.me)):
            if sender.cfg.isis is None or sender.itf.isis is None or sender.itf.isis.passive:
                continue
            if sender.mtu > receiver.mtu and receiver is self.me:
                continue  # the padded hello is larger than this port accepts
            row = rows.get((sender.router, sender.interface))
            state = row.state if row is not None else AdjacencyState.DOWN
            hold = ISIS_HOLD_S[sender.cfg.vendor]
            key = f"iih/{sender.router}/{sender.interface}"
            for t in _ticks(key, hold / 3.0, self.start, self.end):
                if self.lit(t):
                    self.emit(t, self.hello(sender, receiver, state, int(hold)))

    def hello(self, s: _End, r: _End, state: AdjacencyState, hold: int) -> Any:
        isis, sc = self.isis, self.sc
        assert s.cfg.isis is not None and s.itf.isis is not None
        net = s.cfg.isis.net.split(".")
        area, sysid = ".".join(net[:-4]), ".".join(net[-4:-1])
        code = {AdjacencyState.UP: 0, AdjacencyState.INIT: 1, AdjacencyState.DOWN: 2}[state]
        adj: dict[str, Any] = {"len": 5, "state": code, "extlocalcircuitid": 1}
        if state is not AdjacencyState.DOWN and r.cfg.isis is not None:
            adj.update(len=15, neighboursystemid=".".join(r.cfg.isis.net.split(".")[-4:-1]),
                       neighbourextlocalcircuitid=1)
        tlvs: list[Any] = [isis.ISIS_AreaTlv(areas=[isis.ISIS_AreaEntry(areaid=area)]),
                           isis.ISIS_ProtocolsSupportedTlv(nlpids=["IPv4", "IPv6"]),
                           isis.ISIS_P2PAdjacencyStateTlv(**adj)]
        if s.itf.ipv4 is not None:
            tlvs.append(isis.ISIS_IpInterfaceAddressTlv(addresses=[str(s.itf.ipv4.ip)]))
        auth = s.itf.isis.hello_auth
        if auth is not None:
            tlvs.insert(0, isis.ISIS_AuthenticationTlv(authtype=54, password=b"\0" * 16))
        circuit = {"level-1": 1, "level-2": 2, "level-1-2": 3}[s.itf.isis.level.value]
        hdr = isis.ISIS_CommonHdr(pdutype=17, hdrlen=20)
        body = isis.ISIS_P2P_Hello(circuittype=circuit, sourceid=sysid, holdingtime=hold,
                                   localcircuitid=1, tlvs=tlvs)
        gap = s.mtu - len(bytes(hdr / body))
        while gap >= 2:
            size = min(255, gap - 2)
            if 0 < gap - 2 - size < 2:
                size -= 2  # leave room for one more TLV header
            tlvs.append(isis.ISIS_PaddingTlv(padding=b"\0" * size))
            gap -= size + 2
        body = isis.ISIS_P2P_Hello(circuittype=circuit, sourceid=sysid, holdingtime=hold,
                                   localcircuitid=1, tlvs=tlvs)
        pdu = bytes(hdr / body)
        if auth is not None:
            digest = hmac.new(auth.key.encode(), pdu, hashlib.md5).digest()
            tlvs[0] = isis.ISIS_AuthenticationTlv(authtype=54, password=digest)
            pdu = bytes(isis.ISIS_CommonHdr(pdutype=17, hdrlen=20) / isis.ISIS_P2P_Hello(
                circuittype=circuit, sourceid=sysid, holdingtime=hold, localcircuitid=1,
                tlvs=tlvs))
        frame = sc.Dot3(dst=ALL_ISS, src=s.mac, len=len(pdu) + _LLC)
        return frame / sc.LLC(dsap=0xFE, ssap=0xFE, ctrl=3) / isis.ISIS_CommonHdr(pdu)


# -- BGP --------------------------------------------------------------------------------------
@dataclass
class _Flow:
    """One TCP connection's state while building segments."""

    src_mac: str
    dst_mac: str
    src: IPAddress
    dst: IPAddress
    sport: int
    dport: int
    seq: int
    ack: int


class _Bgp:
    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.sc, self.bgp = b.sc, b.bgp

    def _via(self, snapshot: Any, peer: IPAddress) -> bool:
        """Whether the router's route to ``peer`` in ``snapshot`` leaves by this interface."""
        b = self.b
        rows = b.inc.engine.routes(snapshot, nodes=[b.me.router], prefix=str(peer)).rows
        return any(r.next_hop_interface == b.me.interface for r in rows[:1])

    def sessions(self) -> Iterator[tuple[Any, bool, bool]]:
        """Status rows of the router's sessions this interface carries, with whether it
        carried them before the first fault and whether it carries them now."""
        b = self.b
        me = b.me
        if b.ctx.cfg.bgp is None or b.far is None:
            return
        rows = b.inc.engine.bgp_session_status(b.ctx.snapshot, nodes=[me.router]).rows
        for r in rows:
            if any(a is not None and r.remote_ip in a.network
                   for a in (me.itf.ipv4, me.itf.ipv6)):
                yield r, True, True
                continue
            before = self._via(b.inc.baseline, r.remote_ip)
            now = self._via(b.ctx.snapshot, r.remote_ip)
            if before or now:
                yield r, before, now

    def flow(self, src: IPAddress, dst: IPAddress, outbound: bool, key: str) -> _Flow:
        b = self.b
        assert b.far is not None
        macs = (b.me.mac, b.far.mac) if outbound else (b.far.mac, b.me.mac)
        port = 49152 + zlib.crc32(key.encode()) % 16000
        return _Flow(macs[0], macs[1], src, dst, port, 179,
                     zlib.crc32(f"isn/{key}".encode()), 0)

    def segment(self, f: _Flow, flags: str, payload: Any = None, md5: bytes | None = None,
                reverse: bool = False) -> Any:
        sc = self.sc
        src, dst, sport, dport = f.src, f.dst, f.sport, f.dport
        smac, dmac, seq, ack = f.src_mac, f.dst_mac, f.seq, f.ack
        if reverse:
            src, dst, sport, dport, smac, dmac, seq, ack = (dst, src, dport, sport, dmac, smac,
                                                              ack, seq)
        ip = (sc.IP(src=str(src), dst=str(dst), ttl=1 if src.version == 4 else 64)
              if src.version == 4 else sc.IPv6(src=str(src), dst=str(dst), hlim=255))
        opts = [("MSS", 1460)] + ([("MD5", md5)] if md5 is not None else [])
        tcp = sc.TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                     options=opts if "S" in flags else ([("MD5", md5)] if md5 else []))
        pkt = sc.Ether(src=smac, dst=dmac) / ip / tcp
        if payload is not None:
            pkt = pkt / payload
        size = len(bytes(payload)) if payload is not None else (1 if ("S" in flags or "F" in flags)
                                                                else 0)
        if reverse:
            f.ack = (f.ack + size) & 0xFFFFFFFF
        else:
            f.seq = (f.seq + size) & 0xFFFFFFFF
        return pkt

    def open(self, asn: int, router_id: IPv4Address, hold: int) -> Any:
        bgp = self.bgp
        caps = [bgp.BGPOptParam(param_value=bgp.BGPCapMultiprotocol(afi=1, safi=1)),
                bgp.BGPOptParam(param_value=bgp.BGPCapFourBytesASN(asn=asn))]
        my_as = asn if asn <= 0xFFFF else 23456
        return bgp.BGPHeader(type=1) / bgp.BGPOpen(my_as=my_as, hold_time=hold,
                                                   bgp_id=str(router_id), opt_params=caps)

    def notification(self, code: int, subcode: int, data: bytes = b"") -> Any:
        bgp = self.bgp
        return bgp.BGPHeader(type=3) / bgp.BGPNotification(error_code=code,
                                                           error_subcode=subcode, data=data)

    def keepalive(self) -> Any:
        return self.bgp.BGPHeader(type=4)

    def update(self, prefixes: list[str], asn_path: list[int], next_hop: str) -> Any:
        bgp = self.bgp
        attrs = [bgp.BGPPathAttr(type_flags=0x40, type_code=1,
                                 attribute=bgp.BGPPAOrigin(origin=0)),
                 bgp.BGPPathAttr(type_flags=0x40, type_code=2, attribute=bgp.BGPPAAS4BytesPath(
                     segments=[bgp.BGPPAAS4BytesPath.ASPathSegment(
                         segment_type=2, segment_value=asn_path)])),
                 bgp.BGPPathAttr(type_flags=0x40, type_code=3,
                                 attribute=bgp.BGPPANextHop(next_hop=next_hop))]
        return bgp.BGPHeader(type=2) / bgp.BGPUpdate(
            path_attr=attrs, nlri=[bgp.BGPNLRI_IPv4(prefix=p) for p in prefixes])

    # -- scenarios ---------------------------------------------------------------------------
    def run(self) -> None:
        with four_byte_asn():
            for row, before, now in self.sessions():
                self.session(row, before, now)

    def session(self, row: Any, before: bool, now: bool) -> None:
        b = self.b
        me, far = b.me, b.far
        assert far is not None and b.ctx.cfg.bgp is not None
        local = row.local_ip or (me.itf.ipv4.ip if me.itf.ipv4 else None)
        if local is None:
            return
        peer = row.remote_ip
        rcfg = b.inc.faulted.configs.get(row.remote_node or "")
        hold = int(min(BGP_HOLD_S[me.cfg.vendor],
                       BGP_HOLD_S[rcfg.vendor] if rcfg is not None else 1e9))
        key = f"{me.router}/{peer}"
        change = b.ctx.change_minute * 60.0
        notes = [e for e in b.ctx.timeline if isinstance(e, NotificationEvent)
                 and e.router == me.router and e.neighbor == peer]
        established = row.established_status.value == "ESTABLISHED"
        if before:
            self.keepalives(local, peer, key, hold, b.start, min(b.end, change), both=True)
        if established:
            if now:
                self.keepalives(local, peer, key, hold, max(b.start, change), b.end, both=True)
            return
        if not before:
            return
        reason = row.reason
        if reason is SessionReason.REMOTE_AS_MISMATCH and rcfg is not None and rcfg.bgp:
            for e in notes:
                if e.code == 2:
                    self.bad_open(local, peer, e.second, e.sent, rcfg, hold, key)
        elif reason is SessionReason.MAX_PREFIX_EXCEEDED:
            for e in notes:
                if (e.code, e.subcode) == (6, 1):
                    self.max_prefix(local, peer, e.second, e.sent, row, key)
        elif reason is SessionReason.PASSWORD_MISMATCH:
            self.syns(local, peer, key, change, md5=True)
        elif reason in (SessionReason.NEIGHBOR_SHUTDOWN, SessionReason.NOT_CONFIGURED_ON_REMOTE,
                        SessionReason.UNKNOWN_REMOTE, SessionReason.UPDATE_SOURCE_MISMATCH):
            if not row.remote_node or not (me.cfg.neighbor(peer).shutdown):
                self.syns(local, peer, key, change, md5=False)
        else:
            expired = [e for e in notes if e.code == 4 and e.sent]
            self.keepalives(local, peer, key, hold, change, b.end, both=False)
            for e in expired:
                f = self.flow(local, peer, True, key + "/ka")
                b.emit(e.second, self.segment(f, "PA", self.notification(4, 0)))

    def keepalives(self, local: IPAddress, peer: IPAddress, key: str, hold: int,
                   start: float, end: float, both: bool) -> None:
        b = self.b
        f = self.flow(local, peer, True, key + "/ka")
        interval = hold / 3.0
        for t in _ticks(key + "/out", interval, start, end):
            if b.lit(t):
                b.emit(t, self.segment(f, "PA", self.keepalive()))
        if both:
            for t in _ticks(key + "/in", interval, start, end):
                if b.lit(t):
                    b.emit(t, self.segment(f, "PA", self.keepalive(), reverse=True))

    def bad_open(self, local: IPAddress, peer: IPAddress, second: float, sent: bool,
                 rcfg: DeviceConfig, hold: int, key: str) -> None:
        """A connection whose OPEN carries an AS the receiver did not expect."""
        b = self.b
        assert b.ctx.cfg.bgp is not None and rcfg.bgp is not None
        f = self.flow(local, peer, True, f"{key}/{second}")
        t = second - 0.004
        b.emit(t, self.segment(f, "S"))
        b.emit(t + 0.001, self.segment(f, "SA", reverse=True))
        b.emit(t + 0.0015, self.segment(f, "A"))
        b.emit(t + 0.002, self.segment(f, "PA", self.open(b.ctx.cfg.bgp.asn,
                                                          b.ctx.cfg.bgp.router_id, hold)))
        b.emit(t + 0.003, self.segment(f, "PA", self.open(rcfg.bgp.asn, rcfg.bgp.router_id,
                                                          hold), reverse=True))
        wrong = rcfg.bgp.asn.to_bytes(2, "big") if sent else b.ctx.cfg.bgp.asn.to_bytes(2, "big")
        b.emit(second, self.segment(f, "PA", self.notification(2, 2, wrong), reverse=not sent))
        b.emit(second + 0.001, self.segment(f, "FA", reverse=not sent))

    def max_prefix(self, local: IPAddress, peer: IPAddress, second: float, sent: bool,
                   row: Any, key: str) -> None:
        """An UPDATE with more prefixes than the limit, then Cease/Maximum Prefixes."""
        b = self.b
        f = self.flow(local, peer, True, key + "/ka")
        base = b.inc.engine.bgp_rib(b.inc.baseline, nodes=[b.me.router]).rows
        nets = sorted({str(r.network) for r in base if r.received_from_ip == peer
                       and r.network.version == 4})
        entry = b.ctx.cfg.neighbor(peer)
        if nets and peer.version == 4:
            path = next((list(r.as_path.asns) for r in base if r.received_from_ip == peer), [])
            b.emit(second - 0.5, self.segment(f, "PA", self.update(nets, path, str(peer)),
                                              reverse=sent))
        limit = (entry.max_prefix or 0).to_bytes(4, "big")
        data = (1 if peer.version == 4 else 2).to_bytes(2, "big") + b"\x01" + limit
        b.emit(second, self.segment(f, "PA", self.notification(6, 1, data), reverse=not sent))
        b.emit(second + 0.001, self.segment(f, "FA", reverse=not sent))

    def syns(self, local: IPAddress, peer: IPAddress, key: str, change: float,
             md5: bool) -> None:
        """Connection attempts that get no SYN-ACK (retransmitted 1 s, 3 s later)."""
        b = self.b
        retry = 30.0
        entry = b.ctx.cfg.neighbor(peer)
        for k, t in enumerate(_ticks(key + "/syn", retry, max(b.start, change) - 7, b.end)):
            if t < change or not b.lit(t):
                continue
            f = self.flow(local, peer, True, f"{key}/syn/{k}")
            digest = None
            if md5 and entry.password:
                digest = hashlib.md5(f"{entry.password}/{k}".encode()).digest()
            for dt in (0.0, 1.0, 3.0):
                seg = self.segment(f, "S", md5=digest)
                f.seq = (f.seq - 1) & 0xFFFFFFFF  # a retransmission reuses the ISN
                b.emit(t + dt, seg)


def capture(incident: Incident, router: str, interface: str, *, seconds: float = 60.0,
            at: float | None = None) -> list[Any]:
    """The packets a capture on ``router``'s ``interface`` holds (see the module docstring).

    ``at`` is the minute the capture stops (the incident's current minute by default);
    it covers the ``seconds`` before.
    """
    end = (incident.clock.now_minute if at is None else at) * 60.0
    b = _Builder(incident, router, interface, end - seconds, end)
    b.hellos()
    _Bgp(b).run()
    return sorted(b.packets, key=lambda p: float(p.time))


def write_pcap(packets: list[Any], path: Path | str) -> Path:
    """Write ``packets`` as a pcap file (Ethernet link type) and return its path."""
    sc, _, _ = _scapy()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with four_byte_asn():
        sc.wrpcap(str(out), packets, linktype=1)
    return out

