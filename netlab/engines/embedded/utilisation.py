"""Link utilisation: the demand matrix routed over the FIB, split equally over ECMP.

Each demand (site → site, Gbps) enters the backbone at the routers that
originate the source site's IPv4 prefix (split equally among the live ones; the
site's live routers when none does) and is forwarded toward the first address
of the destination site's IPv4 prefix through every router's FIB. At each
router the traffic is split equally over the ECMP forwards of the route it
matches (per-flow hashing over many flows averages to that). Loads are summed
per link and direction.

The load reported is the *offered* load: traffic above a link's capacity is
reported as dropped on that link, but downstream links still carry the full
offered amount (no congestion feedback). Traffic whose forwarding ends in a
failure disposition (no route, null route, loop...) is counted by
:func:`route_demands` as undelivered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from netlab.engines.base import IPAddress, LinkUtilisationRow
from netlab.engines.embedded.fib import Fib
from netlab.engines.embedded.forwarding import ForwardingGraph
from netlab.engines.embedded.inventory import Inventory, Port

__all__ = ["DemandRouting", "route_demands", "utilisation_rows"]

_OK = {"ACCEPTED", "DELIVERED_TO_SUBNET", "EXITS_NETWORK"}


@dataclass(frozen=True)
class DemandRouting:
    """Loads per (node, egress interface) and what could not be delivered."""

    load: dict[Port, float]
    undelivered: dict[tuple[str, str], float]  # (src site, dst site) → Gbps lost


def _entry_points(inv: Inventory, site: str) -> list[int]:
    net = inv.snapshot.network
    sp = net.site_prefixes.get(site)
    out = []
    if sp is not None:
        for name in inv.names:
            cfg = inv.configs[name]
            if inv.alive(name) and cfg.bgp is not None and sp.ipv4 in cfg.bgp.networks:
                out.append(inv.index[name])
    if not out:
        out = [inv.index[r.name] for r in net.routers_with(site=site)
               if r.name in inv.index and inv.alive(r.name)]
    return out


def _destination(inv: Inventory, site: str) -> IPAddress | None:
    sp = inv.snapshot.network.site_prefixes.get(site)
    if sp is None:
        return None
    return sp.ipv4.network_address + 1 if sp.ipv4.num_addresses > 1 else sp.ipv4.network_address


def route_demands(inv: Inventory, fib: Fib) -> DemandRouting:
    """Route every demand of the snapshot's network over ``fib``."""
    load: dict[Port, float] = defaultdict(float)
    lost: dict[tuple[str, str], float] = defaultdict(float)
    by_dst: dict[IPAddress, dict[int, list[tuple[tuple[str, str], float]]]] = defaultdict(
        lambda: defaultdict(list))
    for d in inv.snapshot.network.demands:
        dst = _destination(inv, d.dst)
        sources = _entry_points(inv, d.src)
        if dst is None or not sources or d.gbps <= 0:
            lost[(d.src, d.dst)] += max(d.gbps, 0.0)
            continue
        share = d.gbps / len(sources)
        for s in sources:
            by_dst[dst][s].append(((d.src, d.dst), share))
    for dst, injected in by_dst.items():
        _push(inv, ForwardingGraph(inv, fib, dst), injected, load, lost)
    return DemandRouting(dict(load), dict(lost))


def _push(inv: Inventory, graph: ForwardingGraph,
          injected: dict[int, list[tuple[tuple[str, str], float]]],
          load: dict[Port, float], lost: dict[tuple[str, str], float]) -> None:
    """Push every demand toward one destination in topological order of the graph."""
    # Explore the part of the forwarding graph the traffic can reach.
    nodes: set[int] = set()
    todo = list(injected)
    while todo:
        n = todo.pop()
        if n in nodes:
            continue
        nodes.add(n)
        todo.extend(b.next_node for b in graph.branches_of(n) if b.next_node is not None)
    indeg = dict.fromkeys(nodes, 0)
    for n in nodes:
        for b in graph.branches_of(n):
            if b.next_node is not None:
                indeg[b.next_node] += 1
    flow: dict[int, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
    for n, items in injected.items():
        for key, gbps in items:
            flow[n][key] += gbps
    ready = [n for n in nodes if indeg[n] == 0]
    done: set[int] = set()
    while ready:
        n = ready.pop()
        done.add(n)
        branches = graph.branches_of(n)
        here = flow.pop(n, {})
        part = 1.0 / len(branches)
        total = sum(here.values())
        for b in branches:
            sent = b.disposition is None or b.disposition.value != "NEIGHBOR_UNREACHABLE"
            if b.hop.egress_interface is not None and sent:
                load[(inv.names[n], b.hop.egress_interface)] += total * part
            if b.next_node is not None:
                nxt = flow[b.next_node]
                for key, gbps in here.items():
                    nxt[key] += gbps * part
                indeg[b.next_node] -= 1
                if indeg[b.next_node] == 0:
                    ready.append(b.next_node)
            elif b.disposition is None or b.disposition.value not in _OK:
                for key, gbps in here.items():
                    lost[key] += gbps * part
    for n, here in flow.items():  # left in a cycle: looping traffic is lost
        if n not in done:
            for key, gbps in here.items():
                lost[key] += gbps


def utilisation_rows(inv: Inventory, routing: DemandRouting) -> list[LinkUtilisationRow]:
    """One row per link and direction of the network (loads of 0 included)."""
    rows = []
    net = inv.snapshot.network
    for lid in sorted(net.links):
        link = net.links[lid]
        a, b = inv.link_ends[lid]
        for (n1, i1), (n2, i2) in ((a, b), (b, a)):
            gbps = routing.load.get((n1, i1), 0.0)
            cap = link.capacity_gbps
            rows.append(LinkUtilisationRow(lid, n1, i1, n2, i2, cap, round(gbps, 6),
                                           round(100.0 * gbps / cap, 3) if cap else 0.0,
                                           round(max(0.0, gbps - cap), 6)))
    return rows
