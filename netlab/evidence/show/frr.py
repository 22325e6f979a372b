"""FRR (vtysh) show commands: the columns and wording of FRR 8.x.

Commands (any unambiguous abbreviation): ``show isis neighbor``, ``show isis
database``, ``show interface [<if>]``, ``show ip[v6] route [<prefix>]``,
``show bgp [ipv4|ipv6 unicast] summary``, ``show bgp neighbors
[<address>]``, ``show bgp ipv4|ipv6 unicast <prefix>``, ``traceroute
<address>``. An unknown word is ``% Unknown command: <line>``; FRR runs on
Linux, which reads no optics through vtysh.
"""

from __future__ import annotations

from ipaddress import ip_address

from netlab.engines.base import RoutingProtocol
from netlab.evidence.show.common import Device
from netlab.evidence.show.grammar import Arg, Failure, FailureKind, Parsed, Word
from netlab.evidence.show.paths import Route, parse_target
from netlab.evidence.show.ports import PortFacts
from netlab.evidence.show.protocols import BgpPeer
from netlab.evidence.show.text import frr_duration

__all__ = ["TREE", "error", "prompt", "render"]

_AF = (Word("unicast", "Address Family modifier", (
    Word("summary", "Summary of BGP neighbor status", action="bgp-summary"),
    Word("<prefix>", "Network in the BGP routing table to display", action="bgp-prefix",
         arg=Arg.PREFIX),
)),)
TREE: tuple[Word, ...] = (
    Word("show", "Show running system information", (
        Word("isis", "IS-IS information", (
            Word("neighbor", "IS-IS neighbor adjacencies", action="isis-neighbors"),
            Word("database", "Link state database", action="isis-database"),
        )),
        Word("interface", "Interface status and configuration", (
            Word("<interface>", "Interface name", action="interface", arg=Arg.INTERFACE),),
            action="interface"),
        Word("ip", "IP information", (Word("route", "IP routing table", (
            Word("<prefix>", "Network in the IP routing table to display", action="route",
                 arg=Arg.PREFIX),), action="route"),)),
        Word("ipv6", "IPv6 information", (Word("route", "IPv6 routing table", (
            Word("<prefix>", "IPv6 prefix", action="route6", arg=Arg.PREFIX),),
            action="route6"),)),
        Word("bgp", "BGP information", (
            Word("summary", "Summary of BGP neighbor status", action="bgp-summary"),
            Word("ipv4", "Address Family", _AF),
            Word("ipv6", "Address Family", _AF),
            Word("neighbors", "Detailed information on TCP and BGP neighbor connections", (
                Word("<address>", "Neighbor to display information about",
                     action="bgp-neighbor", arg=Arg.ADDRESS),), action="bgp-neighbor"),
        )),
    )),
    Word("traceroute", "Trace route to destination", (
        Word("<address>", "Destination address", action="traceroute", arg=Arg.ADDRESS),)),
)


def prompt(router: str) -> str:
    return f"{router}# "


def error(failure: Failure, router: str) -> str:
    if failure.kind is FailureKind.HELP:
        return "\n".join(f"  {w:<12}{h}" for w, h in failure.options) + "\n"
    if failure.kind is FailureKind.AMBIGUOUS:
        return f"% Ambiguous command: {failure.line.strip()}\n"
    if failure.kind is FailureKind.INCOMPLETE:
        return f"% Command incomplete: {failure.line.strip()}\n"
    return f"% Unknown command: {failure.line.strip()}\n"


def _isis_neighbors(dev: Device) -> str:
    out = ["Area core:", " System Id           Interface   L  State         Holdtime SNPA"]
    for n in dev.protocols.neighbors():
        state = "Up" if n.state.value == "UP" else "Initializing"
        out.append(f" {n.neighbor:<20}{n.interface:<12}{n.level:<3}{state:<13} "
                   f"{n.hold_s:<9}2020.2020.2020")
    return "\n".join(out) + "\n"


def _isis_database(dev: Device) -> str:
    out = ["Area core:"]
    for level, lsps in sorted(dev.protocols.database().items()):
        out += [f"IS-IS Level-{level} link-state database:",
                "LSP ID                  PduLen  SeqNumber   Chksum  Holdtime  ATT/P/OL"]
        for lsp in lsps:
            out.append(f"{lsp.router + '.00-00':<21}{'*' if lsp.own else ' '}  "
                       f"{lsp.length:>5}   0x{lsp.sequence:08x}  0x{lsp.checksum:04x}  "
                       f" {lsp.lifetime:>5}    0/0/{int(lsp.overload)}")
        out += [f"    {len(lsps)} LSPs", ""]
    return "\n".join(out) + "\n"


def _interface_lines(dev: Device, p: PortFacts) -> list[str]:
    c = p.counters
    state = "up" if p.up else "down"
    last = dev.when(p.last_change_minute).strftime("%Y/%m/%d %H:%M:%S.00")
    downs = p.transitions // 2
    out = [f"Interface {p.name} is {state}, line protocol is {state}",
           f"  Link ups:   {p.transitions - downs:>5}    last: {last}",
           f"  Link downs: {downs:>5}    last: {last if downs else '(never)'}",
           "  vrf: default"]
    if p.description:
        out.append(f"  Description: {p.description}")
    speed = int((p.speed_gbps or 0) * 1000)
    flags = "<UP,LOWER_UP,RUNNING>" if p.loopback else (
        "<UP,BROADCAST,RUNNING,MULTICAST>" if p.up else "<BROADCAST,MULTICAST>")
    out += [f"  index {dev.if_index(p.name) - 490} metric 0 mtu {p.mtu} speed {speed}",
            f"  flags: {flags}"]
    if not p.loopback:
        out += ["  Type: Ethernet", f"  HWaddr: {p.mac}"]
    if p.ipv4 is not None:
        out.append(f"  inet {p.ipv4}")
    if p.ipv6 is not None:
        out.append(f"  inet6 {p.ipv6}")
    out += ["  Interface Type Other", "  Interface Slave Type None", "  protodown: off ",
            f"    input packets {c.in_packets}, bytes {c.in_bytes}, dropped 0, multicast "
            "packets 0",
            f"    input errors {c.crc_errors}, length 0, overrun 0, CRC {c.crc_errors}, frame 0,"
            " fifo 0, missed 0",
            f"    output packets {c.out_packets}, bytes {c.out_bytes}, dropped {c.out_drops}",
            "    output errors 0, aborted 0, carrier 0, fifo 0, heartbeat 0, window 0",
            "    collisions 0", ""]
    return out


def _interface(dev: Device, cmd: Parsed) -> str:
    name = cmd.arg("<interface>")
    ports = dev.ports.all()
    if name is not None:
        ports = [p for p in ports if p.name == name]
        if not ports:
            return f"% Can't find interface {name}\n"
    out: list[str] = []
    for p in ports:
        out += _interface_lines(dev, p)
    return "\n".join(out)


_PROTO = {RoutingProtocol.CONNECTED: ("connected", "C"), RoutingProtocol.LOCAL: ("local", "L"),
          RoutingProtocol.STATIC: ("static", "S"), RoutingProtocol.ISIS_L1: ("isis", "I"),
          RoutingProtocol.ISIS_L2: ("isis", "I"), RoutingProtocol.BGP: ("bgp", "B"),
          RoutingProtocol.IBGP: ("bgp", "B")}


def _entry(dev: Device, r: Route) -> list[str]:
    name = _PROTO[r.protocol][0]
    out = [f"Routing entry for {r.network}",
           f'  Known via "{name}", distance {r.admin_distance}, metric {r.metric}, best',
           f"  Last update {frr_duration(dev.ago(r.since_minute))} ago"]
    for h in r.next_hops:
        if h.discard:
            out.append("  * unreachable (blackhole)")
        elif h.interface is None:
            out.append(f"    {h.ip} (recursive)")
            out += [f"  *   {x.ip}, via {x.interface}, weight 1" for x in r.resolved]
        elif h.ip is None:
            out.append(f"  * directly connected, {h.interface}")
        else:
            out.append(f"  * {h.ip}, via {h.interface}, weight 1")
    return [*out, ""]


def _route(dev: Device, cmd: Parsed, version: int) -> str:
    dest = cmd.arg("<prefix>")
    if dest is not None:
        routes = dev.paths.routes(parse_target(dest))
        if not routes:
            return "% Network not in table\n"
        return "\n".join(_entry(dev, routes[0]))
    out = ["Codes: K - kernel route, C - connected, S - static, R - RIP,",
           "       O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,",
           "       T - Table, v - VNC, V - VNC-Direct, A - Babel, F - PBR,",
           "       f - OpenFabric,",
           "       > - selected route, * - FIB route, q - queued, r - rejected, b - backup",
           "       t - trapped, o - offload failure", ""]
    for r in dev.paths.routes():
        if r.network.version != version or r.protocol is RoutingProtocol.LOCAL:
            continue
        code = _PROTO[r.protocol][1]
        age = frr_duration(dev.ago(r.since_minute))
        for k, h in enumerate(r.next_hops):
            lead = f"{code}>* {r.network}" if k == 0 else " " * (len(str(r.network)) + 2) + " *"
            if r.protocol is RoutingProtocol.CONNECTED:
                out.append(f"{lead} is directly connected, {h.interface}, {age}")
            elif h.discard:
                out.append(f"{lead} [{r.admin_distance}/{r.metric}] unreachable (blackhole), "
                           f"{age}")
            elif h.interface is None:
                res = r.resolved[0] if r.resolved else None
                via = f"via {res.ip}, {res.interface}" if res else "inactive"
                out.append(f"{lead} [{r.admin_distance}/{r.metric}] via {h.ip} (recursive), "
                           f"{age}\n  *                          {via}, weight 1, {age}")
            else:
                out.append(f"{lead} [{r.admin_distance}/{r.metric}] via {h.ip}, "
                           f"{h.interface}, weight 1, {age}")
    return "\n".join(out) + "\n"


def _st(p: BgpPeer) -> str:
    if p.established:
        return str(p.accepted)
    return f"Idle ({p.idle_reason})" if p.idle_reason else p.state.value


def _bgp_summary(dev: Device) -> str:
    bgp = dev.ctx.cfg.bgp
    if bgp is None:
        return "% No BGP process is configured\n"
    peers = dev.protocols.peers()
    out: list[str] = []
    for version in (4, 6):
        mine = [p for p in peers if p.address.version == version]
        if not mine:
            continue
        nets = {r.network for r in dev.paths.bgp_paths() if r.network.version == version}
        out += ["", f"IPv{version} Unicast Summary (VRF default):",
                f"BGP router identifier {bgp.router_id}, local AS number {bgp.asn} vrf-id 0",
                "BGP table version 42",
                f"RIB entries {len(nets)}, using {len(nets) * 184} bytes of memory",
                f"Peers {len(mine)}, using {len(mine) * 724} KiB of memory", "",
                "Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down "
                "State/PfxRcd   PfxSnt Desc"]
        for p in mine:
            up = frr_duration(dev.ago(p.since_minute)) if p.established else "never"
            snt = str(p.advertised) if p.established else "N/A"
            out.append(f"{p.address!s:<16}4 {p.remote_as:>10} {p.messages_in:>9} "
                       f"{p.messages_out:>9} {0:>8} {0:>4} {0:>4} {up:>8} {_st(p):>12} "
                       f"{snt:>8} {p.description or 'N/A'}")
        out += ["", f"Total number of neighbors {len(mine)}"]
    return "\n".join(out) + "\n"


def _bgp_neighbor(dev: Device, cmd: Parsed) -> str:
    addr = cmd.arg("<address>")
    peers = dev.protocols.peers()
    if addr is not None:
        peers = [p for p in peers if p.address == ip_address(addr)]
        if not peers:
            return "% No such neighbor in VRF default\n"
    out: list[str] = []
    for p in peers:
        kind = "internal link" if p.ibgp else "external link"
        rid = p.remote_router_id if p.established else "0.0.0.0"
        since = frr_duration(dev.ago(p.since_minute))
        state = f"Established, up for {since}" if p.established else (
            f"Idle ({p.idle_reason})" if p.idle_reason else p.state.value)
        out += [f"BGP neighbor is {p.address}, remote AS {p.remote_as}, local AS "
                f"{p.local_as}, {kind}"]
        if p.description:
            out.append(f" Description: {p.description}")
        out += [f"  BGP version 4, remote router ID {rid}, local router ID "
                f"{dev.ctx.cfg.bgp.router_id if dev.ctx.cfg.bgp else '0.0.0.0'}",
                f"  BGP state = {state}",
                f"  Hold time is {p.hold_s} seconds, keepalive interval is {p.keepalive_s} "
                "seconds",
                "  Message statistics:", f"{'':25}Sent       Rcvd",
                f"    Notifications:  {int(bool(p.last_error and p.last_error.sent)):>10}"
                f" {int(bool(p.last_error and not p.last_error.sent)):>10}",
                f"    Updates:        {p.updates_out:>10} {p.updates_in:>10}",
                f"    Total:          {p.messages_out:>10} {p.messages_in:>10}", "",
                f" For address family: IPv{p.address.version} Unicast"]
        if p.entry.route_reflector_client:
            out.append("  Route-Reflector Client")
        out.append(f"  {p.accepted} accepted prefixes")
        if p.entry.max_prefix is not None:
            out.append(f"  Maximum prefixes allowed {p.entry.max_prefix}")
        out += ["", f"  Connections established {1 + p.flaps if p.established else p.flaps}; "
                f"dropped {p.flaps}"]
        if p.last_error is not None:
            verb = "sent" if p.last_error.sent else "received"
            out.append(f"  Last reset {frr_duration(dev.ago(p.last_error.minute))},  "
                       f"Notification {verb} ({p.last_error.text})")
        else:
            out.append("  Last reset never")
        if p.established:
            out += [f"Local host: {p.local_ip}, Local port: 179",
                    f"Foreign host: {p.address}, Foreign port: {49152 + int(p.address) % 16000}"]
        out.append("")
    return "\n".join(out)


def _bgp_prefix(dev: Device, cmd: Parsed) -> str:
    rows = dev.paths.bgp_paths(parse_target(cmd.arg("<prefix>") or ""))
    if not rows:
        return "% Network not in table\n"
    out = [f"BGP routing table entry for {rows[0].network}, version 42",
           f"Paths: ({len(rows)} available, best #1, table default)"]
    for k, r in enumerate(rows):
        path = " ".join(str(a) for a in r.as_path.asns) or "Local"
        igp = dev.paths.igp_metric(r.next_hop_ip) if r.next_hop_ip else None
        m = f" (metric {igp})" if igp is not None else ""
        kind = "internal" if r.protocol is RoutingProtocol.IBGP else "external"
        flags = ", multipath, best (Older Path)" if k == 0 else (
            ", multipath" if r.status.value == "BEST" else "")
        out += [f"  {path}", f"    {r.next_hop_ip or '0.0.0.0'}{m} from "
                f"{r.received_from_ip or '0.0.0.0'} ({r.originator_id or r.received_from_ip})",
                f"      Origin {_origin(r.origin_type.value)}, "
                f"metric {r.metric}, localpref {r.local_pref}, valid, {kind}{flags}"]
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


def _origin(value: str) -> str:
    return value.upper() if value == "igp" else value


def render(dev: Device, cmd: Parsed) -> str:
    """The output of a parsed command on this router."""
    if dev.ctx.down:
        return "Exiting: failed to connect to any daemons.\n"
    handlers = {
        "isis-neighbors": lambda: _isis_neighbors(dev),
        "isis-database": lambda: _isis_database(dev),
        "interface": lambda: _interface(dev, cmd),
        "route": lambda: _route(dev, cmd, 4),
        "route6": lambda: _route(dev, cmd, 6),
        "bgp-summary": lambda: _bgp_summary(dev),
        "bgp-neighbor": lambda: _bgp_neighbor(dev, cmd),
        "bgp-prefix": lambda: _bgp_prefix(dev, cmd),
        "traceroute": lambda: _traceroute(dev, cmd),
    }
    return handlers[cmd.action]()
