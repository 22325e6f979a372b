"""BGP sessions: which configured peerings match (compatibility) and which come up.

**Compatibility** (Batfish's ``Configured_Status``) is static: the local IP is
the update-source address, or the address of the interface whose subnet holds
the neighbor (else ``LOCAL_IP_UNKNOWN_STATICALLY`` for iBGP, ``NO_LOCAL_IP``
for eBGP); the neighbor address must belong to a configured router
(``UNKNOWN_REMOTE``), which must have an entry pointing back at one of our
addresses with matching AS numbers and, if it names its own local IP, at our
neighbor address (``HALF_OPEN`` / ``UNIQUE_MATCH`` / ``MULTIPLE_REMOTES``).

**Establishment** follows real routers (FRR as the reference). A TCP
connection opened by one end from its source address (update-source, else the
address of the interface the IGP route leaves by) is accepted by the other end
when it has a neighbor entry for that source; either end may open it, so an
update-source missing on one side only still comes up. Both ends must agree on
AS numbers and TCP-MD5 password, neither may be shut down or dead, an eBGP peer
must be directly connected over an up link (no multihop in the model), and the
endpoints must reach each other both ways over the IGP FIB (connected, static,
IS-IS). A session torn down by max-prefix (decided after the RIB, see
:mod:`bgp_rib`) stays down, as a real router leaves it idle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from netlab.engines.base import (
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    ConfiguredStatus,
    EstablishedStatus,
    IPAddress,
    SessionReason,
    SessionType,
)
from netlab.engines.embedded.fib import Fib
from netlab.engines.embedded.forwarding_step import step
from netlab.engines.embedded.inventory import Inventory, ipkey
from netlab.model.device import BgpNeighbor, DeviceConfig

__all__ = ["Peering", "Session", "SessionTable", "evaluate_sessions"]

_FAMILY = {4: "IPV4_UNICAST", 6: "IPV6_UNICAST"}
_MATCHED = (ConfiguredStatus.UNIQUE_MATCH, ConfiguredStatus.LOCAL_IP_UNKNOWN_STATICALLY)


@dataclass(frozen=True, slots=True)
class Session:
    """An established session between two neighbor entries (one per pair)."""

    a: str
    entry_a: BgpNeighbor
    ip_a: IPAddress  # a's address on the session (what b has as neighbor)
    b: str
    entry_b: BgpNeighbor
    ip_b: IPAddress
    ibgp: bool

    def side(self, node: str) -> tuple[BgpNeighbor, IPAddress, str, BgpNeighbor, IPAddress]:
        """(own entry, own address, peer, peer's entry, peer address) seen from ``node``."""
        if node == self.a:
            return self.entry_a, self.ip_a, self.b, self.entry_b, self.ip_b
        return self.entry_b, self.ip_b, self.a, self.entry_a, self.ip_a


@dataclass(frozen=True, slots=True)
class Peering:
    """One configured neighbor entry and what became of it."""

    node: str
    entry: BgpNeighbor
    local_as: int
    session_type: SessionType
    local_ip: IPAddress | None  # static (compatibility) view
    remote_node: str | None
    configured: ConfiguredStatus
    status: EstablishedStatus
    reason: SessionReason | None
    detail: str
    session: Session | None

    def compatibility_row(self) -> BgpSessionCompatibilityRow:
        reason = None if self.configured in _MATCHED else self.reason
        return BgpSessionCompatibilityRow(
            self.node, "default", self.local_as, None, self.local_ip, self.entry.remote_as,
            self.remote_node, None, self.entry.address, (_FAMILY[self.entry.address.version],),
            self.session_type, self.configured, reason, self.detail if reason else "")

    def status_row(self) -> BgpSessionStatusRow:
        local_ip = self.local_ip
        if self.session is not None:
            local_ip = self.session.side(self.node)[1]
        return BgpSessionStatusRow(
            self.node, "default", self.local_as, None, local_ip, self.entry.remote_as,
            self.remote_node, None, self.entry.address, (_FAMILY[self.entry.address.version],),
            self.session_type, self.status, self.reason, self.detail)


@dataclass(frozen=True)
class SessionTable:
    """Every peering and the established sessions."""

    peerings: tuple[Peering, ...]
    sessions: tuple[Session, ...]


def _static_local_ip(inv: Inventory, node: str, cfg: DeviceConfig, nb: BgpNeighbor
                     ) -> tuple[IPAddress | None, ConfiguredStatus | None]:
    """The local IP known from config, or the status that says why there is none."""
    return inv.cached(("local-ip", node, id(nb)), lambda: _local_ip(inv, node, cfg, nb))


def _local_ip(inv: Inventory, node: str, cfg: DeviceConfig, nb: BgpNeighbor
              ) -> tuple[IPAddress | None, ConfiguredStatus | None]:
    v = nb.address.version
    if nb.update_source is not None:
        ip = inv.interface_address((node, nb.update_source), v)
        if ip is None:
            return None, ConfiguredStatus.INVALID_LOCAL_IP
        return ip, None
    itf = inv.configured_subnet(node, nb.address)
    if itf is not None:
        addr = itf.ipv4 if v == 4 else itf.ipv6
        if addr is not None:
            return addr.ip, None
    assert cfg.bgp is not None
    if nb.remote_as == cfg.bgp.asn:
        return None, ConfiguredStatus.LOCAL_IP_UNKNOWN_STATICALLY
    return None, ConfiguredStatus.NO_LOCAL_IP


def _back_entries(inv: Inventory) -> dict[tuple[str, str], list[BgpNeighbor]]:
    """(remote, node) → remote's entries whose address belongs to node (config only: built
    once per snapshot)."""

    def build() -> dict[tuple[str, str], list[BgpNeighbor]]:
        back: dict[tuple[str, str], list[BgpNeighbor]] = defaultdict(list)
        for name in inv.names:
            cfg = inv.configs[name]
            if cfg.bgp is None:
                continue
            for rnb in cfg.bgp.neighbors:
                owner = inv.owner(rnb.address)
                if owner is not None:
                    back[(name, owner[0])].append(rnb)
        return dict(back)

    return inv.cached(("back-entries",), build)


class _Evaluator:
    def __init__(self, inv: Inventory, igp: Fib, tripped: frozenset[tuple[str, IPAddress]]
                 ) -> None:
        self.inv = inv
        self.igp = igp
        self.tripped = tripped
        self._reach: dict[tuple[int, int], bool] = {}
        self._pairs: dict[tuple[tuple[str, int], tuple[str, int]],
                          Session | tuple[SessionReason, str]] = {}
        # (remote, node) → remote's entries whose address belongs to node
        self.back = _back_entries(inv)

    # -- TCP over the IGP FIB ----------------------------------------------------------------
    def reaches(self, node: str, dst: IPAddress) -> bool:
        """Whether some ECMP branch from ``node`` delivers to ``dst`` over the IGP FIB.

        Where no static route covers ``dst`` anywhere, forwarding follows connected
        and IS-IS routes, which are consistent hop by hop: having a route is reaching.
        """
        start = self.inv.index[node]
        k = ipkey(dst)
        if self.igp.cost_plan(dst, k)[1]:  # no static route covers dst anywhere
            return self.igp.cost(start, dst) < float("inf")
        key = (start, k)
        if key not in self._reach:
            self._reach[key] = self._walk(start, dst, frozenset())
        return self._reach[key]

    def _walk(self, node: int, dst: IPAddress, seen: frozenset[int]) -> bool:
        if node in seen or len(seen) > 64:
            return False
        for b in step(self.inv, self.igp, node, dst):
            if b.disposition is not None:
                if b.disposition.value == "ACCEPTED":
                    return True
                continue
            assert b.next_node is not None
            key = (b.next_node, ipkey(dst))
            if key in self._reach:
                if self._reach[key]:
                    return True
                continue
            if self._walk(b.next_node, dst, seen | {node}):
                return True
        return False

    def source_ip(self, node: str, nb: BgpNeighbor) -> IPAddress | None:
        """The source address ``node`` opens the connection from (None = no route)."""
        v = nb.address.version
        if nb.update_source is not None:
            return self.inv.interface_address((node, nb.update_source), v)
        conn = self.inv.connected_to(node, nb.address)
        if conn is not None:
            return conn.address
        entry = self.igp.lookup(self.inv.index[node], nb.address)
        if entry is None or not entry.forwards:
            return None
        return self.inv.interface_address((node, entry.forwards[0].interface), v)

    # -- one entry ---------------------------------------------------------------------------
    def peering(self, node: str, cfg: DeviceConfig, nb: BgpNeighbor) -> Peering:
        assert cfg.bgp is not None
        inv = self.inv
        asn = cfg.bgp.asn
        ibgp = nb.remote_as == asn
        stype = SessionType.IBGP if ibgp else SessionType.EBGP_SINGLEHOP
        local_ip, problem = _static_local_ip(inv, node, cfg, nb)
        owner = inv.owner(nb.address)
        remote = owner[0] if owner is not None else None

        def make(status: EstablishedStatus, configured: ConfiguredStatus,
                 reason: SessionReason | None, detail: str = "",
                 session: Session | None = None) -> Peering:
            return Peering(node, nb, asn, stype, local_ip, remote, configured, status, reason,
                           detail, session)

        nc = EstablishedStatus.NOT_COMPATIBLE
        if problem is ConfiguredStatus.INVALID_LOCAL_IP:
            return make(nc, problem, SessionReason.INVALID_LOCAL_IP,
                        f"update-source {nb.update_source} has no IPv{nb.address.version} "
                        "address")
        if problem is ConfiguredStatus.NO_LOCAL_IP:
            return make(nc, problem, SessionReason.EBGP_NOT_DIRECTLY_CONNECTED,
                        f"{nb.address} is on no connected subnet of {node}")
        if remote is None:
            return make(nc, ConfiguredStatus.UNKNOWN_REMOTE, SessionReason.UNKNOWN_REMOTE,
                        f"no router has address {nb.address}")
        rcfg = inv.configs[remote]
        partners = self._partners(node, cfg, nb, remote, rcfg, local_ip)
        configured = problem or {0: ConfiguredStatus.HALF_OPEN,
                                 1: ConfiguredStatus.UNIQUE_MATCH}.get(
            len(partners), ConfiguredStatus.MULTIPLE_REMOTES)
        if not partners:
            reason, detail = self._why_half_open(node, cfg, nb, remote, rcfg)
            return make(nc, ConfiguredStatus.HALF_OPEN, reason, detail)
        if len(partners) > 1 and problem is None:
            return make(nc, configured, SessionReason.MULTIPLE_REMOTES,
                        f"{remote} has {len(partners)} entries matching {node}")
        ne = EstablishedStatus.NOT_ESTABLISHED
        for down in (node, remote):
            if down in inv.dead:
                why = SessionReason.NODE_DOWN if down == node else SessionReason.PEER_DOWN
                return make(ne, configured, why, f"{down} is down")
        best: Peering | None = None
        for rnb in partners:
            one, two = (node, id(nb)), (remote, id(rnb))
            pair = (one, two) if one < two else (two, one)
            got = self._pairs.get(pair)
            if got is None:
                got = self._pairs[pair] = self._establish(node, cfg, nb, remote, rcfg, rnb, ibgp)
            if isinstance(got, Session):
                return make(EstablishedStatus.ESTABLISHED, configured, None, "", got)
            if best is None:
                best = make(ne, configured, got[0], got[1])
        assert best is not None
        return best

    def _partners(self, node: str, cfg: DeviceConfig, nb: BgpNeighbor, remote: str,
                  rcfg: DeviceConfig, local_ip: IPAddress | None) -> list[BgpNeighbor]:
        assert cfg.bgp is not None
        if rcfg.bgp is None or nb.remote_as != rcfg.bgp.asn:
            return []
        out = []
        for rnb in self.back.get((remote, node), ()):
            if rnb.address.version != nb.address.version or rnb.remote_as != cfg.bgp.asn:
                continue
            if local_ip is not None and rnb.address != local_ip:
                continue
            rlocal, _ = _static_local_ip(self.inv, remote, rcfg, rnb)
            if rlocal is not None and rlocal != nb.address:
                continue
            out.append(rnb)
        return out

    def _why_half_open(self, node: str, cfg: DeviceConfig, nb: BgpNeighbor, remote: str,
                       rcfg: DeviceConfig) -> tuple[SessionReason, str]:
        assert cfg.bgp is not None
        if rcfg.bgp is None:
            return SessionReason.NOT_CONFIGURED_ON_REMOTE, f"{remote} runs no BGP"
        back = [r for r in self.back.get((remote, node), ())
                if r.address.version == nb.address.version]
        if not back:
            return (SessionReason.NOT_CONFIGURED_ON_REMOTE,
                    f"{remote} has no neighbor entry for any address of {node}")
        if nb.remote_as != rcfg.bgp.asn:
            return (SessionReason.REMOTE_AS_MISMATCH,
                    f"{node} expects AS {nb.remote_as}, {remote} is AS {rcfg.bgp.asn}")
        wrong = [r for r in back if r.remote_as != cfg.bgp.asn]
        if len(wrong) == len(back):
            return (SessionReason.REMOTE_AS_MISMATCH,
                    f"{remote} expects AS {wrong[0].remote_as} for {node}, which is AS "
                    f"{cfg.bgp.asn}")
        return (SessionReason.UPDATE_SOURCE_MISMATCH,
                f"{remote} peers with {', '.join(str(r.address) for r in back)}, not the "
                f"address {node} uses toward {nb.address}")

    def _establish(self, node: str, cfg: DeviceConfig, nb: BgpNeighbor, remote: str,
                   rcfg: DeviceConfig, rnb: BgpNeighbor, ibgp: bool
                   ) -> Session | tuple[SessionReason, str]:
        for who, entry in ((node, nb), (remote, rnb)):
            if entry.shutdown:
                return (SessionReason.NEIGHBOR_SHUTDOWN,
                        f"neighbor {entry.address} is shut down on {who}")
        if (nb.password or None) != (rnb.password or None):
            return (SessionReason.PASSWORD_MISMATCH,
                    f"TCP-MD5 passwords differ on {node} and {remote}")
        for who, entry in ((node, nb), (remote, rnb)) if self.tripped else ():
            if (who, entry.address) in self.tripped:
                return (SessionReason.MAX_PREFIX_EXCEEDED,
                        f"{who} received more than {entry.max_prefix} prefixes from "
                        f"{entry.address}")
        if not ibgp:
            problem = self._single_hop(node, nb) or self._single_hop(remote, rnb)
            if problem is not None:
                return problem
        # Who can open the connection? (source must be the address the other side expects)
        opened: list[tuple[IPAddress, IPAddress]] = []  # (node's address, remote's address)
        src = self.source_ip(node, nb)
        if src is not None and src == rnb.address:
            opened.append((src, nb.address))
        rsrc = self.source_ip(remote, rnb)
        if rsrc is not None and rsrc == nb.address:
            opened.append((rnb.address, rsrc))
        if not opened:
            if src is None and rsrc is None:
                return SessionReason.NO_IGP_ROUTE, "neither end has a route to the other"
            return (SessionReason.UPDATE_SOURCE_MISMATCH,
                    f"{node} sources from {src}, {remote} expects {rnb.address}; {remote} "
                    f"sources from {rsrc}, {node} expects {nb.address}")
        for ip_node, ip_remote in opened:
            if self.reaches(node, ip_remote) and self.reaches(remote, ip_node):
                a_first = node < remote
                if a_first:
                    return Session(node, nb, ip_node, remote, rnb, ip_remote, ibgp)
                return Session(remote, rnb, ip_remote, node, nb, ip_node, ibgp)
        return (SessionReason.NO_IGP_ROUTE,
                f"no IGP path between {opened[0][0]} and {opened[0][1]} in both directions")

    def _single_hop(self, node: str, nb: BgpNeighbor) -> tuple[SessionReason, str] | None:
        inv = self.inv
        itf = inv.configured_subnet(node, nb.address)
        if itf is None:
            return (SessionReason.EBGP_NOT_DIRECTLY_CONNECTED,
                    f"{nb.address} is on no connected subnet of {node} (no ebgp-multihop)")
        port = (node, itf.name)
        if not itf.enabled:
            return SessionReason.INTERFACE_DOWN, f"{node} {itf.name} is administratively down"
        if port not in inv.up_ports:
            return SessionReason.NO_LAYER1_PATH, f"{node} {itf.name} has no live layer-1 link"
        return None


def evaluate_sessions(inv: Inventory, igp: Fib,
                      tripped: frozenset[tuple[str, IPAddress]] = frozenset(),
                      keep: Callable[[str], bool] | None = None) -> SessionTable:
    """Every configured neighbor entry of every router (``keep`` filters nodes)."""
    ev = _Evaluator(inv, igp, tripped)
    peerings: list[Peering] = []
    sessions: dict[tuple[str, str, IPAddress, IPAddress], Session] = {}
    for node in inv.names:
        cfg = inv.configs[node]
        if cfg.bgp is None or (keep is not None and not keep(node)):
            continue
        for nb in cfg.bgp.neighbors:
            p = ev.peering(node, cfg, nb)
            if p.session is not None:
                s = p.session
                key = (s.a, s.b, s.ip_a, s.ip_b)
                s = sessions.setdefault(key, s)
                if s is not p.session:  # the same pair reached through another entry
                    p = Peering(p.node, p.entry, p.local_as, p.session_type, p.local_ip,
                                p.remote_node, p.configured, p.status, p.reason, p.detail, s)
            peerings.append(p)
    return SessionTable(tuple(peerings), tuple(sessions.values()))
