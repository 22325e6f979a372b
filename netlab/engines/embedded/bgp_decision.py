"""BGP paths and the best-path decision process.

The order is FRR's (Junos, IOS-XR and EOS agree on the steps netlab models):

1. the next hop must resolve over the IGP FIB (else the path is *inaccessible*);
2. highest local preference;
3. a locally originated path;
4. shortest AS path;
5. lowest origin (IGP < EGP < incomplete);
6. lowest MED, compared only among paths from the same neighbouring AS
   (missing MED = 0; deterministic, no always-compare);
7. eBGP over iBGP;
8. lowest IGP cost to the next hop;
   — with multipath, every path tied so far with the same AS path is used (ECMP);
9. lowest router-id (the ORIGINATOR_ID of a reflected path);
10. shortest cluster list;
11. lowest neighbor address.

"Oldest eBGP path" (a timing tiebreak of Cisco and FRR) is not modelled: the
decision is deterministic. :func:`pre_igp` (steps 2-7) and :func:`post_igp`
(9-11) are separate so a group of receivers with identical candidates can run
them once and only the IGP step per receiver (see :mod:`bgp_rib`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from ipaddress import IPv4Address
from typing import NamedTuple

from netlab.engines.base import IPAddress, IPNetwork, OriginType

__all__ = ["Path", "Selection", "Source", "decide", "post_igp", "pre_igp"]

_ORIGIN = {OriginType.IGP: 0, OriginType.EGP: 1, OriginType.INCOMPLETE: 2}
INF = float("inf")


class Source(IntEnum):
    LOCAL = 0
    EBGP = 1
    IBGP = 2


class Path(NamedTuple):
    """A path as held in one node's Adj-RIB-In (after import policy)."""

    prefix: IPNetwork
    next_hop: IPAddress | None  # None = locally originated
    as_path: tuple[int, ...]
    local_pref: int
    med: int
    origin: OriginType
    source: Source
    peer: str | None = None  # the router it was received from
    peer_ip: IPAddress | None = None  # the neighbor address it was received from
    peer_router_id: IPv4Address | None = None
    originator_id: IPv4Address | None = None
    cluster_list: tuple[IPv4Address, ...] = ()

    @property
    def neighbor_as(self) -> int | None:
        return self.as_path[0] if self.as_path else None

    def post_key(self) -> tuple[int, int, int]:
        rid = self.originator_id or self.peer_router_id
        return (int(rid) if rid is not None else 0, len(self.cluster_list),
                int(self.peer_ip) if self.peer_ip is not None else 0)


class Selection(NamedTuple):
    """A node's decision for one prefix: the best path and its ECMP set."""

    best: Path
    paths: tuple[Path, ...]  # multipath set (best first)

    @property
    def ebgp(self) -> bool:
        return self.best.source is Source.EBGP

    @property
    def local(self) -> bool:
        return self.best.source is Source.LOCAL

    @property
    def med(self) -> int:
        return self.best.med

    @property
    def next_hops(self) -> tuple[IPAddress, ...]:
        return tuple(dict.fromkeys(p.next_hop for p in self.paths if p.next_hop is not None))


def pre_igp(paths: Sequence[Path]) -> list[Path]:
    """Steps 2-7 over eligible paths: the survivors (all equal so far)."""
    if len(paths) <= 1:
        return list(paths)
    # Steps 2-5 are one lexicographic minimum: (-local pref, not local, AS path length, origin).
    best: tuple[int, bool, int, int] | None = None
    c: list[Path] = []
    for p in paths:
        k = (-p.local_pref, p.source is not Source.LOCAL, len(p.as_path), _ORIGIN[p.origin])
        if best is None or k < best:
            best, c = k, [p]
        elif k == best:
            c.append(p)
    if len(c) > 1:
        best_med: dict[int | None, int] = {}
        for p in c:
            k2 = p.neighbor_as
            best_med[k2] = min(best_med.get(k2, p.med), p.med)
        c = [p for p in c if p.med == best_med[p.neighbor_as]]
        if any(p.source is Source.EBGP for p in c):
            c = [p for p in c if p.source is not Source.IBGP]
    return c


def post_igp(tied: Sequence[Path], multipath: bool) -> Selection:
    """Steps 9-11 over paths tied through the IGP step, and the multipath set."""
    if len(tied) == 1:
        return Selection(tied[0], (tied[0],))
    best = min(tied, key=Path.post_key)
    if not multipath:
        return Selection(best, (best,))
    rest = sorted((p for p in tied if p is not best and p.as_path == best.as_path),
                  key=Path.post_key)
    return Selection(best, (best, *rest))


def decide(paths: Sequence[Path], cost: Callable[[IPAddress], float], multipath: bool
           ) -> Selection | None:
    """The full decision for one node (``cost`` = IGP cost to a next hop, inf = unresolved)."""
    if len(paths) == 1:  # an originator's own path, a stub's only feed: nothing to compare
        only = paths[0]
        if only.next_hop is not None and not cost(only.next_hop) < INF:
            return None
        return Selection(only, (only,))
    costs: dict[int, float] = {}  # id(path) → IGP cost to its next hop
    eligible = []
    for p in paths:
        c = 0.0 if p.next_hop is None else cost(p.next_hop)
        if c < INF:
            costs[id(p)] = c
            eligible.append(p)
    survivors = pre_igp(eligible)
    if not survivors:
        return None
    if len(survivors) > 1:
        low = min(costs[id(p)] for p in survivors)
        survivors = [p for p in survivors if costs[id(p)] == low]
    return post_igp(survivors, multipath)
