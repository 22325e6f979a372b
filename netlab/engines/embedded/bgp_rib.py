"""BGP RIBs: origination, propagation over established sessions, best paths, per prefix.

Each prefix is propagated on its own to a fixed point (a worklist of routers
whose candidates changed), which is far cheaper than global rounds. The rules
are RFC 4271/4456 as routers implement them:

* a router originates each ``network`` it has (its discard anchor keeps it in
  the RIB); the path has an empty AS path, origin IGP, local preference 100;
* it advertises only its best path (no add-path). To an iBGP peer: a local or
  eBGP-learned best always; an iBGP-learned best only as a route reflector —
  from a client to everyone, from a non-client to clients — setting the
  ORIGINATOR_ID and prepending its cluster id (its router id when none is
  configured). Never back to the router it came from;
* next hop: the session's local address for local paths and toward eBGP peers,
  and toward iBGP peers with ``next-hop-self`` for eBGP-learned paths (a
  reflected path keeps its next hop: IOS-XR, EOS and FRR's default, and what the
  Junos renderer writes, ``from route-type external``); otherwise unchanged;
* toward eBGP: prepend the own AS, drop local preference, reset MED to 0;
* on receipt: eBGP paths whose AS path holds the own AS are dropped and get local
  preference 100; iBGP paths carrying our router id as ORIGINATOR_ID or our
  cluster id in the CLUSTER_LIST are dropped; then the import policy runs
  (export policy ran at the sender); IOS-XR eBGP without a policy passes nothing.

**Who must take part.** Per prefix, most routers cannot influence anyone:

* a *stub* — a router whose sessions all lead to one other AS (an external peer
  router, an express DC router) — that does not originate the prefix learned
  it from that AS, and whatever it sends back carries that AS and is dropped:
  its choice is computed only when asked (*lazy*);
* a router that is no route reflector, does not originate the prefix and whose
  eBGP neighbours are all such stubs never advertises the prefix into iBGP
  (its best path is iBGP-learned) and only sends it to lazy stubs: it is a
  *receiver*. Receivers with identical incoming iBGP sessions (same senders,
  same export and import treatment) receive identical candidates, so their
  decision runs once per group: the steps before and after the IGP cost in
  Python, the IGP cost of every member at once with numpy.

Only the remaining routers (route reflectors, originators, routers with eBGP
neighbours that are not stubs or that originate the prefix) run the worklist.
That keeps a route-reflected backbone of a thousand routers well under a second.

**Max-prefix.** After the RIBs are built, every session whose receiver got more
prefixes than its ``max_prefix`` (Junos counts received prefixes, the others
accepted ones) is torn down, and everything is recomputed without it, until
nothing more trips.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from netlab.engines.base import BgpRouteStatus, IPAddress, IPNetwork, OriginType
from netlab.engines.embedded.bgp_decision import Path, Selection, Source, decide, post_igp, pre_igp
from netlab.engines.embedded.bgp_sessions import SessionTable
from netlab.engines.embedded.fib import Fib
from netlab.engines.embedded.inventory import Inventory, ipkey, net_key
from netlab.engines.embedded.policy import PolicyBook
from netlab.model.device import BgpNeighbor, DeviceConfig
from netlab.model.types import Vendor

__all__ = ["BgpRib", "Feed", "Speaker"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
MAX_ROUNDS_PER_NODE = 50


class Feed(NamedTuple):
    """One direction of an established session: what ``sender`` sends ``receiver``."""

    id: int
    sender: int
    receiver: int
    s_entry: BgpNeighbor  # sender's entry for the receiver
    r_entry: BgpNeighbor  # receiver's entry for the sender
    s_ip: IPAddress
    ibgp: bool
    family: int  # 4 or 6: the session's address family

    def export_class(self) -> tuple[object, ...]:
        e = self.s_entry
        return (self.sender, e.export_policy, e.next_hop_self, e.route_reflector_client,
                ipkey(self.s_ip), self.ibgp)


@dataclass
class Speaker:
    """A live router with BGP, and its established sessions."""

    idx: int
    name: str
    cfg: DeviceConfig
    asn: int
    router_id: IPv4Address
    cluster_id: IPv4Address
    multipath: bool
    feeds_out: list[Feed] = field(default_factory=list)
    feeds_in: list[Feed] = field(default_factory=list)
    clients: set[IPAddress] = field(default_factory=set)  # peer addresses that are RR clients
    peer_ases: set[int] = field(default_factory=set)
    out_to: dict[int, list[Feed]] = field(default_factory=lambda: defaultdict(list))

    @property
    def reflector(self) -> bool:
        return bool(self.clients)

    @property
    def stub(self) -> bool:
        """All sessions lead to one other AS (an external peer router, a DC router)."""
        return len(self.peer_ases) == 1 and self.asn not in self.peer_ases


@dataclass
class _Group:
    members: IntArray
    feeds: list[list[Feed]]  # per member, its iBGP feeds in signature order


@dataclass
class _GroupResult:
    candidates: list[Path]
    feed_pos: list[int]  # signature position each candidate came from
    offered: list[int]  # signature positions that advertised anything (pre-import)
    choice: IntArray  # per member: index into selections, -1 = none
    selections: list[Selection]


@dataclass
class _Prefix:
    active: set[int] = field(default_factory=set)
    sel: dict[int, Selection] = field(default_factory=dict)
    rib_in: dict[int, dict[int, Path]] = field(default_factory=lambda: defaultdict(dict))
    offered: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    local: dict[int, Path] = field(default_factory=dict)
    groups: dict[int, _GroupResult] = field(default_factory=dict)
    lazy: dict[int, tuple[list[Path], Selection | None]] = field(default_factory=dict)
    stable: bool = True


class BgpRib:
    """The BGP RIB of every router for every originated prefix."""

    def __init__(self, inv: Inventory, igp: Fib, sessions: SessionTable, *,
                 reference: bool = False) -> None:
        """``reference=True`` runs every router in the worklist (no groups, no lazy stubs):
        slow, and the yardstick the optimised run is tested against."""
        self.inv = inv
        self.igp = igp
        self.policies = PolicyBook()
        self._columns: dict[int, tuple[IPAddress, FloatArray]] = {}
        self._cost_fns: dict[int, Callable[[IPAddress], float]] = {}
        self.speakers: dict[int, Speaker] = {}
        self.feeds: list[Feed] = []
        self._speakers(sessions)
        self.origins: dict[IPNetwork, list[int]] = defaultdict(list)
        for sp in self.speakers.values():
            assert sp.cfg.bgp is not None
            for p in sp.cfg.bgp.networks:
                self.origins[p].append(sp.idx)
        self.stubs = frozenset(i for i, sp in self.speakers.items()
                               if sp.stub and not reference)
        self.always_active = frozenset(
            i for i, sp in self.speakers.items()
            if reference or (i not in self.stubs and (sp.reflector or any(
                not f.ibgp and f.sender not in self.stubs for f in sp.feeds_in))))
        self.groups: list[_Group] = []
        self.group_of: dict[int, tuple[int, int]] = {}
        self._group()
        self.results: dict[IPNetwork, _Prefix] = {}
        for p in sorted(self.origins, key=net_key):
            self.results[p] = self._propagate(p)

    # -- set-up ------------------------------------------------------------------------------
    def _speakers(self, sessions: SessionTable) -> None:
        inv = self.inv
        for name in inv.names:
            cfg = inv.configs[name]
            if cfg.bgp is None or not inv.alive(name):
                continue
            i = inv.index[name]
            cluster = cfg.bgp.cluster_id or cfg.bgp.router_id
            self.speakers[i] = Speaker(i, name, cfg, cfg.bgp.asn, cfg.bgp.router_id, cluster,
                                       cfg.bgp.multipath)
        speakers = self.speakers
        index = inv.index
        for s in sessions.sessions:
            a, b = index[s.a], index[s.b]
            sa, sb = speakers.get(a), speakers.get(b)
            if sa is None or sb is None:
                continue
            family = s.ip_a.version
            for sp, rp, s_entry, s_ip, r_entry in ((sa, sb, s.entry_a, s.ip_a, s.entry_b),
                                                   (sb, sa, s.entry_b, s.ip_b, s.entry_a)):
                f = Feed(len(self.feeds), sp.idx, rp.idx, s_entry, r_entry, s_ip, s.ibgp,
                         family)
                self.feeds.append(f)
                sp.feeds_out.append(f)
                sp.out_to[rp.idx].append(f)
                rp.feeds_in.append(f)
                rp.peer_ases.add(sp.asn)
                if s.ibgp and s_entry.route_reflector_client:
                    sp.clients.add(s_entry.address)

    def _import_key(self, f: Feed) -> tuple[object, ...]:
        """What the receiver's import treatment of the iBGP feed ``f`` depends on: the
        compiled content of its import policy (none = accept all; RFC 8212 is eBGP-only)."""
        assert f.ibgp
        name = f.r_entry.import_policy
        if name is None:
            return (None,)
        return (self.policies.key(self.speakers[f.receiver].cfg, name),)

    def _group(self) -> None:
        by_sig: dict[tuple[object, ...], list[tuple[int, list[Feed]]]] = defaultdict(list)
        for i, sp in self.speakers.items():
            if i in self.always_active or i in self.stubs:
                continue
            feeds = sorted((f for f in sp.feeds_in if f.ibgp), key=lambda f: (f.sender, f.id))
            sig = (sp.multipath, *((f.export_class(), self._import_key(f)) for f in feeds))
            by_sig[sig].append((i, feeds))
        for members in by_sig.values():
            g = len(self.groups)
            self.groups.append(_Group(np.array([m for m, _ in members], dtype=np.int64),
                                      [fs for _, fs in members]))
            for pos, (m, _) in enumerate(members):
                self.group_of[m] = (g, pos)

    def _active(self, prefix: IPNetwork) -> set[int]:
        """Routers that must run the worklist for ``prefix`` (see the module docstring)."""
        active = set(self.always_active)
        for o in self.origins[prefix]:
            active.add(o)
            if o in self.stubs:
                active.update(f.receiver for f in self.speakers[o].feeds_out
                              if f.receiver not in self.stubs)
        return active

    # -- exchange ----------------------------------------------------------------------------
    def _export(self, f: Feed, sel: Selection) -> Path | None:
        """The path ``f.sender`` advertises on ``f`` given its selection (before import)."""
        best = sel.best
        prefix = best.prefix
        if ((4 if isinstance(prefix, IPv4Network) else 6) != f.family
                or best.peer == self.inv.names[f.receiver]):
            return None
        sp = self.speakers[f.sender]
        reflect = False
        if f.ibgp and best.source is Source.IBGP:
            # only a reflector passes an iBGP path on: to a client, or from one to anyone
            if not (f.s_entry.route_reflector_client
                    or (sp.clients and best.peer_ip in sp.clients)):
                return None
            reflect = True
        verdict = self.policies.evaluate(sp.cfg, f.s_entry.export_policy, prefix, ebgp=not f.ibgp)
        if not verdict.accept:
            return None
        prepend = (sp.asn,) * verdict.prepend
        if not f.ibgp:
            return Path(prefix, f.s_ip, (sp.asn, *prepend, *best.as_path), 100,
                        verdict.med if verdict.med is not None else 0, best.origin,
                        Source.EBGP, sp.name, f.s_ip, sp.router_id)
        nhs = f.s_entry.next_hop_self and not reflect
        next_hop = f.s_ip if best.source is Source.LOCAL or nhs else best.next_hop
        originator: IPv4Address | None = None
        clusters: tuple[IPv4Address, ...] = ()
        if reflect:
            originator = best.originator_id or best.peer_router_id
            clusters = (sp.cluster_id, *best.cluster_list)
        lp = verdict.local_pref if verdict.local_pref is not None else best.local_pref
        med = verdict.med if verdict.med is not None else best.med
        return Path(prefix, next_hop, (*prepend, *best.as_path), lp, med, best.origin,
                    Source.IBGP, sp.name, f.s_ip, sp.router_id, originator, clusters)

    def _import(self, f: Feed, path: Path) -> Path | None:
        """``path`` as ``f.receiver`` keeps it after loop checks and its import policy."""
        rp = self.speakers[f.receiver]
        if f.ibgp:
            if path.originator_id == rp.router_id:
                return None
            if rp.reflector and rp.cluster_id in path.cluster_list:
                return None
        elif rp.asn in path.as_path:
            return None
        if f.ibgp and f.r_entry.import_policy is None:
            return path
        verdict = self.policies.evaluate(rp.cfg, f.r_entry.import_policy, path.prefix,
                                         ebgp=not f.ibgp)
        if not verdict.accept:
            return None
        if verdict.local_pref is None and verdict.med is None and not verdict.prepend:
            return path
        return Path(path.prefix, path.next_hop, (rp.asn,) * verdict.prepend + path.as_path,
                    verdict.local_pref if verdict.local_pref is not None else path.local_pref,
                    verdict.med if verdict.med is not None else path.med, path.origin,
                    path.source, path.peer, path.peer_ip, path.peer_router_id,
                    path.originator_id, path.cluster_list)

    def _column(self, ip: IPAddress) -> FloatArray:
        """Every node's IGP cost to the next hop ``ip``. Next hops are the sessions' address
        objects, a few thousand reused across every prefix, so they are looked up by
        identity (the cache keeps each one alive, so an id is never reused)."""
        return _cached_column(self._columns, self.igp.cost_column, ip)

    def _cost(self, node: int) -> Callable[[IPAddress], float]:
        """``node``'s IGP cost to a next hop (one function per node, made once)."""
        fn = self._cost_fns.get(node)
        if fn is None:
            columns = self._columns  # shared with _column; no reference back to self
            build = self.igp.cost_column

            def cost(ip: IPAddress) -> float:
                return float(_cached_column(columns, build, ip)[node])

            fn = self._cost_fns[node] = cost
        return fn

    # -- per prefix --------------------------------------------------------------------------
    def _propagate(self, prefix: IPNetwork) -> _Prefix:
        res = _Prefix()
        active = res.active = self._active(prefix)
        for o in self.origins[prefix]:
            res.local[o] = Path(prefix, None, (), 100, 0, OriginType.IGP, Source.LOCAL)
        queue = deque(sorted(self.origins[prefix]))
        queued = set(queue)
        outs: dict[int, list[Feed]] = {}
        version = prefix.version
        budget = MAX_ROUNDS_PER_NODE * max(1, len(active))
        while queue:
            budget -= 1
            if budget < 0:
                res.stable = False
                break
            n = queue.popleft()
            queued.discard(n)
            sp = self.speakers[n]
            cands = list(res.rib_in[n].values())
            if n in res.local:
                cands.append(res.local[n])
            new = decide(cands, self._cost(n), sp.multipath)
            old = res.sel.get(n)
            if new == old:
                continue
            if new is None:
                res.sel.pop(n, None)
            else:
                res.sel[n] = new
                if old is not None and new.best == old.best:
                    continue  # only the ECMP set changed: what n advertises is the same
            targets = outs.get(n)
            if targets is None:
                if len(sp.out_to) < len(active):
                    targets = [f for r, fs in sp.out_to.items() if r in active for f in fs
                               if f.family == version]
                else:
                    targets = [f for r in active for f in sp.out_to.get(r, ())
                               if f.family == version]
                outs[n] = targets
            for f in targets:
                r = f.receiver
                sent = self._export(f, new) if new is not None else None
                got = self._import(f, sent) if sent is not None else None
                if sent is not None:
                    res.offered[r].add(f.id)
                else:
                    res.offered[r].discard(f.id)
                if res.rib_in[r].get(f.id) != got:
                    if got is None:
                        res.rib_in[r].pop(f.id, None)
                    else:
                        res.rib_in[r][f.id] = got
                    if r not in queued:
                        queue.append(r)
                        queued.add(r)
        for g, group in enumerate(self.groups):
            gr = self._decide_group(res, group)
            if gr is not None:
                res.groups[g] = gr
        return res

    def _decide_group(self, res: _Prefix, group: _Group) -> _GroupResult | None:
        cands: list[Path] = []
        pos_of: list[int] = []
        offered: list[int] = []
        # A member that originates the prefix runs the worklist; the others share its feeds.
        rep = next((k for k, m in enumerate(group.members) if int(m) not in res.active), None)
        if rep is None:
            return None
        for k, f in enumerate(group.feeds[rep]):
            sel = res.sel.get(f.sender)
            if sel is None:
                continue
            sent = self._export(f, sel)
            if sent is None:
                continue
            offered.append(k)
            got = self._import(f, sent)
            if got is not None:
                cands.append(got)
                pos_of.append(k)
        if not cands:
            return None
        members = group.members
        multipath = self.speakers[int(members[0])].multipath
        hop = cands[0].next_hop
        assert hop is not None
        if all(p.next_hop is hop or p.next_hop == hop for p in cands):
            # one next hop (the reflectors agree): the IGP step cannot tell the candidates
            # apart, so every member that reaches it makes the same choice
            survivors = pre_igp(cands)
            reach = np.isfinite(self._column(hop)[members])
            return _GroupResult(cands, pos_of, offered, np.where(reach, 0, -1),
                                [post_igp(survivors, multipath)])
        costs = np.empty((len(members), len(cands)))
        for j, p in enumerate(cands):
            assert p.next_hop is not None
            costs[:, j] = self._column(p.next_hop)[members]
        choice = np.full(len(members), -1, dtype=np.int64)
        selections: list[Selection] = []
        for pattern, rows in _classes(np.isfinite(costs)):
            ok = [j for j in range(len(cands)) if pattern[j]]
            survivors = pre_igp([cands[j] for j in ok])
            if not survivors:
                continue
            ids = {id(x) for x in survivors}
            sj = [j for j in ok if id(cands[j]) in ids]
            sub = costs if rows is None else costs[rows]
            if len(sj) < len(cands):
                sub = sub[:, sj]
            tied = sub == sub.min(axis=1, keepdims=True)
            for tie, trows in _classes(tied):
                sel = post_igp([cands[sj[k]] for k in range(len(sj)) if tie[k]], multipath)
                where = rows if trows is None else trows if rows is None else rows[trows]
                choice[slice(None) if where is None else where] = len(selections)
                selections.append(sel)
        return _GroupResult(cands, pos_of, offered, choice, selections)

    def _lazy(self, node: int, res: _Prefix) -> tuple[list[Path], Selection | None]:
        """Candidates and choice of a stub that does not take part in ``res``'s prefix."""
        got = res.lazy.get(node)
        if got is None:
            res.lazy[node] = ([], None)  # guards against a stub feeding a stub
            cands = []
            for f in self.speakers[node].feeds_in:
                sel = self._selection(f.sender, res)
                sent = self._export(f, sel) if sel is not None else None
                path = self._import(f, sent) if sent is not None else None
                if path is not None:
                    cands.append(path)
            sp = self.speakers[node]
            got = (cands, decide(cands, self._cost(node), sp.multipath))
            res.lazy[node] = got
        return got

    def _selection(self, node: int, res: _Prefix) -> Selection | None:
        if node in res.active:
            return res.sel.get(node)
        if node in self.stubs:
            return self._lazy(node, res)[1]
        where = self.group_of.get(node)
        if where is None:
            return None
        gr = res.groups.get(where[0])
        if gr is None:
            return None
        k = int(gr.choice[where[1]])
        return gr.selections[k] if k >= 0 else None

    # -- queries -----------------------------------------------------------------------------
    def prefixes(self) -> list[IPNetwork]:
        return list(self.results)

    def selection(self, node: int, prefix: IPNetwork) -> Selection | None:
        """``node``'s best path(s) for ``prefix`` (None = no usable path)."""
        res = self.results.get(prefix)
        if res is None or node not in self.speakers:
            return None
        return self._selection(node, res)

    def candidates(self, node: int, prefix: IPNetwork) -> list[Path]:
        """Every path ``node`` holds for ``prefix`` (its Adj-RIB-In after import, and local)."""
        res = self.results.get(prefix)
        if res is None or node not in self.speakers:
            return []
        if node in res.active:
            cands = list(res.rib_in.get(node, {}).values())
            if node in res.local:
                cands.append(res.local[node])
            return cands
        if node in self.stubs:
            return list(self._lazy(node, res)[0])
        where = self.group_of.get(node)
        gr = res.groups.get(where[0]) if where is not None else None
        return list(gr.candidates) if gr is not None else []

    def paths(self, node: int, prefix: IPNetwork) -> list[tuple[Path, BgpRouteStatus]]:
        """Every path ``node`` holds for ``prefix`` with its status (best first)."""
        sel = self.selection(node, prefix)
        chosen = {id(p) for p in sel.paths} if sel is not None else set()
        out = []
        for p in self.candidates(node, prefix):
            if id(p) in chosen:
                status = BgpRouteStatus.BEST
            elif p.next_hop is not None and not np.isfinite(self.igp.cost(node, p.next_hop)):
                status = BgpRouteStatus.INACCESSIBLE
            else:
                status = BgpRouteStatus.BACKUP
            out.append((p, status))
        order = {BgpRouteStatus.BEST: 0, BgpRouteStatus.BACKUP: 1, BgpRouteStatus.INACCESSIBLE: 2}
        best = sel.best if sel is not None else None
        out.sort(key=lambda ps: (ps[0] is not best, order[ps[1]], ps[0].post_key()))
        return out

    def received(self) -> dict[tuple[int, IPAddress], tuple[int, int]]:
        """(receiver, neighbor address) → (prefixes offered, accepted), where a max-prefix is set.

        A lazy stub only offers what it learned from another of its sessions;
        whatever it offers carries our AS and is never accepted.
        """
        pre: dict[tuple[int, IPAddress], int] = defaultdict(int)
        post: dict[tuple[int, IPAddress], int] = defaultdict(int)
        feeds = self.feeds
        limited = {f.id for f in feeds if f.r_entry.max_prefix is not None}
        if not limited:
            return {}
        lazy = [f for f in feeds if f.id in limited and f.sender in self.stubs
                and len({g.sender for g in self.speakers[f.sender].feeds_in
                         if g.family == f.family}) > 1]
        stub_receivers = [f for f in feeds if f.id in limited and f.receiver in self.stubs]
        group_pre: dict[tuple[int, int], int] = defaultdict(int)
        group_post: dict[tuple[int, int], int] = defaultdict(int)
        for res in self.results.values():
            for r, fids in res.offered.items():
                for fid in fids & limited:
                    pre[(r, feeds[fid].r_entry.address)] += 1
            for r, got in res.rib_in.items():
                for fid in got:
                    if fid in limited:
                        post[(r, feeds[fid].r_entry.address)] += 1
            for g, gr in res.groups.items():
                for k in gr.offered:
                    group_pre[(g, k)] += 1
                for k in gr.feed_pos:
                    group_post[(g, k)] += 1
            for f in lazy:
                if f.sender in res.active or f.receiver in res.active:
                    continue
                sel = self._selection(f.sender, res)
                if sel is not None and self._export(f, sel) is not None:
                    pre[(f.receiver, f.r_entry.address)] += 1
            for f in stub_receivers:  # a lazy stub's own sessions: count what it is sent
                if f.receiver in res.active:
                    continue
                sel = self._selection(f.sender, res)
                sent = self._export(f, sel) if sel is not None else None
                if sent is not None:
                    pre[(f.receiver, f.r_entry.address)] += 1
                    if self._import(f, sent) is not None:
                        post[(f.receiver, f.r_entry.address)] += 1
        for (g, k), count in group_pre.items():
            for feeds_m in self.groups[g].feeds:
                if feeds_m[k].id in limited:
                    pre[(feeds_m[k].receiver, feeds_m[k].r_entry.address)] += count
        for (g, k), count in group_post.items():
            for feeds_m in self.groups[g].feeds:
                if feeds_m[k].id in limited:
                    post[(feeds_m[k].receiver, feeds_m[k].r_entry.address)] += count
        keys = set(pre) | set(post)
        return {k: (pre.get(k, 0), post.get(k, 0)) for k in keys}

    def tripped(self) -> frozenset[tuple[str, IPAddress]]:
        """(node, neighbor address) of sessions whose max-prefix is exceeded."""
        out = set()
        limits = {(f.receiver, f.r_entry.address): f.r_entry.max_prefix for f in self.feeds
                  if f.r_entry.max_prefix is not None}
        for key, (offered, accepted) in self.received().items():
            sp = self.speakers[key[0]]
            limit = limits.get(key)
            if limit is None:
                continue
            count = offered if sp.cfg.vendor is Vendor.JUNOS else accepted
            if count > limit:
                out.add((sp.name, key[1]))
        return frozenset(out)

    def unstable(self) -> list[IPNetwork]:
        return [p for p, r in self.results.items() if not r.stable]


def _cached_column(columns: dict[int, tuple[IPAddress, FloatArray]],
                   build: Callable[[IPAddress], FloatArray], ip: IPAddress) -> FloatArray:
    """``build(ip)`` once per address object, cached by identity (the entry keeps ``ip``
    alive, so its id cannot be reused)."""
    got = columns.get(id(ip))
    if got is None:
        got = columns[id(ip)] = (ip, build(ip))
    return got[1]


def _classes(rows: NDArray[np.bool_]) -> list[tuple[list[bool], IntArray | None]]:
    """The distinct boolean rows, each with the indexes of the rows equal to it (None =
    every row: the common case, found without sorting)."""
    if rows.shape[0] == 0:
        return []
    first = rows[0]
    if (rows == first).all():
        return [(first.tolist(), None)]
    patterns, inverse = _unique_rows(rows)
    return [(pat.tolist(), np.flatnonzero(inverse == k)) for k, pat in enumerate(patterns)]


def _unique_rows(rows: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], IntArray]:
    """Distinct boolean rows and, per row, the index of its pattern (fast np.unique)."""
    if rows.shape[0] == 0:
        return rows, np.zeros(0, dtype=np.int64)
    if rows.shape[1] <= 62:
        keys = rows.astype(np.int64) @ (np.int64(1) << np.arange(rows.shape[1], dtype=np.int64))
    else:
        keys = np.unique(rows, axis=0, return_inverse=True)[1].reshape(-1)
    if (keys == keys[0]).all():
        return rows[:1], np.zeros(rows.shape[0], dtype=np.int64)
    _uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return rows[first], inverse.reshape(-1).astype(np.int64)
