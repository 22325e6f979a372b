"""Derive a drill's parts from a fault: answer key, reference fix, checks, brief, hints.

``netlab scenario generate`` and ``netlab scenario new`` build drills with
these; everything comes from the fault record and the engine's answers:

* the **answer key** from the fault record's location (a config fault is on
  the router whose config is wrong; a cut on its link or SRLG);
* the **reference fix**: for a config fault, the edits restoring the baseline
  config on the routers an operator owns (:func:`~netlab.scenario.edits.diff_configs`);
  for a link that flaps or an optic that degrades, draining the link (both
  ends' IS-IS metric to :data:`DRAIN_METRIC`); for a failure that congests
  the surviving paths, IS-IS metric changes found by :func:`metric_search`;
  None when no config change mitigates the fault;
* **checks** from the symptoms the engine shows (see :func:`derive_checks`),
  kept only when they fail on the faulted network and pass after the fix;
* a **brief** written as the NOC page reads, from the evidence layer's alerts,
  and three **hints**, each more telling and more costly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from netlab.faults import FaultRecord, NetworkState, fault_type
from netlab.model.types import Role
from netlab.scenario.edits import ConfigEdit, apply_edits, diff_configs
from netlab.scenario.fingerprint import CONGESTED_PCT, Fingerprint, Observer
from netlab.scenario.match import plain

__all__ = [
    "DRAIN_METRIC",
    "answer_location",
    "derive_checks",
    "derive_fix",
    "describe_edits",
    "hints_for",
    "metric_search",
    "page_text",
    "title_for",
]

DRAIN_METRIC = 16_777_214
"""The highest usable wide IS-IS metric: a drained link is used only as a last resort."""
_TIME_VARYING = ("link-flap", "optic-degrade")
_MAX_CHECKS = 4


def answer_location(record: FaultRecord) -> dict[str, str]:
    """Where the answer key puts a fault: the router whose config is wrong, the cut
    link or SRLG, the router of a failed linecard or node."""
    loc = record.location
    if loc.srlg:
        return {"srlg": loc.srlg}
    if record.type in ("link-down", "link-flap", "optic-degrade") and loc.links:
        return {"link": loc.links[0]}
    return {"router": loc.routers[0]}


def _owned(state: NetworkState) -> list[str]:
    return sorted(r.name for r in state.network.routers.values() if r.role is not Role.PEER)


def _set(state: NetworkState, edits: Sequence[ConfigEdit]) -> NetworkState:
    return dataclasses.replace(state, configs=apply_edits(state.configs, list(edits)))


def _metric_edit(state: NetworkState, link: str, router: str, metric: int) -> ConfigEdit:
    itf = state.link_interface(state.network.link(link), router)
    return ConfigEdit(router, f"interfaces[{itf}].isis.metric", metric)


def _metric(state: NetworkState, link: str, router: str) -> int:
    itf = state.link_interface(state.network.link(link), router)
    isis = state.config(router).interface(itf).isis
    return isis.metric if isis is not None else 0


def _limits(obs: Observer) -> dict[tuple[str, ...], float]:
    """The utilisation each link direction may run at: the congestion threshold, or what
    it already ran at in the healthy network when that was more (an under-built link
    is not the on-call engineer's to fix)."""
    return {k: max(CONGESTED_PCT, pct) for k, (_, pct, _) in
            obs.answers(obs.baseline).loads.items()}


def _overload(obs: Observer, state: NetworkState) -> tuple[float, float]:
    """How congested ``state`` is: the excess over each direction's limit (less 5 %)
    summed over every link direction, then the worst excess (smaller is better)."""
    loads = obs.answers(obs.snapshot(state)).loads
    limits = _limits(obs)
    over = [pct - limits.get(k, CONGESTED_PCT) for k, (_, pct, _) in loads.items()]
    return sum(max(0.0, x + 5) for x in over), max(over)


def _congested(obs: Observer, state: NetworkState) -> list[tuple[str, ...]]:
    """Link directions above their limit (see :func:`_limits`), hottest first."""
    loads = obs.answers(obs.snapshot(state)).loads
    limits = _limits(obs)
    hot = [k for k, (_, pct, _) in loads.items() if pct >= limits.get(k, CONGESTED_PCT)
           and (k not in limits or pct > limits[k] + 0.5 or limits[k] == CONGESTED_PCT)]
    return sorted(hot, key=lambda k: (-loads[k][1], k))


def _graph(state: NetworkState) -> Any:
    """The IS-IS graph as configured: an edge per live link direction whose sending
    interface runs IS-IS, weighted by that interface's metric."""
    import networkx as nx

    graph = nx.DiGraph()
    down = state.failures
    for link in state.network.links.values():
        if link.id in down.links_down or {link.a.router, link.b.router} & down.nodes_down:
            continue
        for end, other in ((link.a, link.b), (link.b, link.a)):
            cfg = state.configs[end.router]
            name = state.link_interface(link, end.router)
            itf = next((i for i in cfg.interfaces if i.name == name), None)
            if itf is not None and itf.isis is not None and itf.enabled:
                graph.add_edge(end.router, other.router, weight=itf.isis.metric, link=link.id)
    return graph


def _ties(state: NetworkState, graph: Any, link_id: str, router: str) -> set[int]:
    """Metrics for ``router``'s end of ``link_id`` at which the best path to some demand's
    destination site ties the best path avoiding the link (and one more)."""
    import networkx as nx

    net = state.network
    far = net.link(link_id).other(router).router
    if not graph.has_edge(router, far):
        return set()
    now = graph[router][far]["weight"]
    without = graph.copy()
    without.remove_edge(router, far)
    via_far = nx.single_source_dijkstra_path_length(graph, far)
    avoid = nx.single_source_dijkstra_path_length(without, router)
    out: set[int] = set()
    for site in sorted({d.dst for d in net.demands}):
        targets = [r.name for r in net.routers_with(site=site)]
        through = min((via_far[t] for t in targets if t in via_far), default=None)
        around = min((avoid[t] for t in targets if t in avoid), default=None)
        if through is None or around is None:
            continue
        tie = now + around - (now + through)
        if tie > now:
            out |= {tie, tie + 1}
    return out


def _siblings(state: NetworkState, link_id: str, router: str) -> list[tuple[str, str]]:
    """Every (link, sending router) between the same two sites in the same direction:
    the link's twins in the other planes, which an operator costs out together."""
    net = state.network
    link = net.link(link_id)
    here, there = net.routers[router].site, net.routers[link.other(router).router].site
    out = []
    for other in net.links.values():
        for end, far in ((other.a, other.b), (other.b, other.a)):
            if net.routers[end.router].site == here and net.routers[far.router].site == there \
                    and here != there and other.id not in state.failures.links_down:
                out.append((other.id, end.router))
    return sorted(out)


def _feeders(state: NetworkState, graph: Any, loads: dict[tuple[str, ...], Any],
             link_id: str, router: str) -> list[tuple[str, str]]:
    """The hot direction and the loaded directions that feed traffic into its sender."""
    out = [(link_id, router)]
    for x in sorted(graph.predecessors(router)) if router in graph else []:
        lk = graph[x][router]["link"]
        if lk != link_id and loads.get((lk, x), (0.0,))[0] > 0:
            out.append((lk, x))
    return out


def metric_search(obs: Observer, state: NetworkState, *, max_steps: int = 6,
                  spread: int = 2) -> list[ConfigEdit] | None:
    """IS-IS metric changes that bring every link under :data:`CONGESTED_PCT`, or None.

    Greedy: while some link direction is congested, take the ``spread``
    hottest directions and the loaded directions feeding their senders, and
    try each at the metrics where the best path to some demand's destination
    ties the best path around it (traffic splits) or just loses (traffic
    leaves), and at twice its metric — alone, and together with its twins
    between the same two sites. Keep the change that lowers the total overload
    most (then the worst utilisation).
    """
    edits: list[ConfigEdit] = []
    current = state
    for _ in range(max_steps):
        loads = obs.answers(obs.snapshot(current)).loads
        ranked = _congested(obs, current)
        if not ranked:
            return edits
        score = _overload(obs, current)
        graph = _graph(current)
        best: tuple[tuple[float, float], NetworkState, list[ConfigEdit]] | None = None
        tried: set[tuple[tuple[str, str, int], ...]] = set()
        for hot in ranked[:spread]:
            for link, node in _feeders(current, graph, loads, hot[0], hot[1]):
                now = _metric(current, link, node)
                values = {now * 2} | _ties(current, graph, link, node)
                for value in sorted(v for v in values if v != now and 0 < v <= DRAIN_METRIC):
                    for ends in ([(link, node)], _siblings(current, link, node)):
                        key = tuple(sorted((lk, r, value) for lk, r in ends))
                        if key in tried:
                            continue
                        tried.add(key)
                        step = [_metric_edit(current, lk, r, value) for lk, r in ends]
                        trial = _set(current, step)
                        result = _overload(obs, trial)
                        if best is None or result < best[0]:
                            best = (result, trial, step)
        if best is None or best[0] >= score:
            return None
        current = best[1]
        edits = _merge(edits, best[2])
    return None if _congested(obs, current) else edits


def _merge(edits: list[ConfigEdit], new: list[ConfigEdit]) -> list[ConfigEdit]:
    """Later edits of the same path replace earlier ones."""
    paths = {(e.router, e.path) for e in new}
    return [e for e in edits if (e.router, e.path) not in paths] + new


def derive_fix(obs: Observer, baseline: NetworkState, faulted: NetworkState,
               record: FaultRecord) -> list[ConfigEdit] | None:
    """The reference fix for ``record`` in ``faulted`` (None: no config change helps)."""
    if record.type in _TIME_VARYING:
        link = obs.base_state.network.link(str(record.params["link"]))
        return [_metric_edit(faulted, link.id, end.router, DRAIN_METRIC)
                for end in (link.a, link.b)]
    restore = diff_configs(faulted.configs, baseline.configs, _owned(faulted))
    fixed = _set(faulted, restore)
    if not faulted.failures.empty:
        if not _congested(obs, fixed):
            return restore or None
        more = metric_search(obs, fixed)
        return None if more is None else restore + more
    return restore or None


# -- checks ------------------------------------------------------------------------------------
def _check(name: str, question: str, where: dict[str, Any], expect: dict[str, Any],
           params: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "question": question}
    if params:
        out["params"] = params
    out["where"] = where
    out["expect"] = expect
    return out


def derive_checks(obs: Observer, faulted: NetworkState, fp: Fingerprint,
                  record: FaultRecord) -> list[dict[str, Any]]:
    """Candidate checks (as scenario data) for the symptoms in ``fp``, most telling first.

    Adjacencies and sessions that went down must be up again; congestion must be
    gone; flows lost must be delivered again; a route that moved must use its
    baseline next hops; a best BGP path that changed must come back; a drained
    link must carry no traffic. :func:`netlab.scenario.generate` keeps those that
    fail on the faulted network and pass after the reference fix.
    """
    b = obs.answers(obs.baseline)
    routers = set(record.location.routers)
    out: list[dict[str, Any]] = []
    if record.type in _TIME_VARYING:
        link = str(record.params["link"])
        out.append(_check(f"no traffic crosses {link}", "linkUtilisation", {"link": link},
                          {"all": {"load_gbps": {"lt": 0.5}}}))
    for node, itf, _state in sorted(fp.adjacencies, key=lambda k: (k[0] not in routers, k)):
        if b.adjacencies.get((node, itf)) == "UP":
            out.append(_check(f"IS-IS adjacency {node} {itf} is up", "isisAdjacencies",
                              {"node": node, "interface": itf}, {"all": {"state": "UP"}}))
            break
    for node, remote, _state in sorted(fp.sessions, key=lambda k: (k[0] not in routers, k)):
        if b.sessions.get((node, remote)) == "ESTABLISHED":
            out.append(_check(f"BGP session {node} -> {remote} is established",
                              "bgpSessionStatus", {"node": node, "remote_ip": remote},
                              {"all": {"established_status": "ESTABLISHED"}}))
            break
    if fp.congestion:
        out += _congestion_checks(obs, faulted)
    if fp.reachability:
        out.append(_check("every flow the healthy network delivered is delivered",
                          "differentialReachability", {}, {"count": 0}))
    out += _route_checks(obs, faulted, fp, routers)
    return out


def _congestion_checks(obs: Observer, faulted: NetworkState) -> list[dict[str, Any]]:
    """No link at 95 % or more — or, where the healthy network already runs some link
    that hot, each newly congested direction back under 95 %."""
    base = obs.answers(obs.baseline).loads
    if all(pct < CONGESTED_PCT for _, pct, _ in base.values()):
        return [_check("no link runs at 95% or more", "linkUtilisation", {},
                       {"none": {"utilisation_pct": {"ge": CONGESTED_PCT}}})]
    out = []
    for link, node in _congested(obs, faulted)[:2]:
        if base.get((link, node), (0.0, 0.0, 0.0))[1] < CONGESTED_PCT:
            out.append(_check(f"{node} -> {link} runs under 95%", "linkUtilisation",
                              {"link": link, "node": node},
                              {"all": {"utilisation_pct": {"lt": CONGESTED_PCT}}}))
    return out


def _route_checks(obs: Observer, faulted: NetworkState, fp: Fingerprint, routers: set[str]
                  ) -> list[dict[str, Any]]:
    b = obs.answers(obs.baseline)
    f = obs.answers(obs.snapshot(faulted))
    out: list[dict[str, Any]] = []
    loopbacks = {str(r.loopback4): r.name for r in faulted.network.internal_routers()}
    moved = sorted((k for k in fp.isis_routes if k[1] in loopbacks and k in b.routes),
                   key=lambda k: (k[0] in routers, k))
    for node, prefix in moved:
        before = {nh for _, nh in b.routes[(node, prefix)]}
        after = {nh for _, nh in f.routes.get((node, prefix), frozenset())}
        if after and after <= before:
            continue
        itfs = sorted(nh.split()[1] for nh in before if nh.startswith("interface "))
        if not itfs:
            continue
        out.append(_check(f"{node} reaches {loopbacks[prefix]} the usual way", "routes",
                          {"node": node}, {"all": {"next_hop_interface": {"in": itfs}}},
                          {"prefix": prefix}))
        break
    for node, prefix in sorted(fp.bgp, key=lambda k: (k[0] not in routers, k)):
        if node not in obs.base_state.network.routers or \
                obs.base_state.network.routers[node].role is Role.PEER:
            continue
        if (node, prefix) not in b.bgp:
            out.append(_check(f"{node} does not accept {prefix}", "bgpRib", {"node": node},
                              {"count": 0}, {"prefix": prefix}))
        else:
            hop, lp, _, _ = sorted(b.bgp[(node, prefix)])[0]
            out.append(_check(f"{node} prefers its usual path to {prefix}", "bgpRib",
                              {"node": node, "status": "BEST"},
                              {"any": {"next_hop_ip": hop, "local_pref": int(lp)}},
                              {"prefix": prefix}))
        break
    return out[:_MAX_CHECKS]


# -- words -------------------------------------------------------------------------------------
def title_for(fp: Fingerprint, alerts: Sequence[Any]) -> str:
    """A title naming what the on-call engineer sees, never the cause."""
    kinds = {a.kind.value for a in alerts}
    if "reachability-loss" in kinds or fp.reachability:
        return "Traffic loss reported by the probes"
    if fp.congestion:
        return "Backbone links running hot"
    if "interface-down" in kinds or fp.layer1:
        return "Backbone interfaces down"
    if "adjacency-flapping" in kinds:
        return "Adjacency flapping on a long-haul link"
    if kinds & {"interface-errors", "optic-low-light"}:
        return "Errors on a backbone link"
    if fp.adjacencies:
        return "IS-IS adjacency lost"
    if fp.sessions:
        return "BGP sessions down"
    if fp.bgp:
        return "BGP paths changed overnight"
    return "Traffic moved to longer paths"


def page_text(alerts: Sequence[Any], limit: int = 5) -> str:
    """The NOC page: the alerts that fired, most severe first, as one paragraph each."""
    if not alerts:
        return ("No alert has fired, but a customer reports traffic taking a longer path "
                "through the backbone than yesterday.")
    ranked = sorted(alerts, key=lambda a: (a.severity.rank, a.fired_minute, a.device))
    lines = [f"- [{a.severity.value}] {a.fired_at:%H:%M} UTC {a.device}: {a.summary}"
             for a in ranked[:limit]]
    more = len(ranked) - limit
    if more > 0:
        lines.append(f"- … and {more} more alert{'s' if more > 1 else ''}")
    return "\n".join(lines)


def hints_for(record: FaultRecord) -> list[dict[str, Any]]:
    """Three hints, each naming more and costing more."""
    ft = fault_type(record.type)
    where = record.location.describe()
    area = {"physical": "the physical layer (interfaces, optics, layer-1 topology)",
            "isis": "the IS-IS adjacencies and the interface configs on both ends",
            "bgp": "the BGP sessions, their received prefixes and the neighbor configs"}
    first = f"Start with {area[ft.category.value]} of the routers in the alerts."
    return [{"text": first, "cost": 5},
            {"text": f"The problem is at {where}.", "cost": 10},
            {"text": f"What happened: {ft.summary}", "cost": 15}]


def describe_edits(edits: Sequence[ConfigEdit]) -> list[dict[str, Any]]:
    """Edits as scenario ``fix`` entries."""
    out = []
    for e in edits:
        item: dict[str, Any] = {"router": e.router, "path": e.path}
        if e.remove:
            item["remove"] = True
        else:
            item["value"] = plain(e.value)
        out.append(item)
    return out
