"""IOS-XR show commands: the columns and wording of ``RP/0/RP0/CPU0:router#``.

Commands (any unambiguous abbreviation; interfaces as ``Hu0/0/0/1`` too):
``show isis neighbors``, ``show isis database``, ``show interfaces [<if>]``,
``show controllers optics <r/s/i/p>``, ``show route [ipv4|ipv6] [<prefix>]``,
``show bgp [ipv4 unicast|ipv6 unicast] summary``, ``show bgp neighbor[s]
<address>``, ``show bgp ipv4|ipv6 unicast <prefix>``, ``traceroute
<address>``. Every output starts with the time stamp line IOS-XR prints; an
unknown word is ``% Invalid input detected at '^' marker.``.
"""

from __future__ import annotations

import re
from ipaddress import ip_address

from netlab.engines.base import RoutingProtocol
from netlab.evidence.clock import RX_LOW_ALARM_DBM, RX_LOW_WARNING_DBM
from netlab.evidence.hwaddr import cisco_mac
from netlab.evidence.show.common import Device
from netlab.evidence.show.grammar import Arg, Failure, FailureKind, Parsed, Word
from netlab.evidence.show.paths import Route, parse_target
from netlab.evidence.show.ports import PortFacts
from netlab.evidence.show.protocols import BgpPeer
from netlab.evidence.show.text import cisco_duration, xr_time

__all__ = ["TREE", "error", "prompt", "render", "short_name"]

_AF = (Word("unicast", "Unicast", (
    Word("summary", "Summary of BGP neighbor status", action="bgp-summary"),
    Word("<prefix>", "IP prefix", action="bgp-prefix", arg=Arg.PREFIX),
)),)
_NEI = (Word("<address>", "Neighbor address", action="bgp-neighbor", arg=Arg.ADDRESS),)
_ROUTE = (Word("<prefix>", "Network to display information about", action="route",
               arg=Arg.PREFIX),)
TREE: tuple[Word, ...] = (
    Word("show", "Show running system information", (
        Word("isis", "IS-IS routing protocol", (
            Word("neighbors", "IS-IS neighbors", action="isis-neighbors"),
            Word("database", "IS-IS link state database", action="isis-database"),
        )),
        Word("interfaces", "Interface status and configuration", (
            Word("brief", "Brief interface information", action="interfaces-brief"),
            Word("<interface>", "Interface name", action="interfaces", arg=Arg.INTERFACE),
        ), action="interfaces"),
        Word("controllers", "Interface controller status and configuration", (
            Word("optics", "Optics controller", (
                Word("<location>", "Optics port R/S/I/P", action="optics", arg=Arg.WORD),)),)),
        Word("route", "Static and dynamic routes", (
            Word("ipv4", "IPv4 commands", _ROUTE, action="route"),
            Word("ipv6", "IPv6 commands", _ROUTE, action="route6"),
            *_ROUTE,
        ), action="route"),
        Word("bgp", "BGP information", (
            Word("summary", "Summary of BGP neighbor status", action="bgp-summary"),
            Word("ipv4", "Address Family modifier", _AF),
            Word("ipv6", "Address Family modifier", _AF),
            Word("neighbors", "Details about BGP neighbors", _NEI),
        )),
    )),
    Word("traceroute", "Trace route to destination", (
        Word("<address>", "Destination address", action="traceroute", arg=Arg.ADDRESS),)),
)

_SHORT = {"FourHundredGigE": "FH", "HundredGigE": "Hu", "FortyGigE": "Fo",
          "TwentyFiveGigE": "TF", "TenGigE": "Te", "Loopback": "Lo"}


def short_name(name: str) -> str:
    """IOS-XR's short interface name: ``HundredGigE0/0/0/1`` → ``Hu0/0/0/1``."""
    m = re.match(r"^([A-Za-z]+)(.*)$", name)
    if m is None:
        return name
    return _SHORT.get(m.group(1), m.group(1)) + m.group(2)


def prompt(router: str) -> str:
    return f"RP/0/RP0/CPU0:{router}#"


def error(failure: Failure, router: str) -> str:
    if failure.kind is FailureKind.HELP:
        return "\n".join(f"  {w:<24}{h}" for w, h in failure.options) + "\n"
    if failure.kind is FailureKind.AMBIGUOUS:
        return f'% Ambiguous command:  "{failure.line.strip()}"\n'
    if failure.kind is FailureKind.INCOMPLETE:
        return "% Incomplete command.\n"
    caret = " " * (len(prompt(router)) + failure.column) + "^"
    return f"{caret}\n% Invalid input detected at '^' marker.\n"


def _stamp(dev: Device) -> str:
    return f"\n{xr_time(dev.now)}\n"


# -- IS-IS ------------------------------------------------------------------------------------
def _isis_neighbors(dev: Device) -> str:
    rows = dev.protocols.neighbors()
    out = ["IS-IS core neighbors:",
           "System Id      Interface        SNPA           State Holdtime Type IETF-NSF"]
    for n in rows:
        state = "Up" if n.state.value == "UP" else "Init"
        out.append(f"{n.neighbor:<15}{short_name(n.interface):<17}{'*PtoP*':<15}{state:<6}"
                   f"{n.hold_s:<9}L{n.level:<4}Capable")
    out += ["", f"Total neighbor count: {len(rows)}"]
    return "\n".join(out) + "\n"


def _isis_database(dev: Device) -> str:
    out = []
    for level, lsps in sorted(dev.protocols.database().items()):
        out += [f"IS-IS core (Level-{level}) Link State Database",
                "LSPID                 LSP Seq Num  LSP Checksum  LSP Holdtime/Rcvd  ATT/P/OL"]
        for lsp in lsps:
            star = "*" if lsp.own else " "
            rcvd = "*" if lsp.own else "1200"
            out.append(f"{lsp.router + '.00-00':<20}{star} 0x{lsp.sequence:08x}   "
                       f"0x{lsp.checksum:04x}        {lsp.lifetime:<5}/{rcvd:<13}"
                       f"0/0/{int(lsp.overload)}")
        own = sum(1 for x in lsps if x.own)
        out += ["", f" Total Level-{level} LSP count: {len(lsps)}     Local Level-{level} "
                f"LSP count: {own}", ""]
    return "\n".join(out)


# -- interfaces -------------------------------------------------------------------------------
def _interface(dev: Device, p: PortFacts) -> list[str]:
    state = "up" if p.up else ("administratively down" if not p.admin_up else "down")
    c = p.counters
    kind = re.match(r"^[A-Za-z]+", p.name)
    hw = kind.group() if kind else "Ethernet"
    out = [f"{p.name} is {state}, line protocol is {'up' if p.up else state}",
           f"  Interface state transitions: {p.transitions}"]
    if p.loopback:
        out.append("  Hardware is Loopback interface(s)")
    else:
        out.append(f"  Hardware is {hw}, address is {cisco_mac(p.mac)} (bia {cisco_mac(p.mac)})")
    if p.description:
        out.append(f"  Description: {p.description}")
    if p.ipv4 is not None:
        out.append(f"  Internet address is {p.ipv4}")
    bw = int((p.speed_gbps or 0) * 1e6)
    mtu = p.mtu + 14 if not p.loopback else 1500
    out += [f"  MTU {mtu} bytes, BW {bw} Kbit (Max: {bw} Kbit)",
            "     reliability 255/255, txload "
            f"{min(255, int(255 * c.out_bps / (bw * 1000))) if bw else 0}/255, rxload "
            f"{min(255, int(255 * c.in_bps / (bw * 1000))) if bw else 0}/255",
            "  Encapsulation ARPA," if not p.loopback else "  Encapsulation Loopback,  "
            "loopback not set,"]
    if not p.loopback:
        out += [f"  Full-duplex, {int((p.speed_gbps or 0) * 1000)}Mb/s, link type is force-up",
                "  output flow control is off, input flow control is off",
                "  loopback not set,",
                f"  Last link flapped {cisco_duration(dev.ago(p.last_change_minute))}",
                "  ARP type ARPA, ARP timeout 04:00:00"]
    out += ["  Last input 00:00:00, output 00:00:00",
            '  Last clearing of "show interface" counters never',
            f"  5 minute input rate {c.in_bps} bits/sec, {c.in_pps} packets/sec",
            f"  5 minute output rate {c.out_bps} bits/sec, {c.out_pps} packets/sec",
            f"     {c.in_packets} packets input, {c.in_bytes} bytes, 0 total input drops",
            "     0 drops for unrecognized upper-level protocol",
            "     Received 0 broadcast packets, 0 multicast packets",
            "              0 runts, 0 giants, 0 throttles, 0 parity",
            f"     {c.crc_errors} input errors, {c.crc_errors} CRC, 0 frame, 0 overrun, "
            "0 ignored, 0 abort",
            f"     {c.out_packets} packets output, {c.out_bytes} bytes, {c.out_drops} total "
            "output drops",
            "     Output 0 broadcast packets, 0 multicast packets",
            "     0 output errors, 0 underruns, 0 applique, 0 resets",
            "     0 output buffer failures, 0 output buffers swapped out",
            f"     {p.transitions} carrier transitions", ""]
    return out


def _interfaces(dev: Device, cmd: Parsed) -> str:
    name = cmd.arg("<interface>")
    ports = dev.ports.all()
    if name is not None:
        ports = [p for p in ports if p.name == name]
        if not ports:
            return f"Interface not found ({name})\n"
    out: list[str] = []
    for p in ports:
        out += _interface(dev, p)
    return "\n".join(out)


def _brief(dev: Device) -> str:
    out = ["               Intf       Intf        LineP              Encap  MTU        BW",
           "               Name       State       State               Type (byte)    (Kbps)",
           "-" * 84]
    for p in dev.ports.all():
        state = "up" if p.up else ("admin-down" if not p.admin_up else "down")
        bw = int((p.speed_gbps or 0) * 1e6)
        out.append(f"{short_name(p.name):>19}{state:>15}{state:>15}{'ARPA':>15}"
                   f"{p.mtu + 14 if not p.loopback else 1500:>7}{bw:>12}")
    return "\n".join(out) + "\n"


def _optics(dev: Device, cmd: Parsed) -> str:
    loc = cmd.arg("<location>") or ""
    p = next((x for x in dev.ports.all() if not x.loopback and x.name.endswith(loc)
              and x.name[len(x.name) - len(loc) - 1].isalpha()), None)
    if p is None or p.optic is None:
        return f"Controller not found: Optics{loc}\n"
    o = p.optic
    alarms = ("LOW-RX-PWR" if o.rx_dbm <= RX_LOW_ALARM_DBM else
              "LOW-RX-PWR-WARN" if o.rx_dbm <= RX_LOW_WARNING_DBM else "None")
    hw = dev.hardware(p.name)
    up = "Up" if p.oper_up else "Down"
    return "\n".join([
        f" Controller State: {up}", "",
        " Transport Admin State: In Service", "",
        f" Laser State: {'On' if p.admin_up else 'Off'}", "",
        " FEC State: FEC ENABLED", "",
        " Optics Status", "",
        "         Optics Type:  "
        + ("400G QSFP-DD FR4" if (p.speed_gbps or 0) >= 400 else "100G QSFP28 LR4"),
        "         Wavelength = 1301.00 nm", "",
        "         Alarm Status:", "         -------------",
        f"         Detected Alarms: {alarms}", "",
        f"         Laser Bias Current = {hw.bias_ma:.1f} mA",
        f"         Actual TX Power = {dev.dbm_text(o.tx_dbm)} dBm",
        f"         RX Power = {dev.dbm_text(o.rx_dbm)} dBm", "",
        "         THRESHOLD VALUES", "         ----------------", "",
        "         Parameter                 High Alarm  Low Alarm  High Warning  Low Warning",
        "         ------------------------  ----------  ---------  ------------  -----------",
        f"         Rx Power Threshold(dBm)          5.0 {RX_LOW_ALARM_DBM:>10.1f}"
        f"           4.0 {RX_LOW_WARNING_DBM:>12.1f}", "",
        f"         Temperature = {hw.temperature_c:.2f} Celsius",
        f"         Voltage = {hw.voltage_v:.2f} V", ""]) + "\n"


# -- routes -----------------------------------------------------------------------------------
_CODE = {RoutingProtocol.CONNECTED: "C   ", RoutingProtocol.LOCAL: "L   ",
         RoutingProtocol.STATIC: "S   ", RoutingProtocol.ISIS_L1: "i L1",
         RoutingProtocol.ISIS_L2: "i L2", RoutingProtocol.BGP: "B   ",
         RoutingProtocol.IBGP: "B   "}


def _route_table(dev: Device, version: int) -> str:
    out = ["Codes: C - connected, S - static, R - RIP, B - BGP, (>) - Diversion path",
           "       O - OSPF, IA - OSPF inter area, i - ISIS, L1 - IS-IS level-1, "
           "L2 - IS-IS level-2",
           "       ia - IS-IS inter area, su - IS-IS summary null, * - candidate default",
           "       L - local, A - access/subscriber, (!) - FRR Backup path", "",
           "Gateway of last resort is not set", ""]
    for r in dev.paths.routes():
        if r.network.version != version:
            continue
        age = cisco_duration(dev.ago(r.since_minute))
        for k, h in enumerate(r.next_hops):
            lead = f"{_CODE[r.protocol]} {r.network}" if k == 0 else " " * (
                6 + len(str(r.network)))
            if r.protocol in (RoutingProtocol.CONNECTED, RoutingProtocol.LOCAL):
                out.append(f"{lead} is directly connected, {age}, {h.interface}")
            elif h.discard:
                out.append(f"{lead} is directly connected, {age}, Null0")
            else:
                via = f", {h.interface}" if h.interface else ""
                out.append(f"{lead} [{r.admin_distance}/{r.metric}] via {h.ip}, {age}{via}")
    return "\n".join(out) + "\n"


def _known_via(dev: Device, r: Route) -> str:
    if r.protocol in (RoutingProtocol.BGP, RoutingProtocol.IBGP):
        asn = dev.ctx.cfg.bgp.asn if dev.ctx.cfg.bgp else 0
        kind = "internal" if r.protocol is RoutingProtocol.IBGP else "external"
        return f'"bgp {asn}", distance {r.admin_distance}, metric {r.metric}, type {kind}'
    if r.protocol in (RoutingProtocol.ISIS_L1, RoutingProtocol.ISIS_L2):
        lvl = "level-2" if r.protocol is RoutingProtocol.ISIS_L2 else "level-1"
        return f'"isis core", distance {r.admin_distance}, metric {r.metric}, type {lvl}'
    return f'"{r.protocol.value}", distance {r.admin_distance}, metric {r.metric}'


def _route(dev: Device, cmd: Parsed, version: int) -> str:
    dest = cmd.arg("<prefix>")
    if dest is None:
        return _stamp(dev) + "\n" + _route_table(dev, version)
    routes = dev.paths.routes(parse_target(dest))
    if not routes:
        return _stamp(dev) + "\n% Network not in table\n"
    r = routes[0]
    out = [f"Routing entry for {r.network}", f"  Known via {_known_via(dev, r)}",
           f"  Installed {dev.when(r.since_minute).strftime('%b %d %H:%M:%S.000')} for "
           f"{cisco_duration(dev.ago(r.since_minute))}", "  Routing Descriptor Blocks"]
    for h in r.next_hops:
        if h.discard:
            out.append("    directly connected, via Null0")
            continue
        src = f", from {r.best.received_from_ip}" if r.best is not None else ""
        via = f", via {h.interface}" if h.interface else ""
        out += [f"    {h.ip or 'directly connected'}{src}{via}",
                f"      Route metric is {r.metric}"]
    out.append("  No advertising protos.")
    return _stamp(dev) + "\n" + "\n".join(out) + "\n"


# -- BGP --------------------------------------------------------------------------------------
def _st(p: BgpPeer) -> str:
    if p.idle_reason:
        return f"Idle ({p.idle_reason})"
    return p.state.value


def _bgp_summary(dev: Device) -> str:
    bgp = dev.ctx.cfg.bgp
    if bgp is None:
        return _stamp(dev) + "% BGP instance 'default' not active\n"
    out = [f"BGP router identifier {bgp.router_id}, local AS number {bgp.asn}",
           "BGP generic scan interval 60 secs", "Non-stop routing is enabled",
           "BGP table state: Active", "Table ID: 0xe0000000   RD version: 0",
           "BGP main routing table version 42", "BGP scan interval 60 secs", "",
           "BGP is operating in standalone mode.", "",
           "Process       RcvTblVer   bRIB/RIB   LabelVer  ImportVer  SendTblVer  StandbyVer",
           "Speaker              42         42         42         42          42           0",
           "", "Neighbor        Spk    AS MsgRcvd MsgSent   TblVer  InQ OutQ  Up/Down  "
           "St/PfxRcd"]
    for p in dev.protocols.peers():
        state = str(p.accepted) if p.established else _st(p)
        ver = 42 if p.established else 0
        out.append(f"{p.address!s:<16}{0:>3}{p.remote_as:>6}{p.messages_in:>8}"
                   f"{p.messages_out:>8}{ver:>9}{0:>5}{0:>5} "
                   f"{cisco_duration(dev.ago(p.since_minute)):>8} {state:>13}")
    return _stamp(dev) + "\n" + "\n".join(out) + "\n"


def _bgp_neighbor(dev: Device, cmd: Parsed) -> str:
    p = dev.protocols.peer(ip_address(cmd.arg("<address>") or ""))
    if p is None:
        return _stamp(dev) + "\n% No such neighbor\n"
    up = cisco_duration(dev.ago(p.since_minute))
    state = f"Established, up for {up}" if p.established else _st(p)
    kind = "internal link" if p.ibgp else "external link"
    out = [f"BGP neighbor is {p.address}",
           f" Remote AS {p.remote_as}, local AS {p.local_as}, {kind}"]
    if p.description:
        out.append(f" Description: {p.description}")
    out += [f" Remote router ID {p.remote_router_id if p.established else '0.0.0.0'}",
            f"  BGP state = {state}",
            f"  Hold time is {p.hold_s}, keepalive interval is {p.keepalive_s} seconds",
            f"  Received {p.messages_in} messages, "
            f"{int(bool(p.last_error and not p.last_error.sent))} notifications, 0 in queue",
            f"  Sent {p.messages_out} messages, "
            f"{int(bool(p.last_error and p.last_error.sent))} notifications, 0 in queue", "",
            f" For Address Family: IPv{p.address.version} Unicast"]
    if p.established:
        out += [f"  {p.accepted} accepted prefixes, {p.accepted} are bestpaths",
                f"  Prefix advertised {p.advertised}, suppressed 0, withdrawn 0"]
    limit = p.entry.max_prefix if p.entry.max_prefix is not None else 1048576
    out += [f"  Maximum prefixes allowed {limit}", "", f"  Connections established "
            f"{1 + p.flaps if p.established else p.flaps}; dropped {p.flaps}",
            f"  Local host: {p.local_ip or '0.0.0.0'}, Local port: 179",
            f"  Foreign host: {p.address}, Foreign port: "
            f"{49152 + int(p.address) % 16000 if p.established else 0}"]
    if p.last_error is not None:
        verb = "sent" if p.last_error.sent else "received"
        out += [f"  Last reset {cisco_duration(dev.ago(p.last_error.minute))}, due to BGP "
                f"Notification {verb}: {p.last_error.text.lower()}",
                f"  Time since last notification {verb} "
                f"{'to' if p.last_error.sent else 'from'} neighbor: "
                f"{cisco_duration(dev.ago(p.last_error.minute))}"]
    else:
        out.append("  Last reset 00:00:00, due to BGP neighbor initialized")
    return _stamp(dev) + "\n" + "\n".join(out) + "\n"


def _bgp_prefix(dev: Device, cmd: Parsed) -> str:
    rows = dev.paths.bgp_paths(parse_target(cmd.arg("<prefix>") or ""))
    if not rows:
        return _stamp(dev) + "\n% Network not in table\n"
    best = [i for i, r in enumerate(rows) if r.status.value == "BEST"]
    out = [f"BGP routing table entry for {rows[0].network}", "Versions:",
           "  Process           bRIB/RIB  SendTblVer", "  Speaker                 42          42",
           f"Paths: ({len(rows)} available, best #{best[0] + 1 if best else 0})"]
    for i, r in enumerate(rows, start=1):
        path = " ".join(str(a) for a in r.as_path.asns) or "Local"
        metric = dev.paths.igp_metric(r.next_hop_ip) if r.next_hop_ip else None
        m = f" (metric {metric})" if metric is not None else ""
        kind = "internal" if r.protocol is RoutingProtocol.IBGP else "external"
        flags = ", best, group-best" if i - 1 == (best[0] if best else -1) else (
            ", multipath" if r.status.value == "BEST" else "")
        out += [f"  Path #{i}: Received by speaker 0", f"  {path}",
                f"    {r.next_hop_ip or '0.0.0.0'}{m} from {r.received_from_ip or '0.0.0.0'}"
                f" ({r.originator_id or r.received_from_ip or '0.0.0.0'})",
                f"      Origin {_origin(r.origin_type.value)}, "
                f"metric {r.metric}, localpref {r.local_pref}, valid, {kind}{flags}"]
        if r.originator_id is not None:
            clusters = ", ".join(str(c) for c in r.cluster_list)
            out.append(f"      Originator: {r.originator_id}, Cluster list: {clusters}")
    return _stamp(dev) + "\n" + "\n".join(out) + "\n"


def _traceroute(dev: Device, cmd: Parsed) -> str:
    dst = ip_address(cmd.arg("<address>") or "")
    t = dev.paths.traceroute(dst)
    out = ["", "Type escape sequence to abort.", f"Tracing the route to {dst}", ""]
    if t.no_route:
        out.append("% Destination unreachable; no route")
    for h in t.hops:
        if h.address is None:
            out.append(f"{h.ttl:>2}  *  *  * ")
            continue
        probes = "  ".join("!N" if h.unreachable else f"{round(pr.rtt_ms or 0):d} msec"
                           for pr in h.probes)
        out.append(f"{h.ttl:>2}  {h.address} {probes}")
    return _stamp(dev) + "\n".join(out) + "\n"


def _origin(value: str) -> str:
    return value.upper() if value == "igp" else value


def render(dev: Device, cmd: Parsed) -> str:
    """The output of a parsed command on this router."""
    if dev.ctx.down:
        return "% The router is not responding\n"
    a = cmd.action
    handlers = {
        "isis-neighbors": lambda: _stamp(dev) + "\n" + _isis_neighbors(dev),
        "isis-database": lambda: _stamp(dev) + "\n" + _isis_database(dev),
        "interfaces": lambda: _stamp(dev) + _interfaces(dev, cmd),
        "interfaces-brief": lambda: _stamp(dev) + "\n" + _brief(dev),
        "optics": lambda: _stamp(dev) + "\n" + _optics(dev, cmd),
        "route": lambda: _route(dev, cmd, 4),
        "route6": lambda: _route(dev, cmd, 6),
        "bgp-summary": lambda: _bgp_summary(dev),
        "bgp-neighbor": lambda: _bgp_neighbor(dev, cmd),
        "bgp-prefix": lambda: _bgp_prefix(dev, cmd),
        "traceroute": lambda: _traceroute(dev, cmd),
    }
    return handlers[a]()


