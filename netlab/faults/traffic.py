"""Where the demand matrix flows, estimated from the intent, so faults can pick loaded places.

A fault that moves traffic (a raised metric, an overload bit, a conduit cut)
shows a utilisation change only where traffic flows. :func:`loaded_ends`
estimates that from the NetworkState alone (no engine): every demand enters at
the routers originating its source site's prefix and leaves at the IGP-closest
routers originating the destination's, over every equal-cost shortest path of
IS-IS metrics through our own routers; edge routers (pr, dr) carry no transit
and overloaded routers no IS-IS transit. The result is the set of (router,
link) egress ends some demand leaves by.

Examples
--------
>>> from netlab.topology.files import load_network
>>> from netlab.render.intent import device_configs
>>> net = load_network("classic-small")
>>> state = NetworkState(net, device_configs(net))
>>> ("nyc1-pr1", "nyc1-bb1--nyc1-pr1") in loaded_ends(state)
True
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from netlab.faults.base import NetworkState
from netlab.model.types import Link, Role

__all__ = ["Cost", "demand_loads", "interface_cost", "loaded_ends"]

Cost = Callable[[str, Link], int]
"""The IS-IS cost of leaving ``router`` over ``link``."""

_EDGE = (Role.PR, Role.DR)


def interface_cost(state: NetworkState) -> Cost:
    """Each end's IS-IS metric as configured (the link's metric where IS-IS is off)."""
    from netlab.model.naming import interface_name

    def cost(router: str, link: Link) -> int:
        cfg = state.configs.get(router)
        if cfg is None:
            return link.metric
        end = link.end(router)
        name = interface_name(cfg.vendor, end.slot, end.port, link.capacity_gbps)
        for itf in cfg.interfaces:
            if itf.name == name and itf.isis is not None:
                return itf.isis.metric
        return link.metric
    return cost


def _origins(state: NetworkState, site: str) -> list[str]:
    sp = state.network.site_prefixes.get(site)
    out = []
    if sp is not None:
        out = sorted(n for n, c in state.configs.items()
                     if c.bgp is not None and sp.ipv4 in c.bgp.networks)
    return out or sorted(r.name for r in state.network.routers_with(site=site)
                         if r.role is not Role.PEER)


@dataclass(frozen=True)
class _Graph:
    """Directed costs between live internal routers; ``isis`` marks IS-IS circuits."""

    out: dict[str, list[tuple[str, int, str, bool]]]  # u -> [(v, cost, link id, isis)]
    edge: frozenset[str]  # edge routers: never transit
    overloaded: frozenset[str]  # never IS-IS transit (may be where IS-IS starts or ends)


def _isis_on(state: NetworkState, router: str, link: Link) -> bool:
    from netlab.model.naming import interface_name

    cfg = state.configs.get(router)
    if cfg is None or cfg.isis is None:
        return False
    end = link.end(router)
    name = interface_name(cfg.vendor, end.slot, end.port, link.capacity_gbps)
    return any(i.name == name and i.isis is not None and not i.isis.passive
               for i in cfg.interfaces)


def _graph(state: NetworkState, cost: Cost, no_transit: Iterable[str]) -> _Graph:
    net = state.network
    down = state.failures
    internal = {r.name for r in net.internal_routers() if r.name not in down.nodes_down}
    out: dict[str, list[tuple[str, int, str, bool]]] = defaultdict(list)
    for link in sorted(net.links.values(), key=lambda lk: lk.id):
        if link.id in down.links_down or not {link.a.router, link.b.router} <= internal:
            continue
        isis = _isis_on(state, link.a.router, link) and _isis_on(state, link.b.router, link)
        for u, v in ((link.a.router, link.b.router), (link.b.router, link.a.router)):
            out[u].append((v, cost(u, link), link.id, isis))
    overloaded = frozenset(no_transit) | {
        n for n, c in state.configs.items() if c.isis is not None and c.isis.overload}
    edge = frozenset(r.name for r in net.routers.values() if r.role in _EDGE)
    return _Graph(dict(out), edge, overloaded)


State = tuple[str, bool]  # (router, arrived over an IS-IS circuit)


def _push(g: _Graph, src: str, dsts: list[str], gbps: float,
          load: dict[tuple[str, str], float]) -> None:
    """Send ``gbps`` from ``src`` to its closest ``dsts`` over every shortest path.

    Traffic splits equally over the equal-cost next hops at each router. An edge
    router is never transit; an overloaded router is never IS-IS transit (entered
    and left over IS-IS circuits), as other routers' SPF avoids it.
    """
    targets = set(dsts) - {src}
    start: State = (src, False)
    dist: dict[State, int] = {start: 0}
    pred: dict[State, list[tuple[State, str]]] = defaultdict(list)
    heap: list[tuple[int, str, bool]] = [(0, src, False)]
    while heap:
        d, u, via = heapq.heappop(heap)
        if d > dist.get((u, via), d):
            continue
        if u != src and (u in targets or u in g.edge):
            continue
        for v, w, lid, isis in g.out.get(u, ()):
            if u != src and u in g.overloaded and via and isis:
                continue
            nd, key = d + w, (v, isis)
            old = dist.get(key)
            if old is None or nd < old:
                dist[key] = nd
                pred[key] = [((u, via), lid)]
                heapq.heappush(heap, (nd, v, isis))
            elif nd == old:
                pred[key].append(((u, via), lid))
    reach = {k: c for k, c in dist.items() if k[0] in targets}
    if not reach:
        return
    best = min(reach.values())
    nexts: dict[State, list[tuple[State, str]]] = defaultdict(list)
    todo = [k for k, c in reach.items() if c == best]
    seen: set[State] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        for prev, lid in pred.get(key, ()):
            nexts[prev].append((key, lid))
            todo.append(prev)
    flow: dict[State, float] = defaultdict(float)
    flow[start] = gbps
    for state in sorted(seen | {start}, key=lambda k: (dist[k], k)):
        out = nexts.get(state)
        if not out:
            continue
        share = flow.pop(state, 0.0) / len(out)
        for nxt, lid in out:
            load[(state[0], lid)] += share
            flow[nxt] += share


def demand_loads(state: NetworkState, cost: Cost | None = None,
                 no_transit: Iterable[str] = ()) -> dict[tuple[str, str], float]:
    """Gbps of the demand matrix leaving by each (router, link id) end.

    ``no_transit`` names routers to treat as overloaded.
    """
    g = _graph(state, cost or interface_cost(state), no_transit)
    load: dict[tuple[str, str], float] = defaultdict(float)
    for d in state.network.demands:
        sources = _origins(state, d.src)
        if d.gbps <= 0 or not sources:
            continue
        dsts = _origins(state, d.dst)
        for src in sources:
            _push(g, src, dsts, d.gbps / len(sources), load)
    return {k: round(v, 6) for k, v in sorted(load.items()) if v > 1e-9}


def loaded_ends(state: NetworkState, cost: Cost | None = None,
                no_transit: Iterable[str] = ()) -> frozenset[tuple[str, str]]:
    """(router, link id) ends some demand leaves by (see the module docstring)."""
    return frozenset(demand_loads(state, cost, no_transit))
