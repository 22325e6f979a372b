"""IS-IS adjacencies, the IS-IS database and BGP peers as one router sees them.

* **Adjacencies** are the engine's ``isis_adjacencies`` rows of the snapshot
  asked about now that are ``UP`` or ``INIT`` (a router lists a neighbor it
  hears; one it no longer hears ages out of the table). The hold time left
  counts down from the neighbor's hold time (:data:`~netlab.evidence.timeline.ISIS_HOLD_S`)
  and is refreshed by every hello (a third of it), phase fixed per circuit.
* **The database** holds one LSP per router reachable over ``UP`` adjacencies
  of each level (LSPs of unreachable or dead routers have been purged); its
  sequence number counts 15-minute refreshes since boot plus one per
  adjacency change of that router in the timeline; the PDU length is the size
  of the TLVs the router's config makes it originate.
* **BGP peers** are the engine's ``bgp_session_status`` rows; the state of a
  session that is not established follows its reason the way routers show it
  (an administratively shut neighbor is ``Idle``, a max-prefix teardown is
  ``Idle`` until cleared, an unanswered TCP-MD5 connection stays in
  ``Connect``, everything else keeps retrying in ``Active``); when it went
  down and the last NOTIFICATION come from the timeline; prefix counts from the
  engine's ``bgp_rib`` (received differs from accepted only where the import
  policy changed: the peer still sends what it sent before).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from ipaddress import IPv4Address

import networkx as nx

from netlab.engines.base import (
    AdjacencyState,
    EstablishedStatus,
    IPAddress,
    IsisAdjacencyRow,
    SessionReason,
)
from netlab.evidence.hwaddr import mac_address
from netlab.evidence.show.context import ShowContext, boot_minute
from netlab.evidence.timeline import (
    BGP_HOLD_S,
    ISIS_HOLD_S,
    BgpEvent,
    IsisEvent,
    NotificationEvent,
)
from netlab.model.device import BgpNeighbor, DeviceConfig, IsisLevel

__all__ = [
    "BgpPeer",
    "BgpState",
    "IsisNeighbor",
    "Lsp",
    "Notification",
    "Protocols",
    "notification_text",
]

_LEVELS = {IsisLevel.L1: (1,), IsisLevel.L2: (2,), IsisLevel.L1L2: (1, 2)}
_REFRESH_MIN = 15.0
_LSP_LIFETIME = 1200


class BgpState(StrEnum):
    """RFC 4271 finite-state-machine states."""

    IDLE = "Idle"
    CONNECT = "Connect"
    ACTIVE = "Active"
    OPENSENT = "OpenSent"
    OPENCONFIRM = "OpenConfirm"
    ESTABLISHED = "Established"


_NOTIFICATIONS = {
    (2, 0): "OPEN Message Error", (2, 2): "OPEN Message Error/Bad Peer AS",
    (4, 0): "Hold Timer Expired", (6, 0): "Cease",
    (6, 1): "Cease/Maximum Number of Prefixes Reached",
    (6, 2): "Cease/Administrative Shutdown", (6, 3): "Cease/Peer De-configured",
    (6, 4): "Cease/Administrative Reset", (6, 6): "Cease/Other Configuration Change",
}


def notification_text(code: int, subcode: int) -> str:
    """RFC 4271/4486 names of a NOTIFICATION (``Cease/Administrative Shutdown``)."""
    return _NOTIFICATIONS.get((code, subcode), f"code {code}/subcode {subcode}")


@dataclass(frozen=True, slots=True)
class IsisNeighbor:
    """One adjacency in the router's adjacency table."""

    interface: str
    neighbor: str
    system_id: str
    level: int
    state: AdjacencyState
    hold_s: int
    since_minute: float
    snpa: str
    address: IPAddress | None
    area: str
    flaps: int


@dataclass(frozen=True, slots=True)
class Lsp:
    """One LSP of the router's link-state database."""

    level: int
    router: str
    system_id: str
    own: bool
    sequence: int
    checksum: int
    lifetime: int
    length: int
    overload: bool
    attached: bool


@dataclass(frozen=True, slots=True)
class Notification:
    """The last NOTIFICATION on a session."""

    code: int
    subcode: int
    sent: bool
    minute: float

    @property
    def text(self) -> str:
        return notification_text(self.code, self.subcode)


@dataclass(frozen=True, slots=True)
class BgpPeer:
    """One configured BGP neighbor and its session."""

    address: IPAddress
    remote_as: int
    local_as: int
    local_ip: IPAddress | None
    remote_node: str | None
    remote_router_id: IPv4Address | None
    description: str
    ibgp: bool
    state: BgpState
    idle_reason: str  # "Admin", "PfxCt" or ""
    since_minute: float
    flaps: int
    last_error: Notification | None
    received: int
    accepted: int
    advertised: int
    hold_s: int
    keepalive_s: int
    messages_in: int
    messages_out: int
    updates_in: int
    updates_out: int
    entry: BgpNeighbor

    @property
    def established(self) -> bool:
        return self.state is BgpState.ESTABLISHED


def _area(net: str) -> str:
    return ".".join(net.split(".")[:-4])


def _sysid(net: str) -> str:
    return ".".join(net.split(".")[-4:-1])


def _phase(key: str, modulo: int) -> int:
    return zlib.crc32(key.encode()) % max(1, modulo)


def lsp_length(cfg: DeviceConfig) -> int:
    """Bytes of the LSP a router's config makes it originate (header and TLVs)."""
    assert cfg.isis is not None
    length = 27 + 2 + 1 + len(_area(cfg.isis.net).replace(".", "")) // 2  # header, area
    length += 2 + 2 + 2 + len(cfg.hostname) + 2 + 4  # protocols, hostname, router id
    adj = [i for i in cfg.interfaces if i.isis is not None and not i.loopback
           and not i.isis.passive]
    length += 2 + 11 * len(adj) if adj else 0
    v4 = [i.ipv4 for i in cfg.interfaces if i.isis is not None and i.ipv4 is not None]
    v6 = [i.ipv6 for i in cfg.interfaces if i.isis is not None and i.ipv6 is not None]
    length += (2 + sum(5 + (a.network.prefixlen + 7) // 8 for a in v4)) if v4 else 0
    length += (2 + sum(6 + (a.network.prefixlen + 7) // 8 for a in v6)) if v6 else 0
    return length


class Protocols:
    """IS-IS and BGP state of one router (see the module docstring)."""

    def __init__(self, ctx: ShowContext) -> None:
        self.ctx = ctx

    # -- IS-IS -------------------------------------------------------------------------------
    @cached_property
    def _adjacency_rows(self) -> tuple[IsisAdjacencyRow, ...]:
        return self.ctx.engine.isis_adjacencies(self.ctx.snapshot).rows

    def _base_up(self) -> set[tuple[str, str]]:
        rows = self.ctx.engine.isis_adjacencies(self.ctx.baseline, nodes=[self.ctx.router]).rows
        return {(r.node, r.interface) for r in rows if r.state is AdjacencyState.UP}

    def neighbors(self) -> list[IsisNeighbor]:
        """Adjacencies the router lists now (UP and INIT), by interface."""
        ctx = self.ctx
        if ctx.down or ctx.cfg.isis is None:
            return []
        base_up = self._base_up()
        out = []
        for r in self._adjacency_rows:
            if r.node != ctx.router or r.remote_node is None or r.state is AdjacencyState.DOWN:
                continue
            rcfg = ctx.incident.faulted.configs[r.remote_node]
            if rcfg.isis is None:
                continue
            itf = ctx.interface(r.interface)
            if r.level is not None:
                level = max(_LEVELS[r.level])
            elif itf is not None and itf.isis is not None:
                level = max(_LEVELS[itf.isis.level])
            else:
                level = 2
            hold = int(ISIS_HOLD_S[rcfg.vendor])
            hello = max(1, hold // 3)
            elapsed = int(ctx.now * 60) + _phase(f"{r.remote_node}/{r.remote_interface}", hello)
            events = [e for e in ctx.events(IsisEvent) if isinstance(e, IsisEvent)
                      and e.interface == r.interface]
            ups = [e.second / 60.0 for e in events if e.up]
            if ups:
                since = ups[-1]
            elif (r.node, r.interface) in base_up:
                since = max(ctx.boot, boot_minute(r.remote_node)) + 1.0
            else:
                since = ctx.change_minute
            rip = None
            if r.remote_interface is not None:
                ritf = next((i for i in rcfg.interfaces if i.name == r.remote_interface), None)
                rip = ritf.ipv4.ip if ritf is not None and ritf.ipv4 is not None else None
            out.append(IsisNeighbor(
                r.interface, r.remote_node, _sysid(rcfg.isis.net), level, r.state,
                hold - elapsed % hello, since,
                mac_address(r.remote_node, r.remote_interface or ""), rip,
                _area(rcfg.isis.net), sum(1 for e in events if not e.up)))
        return out

    def database(self) -> dict[int, list[Lsp]]:
        """Level → the LSPs in the router's database (its own included), by LSP id."""
        ctx = self.ctx
        out: dict[int, list[Lsp]] = {}
        if ctx.down or ctx.cfg.isis is None:
            return out
        graphs: dict[int, nx.Graph] = defaultdict(nx.Graph)
        for r in self._adjacency_rows:
            if r.state is AdjacencyState.UP and r.level is not None and r.remote_node:
                for lvl in _LEVELS[r.level]:
                    graphs[lvl].add_edge(r.node, r.remote_node)
        counts: dict[str, int] = defaultdict(int)
        for e in ctx.timeline:
            if isinstance(e, IsisEvent):
                counts[e.router] += 1
        for lvl in _LEVELS[ctx.cfg.isis.level]:
            g = graphs.get(lvl)
            members = nx.node_connected_component(g, ctx.router) if (
                g is not None and ctx.router in g) else {ctx.router}
            lsps = []
            for name in sorted(members):
                cfg = ctx.incident.faulted.configs[name]
                if cfg.isis is None:
                    continue
                boot = boot_minute(name)
                seq = 1 + int((ctx.now - boot) // _REFRESH_MIN) + counts[name]
                phase = _phase(f"lsp/{name}", int(_REFRESH_MIN * 60))
                age = (int(ctx.now * 60) + phase) % int(_REFRESH_MIN * 60)
                lsps.append(Lsp(lvl, name, _sysid(cfg.isis.net), name == ctx.router, seq,
                                zlib.crc32(f"{name}/{lvl}/{seq}".encode()) & 0xFFFF,
                                _LSP_LIFETIME - age, lsp_length(cfg), cfg.isis.overload,
                                False))
            out[lvl] = lsps
        return out

    # -- BGP ---------------------------------------------------------------------------------
    @cached_property
    def _accepted(self) -> dict[IPAddress, int]:
        return self._counts(self.ctx.snapshot, self.ctx.router)

    def _counts(self, snapshot: object, node: str) -> dict[IPAddress, int]:
        from netlab.snapshot.layout import Snapshot

        assert isinstance(snapshot, Snapshot)
        seen: dict[IPAddress, set[object]] = defaultdict(set)
        for row in self.ctx.engine.bgp_rib(snapshot, nodes=[node]).rows:
            if row.received_from_ip is not None:
                seen[row.received_from_ip].add(row.network)
        return {ip: len(nets) for ip, nets in seen.items()}

    def peers(self) -> list[BgpPeer]:
        """Every configured neighbor, in the order the engine lists them."""
        ctx = self.ctx
        if ctx.down or ctx.cfg.bgp is None:
            return []
        rows = ctx.engine.bgp_session_status(ctx.snapshot, nodes=[ctx.router]).rows
        return [self._peer(r.remote_ip, r.remote_node, r.local_ip, r.established_status,
                           r.reason, r.detail) for r in rows]

    def _peer(self, address: IPAddress, remote: str | None, local_ip: IPAddress | None,
              status: EstablishedStatus, reason: SessionReason | None, detail: str) -> BgpPeer:
        ctx = self.ctx
        assert ctx.cfg.bgp is not None
        entry = ctx.cfg.neighbor(address)
        rcfg = ctx.incident.faulted.configs.get(remote or "")
        established = status is EstablishedStatus.ESTABLISHED
        idle = ""
        if established:
            state = BgpState.ESTABLISHED
        elif entry.shutdown or ctx.router in ctx.incident.faulted.failures.nodes_down:
            state, idle = BgpState.IDLE, "Admin"
        elif reason is SessionReason.MAX_PREFIX_EXCEEDED and detail.startswith(ctx.router + " "):
            state, idle = BgpState.IDLE, "PfxCt"
        elif reason is SessionReason.PASSWORD_MISMATCH:
            state = BgpState.CONNECT
        elif reason in (SessionReason.INTERFACE_DOWN, SessionReason.NO_LAYER1_PATH,
                        SessionReason.EBGP_NOT_DIRECTLY_CONNECTED):
            state = BgpState.IDLE
        else:
            state = BgpState.ACTIVE
        downs = [e for e in ctx.events(BgpEvent) if isinstance(e, BgpEvent)
                 and e.neighbor == address]
        notes = [e for e in ctx.events(NotificationEvent)
                 if isinstance(e, NotificationEvent) and e.neighbor == address]
        if downs:
            since = downs[-1].second / 60.0
        else:
            since = max(ctx.boot, boot_minute(remote) if remote else ctx.boot) + 2.0
        last = notes[-1] if notes else None
        vendor_hold = BGP_HOLD_S[ctx.vendor]
        if rcfg is not None:
            vendor_hold = min(vendor_hold, BGP_HOLD_S[rcfg.vendor])
        hold = int(vendor_hold)
        accepted = self._accepted.get(address, 0) if established else 0
        received = accepted
        base_entry = next((n for n in (ctx.base_cfg.bgp.neighbors if ctx.base_cfg.bgp else ())
                           if n.address == address), None)
        if established and base_entry is not None and (
                base_entry.import_policy != entry.import_policy):
            received = self._counts(ctx.baseline, ctx.router).get(address, accepted)
        advertised = 0
        if established and remote is not None and local_ip is not None:
            advertised = self._counts(ctx.snapshot, remote).get(local_ip, 0)
        up_s = ctx.seconds(since) if established else 0.0
        keepalive = max(1, hold // 3)
        kas = int(up_s // keepalive)
        return BgpPeer(
            address=address, remote_as=entry.remote_as, local_as=ctx.cfg.bgp.asn,
            local_ip=local_ip, remote_node=remote,
            remote_router_id=rcfg.bgp.router_id if rcfg is not None and rcfg.bgp else None,
            description=entry.description, ibgp=entry.remote_as == ctx.cfg.bgp.asn,
            state=state, idle_reason=idle, since_minute=since,
            flaps=sum(1 for e in downs if not e.up),
            last_error=Notification(last.code, last.subcode, last.sent, last.second / 60.0)
            if last is not None else None,
            received=received, accepted=accepted, advertised=advertised, hold_s=hold,
            keepalive_s=keepalive, messages_in=kas + received + 2 if established else 0,
            messages_out=kas + advertised + 2 if established else 0,
            updates_in=received + 1 if established else 0,
            updates_out=advertised + 1 if established else 0, entry=entry)

    def peer(self, address: IPAddress) -> BgpPeer | None:
        return next((p for p in self.peers() if p.address == address), None)
