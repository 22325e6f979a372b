"""Junos show commands: the columns and wording of ``user@router>``.

Commands (any unambiguous abbreviation): ``show isis adjacency``, ``show isis
database``, ``show interfaces [<if>] [terse|extensive]``, ``show interfaces
terse``, ``show interfaces diagnostics optics <if>``, ``show route
[<prefix>]``, ``show route receive-protocol bgp <peer>``, ``show bgp
summary``, ``show bgp neighbor [<peer>]``, ``traceroute <address>``.
An unknown word prints a caret under it and ``syntax error, expecting
<command>.``; ``?`` lists ``Possible completions:``.
"""

from __future__ import annotations

from ipaddress import ip_address

from netlab.engines.base import RoutingProtocol
from netlab.evidence.clock import RX_LOW_ALARM_DBM, RX_LOW_WARNING_DBM
from netlab.evidence.show.common import Device, milliwatts
from netlab.evidence.show.grammar import Arg, Failure, FailureKind, Parsed, Word
from netlab.evidence.show.paths import Route, parse_target
from netlab.evidence.show.ports import PortFacts
from netlab.evidence.show.protocols import BgpPeer
from netlab.evidence.show.text import junos_duration, junos_time

__all__ = ["TREE", "error", "prompt", "render"]

_IF = Word("<interface>", "Name of physical or logical interface", arg=Arg.INTERFACE)
_IF_T = Word("<interface>", "Name of physical or logical interface", (
    Word("terse", "Display terse output", action="interfaces"),
    Word("extensive", "Display extensive output", action="interfaces"),
    Word("detail", "Display detailed output", action="interfaces"),
), action="interfaces", arg=Arg.INTERFACE)
TREE: tuple[Word, ...] = (
    Word("show", "Show system information", (
        Word("isis", "Show Intermediate System-to-Intermediate System information", (
            Word("adjacency", "Show IS-IS adjacencies", action="isis-adjacency"),
            Word("database", "Show IS-IS link-state database", action="isis-database"),
        )),
        Word("interfaces", "Show interface information", (
            Word("terse", "Display terse output", (_IF,), action="interfaces-terse"),
            Word("extensive", "Display extensive output", action="interfaces"),
            Word("diagnostics", "Show interface diagnostics information", (
                Word("optics", "Show optics diagnostics", (
                    Word("<interface>", "Name of physical interface", action="optics",
                         arg=Arg.INTERFACE),)),)),
            _IF_T,
        ), action="interfaces"),
        Word("route", "Show routing table information", (
            Word("receive-protocol", "Show routes received from a protocol peer", (
                Word("bgp", "Border Gateway Protocol", (
                    Word("<peer>", "IP address of neighbor", action="route-receive",
                         arg=Arg.ADDRESS),)),)),
            Word("<destination>", "IP address and optional prefix length of destination",
                 action="route", arg=Arg.PREFIX),
        ), action="route"),
        Word("bgp", "Show Border Gateway Protocol information", (
            Word("summary", "Show overview of BGP information", action="bgp-summary"),
            Word("neighbor", "Show BGP neighbors", (
                Word("<address>", "IP address of a BGP peer", action="bgp-neighbor",
                     arg=Arg.ADDRESS),), action="bgp-neighbor"),
        )),
    )),
    Word("traceroute", "Trace the route to a remote host", (
        Word("<host>", "Hostname or IP address of remote host", action="traceroute",
             arg=Arg.ADDRESS),)),
)


def prompt(router: str) -> str:
    return f"netlab@{router}> "


def error(failure: Failure, router: str) -> str:
    """Junos's answer to a line that did not parse."""
    if failure.kind is FailureKind.HELP:
        lines = ["Possible completions:"]
        lines += [f"  {w:<22}{h}" for w, h in failure.options]
        return "\n".join(lines) + "\n"
    if failure.kind is FailureKind.AMBIGUOUS:
        lines = [f"'{failure.token}' is ambiguous.", "Possible completions:"]
        lines += [f"  {w:<22}{h}" for w, h in failure.options]
        return "\n".join(lines) + "\n"
    caret = " " * (len(prompt(router)) + failure.column) + "^"
    return f"{caret}\nsyntax error, expecting <command>.\n"


# -- IS-IS ------------------------------------------------------------------------------------
_STATE = {"UP": "Up", "INIT": "Initializing", "DOWN": "Down"}


def _isis_adjacency(dev: Device) -> str:
    rows = dev.protocols.neighbors()
    out = [f"{'Interface':<22}{'System':<15}{'L':<2}{'State':<13}Hold (secs) SNPA"]
    for n in rows:
        out.append(f"{n.interface + '.0':<22}{n.neighbor:<15}{n.level:<2}"
                   f"{_STATE[n.state.value]:<13}{n.hold_s:>11}")
    return "\n".join(out) + "\n"


def _isis_database(dev: Device) -> str:
    db = dev.protocols.database()
    out = []
    for level in (1, 2):
        out.append(f"IS-IS level {level} link-state database:")
        lsps = db.get(level, [])
        if lsps:
            out.append(f"{'LSP ID':<28}Sequence Checksum Lifetime Attributes")
        for lsp in lsps:
            attrs = "L1" if level == 1 and len(db) == 1 and 2 not in db else "L1 L2"
            if lsp.overload:
                attrs += " Overload"
            out.append(f"{lsp.router + '.00-00':<28}{hex(lsp.sequence):>8} "
                       f"{hex(lsp.checksum):>8} {lsp.lifetime:>8} {attrs}")
        out.append(f"  {len(lsps)} LSPs")
        out.append("")
    return "\n".join(out)


# -- interfaces -------------------------------------------------------------------------------
def _speed(gbps: float | None) -> str:
    return f"{gbps:g}Gbps" if gbps is not None else "Unlimited"


def _flapped(dev: Device, p: PortFacts) -> str:
    return (f"{junos_time(dev.when(p.last_change_minute))} "
            f"({junos_duration(dev.ago(p.last_change_minute))} ago)")


def _terse(dev: Device, ports: list[PortFacts]) -> str:
    out = [f"{'Interface':<24}{'Admin':<6}{'Link':<5}{'Proto':<9}{'Local':<22}Remote"]
    for p in ports:
        admin = "up" if p.admin_up else "down"
        link = "up" if p.oper_up else "down"
        out.append(f"{p.name:<24}{admin:<6}{link}")
        fams: list[tuple[str, str]] = []
        if p.ipv4 is not None:
            fams.append(("inet", str(p.ipv4.ip) if p.loopback else str(p.ipv4)))
        if p.isis:
            fams.append(("iso", ""))
        if p.ipv6 is not None:
            fams.append(("inet6", str(p.ipv6.ip) if p.loopback else str(p.ipv6)))
        itf = dev.ctx.interface(p.name)
        if itf is not None and itf.mpls:
            fams.append(("mpls", ""))
        for k, (proto, local) in enumerate(fams):
            lead = f"{p.name + '.0':<24}{admin:<6}{link:<5}" if k == 0 else " " * 35
            remote = "--> 0/0" if p.loopback and proto == "inet" else ""
            out.append(f"{lead}{proto:<9}{local:<22}{remote}".rstrip())
    return "\n".join(out) + "\n"


def _physical(dev: Device, p: PortFacts, extensive: bool) -> list[str]:
    state = "Enabled" if p.admin_up else "Administratively down"
    link = "Up" if p.oper_up else "Down"
    c = p.counters
    mtu = p.mtu + 14 if not p.loopback else "Unlimited"
    out = [f"Physical interface: {p.name}, {state}, Physical link is {link}",
           f"  Interface index: {dev.if_index(p.name) - 350}, SNMP ifIndex: "
           f"{dev.if_index(p.name)}"]
    if p.description:
        out.append(f"  Description: {p.description}")
    out += [f"  Link-level type: Ethernet, MTU: {mtu}, LAN-PHY mode, Speed: "
            f"{_speed(p.speed_gbps)}, BPDU Error: None, Loopback: Disabled, "
            "Source filtering: Disabled, Flow control: Enabled",
            "  Device flags   : Present Running" + ("" if p.oper_up else " Down"),
            "  Interface flags: SNMP-Traps Internal: 0x4000" + ("" if p.admin_up else " Down"),
            "  Link flags     : None",
            f"  Current address: {p.mac}, Hardware address: {p.mac}",
            f"  Last flapped   : {_flapped(dev, p)}"]
    if extensive:
        boot = dev.ctx.boot
        out += [f"  Statistics last cleared: {junos_time(dev.when(boot))} "
                f"({junos_duration(dev.ago(boot))} ago)",
                "  Traffic statistics:",
                f"   Input  bytes  : {c.in_bytes:>20} {c.in_bps:>20} bps",
                f"   Output bytes  : {c.out_bytes:>20} {c.out_bps:>20} bps",
                f"   Input  packets: {c.in_packets:>20} {c.in_pps:>20} pps",
                f"   Output packets: {c.out_packets:>20} {c.out_pps:>20} pps",
                "  Input errors:",
                f"    Errors: {c.crc_errors}, Drops: 0, Framing errors: {c.crc_errors}, Runts: 0, "
                "Policed discards: 0, L3 incompletes: 0, L2 channel errors: 0,",
                "    L2 mismatch timeouts: 0, FIFO errors: 0, Resource errors: 0",
                "  Output errors:",
                f"    Carrier transitions: {p.transitions}, Errors: 0, Drops: {c.out_drops}, "
                "Collisions: 0, Aged packets: 0, FIFO errors: 0, HS link CRC errors: 0,",
                "    MTU errors: 0, Resource errors: 0"]
    else:
        out += [f"  Input rate     : {c.in_bps} bps ({c.in_pps} pps)",
                f"  Output rate    : {c.out_bps} bps ({c.out_pps} pps)"]
    dark = not p.oper_up and p.admin_up
    out += [f"  Active alarms  : {'LINK' if dark else 'None'}",
            f"  Active defects : {'LINK, LOCAL-FAULT' if dark else 'None'}"]
    if not p.loopback:
        out += ["  PCS statistics                      Seconds",
                f"    Bit errors                  {int(c.crc_errors > 0):>12}",
                f"    Errored blocks              {min(c.crc_errors, 999999):>12}",
                "  Ethernet FEC statistics              Errors",
                f"    FEC Corrected Errors        {c.fec_corrected:>12}",
                f"    FEC Uncorrected Errors      {c.fec_uncorrected:>12}"]
    if extensive and not p.loopback:
        out += ["  MAC statistics:                      Receive         Transmit",
                f"    Total octets            {c.in_bytes:>18} {c.out_bytes:>16}",
                f"    Total packets           {c.in_packets:>18} {c.out_packets:>16}",
                f"    CRC/Align errors        {c.crc_errors:>18} {0:>16}",
                f"    Total errors            {c.crc_errors:>18} {0:>16}"]
    return out


def _logical(dev: Device, p: PortFacts) -> list[str]:
    c = p.counters
    out = ["", f"  Logical interface {p.name}.0 (Index {dev.if_index(p.name) - 170}) "
           f"(SNMP ifIndex {dev.if_index(p.name) + 1000})",
           "    Flags: " + ("Up" if p.up else "Down") + " SNMP-Traps 0x4004000 "
           "Encapsulation: ENET2",
           f"    Input packets : {c.in_packets}", f"    Output packets: {c.out_packets}"]
    if p.ipv4 is not None:
        out += [f"    Protocol inet, MTU: {p.mtu if not p.loopback else 'Unlimited'}",
                "      Addresses, Flags: Is-Preferred Is-Primary",
                f"        Destination: {p.ipv4.network}, Local: {p.ipv4.ip}"]
    if p.isis:
        out.append(f"    Protocol iso, MTU: {p.mtu - 3 if not p.loopback else 'Unlimited'}")
    if p.ipv6 is not None:
        out += [f"    Protocol inet6, MTU: {p.mtu if not p.loopback else 'Unlimited'}",
                "      Addresses, Flags: Is-Preferred Is-Primary",
                f"        Destination: {p.ipv6.network}, Local: {p.ipv6.ip}"]
    return out


def _interfaces(dev: Device, cmd: Parsed) -> str:
    name = cmd.arg("<interface>")
    ports = dev.ports.all()
    if name is not None:
        ports = [p for p in ports if p.name == name]
        if not ports:
            return f"error: device {name} not found\n"
    if cmd.has("terse"):
        return _terse(dev, ports)
    extensive = cmd.has("extensive")
    out: list[str] = []
    for p in ports:
        out += _physical(dev, p, extensive) + _logical(dev, p) + [""]
    return "\n".join(out)


def _optics(dev: Device, cmd: Parsed) -> str:
    name = cmd.arg("<interface>") or ""
    p = dev.ports.get(name)
    if p is None:
        return f"error: device {name} not found\n"
    if p.optic is None:
        return ""
    hw = dev.hardware(p.name)
    o = p.optic

    def power(dbm: float) -> str:
        return f"{milliwatts(dbm):.4f} mW / {dev.dbm_text(dbm)} dBm"

    def flag(on: bool) -> str:
        return "On" if on else "Off"

    f = 32 + hw.temperature_c * 9 / 5
    rows = [("Laser bias current", f"{hw.bias_ma:.3f} mA"),
            ("Laser output power", power(o.tx_dbm)),
            ("Module temperature", f"{hw.temperature_c:.0f} degrees C / {f:.0f} degrees F"),
            ("Module voltage", f"{hw.voltage_v:.4f} V"),
            ("Receiver signal average optical power", power(o.rx_dbm)),
            ("Laser rx power low alarm", flag(o.rx_dbm <= RX_LOW_ALARM_DBM)),
            ("Laser rx power low warning", flag(o.rx_dbm <= RX_LOW_WARNING_DBM)),
            ("Laser rx power low alarm threshold", power(RX_LOW_ALARM_DBM)),
            ("Laser rx power low warning threshold", power(RX_LOW_WARNING_DBM))]
    return "\n".join([f"Physical interface: {p.name}"]
                     + [f"    {k:<42}:  {v}" for k, v in rows]) + "\n"


# -- routes -----------------------------------------------------------------------------------
_PROTO = {RoutingProtocol.CONNECTED: "Direct", RoutingProtocol.LOCAL: "Local",
          RoutingProtocol.STATIC: "Static", RoutingProtocol.ISIS_L1: "IS-IS",
          RoutingProtocol.ISIS_L2: "IS-IS", RoutingProtocol.BGP: "BGP",
          RoutingProtocol.IBGP: "BGP"}


def _table_header(dev: Device, version: int) -> str:
    n = sum(1 for r in dev.paths.routes() if r.network.version == version)
    table = "inet.0" if version == 4 else "inet6.0"
    return (f"\n{table}: {n} destinations, {n} routes ({n} active, 0 holddown, 0 hidden)\n"
            "+ = Active Route, - = Last Active, * = Both\n")


def _route_lines(dev: Device, r: Route) -> list[str]:
    age = junos_duration(dev.ago(r.since_minute))
    head = f"{r.network!s:<19}*[{_PROTO[r.protocol]}/{r.admin_distance}] {age}"
    out = []
    if r.protocol in (RoutingProtocol.BGP, RoutingProtocol.IBGP) and r.best is not None:
        b = r.best
        path = " ".join([*(str(a) for a in b.as_path.asns), "I"])
        out.append(f"{head}, localpref {b.local_pref}, from {b.received_from_ip}")
        out.append(f"{'':22}AS path: {path}, validation-state: unverified")
    elif r.protocol in (RoutingProtocol.ISIS_L1, RoutingProtocol.ISIS_L2):
        out.append(f"{head}, metric {r.metric}")
    else:
        out.append(head)
    hops = r.resolved or r.next_hops
    for k, h in enumerate(hops):
        mark = ">" if k == 0 else " "
        if h.discard:
            out.append(f"{'':20}   Discard")
        elif r.protocol is RoutingProtocol.LOCAL:
            out.append(f"{'':20}   Local via {h.interface}.0")
        elif h.ip is None:
            out.append(f"{'':20}{mark}  via {h.interface}.0")
        else:
            out.append(f"{'':20}{mark}  to {h.ip} via {h.interface}.0")
    return out


def _route(dev: Device, cmd: Parsed) -> str:
    dest = cmd.arg("<destination>")
    target = parse_target(dest) if dest else None
    routes = dev.paths.routes(target)
    if not routes:
        return ""
    out: list[str] = []
    for version in (4, 6):
        mine = [r for r in routes if r.network.version == version]
        if mine:
            out.append(_table_header(dev, version))
            for r in mine:
                out += _route_lines(dev, r)
    return "\n".join(out) + "\n"


def _route_receive(dev: Device, cmd: Parsed) -> str:
    peer = ip_address(cmd.arg("<peer>") or "")
    if dev.protocols.peer(peer) is None:
        return ""
    rows = dev.paths.received_from(peer)
    out = [_table_header(dev, peer.version).split("\n")[1],
           f"  {'Prefix':<24}{'Nexthop':<21}{'MED':<8}{'Lclpref':<11}AS path"]
    for r in rows:
        path = " ".join([*(str(a) for a in r.as_path.asns), "I"])
        lp = str(r.local_pref) if r.protocol is RoutingProtocol.IBGP else ""
        star = "*" if r.status.value == "BEST" else " "
        out.append(f"{star} {r.network!s:<24}{r.next_hop_ip!s:<21}{'':<8}{lp:<11}{path}")
    return "\n".join(out) + "\n"


# -- BGP --------------------------------------------------------------------------------------
def _state(p: BgpPeer) -> str:
    return "Establ" if p.established else p.state.value


def _bgp_summary(dev: Device) -> str:
    peers = dev.protocols.peers()
    if dev.ctx.cfg.bgp is None:
        return "BGP is not running\n"
    groups = len({(p.ibgp, p.address.version) for p in peers})
    down = sum(1 for p in peers if not p.established)
    out = ["Threading mode: BGP I/O", f"Groups: {groups} Peers: {len(peers)} "
           f"Down peers: {down}",
           "Table          Tot Paths  Act Paths Suppressed    History Damp State    Pending"]
    paths = dev.paths.bgp_paths()
    for version, table in ((4, "inet.0"), (6, "inet6.0")):
        mine = [r for r in paths if r.network.version == version]
        active = len({r.network for r in mine if r.status.value == "BEST"})
        out += [table, f"{len(mine):>24}{active:>11}{0:>11}{0:>11}{0:>11}{0:>11}"]
    out.append("Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn "
               "State|#Active/Received/Accepted/Damped...")
    first: dict[object, object] = {}
    for r in paths:
        if r.status.value == "BEST":
            first.setdefault(r.network, r.received_from_ip)
    for p in peers:
        age = junos_duration(dev.ago(p.since_minute))
        out.append(f"{p.address!s:<20}{p.remote_as:>9}{p.messages_in:>11}{p.messages_out:>11}"
                   f"{0:>8}{p.flaps:>8} {age:>11} {_state(p)}")
        if p.established:
            table = "inet.0" if p.address.version == 4 else "inet6.0"
            act = sum(1 for ip in first.values() if ip == p.address)
            out.append(f"  {table}: {act}/{p.received}/{p.accepted}/0")
    return "\n".join(out) + "\n"


_JERR = {2: "Open Message Error", 4: "Hold Timer Expired Error", 6: "Cease"}


def _bgp_neighbor(dev: Device, cmd: Parsed) -> str:
    addr = cmd.arg("<address>")
    peers = dev.protocols.peers()
    if addr is not None:
        peers = [p for p in peers if p.address == ip_address(addr)]
        if not peers:
            return ""
    out: list[str] = []
    for p in peers:
        port = "+179" if p.established else ""
        lport = f"+{49152 + (int(p.address) % 16000)}" if p.established else ""
        err = _JERR.get(p.last_error.code, "None") if p.last_error else "None"
        out += [f"Peer: {p.address}{port} AS {p.remote_as} Local: {p.local_ip or '-'}{lport} "
                f"AS {p.local_as}"]
        if p.description:
            out.append(f"  Description: {p.description}")
        last_state = "OpenConfirm" if p.established else (
            "Established" if p.flaps else "Idle")
        event = "RecvKeepAlive" if p.established else (
            "RecvNotify" if p.last_error and not p.last_error.sent else "Start")
        flags = "<Sync>" if p.established else "<>"
        out += [f"  Type: {'Internal' if p.ibgp else 'External'}    State: {p.state.value}    "
                f"Flags: {flags}",
                f"  Last State: {last_state}   Last Event: {event}",
                f"  Last Error: {err}",
                "  Options: <Preference LocalAddress PeerAS Refresh>",
                f"  Holdtime: {p.hold_s} Preference: 170",
                f"  Number of flaps: {p.flaps}"]
        if p.last_error is not None:
            verb = "Sent" if p.last_error.sent else "Recv"
            out.append(f"  Last flap event: {verb}Notify")
            out.append(f"  Error: '{_JERR.get(p.last_error.code, 'Cease')}' "
                       f"{'Sent: 1 Recv: 0' if p.last_error.sent else 'Sent: 0 Recv: 1'}")
        if p.established:
            out += [f"  Peer ID: {p.remote_router_id!s:<17}Local ID: "
                    f"{dev.ctx.cfg.bgp.router_id if dev.ctx.cfg.bgp else '-'!s:<17}"
                    f"Active Holdtime: {p.hold_s}",
                    f"  Keepalive Interval: {p.keepalive_s}         Peer index: 0",
                    f"  Table {'inet.0' if p.address.version == 4 else 'inet6.0'} Bit: 10000",
                    "    RIB State: BGP restart is complete",
                    "    Send state: in sync",
                    f"    Active prefixes:          {p.accepted:>6}",
                    f"    Received prefixes:        {p.received:>6}",
                    f"    Accepted prefixes:        {p.accepted:>6}",
                    "    Suppressed due to damping:     0",
                    f"    Advertised prefixes:      {p.advertised:>6}",
                    f"  Input messages:  Total {p.messages_in:<7}Updates {p.updates_in:<8}"
                    "Refreshes 0",
                    f"  Output messages: Total {p.messages_out:<7}Updates {p.updates_out:<8}"
                    "Refreshes 0"]
        if p.entry.max_prefix is not None:
            out.append(f"  Maximum prefixes: {p.entry.max_prefix} (teardown)")
        out.append("")
    return "\n".join(out)


# -- traceroute -------------------------------------------------------------------------------
def _traceroute(dev: Device, cmd: Parsed) -> str:
    dst = ip_address(cmd.arg("<host>") or "")
    t = dev.paths.traceroute(dst)
    six = "6" if dst.version == 6 else ""
    out = [f"traceroute{six} to {dst} ({dst}), 30 hops max, {52 if not six else 80} byte packets"]
    if t.no_route:
        out.append(f"traceroute{six}: sendto: No route to host")
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
        return "error: the routing subsystem is not running\n"
    a = cmd.action
    if a == "isis-adjacency":
        return _isis_adjacency(dev)
    if a == "isis-database":
        return _isis_database(dev)
    if a in ("interfaces", "interfaces-terse"):
        if a == "interfaces-terse":
            return _interfaces(dev, Parsed("interfaces", (*cmd.args, ("keyword", "terse"))))
        return _interfaces(dev, cmd)
    if a == "optics":
        return _optics(dev, cmd)
    if a == "route":
        return _route(dev, cmd)
    if a == "route-receive":
        return _route_receive(dev, cmd)
    if a == "bgp-summary":
        return _bgp_summary(dev)
    if a == "bgp-neighbor":
        return _bgp_neighbor(dev, cmd)
    return _traceroute(dev, cmd)
