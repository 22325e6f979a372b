"""Arista EOS show commands: the columns and wording of ``router#``.

Commands (any unambiguous abbreviation; interfaces as ``Et1/1/1`` too):
``show isis neighbors``, ``show isis database``, ``show interfaces [<if>]
[transceiver]``, ``show ip[v6] route [<prefix>]``, ``show ip[v6] bgp
summary``, ``show ip[v6] bgp neighbors <address>``, ``show ip[v6] bgp
<prefix>``, ``traceroute <address>``. An unknown word is ``% Invalid input
(at token N: 'word')``.
"""

from __future__ import annotations

import re
from ipaddress import ip_address

from netlab.engines.base import RoutingProtocol
from netlab.evidence.hwaddr import cisco_mac
from netlab.evidence.show.common import Device
from netlab.evidence.show.grammar import Arg, Failure, FailureKind, Parsed, Word
from netlab.evidence.show.paths import parse_target
from netlab.evidence.show.ports import PortFacts
from netlab.evidence.show.protocols import BgpPeer
from netlab.evidence.show.text import cisco_duration

__all__ = ["TREE", "error", "prompt", "render", "short_name"]


def _family(v6: bool) -> tuple[Word, ...]:
    s = "6" if v6 else ""
    return (
        Word("route", "Routing table", (
            Word("<prefix>", "Prefix or address", action=f"route{s}", arg=Arg.PREFIX),),
            action=f"route{s}"),
        Word("bgp", "BGP information", (
            Word("summary", "Summarized BGP information", action="bgp-summary" + s),
            Word("neighbors", "Detailed information about BGP neighbors", (
                Word("<address>", "Neighbor address", action="bgp-neighbor", arg=Arg.ADDRESS),
            )),
            Word("<prefix>", "Prefix or address", action="bgp-prefix", arg=Arg.PREFIX),
        )),
    )


TREE: tuple[Word, ...] = (
    Word("show", "Display details of switch operation", (
        Word("isis", "IS-IS information", (
            Word("neighbors", "IS-IS neighbor information", action="isis-neighbors"),
            Word("database", "IS-IS link state database", action="isis-database"),
        )),
        Word("interfaces", "Details related to interfaces", (
            Word("<interface>", "Interface name", (
                Word("transceiver", "Details of transceivers", action="transceiver"),),
                action="interfaces", arg=Arg.INTERFACE),
            Word("transceiver", "Details of transceivers", action="transceiver"),
        ), action="interfaces"),
        Word("ip", "Details related to IPv4", _family(False)),
        Word("ipv6", "Details related to IPv6", _family(True)),
    )),
    Word("traceroute", "Trace route to destination", (
        Word("<address>", "Destination address", action="traceroute", arg=Arg.ADDRESS),)),
)


def short_name(name: str) -> str:
    """EOS's short interface name: ``Ethernet1/1/1`` → ``Et1/1/1``."""
    return re.sub(r"^Ethernet", "Et", re.sub(r"^Loopback", "Lo", name))


def prompt(router: str) -> str:
    return f"{router}#"


def error(failure: Failure, router: str) -> str:
    if failure.kind is FailureKind.HELP:
        return "\n".join(f"  {w:<18}{h}" for w, h in failure.options) + "\n"
    if failure.kind is FailureKind.AMBIGUOUS:
        return "% Ambiguous command\n"
    if failure.kind is FailureKind.INCOMPLETE:
        return "% Incomplete command\n"
    return f"% Invalid input (at token {failure.index}: '{failure.token}')\n"


# -- IS-IS ------------------------------------------------------------------------------------
def _isis_neighbors(dev: Device) -> str:
    out = [f"{'Instance':<10}{'VRF':<9}{'System Id':<17}{'Type':<5}{'Interface':<19}"
           f"{'SNPA':<18}{'State':<6}Hold time"]
    for n in dev.protocols.neighbors():
        state = "UP" if n.state.value == "UP" else "INIT"
        out.append(f"{'core':<10}{'default':<9}{n.neighbor:<17}{'L' + str(n.level):<5}"
                   f"{n.interface:<19}{'P2P':<18}{state:<6}{n.hold_s}")
    return "\n".join(out) + "\n"


def _isis_database(dev: Device) -> str:
    out = ["", "IS-IS Instance: core VRF: default"]
    for level, lsps in sorted(dev.protocols.database().items()):
        out += [f"  IS-IS Level {level} Link State Database",
                "    LSPID                   Seq Num  Cksum  Life Length IS Flags"]
        for lsp in lsps:
            flags = "<OL>" if lsp.overload else "<>"
            out.append(f"    {lsp.router + '.00-00':<24}{lsp.sequence:>7}{lsp.checksum:>7}"
                       f"{lsp.lifetime:>6}{lsp.length:>7} L{level} {flags}")
    return "\n".join(out) + "\n"


# -- interfaces -------------------------------------------------------------------------------
def _interface(dev: Device, p: PortFacts) -> list[str]:
    c = p.counters
    if not p.admin_up:
        head = f"{p.name} is administratively down, line protocol is down (disabled)"
    elif p.oper_up:
        head = f"{p.name} is up, line protocol is up (connected)"
    else:
        head = f"{p.name} is down, line protocol is down (notconnect)"
    out = [head, f"  Hardware is {'Loopback' if p.loopback else 'Ethernet'}"
           + ("" if p.loopback else f", address is {cisco_mac(p.mac)} (bia {cisco_mac(p.mac)})")]
    if p.description:
        out.append(f"  Description: {p.description}")
    if p.ipv4 is not None:
        out += [f"  Internet address is {p.ipv4}", "  Broadcast address is 255.255.255.255"]
    if p.ipv6 is not None:
        out.append(f"  IPv6 global unicast address(es):\n    {p.ipv6.ip}, subnet is "
                   f"{p.ipv6.network}")
    gbps = p.speed_gbps or 0
    out.append(f"  IP MTU {p.mtu} bytes, BW {int(gbps * 1e6)} kbit")
    if p.loopback:
        return [*out, ""]
    since = cisco_duration(dev.ago(p.last_change_minute))
    pct_in = 100 * c.in_bps / (gbps * 1e9) if gbps else 0.0
    pct_out = 100 * c.out_bps / (gbps * 1e9) if gbps else 0.0
    out += [f"  Full-duplex, {gbps:g}Gb/s, auto negotiation: off, uni-link: disabled",
            f"  {'Up' if p.up else 'Down'} {since}",
            "  Loopback Mode : None",
            f"  {p.transitions} link status changes since last clear",
            '  Last clearing of "show interface" counters never',
            f"  5 minutes input rate {c.in_bps / 1e9:.2f} Gbps ({pct_in:.1f}% with framing "
            f"overhead), {c.in_pps} packets/sec",
            f"  5 minutes output rate {c.out_bps / 1e9:.2f} Gbps ({pct_out:.1f}% with framing "
            f"overhead), {c.out_pps} packets/sec",
            f"     {c.in_packets} packets input, {c.in_bytes} bytes",
            "     Received 0 broadcasts, 0 multicast",
            "     0 runts, 0 giants",
            f"     {c.crc_errors} input errors, {c.crc_errors} CRC, 0 alignment, "
            f"{c.fec_uncorrected} symbol, 0 input discards",
            "     0 PAUSE input",
            f"     {c.out_packets} packets output, {c.out_bytes} bytes",
            "     Sent 0 broadcasts, 0 multicast",
            "     0 output errors, 0 collisions",
            f"     0 late collision, 0 deferred, {c.out_drops} output discards",
            "     0 PAUSE output", ""]
    return out


def _interfaces(dev: Device, cmd: Parsed) -> str:
    name = cmd.arg("<interface>")
    ports = dev.ports.all()
    if name is not None:
        ports = [p for p in ports if p.name == name]
        if not ports:
            return "% Invalid input\n"
    if cmd.action == "transceiver":
        return _transceiver(dev, ports)
    out: list[str] = []
    for p in ports:
        out += _interface(dev, p)
    return "\n".join(out)


def _transceiver(dev: Device, ports: list[PortFacts]) -> str:
    out = ["If device is externally calibrated, only calibrated values are printed.",
           "N/A: not applicable, Tx: transmit, Rx: receive.",
           "mA: milliamperes, dBm: decibels (milliwatts).",
           f"{'':43}Bias      Optical   Optical",
           f"{'':12}Temp       Voltage Current   Tx Power  Rx Power",
           "Port        (Celsius)  (Volts) (mA)      (dBm)     (dBm)     Last Update",
           "----------- ---------- ------- --------- --------- --------- -------------------"]
    for p in ports:
        if p.optic is None:
            continue
        hw = dev.hardware(p.name)
        rx = "N/A" if p.optic.rx_dbm <= -40 else f"{p.optic.rx_dbm:.2f}"
        tx = "N/A" if p.optic.tx_dbm <= -40 else f"{p.optic.tx_dbm:.2f}"
        out.append(f"{short_name(p.name):<12}{hw.temperature_c:<11.2f}{hw.voltage_v:<8.2f}"
                   f"{hw.bias_ma:<10.2f}{tx:<10}{rx:<10}0:00:02 ago")
    return "\n".join(out) + "\n"


# -- routes -----------------------------------------------------------------------------------
_CODE = {RoutingProtocol.CONNECTED: "C", RoutingProtocol.LOCAL: "C", RoutingProtocol.STATIC: "S",
         RoutingProtocol.ISIS_L1: "I L1", RoutingProtocol.ISIS_L2: "I L2",
         RoutingProtocol.BGP: "B E", RoutingProtocol.IBGP: "B I"}
_CODES = """VRF: default
Codes: C - connected, S - static, K - kernel,
       O - OSPF, IA - OSPF inter area, E1 - OSPF external type 1,
       E2 - OSPF external type 2, N1 - OSPF NSSA external type 1,
       N2 - OSPF NSSA external type2, B - Other BGP Routes,
       B I - iBGP, B E - eBGP, R - RIP, I L1 - IS-IS level 1,
       I L2 - IS-IS level 2, O3 - OSPFv3, A B - BGP Aggregate,
       A O - OSPF Summary, NG - Nexthop Group Static Route,
       V - VXLAN Control Service, M - Martian,
       DH - DHCP client installed default route,
       DP - Dynamic Policy Route, L - VRF Leaked

Gateway of last resort is not set
"""


def _route(dev: Device, cmd: Parsed, version: int) -> str:
    dest = cmd.arg("<prefix>")
    routes = dev.paths.routes(parse_target(dest) if dest else None)
    out = [_CODES]
    for r in routes:
        if r.network.version != version or r.protocol is RoutingProtocol.LOCAL:
            continue
        code = f" {_CODE[r.protocol]:<8} {r.network}"
        for k, h in enumerate(r.next_hops):
            lead = code if k == 0 else " " * len(code)
            if r.protocol is RoutingProtocol.CONNECTED:
                out.append(f"{lead} is directly connected, {h.interface}")
            elif h.discard:
                out.append(f"{lead} is directly connected, Null0")
            elif h.interface is not None:
                out.append(f"{lead} [{r.admin_distance}/{r.metric}] via {h.ip}, {h.interface}")
            else:
                res = [x for x in r.resolved if x.interface]
                out.append(f"{lead} [{r.admin_distance}/{r.metric}] via {h.ip}/"
                           f"{32 if version == 4 else 128}, IGP ({len(res)} paths)")
                out += [f"{' ' * (len(code) + 35)}via {x.ip}, {x.interface}" for x in res]
    return "\n".join(out) + "\n"


# -- BGP --------------------------------------------------------------------------------------
def _state(p: BgpPeer) -> str:
    if p.established:
        return "Estab"
    if p.idle_reason == "Admin":
        return "Idle(Admin)"
    if p.idle_reason == "PfxCt":
        return "Idle(PfxLimit)"
    return p.state.value


def _bgp_summary(dev: Device, version: int) -> str:
    bgp = dev.ctx.cfg.bgp
    if bgp is None:
        return "% BGP inactive\n"
    out = ["BGP summary information for VRF default",
           f"Router identifier {bgp.router_id}, local AS number {bgp.asn}",
           "Neighbor Status Codes: m - Under maintenance",
           f"  {'Neighbor':<17}V AS           MsgRcvd   MsgSent  InQ OutQ  Up/Down State   "
           "PfxRcd PfxAcc"]
    for p in dev.protocols.peers():
        if p.address.version != version:
            continue
        rcd, acc = (str(p.received), str(p.accepted)) if p.established else ("", "")
        out.append(f"  {p.address!s:<17}4 {p.remote_as:<12}{p.messages_in:>8}"
                   f"{p.messages_out:>10}{0:>5}{0:>5} {cisco_duration(dev.ago(p.since_minute)):>8}"
                   f" {_state(p):<7} {rcd:<6} {acc}".rstrip())
    return "\n".join(out) + "\n"


def _bgp_neighbor(dev: Device, cmd: Parsed) -> str:
    p = dev.protocols.peer(ip_address(cmd.arg("<address>") or ""))
    if p is None:
        return "% No such neighbor\n"
    kind = "internal link" if p.ibgp else "external link"
    out = [f"BGP neighbor is {p.address}, remote AS {p.remote_as}, {kind}"]
    if p.description:
        out.append(f" Description: {p.description}")
    rid = p.remote_router_id if p.established else "0.0.0.0"
    since = cisco_duration(dev.ago(p.since_minute))
    out += [f"  BGP version 4, remote router ID {rid}, VRF default",
            f"  Hold time is {p.hold_s}, keepalive interval is {p.keepalive_s} seconds",
            f"  BGP state is {p.state.value}" + (f", up for {since}" if p.established else
                                                  f", down for {since}"),
            f"  Number of transitions to established: {1 + p.flaps if p.established else p.flaps}",
            f"  Last state was {'OpenConfirm' if p.established else 'Idle'}"]
    if p.last_error is not None:
        which = "sent" if p.last_error.sent else "rcvd"
        out.append(f"  Last {which} notification:{p.last_error.text}, Last time "
                   f"{cisco_duration(dev.ago(p.last_error.minute))}")
    out += ["  Message Statistics:", f"{'':25}Sent      Rcvd",
            f"    Updates:        {p.updates_out:>10}{p.updates_in:>10}",
            f"    Total messages: {p.messages_out:>10}{p.messages_in:>10}",
            "  Prefix Statistics:", f"{'':25}Sent      Rcvd     Best Paths",
            f"    IPv{p.address.version} Unicast:   {p.advertised:>10}{p.received:>10}"
            f"{p.accepted:>15}"]
    if p.entry.max_prefix is not None:
        out.append(f"  Maximum total number of routes is {p.entry.max_prefix}")
    out += [f"Local AS is {p.local_as}, local router ID "
            f"{dev.ctx.cfg.bgp.router_id if dev.ctx.cfg.bgp else '0.0.0.0'}",
            f"Local TCP address is {p.local_ip or '0.0.0.0'}, local port is 179"
            if p.established else "Local TCP address is not set",
            f"Remote TCP address is {p.address}, remote port is "
            f"{49152 + int(p.address) % 16000}" if p.established
            else "Remote TCP address is not set"]
    return "\n".join(out) + "\n"


def _bgp_prefix(dev: Device, cmd: Parsed) -> str:
    bgp = dev.ctx.cfg.bgp
    rows = dev.paths.bgp_paths(parse_target(cmd.arg("<prefix>") or ""))
    if bgp is None or not rows:
        return "% Network not in table\n"
    out = ["BGP routing table information for VRF default",
           f"Router identifier {bgp.router_id}, local AS number {bgp.asn}",
           f"BGP routing table entry for {rows[0].network}", f" Paths: {len(rows)} available"]
    for k, r in enumerate(rows):
        path = " ".join(str(a) for a in r.as_path.asns) or "Local"
        igp = dev.paths.igp_metric(r.next_hop_ip) if r.next_hop_ip else 0
        kind = "internal" if r.protocol is RoutingProtocol.IBGP else "external"
        flags = ", ECMP head, ECMP, best" if k == 0 else (
            ", ECMP, ECMP contributor" if r.status.value == "BEST" else "")
        out += [f"  {path}", f"    {r.next_hop_ip or '-'} from {r.received_from_ip or '-'} "
                f"({r.originator_id or r.received_from_ip or bgp.router_id})",
                f"      Origin {r.origin_type.value.upper()}, metric {r.metric}, localpref "
                f"{r.local_pref}, IGP metric {igp or 0}, weight 0, valid, {kind}{flags}"]
        if r.originator_id is not None:
            clusters = " ".join(str(c) for c in r.cluster_list)
            out.append(f"      Originator: {r.originator_id}, Cluster list: {clusters}")
    return "\n".join(out) + "\n"


def _traceroute(dev: Device, cmd: Parsed) -> str:
    dst = ip_address(cmd.arg("<address>") or "")
    t = dev.paths.traceroute(dst)
    out = [f"traceroute to {dst} ({dst}), 30 hops max, 60 byte packets"]
    if t.no_route:
        out.append("connect: Network is unreachable")
    for h in t.hops:
        if h.address is None:
            out.append(f"{h.ttl:>2}  * * *")
            continue
        mark = " !N" if h.unreachable else ""
        probes = "  ".join(f"{pr.rtt_ms:.3f} ms{mark}" for pr in h.probes if pr.rtt_ms)
        out.append(f"{h.ttl:>2}  {h.address} ({h.address})  {probes}")
    return "\n".join(out) + "\n"


def render(dev: Device, cmd: Parsed) -> str:
    """The output of a parsed command on this router."""
    if dev.ctx.down:
        return "% Connection refused\n"
    a = cmd.action
    handlers = {
        "isis-neighbors": lambda: _isis_neighbors(dev),
        "isis-database": lambda: _isis_database(dev),
        "interfaces": lambda: _interfaces(dev, cmd),
        "transceiver": lambda: _interfaces(dev, cmd),
        "route": lambda: _route(dev, cmd, 4),
        "route6": lambda: _route(dev, cmd, 6),
        "bgp-summary": lambda: _bgp_summary(dev, 4),
        "bgp-summary6": lambda: _bgp_summary(dev, 6),
        "bgp-neighbor": lambda: _bgp_neighbor(dev, cmd),
        "bgp-prefix": lambda: _bgp_prefix(dev, cmd),
        "traceroute": lambda: _traceroute(dev, cmd),
    }
    return handlers[a]()
