"""Packet captures of IS-IS and BGP problems, written as pcap and read back with scapy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from ipaddress import ip_address
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from scapy.all import rdpcap
from scapy.contrib import bgp as scapy_bgp
from scapy.contrib.bgp import BGPNotification, BGPOpen, BGPUpdate
from scapy.contrib.isis import (
    ISIS_AreaTlv,
    ISIS_AuthenticationTlv,
    ISIS_P2P_Hello,
    ISIS_P2PAdjacencyStateTlv,
)
from scapy.layers.inet import TCP
from scapy.layers.l2 import LLC

from netlab.errors import EngineError
from netlab.evidence.hwaddr import mac_address
from netlab.evidence.incident import FaultSpec, Incident, build_incident
from netlab.evidence.pcap import ALL_ISS, capture, four_byte_asn, write_pcap
from netlab.evidence.timeline import BGP_HOLD_S
from netlab.model.types import Vendor


@pytest.fixture(scope="module")
def isis_incident(tmp_path_factory: pytest.TempPathFactory) -> Incident:
    """An MTU mismatch, an area mismatch, an auth mismatch; a bad peer AS; an MD5 typo
    and a shut neighbor."""
    faults: list[FaultSpec] = [
        ("isis-mtu-mismatch", {"router": "nyc1-bb1", "link": "nyc1-bb1--lon1-bb1",
                               "mtu": 1500}),
        ("isis-area-mismatch", {"router": "prn1-dr1", "area": 99}),
        ("isis-auth-mismatch", {"router": "cln1-bb1", "link": "cln1-bb1--cln1-dr1"}),
        ("bgp-remote-as", {"router": "nyc1-pr1", "neighbor": "198.18.64.27"}),
        ("bgp-password", {"router": "nyc1-pr1", "neighbor": "198.18.64.29"}),
        ("bgp-shutdown", {"router": "lon1-pr1", "neighbor": "198.18.64.37"}),
    ]
    return build_incident("classic-small", faults,
                          workdir=tmp_path_factory.mktemp("pcap-a")).at(10)


@pytest.fixture(scope="module")
def bgp_incident(tmp_path_factory: pytest.TempPathFactory) -> Incident:
    """A route reflector dies (its iBGP peers' hold timers expire); a max-prefix limit."""
    faults: list[FaultSpec] = [("node-down", {"router": "lon1-bb1"}),
              ("bgp-max-prefix", {"router": "prn1-dr1", "neighbor": "198.18.0.13",
                                  "limit": 1})]
    return build_incident("classic-small", faults,
                          workdir=tmp_path_factory.mktemp("pcap-b")).at(3)


def _bgp_type(p: Any) -> int | None:
    """The BGP message type a TCP segment carries (header byte 18), if any."""
    payload = bytes(p[TCP].payload)
    return payload[18] if len(payload) >= 19 and payload[:16] == b"\xff" * 16 else None


def _port(incident: Incident, router: str, link: str) -> str:
    net = incident.faulted.network
    return net.interface_of(net.link(link), router)


def _roundtrip(packets: list[Any], path: Path) -> list[Any]:
    write_pcap(packets, path)
    with four_byte_asn():
        back = list(rdpcap(str(path)))
    assert len(back) == len(packets)
    assert [float(p.time) for p in back] == pytest.approx([float(p.time) for p in packets])
    return back


@dataclass(frozen=True)
class _Hello:
    """An IS-IS hello read back: 802.3 addresses, time, and the LLC payload decoded.

    scapy reads an 802.3 frame whose length field exceeds 1500 (a hello padded to a
    jumbo MTU) as Ethernet II, so the LLC part is decoded from the raw bytes."""

    src: str
    dst: str
    time: float
    llc: Any

    def __getitem__(self, layer: Any) -> Any:
        return self.llc[layer]

    def haslayer(self, layer: Any) -> bool:
        return bool(self.llc.haslayer(layer))


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _hellos(packets: list[Any]) -> list[_Hello]:
    out = []
    for p in packets:
        raw = bytes(p)
        if _mac(raw[:6]) != ALL_ISS:
            continue
        llc = LLC(raw[14:])
        assert llc.haslayer(ISIS_P2P_Hello)
        out.append(_Hello(_mac(raw[6:12]), _mac(raw[:6]), float(p.time), llc))
    return out


def test_mtu_padding(isis_incident: Incident, tmp_path: Path) -> None:
    """Hellos are padded to the sender's MTU; the lower-MTU side never receives the
    larger padded hello, while the other side hears it and sits in Initialising."""
    big = _hellos(_roundtrip(capture(isis_incident, "lon1-bb1", "et-0/0/0", seconds=60),
                             tmp_path / "lon.pcap"))
    small = _hellos(_roundtrip(capture(isis_incident, "nyc1-bb1", "et-0/0/0", seconds=60),
                               tmp_path / "nyc.pcap"))
    by_src: dict[str, set[int]] = {}
    for h in big:
        by_src.setdefault(h.src, set()).add(h[ISIS_P2P_Hello].pdulength)
    assert by_src == {mac_address("nyc1-bb1", "et-0/0/0"): {1500},
                      mac_address("lon1-bb1", "et-0/0/0"): {9000}}
    assert {h.src for h in small} == {mac_address("nyc1-bb1", "et-0/0/0")}
    states = {h.src: h[ISIS_P2PAdjacencyStateTlv].state for h in big}
    assert states[mac_address("lon1-bb1", "et-0/0/0")] == 1  # Initialising: hears nyc1-bb1
    assert states[mac_address("nyc1-bb1", "et-0/0/0")] == 2  # Down: hears nothing
    gaps = sorted(b.time - a.time for a, b in pairwise(small))
    assert gaps and all(g == pytest.approx(9.0) for g in gaps)  # Junos hello 9 s


def test_area_mismatch(isis_incident: Incident, tmp_path: Path) -> None:
    hellos = _hellos(_roundtrip(capture(isis_incident, "prn1-bb1", "et-1/0/0", seconds=60),
                                tmp_path / "area.pcap"))
    areas = {h.src: {a.areaid for a in h[ISIS_AreaTlv].areas} for h in hellos}
    assert areas[mac_address("prn1-dr1", "Ethernet1/1/1")] == {"49.0099"}
    assert areas[mac_address("prn1-bb1", "et-1/0/0")] == {"49.0001"}
    circuit = {h.src: h[ISIS_P2P_Hello].circuittype for h in hellos}
    assert circuit[mac_address("prn1-dr1", "Ethernet1/1/1")] == 1  # a level-1 circuit


def test_auth_tlv_only_on_the_keyed_side(isis_incident: Incident, tmp_path: Path) -> None:
    hellos = _hellos(_roundtrip(capture(isis_incident, "cln1-dr1", "Ethernet1/1/1",
                                        seconds=60), tmp_path / "auth.pcap"))
    keyed = mac_address("cln1-bb1", "et-1/0/0")
    plain = mac_address("cln1-dr1", "Ethernet1/1/1")
    assert {h.src for h in hellos} == {keyed, plain}
    for h in hellos:
        has = h.haslayer(ISIS_AuthenticationTlv)
        assert has == (h.src == keyed)
        if has:
            tlv = h[ISIS_AuthenticationTlv]
            assert tlv.authtype == 54 and len(tlv.password) == 16


def test_open_with_wrong_as(isis_incident: Incident, tmp_path: Path) -> None:
    pkts = _roundtrip(capture(isis_incident, "nyc1-pr1", "FourHundredGigE0/1/0/0",
                              seconds=600), tmp_path / "as.pcap")
    opens = [p for p in pkts if p.haslayer(BGPOpen)]
    notes = [p for p in pkts if p.haslayer(BGPNotification)]
    assert {p[BGPOpen].my_as for p in opens} == {65000, 64496}
    assert notes and all((p[BGPNotification].error_code, p[BGPNotification].error_subcode)
                         == (2, 2) for p in notes)
    first = notes[0]
    assert first.src == mac_address("nyc1-pr1", "FourHundredGigE0/1/0/0")
    assert int.from_bytes(bytes(first[BGPNotification].data), "big") == 64496
    open_times = [float(p.time) for p in opens]
    assert min(open_times) < float(first.time)


def test_md5_mismatch_gets_no_syn_ack(isis_incident: Incident, tmp_path: Path) -> None:
    pkts = _roundtrip(capture(isis_incident, "nyc1-pr1", "FourHundredGigE0/1/0/1",
                              seconds=300), tmp_path / "md5.pcap")
    syns = [p for p in pkts if p.haslayer(TCP) and p[TCP].flags == "S"]
    assert syns
    assert all(dict(p[TCP].options).get("MD5") for p in syns)
    assert not [p for p in pkts if p.haslayer(TCP) and p[TCP].flags == "SA"]
    peer = _roundtrip(capture(isis_incident, "peer1-nyc1",
                              _port(isis_incident, "peer1-nyc1", "nyc1-pr1--peer1-nyc1"),
                              seconds=300), tmp_path / "md5-peer.pcap")
    peer_syns = [p for p in peer if p.haslayer(TCP) and p[TCP].flags == "S"]
    keyed = isis_incident.faulted.configs["peer1-nyc1"].neighbor(
        ip_address("198.18.64.28")).password is not None
    assert peer_syns and all(("MD5" in dict(p[TCP].options)) == keyed for p in peer_syns)


def test_syns_to_a_shut_neighbor_go_unanswered(isis_incident: Incident, tmp_path: Path) -> None:
    pkts = _roundtrip(capture(isis_incident, "transit1-lon1",
                              _port(isis_incident, "transit1-lon1", "lon1-pr1--transit1-lon1"),
                              seconds=300), tmp_path / "shut.pcap")
    syns = [p for p in pkts if p.haslayer(TCP) and p[TCP].flags == "S"]
    assert syns and all(p[TCP].dport == 179 for p in syns)
    assert not [p for p in pkts if p.haslayer(TCP) and p[TCP].flags in ("SA", "R", "RA")]
    mine = capture(isis_incident, "lon1-pr1",
                   _port(isis_incident, "lon1-pr1", "lon1-pr1--transit1-lon1"), seconds=300)
    assert all(p[TCP].sport == 179 or p[TCP].flags != "S" for p in mine if p.haslayer(TCP))


def test_hold_timer_expiry(bgp_incident: Incident, tmp_path: Path) -> None:
    """A dead route reflector's keepalives stop; a hold time later the NOTIFICATION."""
    pkts = _roundtrip(capture(bgp_incident, "nyc1-pr1", "FourHundredGigE0/0/0/0",
                              seconds=240, at=2.5), tmp_path / "hold.pcap")
    hold = min(BGP_HOLD_S[Vendor.IOSXR], BGP_HOLD_S[Vendor.JUNOS])
    expired = [p for p in pkts if p.haslayer(BGPNotification)
               and p[BGPNotification].error_code == 4]
    assert expired
    note = expired[0]
    assert note.haslayer(TCP)
    peer = note[1].dst
    from_peer = [float(p.time) for p in pkts if p.haslayer(TCP) and p[1].src == peer
                 and _bgp_type(p) == 4 and float(p.time) < float(note.time)]
    assert from_peer
    assert float(note.time) - max(from_peer) > hold


def test_max_prefix_cease(bgp_incident: Incident, tmp_path: Path) -> None:
    rows = bgp_incident.engine.routes(bgp_incident.baseline, nodes=["prn1-dr1"],
                                      prefix="198.18.0.13").rows
    interface = rows[0].next_hop_interface
    assert interface is not None
    pkts = _roundtrip(capture(bgp_incident, "prn1-dr1", interface, seconds=120, at=1.5),
                      tmp_path / "maxpfx.pcap")
    cease = [p for p in pkts if p.haslayer(BGPNotification)
             and (p[BGPNotification].error_code, p[BGPNotification].error_subcode) == (6, 1)]
    assert len(cease) == 1
    updates = [p for p in pkts if p.haslayer(BGPUpdate) and float(p.time) < float(cease[0].time)]
    assert updates and len(updates[-1][BGPUpdate].nlri) > 1
    assert bytes(cease[0][BGPNotification].data)[-4:] == (1).to_bytes(4, "big")


def test_scapy_state_is_scoped(isis_incident: Incident, caplog: pytest.LogCaptureFixture
                               ) -> None:
    with caplog.at_level(logging.DEBUG):
        capture(isis_incident, "nyc1-pr1", "FourHundredGigE0/1/0/0", seconds=30)
    assert scapy_bgp.bgp_module_conf.use_2_bytes_asn is True
    assert not [r for r in caplog.records if "use_2_bytes_asn" in r.getMessage()]


def test_unknown_interface(isis_incident: Incident) -> None:
    with pytest.raises(EngineError, match="no interface"):
        capture(isis_incident, "nyc1-pr1", "HundredGigE0/9/0/9")
