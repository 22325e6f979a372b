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
from typing import NamedTuple

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
INF = float("inf")
_MATCHED = (ConfiguredStatus.UNIQUE_MATCH, ConfiguredStatus.LOCAL_IP_UNKNOWN_STATICALLY)


class Session(NamedTuple):
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


class Peering(NamedTuple):
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


class _Facts(NamedTuple):
    """What the configs alone say about one neighbor entry (computed once per snapshot)."""

    node: str
    cfg: DeviceConfig
    entry: BgpNeighbor
    local_ip: IPAddress | None  # static (compatibility) view
    problem: ConfiguredStatus | None  # why there is no local IP (None = there is one)
    remote: str | None  # the router configured with the neighbor address
    partners: tuple[int, ...]  # numbers of the remote's entries that match this one


def _local_ip(inv: Inventory, node: str, cfg: DeviceConfig, nb: BgpNeighbor
              ) -> tuple[IPAddress | None, ConfiguredStatus | None]:
    """The local IP known from config, or the status that says why there is none."""
    v = nb.address.version
    if nb.update_source is not None:
        ip = inv.interface_address((node, nb.update_source), v)
        if ip is None:
            return None, ConfiguredStatus.INVALID_LOCAL_IP
        return ip, None
    itf = inv.configured_subnet(node, nb.address)
    if itf is not None:
        ip = inv.interface_address((node, itf.name), v)
        if ip is not None:
            return ip, None
    assert cfg.bgp is not None
    if nb.remote_as == cfg.bgp.asn:
        return None, ConfiguredStatus.LOCAL_IP_UNKNOWN_STATICALLY
    return None, ConfiguredStatus.NO_LOCAL_IP


_Back = dict[tuple[str, str], list[int]]


def _entry_facts(inv: Inventory) -> tuple[list[_Facts], _Back]:
    """Every neighbor entry of every router, numbered in router then config order, with its
    :class:`_Facts`; and (remote, node) → numbers of remote's entries whose address belongs
    to node. Config only: built once per snapshot and shared by what-if re-evaluations.
    (Entries are numbered, not keyed by identity: equal entries of different routers may
    be one shared object.)"""

    def build() -> tuple[list[_Facts], _Back]:
        entries = [(name, cfg, nb) for name in inv.names
                   if (cfg := inv.configs[name]).bgp is not None
                   for nb in cfg.bgp.neighbors]
        local = [_local_ip(inv, name, cfg, nb) for name, cfg, nb in entries]
        # per entry: (neighbor address key, local address key or None, remote AS); an
        # address key carries its family (:func:`ipkey`)
        keys = [(ipkey(nb.address), ipkey(ip) if ip is not None else None, nb.remote_as)
                for (_, _, nb), (ip, _) in zip(entries, local, strict=True)]
        back: _Back = defaultdict(list)
        remote_of: list[str | None] = []
        owners = inv.owner_of_key
        for k, (name, _cfg, _nb) in enumerate(entries):
            owner = owners(keys[k][0])
            remote_of.append(owner[0] if owner is not None else None)
            if owner is not None:  # (name, owner) → name's entries toward owner's addresses
                back[(name, owner[0])].append(k)
        out: list[_Facts] = []
        for k, (name, cfg, nb) in enumerate(entries):
            ip, problem = local[k]
            remote = remote_of[k]
            partners: list[int] = []
            rbgp = inv.configs[remote].bgp if remote is not None else None
            if remote is not None and rbgp is not None and nb.remote_as == rbgp.asn:
                assert cfg.bgp is not None
                address, own, _ = keys[k]
                family, asn = address >> 129, cfg.bgp.asn
                for r in back.get((remote, name), ()):
                    r_address, r_own, r_as = keys[r]
                    if (r_address >> 129 == family and r_as == asn
                            and (own is None or r_address == own)
                            and (r_own is None or r_own == address)):
                        partners.append(r)
            out.append(_Facts(name, cfg, nb, ip, problem, remote, tuple(partners)))
        return out, dict(back)

    return inv.cached(("entry-facts",), build)


class _Evaluator:
    def __init__(self, inv: Inventory, igp: Fib, tripped: frozenset[tuple[str, IPAddress]]
                 ) -> None:
        self.inv = inv
        self.igp = igp
        self.tripped = tripped
        self._reach: dict[tuple[int, int], bool] = {}
        self._pairs: dict[tuple[int, int], Session | tuple[SessionReason, str]] = {}
        self.facts, self.back = _entry_facts(inv)

    # -- TCP over the IGP FIB ----------------------------------------------------------------
    def reaches(self, node: str, dst: IPAddress) -> bool:
        """Whether some ECMP branch from ``node`` delivers to ``dst`` over the IGP FIB.

        Where no static route covers ``dst`` anywhere, forwarding follows connected
        and IS-IS routes, which are consistent hop by hop: having a route is reaching.
        """
        start = self.inv.index[node]
        k = ipkey(dst)
        if self.igp.static_free(dst, k):
            return self.igp.cost(start, dst, k) < INF
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
    def peering(self, k: int) -> Peering:
        """What became of entry number ``k`` (see :func:`_entry_facts`)."""
        node, cfg, nb, local_ip, problem, remote, partners = self.facts[k]
        assert cfg.bgp is not None
        inv = self.inv
        asn = cfg.bgp.asn
        ibgp = nb.remote_as == asn
        stype = SessionType.IBGP if ibgp else SessionType.EBGP_SINGLEHOP
        entry = (node, nb, asn, stype, local_ip, remote)  # the fields every outcome shares
        nc = EstablishedStatus.NOT_COMPATIBLE
        if problem is ConfiguredStatus.INVALID_LOCAL_IP:
            return Peering(*entry, problem, nc, SessionReason.INVALID_LOCAL_IP,
                           f"update-source {nb.update_source} has no IPv{nb.address.version} "
                           "address", None)
        if problem is ConfiguredStatus.NO_LOCAL_IP:
            return Peering(*entry, problem, nc, SessionReason.EBGP_NOT_DIRECTLY_CONNECTED,
                           f"{nb.address} is on no connected subnet of {node}", None)
        if remote is None:
            return Peering(*entry, ConfiguredStatus.UNKNOWN_REMOTE, nc,
                           SessionReason.UNKNOWN_REMOTE, f"no router has address {nb.address}",
                           None)
        if not partners:
            reason, detail = self._why_half_open(node, cfg, nb, remote, inv.configs[remote])
            return Peering(*entry, ConfiguredStatus.HALF_OPEN, nc, reason, detail, None)
        configured = problem or (ConfiguredStatus.UNIQUE_MATCH if len(partners) == 1
                                 else ConfiguredStatus.MULTIPLE_REMOTES)
        if len(partners) > 1 and problem is None:
            return Peering(*entry, configured, nc, SessionReason.MULTIPLE_REMOTES,
                           f"{remote} has {len(partners)} entries matching {node}", None)
        ne = EstablishedStatus.NOT_ESTABLISHED
        if inv.dead:
            for down in (node, remote):
                if down in inv.dead:
                    why = SessionReason.NODE_DOWN if down == node else SessionReason.PEER_DOWN
                    return Peering(*entry, configured, ne, why, f"{down} is down", None)
        first: tuple[SessionReason, str] | None = None
        for r in partners:
            pair = (k, r) if k < r else (r, k)
            got = self._pairs.get(pair)
            if got is None:
                rnb = self.facts[r].entry
                got = self._pairs[pair] = self._establish(node, nb, remote, rnb, ibgp)
            if isinstance(got, Session):
                return Peering(*entry, configured, EstablishedStatus.ESTABLISHED, None, "",
                               got)
            if first is None:
                first = got
        assert first is not None
        return Peering(*entry, configured, ne, first[0], first[1], None)

    def _why_half_open(self, node: str, cfg: DeviceConfig, nb: BgpNeighbor, remote: str,
                       rcfg: DeviceConfig) -> tuple[SessionReason, str]:
        assert cfg.bgp is not None
        if rcfg.bgp is None:
            return SessionReason.NOT_CONFIGURED_ON_REMOTE, f"{remote} runs no BGP"
        back = [e for r in self.back.get((remote, node), ())
                if (e := self.facts[r].entry).address.version == nb.address.version]
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

    def _establish(self, node: str, nb: BgpNeighbor, remote: str, rnb: BgpNeighbor,
                   ibgp: bool) -> Session | tuple[SessionReason, str]:
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
    sessions: dict[tuple[str, str, int, int], Session] = {}
    seen: set[int] = set()  # ids of the sessions kept (each is met from both its entries)
    for k, facts in enumerate(ev.facts):
        if keep is None or keep(facts.node):
            p = ev.peering(k)
            if p.session is not None and id(p.session) not in seen:
                s = p.session
                key = (s.a, s.b, ipkey(s.ip_a), ipkey(s.ip_b))
                s = sessions.setdefault(key, s)
                seen.add(id(s))
                if s is not p.session:  # the same pair reached through another entry
                    p = Peering(p.node, p.entry, p.local_as, p.session_type, p.local_ip,
                                p.remote_node, p.configured, p.status, p.reason, p.detail, s)
            peerings.append(p)
    return SessionTable(tuple(peerings), tuple(sessions.values()))
