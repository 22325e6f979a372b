"""What-if: the incremental answer equals a full re-analysis of the failed network."""

from __future__ import annotations

import random

import numpy as np
import pytest
from data.engine.nets import random_backbone, rr_net
from test_engine_forwarding import utilisation_net

from netlab.engines.base import SessionReason
from netlab.engines.embedded import EmbeddedEngine, failed_snapshot, parse_failure
from netlab.engines.embedded.analysis import Analysis, analyse
from netlab.engines.embedded.spf import Graph, solve, without
from netlab.errors import EngineError
from netlab.model.network import FailureState


def _routes(a: Analysis) -> dict[tuple[str, object], tuple[int, frozenset[object]]]:
    out = {}
    for name in a.inv.names:
        for r in a.isis.routes_of(a.inv.index[name]):
            out[(name, r.network)] = (r.metric, frozenset(r.next_hops))
    return out


def _counted(a: Analysis, b: Analysis, f: FailureState) -> tuple[int, int, int]:
    """What-if's counts from two full analyses: (router, destination) pairs with a new
    distance or new ECMP next hops, those with a new distance, those cut off."""
    old, new = a.levels[2].spf, b.levels[2].spf
    dead = {a.inv.index[x] for x in f.nodes_down}
    live = [i for i in range(len(a.inv.names)) if i not in dead]

    def hops(spf: object, adjs: tuple[object, ...], s: int, d: int) -> set[object]:
        return {(adjs[e].interface, adjs[e].remote)  # type: ignore[attr-defined]
                for e in spf.next_hop_edges(s, d).tolist()}  # type: ignore[attr-defined]

    pairs = dists = cut = 0
    for s in live:
        for d in live:
            moved = old.dist[s, d] != new.dist[s, d]
            dists += moved
            cut += bool(np.isfinite(old.dist[s, d]) and not np.isfinite(new.dist[s, d]))
            pairs += moved or (hops(old, a.levels[2].adjacencies, s, d)
                               != hops(new, b.levels[2].adjacencies, s, d))
    return pairs, dists, cut


@pytest.mark.parametrize("seed", range(8))
def test_what_if_equals_full_recompute(seed: int) -> None:
    net = random_backbone(seed, routers=16, extra_links=10)
    snap = net.snapshot()
    eng = EmbeddedEngine()
    a = eng.analysis(snap)
    rng = random.Random(seed)
    for _ in range(3):
        kind = rng.random()
        if kind < 0.3:
            f = FailureState(nodes_down=frozenset({rng.choice(sorted(snap.configs))}))
        elif kind < 0.5:
            f = FailureState(links_down=frozenset(rng.sample(sorted(snap.network.links), 2)))
        else:
            f = FailureState(links_down=frozenset({rng.choice(sorted(snap.network.links))}))
        w = eng.what_if(snap, f)
        b = analyse(failed_snapshot(snap, f))
        before, after = _routes(a), _routes(b)
        want = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        got = w.routes()
        assert {(c.node, c.network) for c in got} == want
        for c in got:
            assert (c.before is None) == ((c.node, c.network) not in before)
            assert (c.after is None) == ((c.node, c.network) not in after)
            if c.after is not None:
                assert (c.after.metric, frozenset(c.after.next_hops)) == after[(c.node,
                                                                                 c.network)]
        assert (w.pairs_changed, w.distances_changed, w.unreachable) == _counted(a, b, f)
        up_a = {(p.node, p.entry.address) for p in a.sessions.peerings if p.session}
        up_b = {(p.node, p.entry.address) for p in b.sessions.peerings if p.session}
        assert {(s.node, s.remote_ip) for s in w.sessions} == {
            (n, str(addr)) for n, addr in up_a - up_b}


def test_incremental_spf_equals_solving_again_on_random_graphs() -> None:
    rng = random.Random(3)
    for _ in range(200):
        n = rng.randint(3, 20)
        edges = []
        for i in range(1, n):
            j, w = rng.randrange(i), rng.randint(1, 5)
            edges += [(i, j, w), (j, i, w if rng.random() < 0.8 else rng.randint(1, 5))]
        for _ in range(rng.randint(0, 2 * n)):
            x, y = rng.sample(range(n), 2)
            w = rng.randint(1, 5)
            edges += [(x, y, w), (y, x, w)]
        t = np.array([e[0] for e in edges])
        h = np.array([e[1] for e in edges])
        wt = np.array([float(e[2]) for e in edges])
        over = np.array([rng.random() < 0.1 for _ in range(n)])
        spf = solve(Graph(n, t, h, wt, over))
        dead_e = np.array(rng.sample(range(len(edges)), rng.randint(1, 3)))
        dead_n = np.array([rng.randrange(n)] if rng.random() < 0.3 else [], dtype=np.int64)
        got = without(spf, dead_e, dead_n).applied()
        alive = np.ones(len(edges), dtype=bool)
        alive[dead_e] = False
        for x in dead_n:
            alive[(t == x) | (h == x)] = False
        ref = solve(Graph(n, t, h, wt, over, alive))
        assert np.array_equal(got.dist, ref.dist)
        assert np.array_equal(got.on_path, ref.on_path)


def test_a_partition_takes_sessions_down() -> None:
    snap = rr_net().snapshot()
    w = EmbeddedEngine().what_if(snap, FailureState(links_down=frozenset({"rr1-dr1"})))
    lost = {(s.node, s.reason) for s in w.sessions}
    assert ("dr1", SessionReason.NO_IGP_ROUTE) in lost
    assert ("rr1", SessionReason.NO_IGP_ROUTE) in lost
    assert w.unreachable > 0 and w.withdrawn


def test_node_failure_sessions() -> None:
    w = EmbeddedEngine().what_if(rr_net().snapshot(), parse_failure(rr_net().snapshot(),
                                                                   "node:p1"))
    assert {(s.node, s.reason) for s in w.sessions} == {("pr1", SessionReason.PEER_DOWN),
                                                       ("p1", SessionReason.NODE_DOWN)}


def test_what_if_overloaded_links_and_bgp() -> None:
    snap = utilisation_net(60.0).snapshot()
    w = EmbeddedEngine().what_if(snap, parse_failure(snap, "link:a-b"), bgp=True,
                                 utilisation=True)
    assert w.overloaded is not None and w.bgp is not None
    over = {(r.node, r.remote_node): r for r in w.overloaded}
    assert set(over) == {("a", "c"), ("c", "d")}
    assert over[("a", "c")].load_gbps == pytest.approx(100.0)
    assert over[("a", "c")].dropped_gbps == pytest.approx(40.0)
    assert w.bgp == ()  # the site prefix is still reached through d's loopback


def test_what_if_bgp_next_hops() -> None:
    snap = rr_net(second_pr=True).snapshot()
    w = EmbeddedEngine().what_if(snap, parse_failure(snap, "link:bb3-pr1"), bgp=True)
    assert w.bgp is not None
    changes = {(c.node, str(c.network)): c for c in w.bgp}
    rr1 = changes[("rr1", "203.0.113.0/28")]
    pr1 = str(snap.network.routers["pr1"].loopback4.ip)
    pr2 = str(snap.network.routers["pr2"].loopback4.ip)
    assert set(rr1.before) == {pr1, pr2} and rr1.after == (pr2,)


def test_srlg_and_bad_specs() -> None:
    net = rr_net()
    net.links["rr1-bb3"] = net.links["rr1-bb3"].__class__(
        **{**{f: getattr(net.links["rr1-bb3"], f) for f in net.links["rr1-bb3"].__slots__},
           "srlgs": ("cdt-1",)})
    snap = net.snapshot()
    assert parse_failure(snap, "srlg:cdt-1").links_down == frozenset({"rr1-bb3"})
    for bad in ("link:nope", "node:nope", "srlg:nope", "fibre:x"):
        with pytest.raises(EngineError):
            parse_failure(snap, bad)
