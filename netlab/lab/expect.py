"""What SHOULD be up in a lab, and how far the routers are from it.

From the routers' configs and what is physically down, :func:`expect` derives
the IS-IS adjacencies that must come Up, the BGP sessions that must reach
Established, and the loopbacks every router must have learnt through IS-IS.
:func:`difference` compares that to what the routers report and returns a
short readable difference (``None`` when converged) — the *check* that
:func:`~netlab.lab.poll.wait_until` polls.

The rules follow FRR 8.4: an adjacency needs the link up, IS-IS on both
ends, neither end passive, a common level, the same hello authentication and
the same MTU (FRR pads hellos to the MTU, so a smaller MTU drops the larger
hellos). A session needs both ends configured toward each other's source
address with the right AS numbers and the same password, neither shut down,
and a path: the shared link for a directly connected session, IS-IS between
the two routers (both addresses advertised) for one on loopbacks; an eBGP
session that is not directly connected is not expected (TTL 1, no multihop).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, ip_interface

import networkx as nx

from netlab.lab.show import BgpPeerObs, IsisNeighborObs, RouteObs
from netlab.lab.state import LinkRecord
from netlab.model.device import BgpNeighbor, DeviceConfig, InterfaceConfig, IsisLevel

__all__ = ["Expectation", "Observed", "difference", "expect"]

IPAddress = IPv4Address | IPv6Address
_LEVELS = {IsisLevel.L1: {1}, IsisLevel.L2: {2}, IsisLevel.L1L2: {1, 2}}
_MAX_PREFIX = "Maximum Number of Prefixes"


@dataclass(frozen=True)
class Expectation:
    """Adjacencies (router, interface, neighbor), sessions (router, peer address) and
    IS-IS prefixes (router → prefixes) that should be present; ``unsure`` adjacencies
    are one-sided (one end drops the other's hellos) and may be either."""

    adjacencies: frozenset[tuple[str, str, str]]
    sessions: frozenset[tuple[str, str]]
    isis_prefixes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    unsure: frozenset[tuple[str, str, str]] = frozenset()  # may be Up or not (one-sided)


@dataclass(frozen=True)
class Observed:
    """What the routers report (only the parts convergence looks at)."""

    adjacencies: Sequence[IsisNeighborObs] = ()
    sessions: Sequence[BgpPeerObs] = ()
    routes: Sequence[RouteObs] = ()
    unreachable: Sequence[str] = ()  # routers whose vtysh did not answer


def _levels(cfg: DeviceConfig, itf: InterfaceConfig) -> set[int]:
    """The levels a circuit runs at. FRR 8.4 honours ``isis circuit-type`` only on a
    level-1-2 router; under ``is-type level-1``/``level-2-only`` the circuit runs
    at the router's level (seen in the lab: a level-1 circuit type on a level-2-only
    router keeps its level-2 adjacency)."""
    if cfg.isis is None or itf.isis is None:
        return set()
    if cfg.isis.level is not IsisLevel.L1L2:
        return set(_LEVELS[cfg.isis.level])
    return set(_LEVELS[itf.isis.level])


def _port_ok(cfg: DeviceConfig, name: str) -> InterfaceConfig | None:
    for itf in cfg.interfaces:
        if itf.name == name and itf.enabled:
            return itf
    return None


def _hears(ca: DeviceConfig, ia: InterfaceConfig, cb: DeviceConfig,
           ib: InterfaceConfig) -> bool:
    """Does ``ca`` accept the hellos ``cb`` sends on this link?

    A router with hello authentication drops hellos without the same key; one
    without accepts any. FRR pads hellos to the interface MTU, so a hello from a
    larger-MTU neighbor does not fit a smaller-MTU interface.
    """
    if ia.isis is None or ib.isis is None or ia.isis.passive or ib.isis.passive:
        return False
    if not _levels(ca, ia) & _levels(cb, ib):
        return False
    if ia.isis.hello_auth is not None and ia.isis.hello_auth != ib.isis.hello_auth:
        return False
    return (ib.mtu or 1500) <= (ia.mtu or 1500)


def expect(configs: Mapping[str, DeviceConfig], links: Iterable[LinkRecord],
           down_ports: Iterable[tuple[str, str]] = (),
           down_routers: Iterable[str] = ()) -> Expectation:
    """What should be up, given the configs and what is physically down."""
    dead = set(down_routers)
    down = set(down_ports)
    alive = {n: c for n, c in configs.items() if n not in dead}
    adjacencies: set[tuple[str, str, str]] = set()
    unsure: set[tuple[str, str, str]] = set()
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(n for n, c in alive.items() if c.isis is not None)
    link_up: dict[frozenset[tuple[str, str]], bool] = {}
    for link in links:
        ends = ((link.a_router, link.a_iface), (link.b_router, link.b_iface))
        up = all(r in alive and (r, i) not in down for r, i in ends)
        ia = _port_ok(alive[link.a_router], link.a_iface) if link.a_router in alive else None
        ib = _port_ok(alive[link.b_router], link.b_iface) if link.b_router in alive else None
        up = up and ia is not None and ib is not None
        link_up[frozenset(ends)] = up
        if not up or ia is None or ib is None:
            continue
        ca, cb = alive[link.a_router], alive[link.b_router]
        a_hears, b_hears = _hears(ca, ia, cb, ib), _hears(cb, ib, ca, ia)
        if a_hears and b_hears:
            adjacencies.add((link.a_router, link.a_iface, link.b_router))
            adjacencies.add((link.b_router, link.b_iface, link.a_router))
            graph.add_edge(link.a_router, link.b_router)
        elif a_hears or b_hears:
            # one-sided: FRR keeps an adjacency that was Up on the side that still
            # hears its neighbor; whether it is Up depends on history
            side = (link.a_router, link.a_iface, link.b_router) if a_hears else (
                link.b_router, link.b_iface, link.a_router)
            unsure.add(side)
    component = {n: i for i, comp in enumerate(nx.connected_components(graph)) for n in comp}
    advertised = {n: _isis_prefixes(c) for n, c in alive.items()}
    isis_prefixes = {
        n: frozenset(p for m in alive if m != n and component.get(m) == component.get(n)
                     and n in component for p in advertised[m])
        for n in alive if n in component
    }
    owners = _owners(alive)
    sessions = _sessions(alive, owners, component, link_up, links)
    return Expectation(frozenset(adjacencies), frozenset(sessions), isis_prefixes,
                       frozenset(unsure))


def _isis_prefixes(cfg: DeviceConfig) -> set[str]:
    if cfg.isis is None:
        return set()
    out = set()
    for itf in cfg.interfaces:
        if itf.isis is None or not itf.enabled or not itf.loopback:
            continue
        for addr in (itf.ipv4, itf.ipv6):
            if addr is not None:
                out.add(str(addr.network))
    return out


def _owners(configs: Mapping[str, DeviceConfig]) -> dict[IPAddress, tuple[str, InterfaceConfig]]:
    out: dict[IPAddress, tuple[str, InterfaceConfig]] = {}
    for name, cfg in configs.items():
        for itf in cfg.interfaces:
            for addr in (itf.ipv4, itf.ipv6):
                if addr is not None and itf.enabled:
                    out[addr.ip] = (name, itf)
    return out


def _source(cfg: DeviceConfig, nb: BgpNeighbor) -> IPAddress | None:
    """The address ``cfg`` sources its session to ``nb`` from."""
    if nb.update_source:
        for itf in cfg.interfaces:
            if itf.name == nb.update_source:
                addr = itf.ipv4 if nb.address.version == 4 else itf.ipv6
                return addr.ip if addr is not None else None
        return None
    for itf in cfg.interfaces:  # the interface on the neighbor's subnet
        addr = itf.ipv4 if nb.address.version == 4 else itf.ipv6
        if addr is not None and not itf.loopback and nb.address in addr.network:
            return addr.ip
    return None


def _sessions(alive: Mapping[str, DeviceConfig],
              owners: Mapping[IPAddress, tuple[str, InterfaceConfig]],
              component: Mapping[str, int],
              link_up: Mapping[frozenset[tuple[str, str]], bool],
              links: Iterable[LinkRecord]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    link_list = list(links)
    for name, cfg in alive.items():
        if cfg.bgp is None:
            continue
        for nb in cfg.bgp.neighbors:
            if nb.shutdown or nb.address not in owners:
                continue
            peer, peer_itf = owners[nb.address]
            pcfg = alive[peer]
            src = _source(cfg, nb)
            if pcfg.bgp is None or src is None or peer == name:
                continue
            back = next((m for m in pcfg.bgp.neighbors if m.address == src), None)
            if back is None or back.shutdown or _source(pcfg, back) != nb.address:
                continue
            if nb.remote_as != pcfg.bgp.asn or back.remote_as != cfg.bgp.asn:
                continue
            if (nb.password or None) != (back.password or None):
                continue
            if _direct(name, peer, nb.address, peer_itf, link_list, link_up, alive):
                out.add((name, str(nb.address)))
                continue
            if cfg.bgp.asn != pcfg.bgp.asn or name not in component:
                continue  # eBGP needs a direct link (TTL 1)
            same = component.get(peer) == component.get(name)
            own_itf = owners.get(src)
            if same and peer_itf.isis is not None and own_itf is not None \
                    and own_itf[1].isis is not None:
                out.add((name, str(nb.address)))
    return out


def _direct(name: str, peer: str, address: IPAddress, peer_itf: InterfaceConfig,
            links: Sequence[LinkRecord], link_up: Mapping[frozenset[tuple[str, str]], bool],
            alive: Mapping[str, DeviceConfig]) -> bool:
    if peer_itf.loopback:
        return False
    for link in links:
        ends = {(link.a_router, link.a_iface), (link.b_router, link.b_iface)}
        if (peer, peer_itf.name) not in ends:
            continue
        mine = next((i for r, i in ends if r == name), None)
        if mine is None or not link_up.get(frozenset(ends), False):
            return False
        itf = _port_ok(alive[name], mine)
        net = (itf.ipv4 if address.version == 4 else itf.ipv6) if itf else None
        return net is not None and address in ip_interface(net).network
    return False


def difference(expected: Expectation, observed: Observed,
               must_be_down: Expectation | None = None, limit: int = 4) -> str | None:
    """Everything still different, as one short line (``None`` = converged).

    ``must_be_down`` lists adjacencies and sessions that must *not* be up any
    more (what a fault took away).
    """
    problems: list[str] = [f"{r}: vtysh does not answer" for r in observed.unreachable]
    adj = {(a.router, a.interface): a for a in observed.adjacencies}
    for router, itf, nbr in sorted(expected.adjacencies):
        seen = adj.get((router, itf))
        if seen is None:
            problems.append(f"{router}: no IS-IS adjacency on {itf} (to {nbr})")
        elif seen.state != "Up":
            problems.append(f"{router}: IS-IS adjacency on {itf} to {seen.neighbor} is "
                            f"{seen.state}")
    sess = {(s.router, s.peer): s for s in observed.sessions}
    for router, peer in sorted(expected.sessions):
        seen_s = sess.get((router, peer))
        if seen_s is not None and seen_s.state != "Established" and \
                _MAX_PREFIX in seen_s.last_reason:
            continue  # torn down by a configured maximum-prefix: that is its steady state
        state = seen_s.state if seen_s is not None else "not configured"
        if state != "Established":
            problems.append(f"{router}: BGP session to {peer} is {state}")
    have: dict[str, set[str]] = {}
    for r in observed.routes:
        if r.protocol == "isis":
            have.setdefault(r.router, set()).add(r.prefix)
    for router, prefixes in sorted(expected.isis_prefixes.items()):
        missing = sorted(prefixes - have.get(router, set()))
        if missing:
            problems.append(f"{router}: no IS-IS route to {missing[0]}"
                            f"{f' and {len(missing) - 1} more' if len(missing) > 1 else ''}")
    if must_be_down is not None:
        for router, itf, nbr in sorted(must_be_down.adjacencies - expected.adjacencies
                                       - expected.unsure):
            seen = adj.get((router, itf))
            if seen is not None and seen.state == "Up":
                problems.append(f"{router}: IS-IS adjacency on {itf} to {nbr} is still Up")
        for router, peer in sorted(must_be_down.sessions - expected.sessions):
            s = sess.get((router, peer))
            if s is not None and s.state == "Established":
                problems.append(f"{router}: BGP session to {peer} is still Established")
    if not problems:
        return None
    more = len(problems) - limit
    return "; ".join(problems[:limit]) + (f"; … {more} more" if more > 0 else "")
