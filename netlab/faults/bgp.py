"""BGP configuration faults on one router (and, for a leak, the peer that leaks)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_address
from random import Random
from typing import Any

from netlab.errors import FaultError
from netlab.faults.base import (
    Category,
    Engine,
    FaultType,
    Location,
    NetworkState,
    Param,
    ParamKind,
    Symptom,
)
from netlab.model.device import (
    Action,
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    PolicyTerm,
    RoutePolicy,
)
from netlab.model.types import Role

__all__ = ["BGP_FAULTS"]

NeighborFilter = Callable[[NetworkState, DeviceConfig, BgpNeighbor], bool]


def _bgp(state: NetworkState, router: str) -> tuple[DeviceConfig, BgpConfig]:
    cfg = state.config(router)
    if cfg.bgp is None:
        raise FaultError(f"{router} does not run BGP")
    return cfg, cfg.bgp


def _replace_neighbor(state: NetworkState, p: Mapping[str, Any], **changes: Any
                      ) -> NetworkState:
    cfg, bgp = _bgp(state, p["router"])
    addr = ip_address(p["neighbor"])
    neighbors = tuple(dataclasses.replace(n, **changes) if n.address == addr else n
                      for n in bgp.neighbors)
    return state.with_config(dataclasses.replace(cfg, bgp=dataclasses.replace(
        bgp, neighbors=neighbors)))


def _neighbor(state: NetworkState, p: Mapping[str, Any]) -> BgpNeighbor:
    cfg, _ = _bgp(state, p["router"])
    return cfg.neighbor(ip_address(p["neighbor"]))


def _is_ibgp(_s: NetworkState, cfg: DeviceConfig, nb: BgpNeighbor) -> bool:
    return cfg.bgp is not None and nb.remote_as == cfg.bgp.asn


def _is_ebgp(state: NetworkState, cfg: DeviceConfig, nb: BgpNeighbor) -> bool:
    return not _is_ibgp(state, cfg, nb)


def _internal(state: NetworkState, router: str) -> bool:
    return state.network.routers[router].role is not Role.PEER


def _pick_neighbor(keep: NeighborFilter, roles: tuple[Role, ...] = ()
                   ) -> Callable[[NetworkState, Random], dict[str, Any] | None]:
    def pick(state: NetworkState, rng: Random) -> dict[str, Any] | None:
        options = []
        for host in sorted(state.configs):
            router = state.network.routers.get(host)
            if router is None or router.role is Role.PEER or (roles and router.role not in roles):
                continue
            cfg = state.configs[host]
            if cfg.bgp is None:
                continue
            options += [(host, str(nb.address)) for nb in cfg.bgp.neighbors
                        if not nb.shutdown and keep(state, cfg, nb)]
        if not options:
            return None
        chosen, neighbor = rng.choice(options)
        return {"router": chosen, "neighbor": neighbor}
    return pick


def _owner(state: NetworkState, address: str) -> str | None:
    """The router that has ``address`` on one of its interfaces."""
    ip = ip_address(address)
    for name, cfg in state.configs.items():
        for itf in cfg.interfaces:
            if (itf.ipv4 is not None and itf.ipv4.ip == ip) or (
                    itf.ipv6 is not None and itf.ipv6.ip == ip):
                return name
    return None


def _session_location(state: NetworkState, p: Mapping[str, Any]) -> Location:
    peer = _owner(state, p["neighbor"])
    return Location(routers=(p["router"],) + ((peer,) if peer and peer != p["router"] else ()))


def _router_location(_s: NetworkState, p: Mapping[str, Any]) -> Location:
    return Location(routers=(p["router"],))


# -- the faults ------------------------------------------------------------------------------
def _remote_as(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    asn = p["asn"] or _neighbor(state, p).remote_as + 1
    state = _replace_neighbor(state, p, remote_as=asn)
    _, bgp = _bgp(state, p["router"])
    if asn != bgp.asn and _neighbor(state, p).route_reflector_client:
        # A route-reflector client is an iBGP notion: with a foreign AS the entry is an
        # eBGP neighbor, which no platform accepts as a client (and no renderer writes).
        state = _without_client(state, p)
    return state


def _without_client(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    """The neighbor is no longer a client; the cluster id goes with the last client."""
    new = _replace_neighbor(state, p, route_reflector_client=False)
    cfg, bgp = _bgp(new, p["router"])
    if not any(n.route_reflector_client for n in bgp.neighbors):
        new = new.with_config(dataclasses.replace(cfg, bgp=dataclasses.replace(
            bgp, cluster_id=None)))
    return new


def _typo(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    addr = ip_address(p["neighbor"])
    used = {str(i.ipv4.ip) for c in state.configs.values() for i in c.interfaces if i.ipv4}
    used |= {str(i.ipv6.ip) for c in state.configs.values() for i in c.interfaces if i.ipv6}
    candidate: IPv4Address | IPv6Address = addr
    for step in range(1, 1000):
        candidate = addr + step
        if str(candidate) not in used:
            break
    return _replace_neighbor(state, p, address=candidate)


def _update_source(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    """update-source removed from both ends (a peer template pushed to both routers).

    With one end still sourcing from its loopback that end's connection is accepted
    and the session comes up (real routers and the engine agree), so the fault
    would show nothing; without it on both ends each side opens from its
    interface address, which the other has no neighbor entry for.
    """
    nb = _neighbor(state, p)
    if nb.update_source is None:
        raise FaultError(f"{p['router']} neighbor {p['neighbor']} has no update-source to remove")
    state = _replace_neighbor(state, p, update_source=None)
    peer = _owner(state, p["neighbor"])
    lo = state.config(p["router"]).interface(nb.update_source)
    own = lo.ipv4 if nb.address.version == 4 else lo.ipv6
    if peer is not None and own is not None:
        back = {"router": peer, "neighbor": str(own.ip)}
        try:
            theirs = _neighbor(state, back)
        except KeyError:
            return state
        if theirs.update_source is not None:
            state = _replace_neighbor(state, back, update_source=None)
    return state


def _next_hop_self(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    cfg, bgp = _bgp(state, p["router"])
    if not any(n.next_hop_self for n in bgp.neighbors):
        raise FaultError(f"{p['router']} sets next-hop-self toward no neighbor")
    neighbors = tuple(dataclasses.replace(n, next_hop_self=False) for n in bgp.neighbors)
    return state.with_config(dataclasses.replace(cfg, bgp=dataclasses.replace(
        bgp, neighbors=neighbors)))


def _pick_nhs_router(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    routers = sorted(n for n, c in state.configs.items()
                     if c.bgp and _internal(state, n)
                     and any(nb.next_hop_self for nb in c.bgp.neighbors))
    return {"router": rng.choice(routers)} if routers else None


def _rr_client(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    """Every client of the neighbor's address family loses its client statement.

    One client alone losing it changes nothing when every router peers with every
    reflector: by RFC 4456 a reflector still sends its clients' routes to a
    non-client, and the non-client's routes to its clients. The real mistake is
    the client configuration of a whole peer group going (Junos: ``cluster``
    deleted from the clients' group): the reflector then reflects nothing of
    that family and its clients keep only what the other reflectors send.
    """
    nb = _neighbor(state, p)
    if not nb.route_reflector_client:
        raise FaultError(f"{p['neighbor']} is not a route-reflector client of {p['router']}")
    _, bgp = _bgp(state, p["router"])
    for other in bgp.neighbors:
        if other.route_reflector_client and other.address.version == nb.address.version:
            state = _without_client(state, {"router": p["router"],
                                            "neighbor": str(other.address)})
    return state


def _with_policy(state: NetworkState, router: str, policy: RoutePolicy) -> NetworkState:
    cfg = state.config(router)
    policies = (*(p for p in cfg.route_policies if p.name != policy.name), policy)
    return state.with_config(dataclasses.replace(cfg, route_policies=policies))


def _deny_all(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    state = _with_policy(state, p["router"], RoutePolicy("DENY-ALL", (), Action.DENY))
    return _replace_neighbor(state, p, import_policy="DENY-ALL")


def _import_policy(state: NetworkState, p: Mapping[str, Any]) -> RoutePolicy:
    name = _neighbor(state, p).import_policy
    cfg = state.config(p["router"])
    for pol in cfg.route_policies:
        if pol.name == name:
            return pol
    raise FaultError(f"{p['router']} neighbor {p['neighbor']} has no import policy")


def _local_pref(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    pol = _import_policy(state, p)
    terms = tuple(dataclasses.replace(t, set_local_preference=p["local_pref"])
                  if t.action is Action.PERMIT else t for t in pol.terms)
    return _with_policy(state, p["router"], dataclasses.replace(pol, terms=terms))


def _leak(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    """The peer announces a more-specific of another network's prefix, and our import
    filter toward it was replaced by one that accepts anything."""
    peer = _owner(state, p["neighbor"])
    if peer is None or state.network.routers[peer].role is not Role.PEER:
        raise FaultError(f"{p['neighbor']} is not an external peer of {p['router']}")
    own = state.network.routers[peer].network
    victims = sorted((n for n in state.network.external_networks.values() if n.name != own),
                     key=lambda n: n.name)
    if not victims or not victims[0].prefixes4:
        raise FaultError("a leak needs a second external network to leak from")
    victim: IPv4Network = victims[0].prefixes4[0]
    leaked = next(victim.subnets(prefixlen_diff=1))
    cfg, bgp = _bgp(state, peer)
    state = state.with_config(dataclasses.replace(cfg, bgp=dataclasses.replace(
        bgp, networks=(*bgp.networks, leaked))))
    pol = _import_policy(state, p)
    lp = next((t.set_local_preference for t in pol.terms if t.action is Action.PERMIT), None)
    loose = RoutePolicy(pol.name, (PolicyTerm("accept-all", Action.PERMIT,
                                              set_local_preference=lp),), Action.DENY)
    return _with_policy(state, p["router"], loose)


def _max_prefix(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return _replace_neighbor(state, p, max_prefix=p["limit"])


def _shutdown(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return _replace_neighbor(state, p, shutdown=True)


def _password(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return _replace_neighbor(state, p, password=p["password"])


def _has_import(_s: NetworkState, cfg: DeviceConfig, nb: BgpNeighbor) -> bool:
    return nb.import_policy is not None and _is_ebgp(_s, cfg, nb)


def _ibgp_loopback(s: NetworkState, cfg: DeviceConfig, nb: BgpNeighbor) -> bool:
    return _is_ibgp(s, cfg, nb) and nb.update_source is not None


def _rr(_s: NetworkState, _c: DeviceConfig, nb: BgpNeighbor) -> bool:
    return nb.route_reflector_client


def _to_peer(s: NetworkState, cfg: DeviceConfig, nb: BgpNeighbor) -> bool:
    owner = _owner(s, str(nb.address))
    return (_has_import(s, cfg, nb) and owner is not None
            and s.network.routers[owner].role is Role.PEER)


def _any(_s: NetworkState, _c: DeviceConfig, _n: BgpNeighbor) -> bool:
    return True


def _sends_several(s: NetworkState, cfg: DeviceConfig, nb: BgpNeighbor) -> bool:
    """Whether the neighbor sends more than one prefix, so a limit of 1 is exceeded.

    An external peer sends its network's prefixes of the session's family; a route
    reflector (iBGP) and our own backbone routers (eBGP toward a DC router) send the
    whole table. A DC or peering router sends only its own prefixes.
    """
    owner = _owner(s, str(nb.address))
    if owner is None:
        return False
    remote = s.network.routers[owner]
    if remote.role is Role.PEER:
        ext = s.network.external_networks.get(remote.network or "")
        if ext is None:
            return False
        prefixes = ext.prefixes4 if nb.address.version == 4 else ext.prefixes6
        return len(prefixes) >= 2
    if _is_ibgp(s, cfg, nb):
        return remote.route_reflector
    return remote.role in (Role.BB, Role.EBB)


_SESSION = frozenset({Symptom.BGP_SESSION, Symptom.BGP_ROUTES})
_ROUTES = frozenset({Symptom.BGP_ROUTES})
_NOT_BATFISH = frozenset({Engine.EMBEDDED, Engine.LIVE})
_ON = (Param("router", ParamKind.ROUTER, "the router whose config is wrong"),
       Param("neighbor", ParamKind.NEIGHBOR, "the BGP neighbor address on that router"))


def _session_fault(name: str, summary: str, apply: Any, keep: NeighborFilter, *,
                   extra: tuple[Param, ...] = (), symptoms: frozenset[Symptom] = _SESSION,
                   batfish: bool = True) -> FaultType:
    fault = FaultType(
        name=name, category=Category.BGP, root_cause=name, summary=summary,
        params=(*_ON, *extra), symptoms=symptoms, apply_fn=apply,
        pick=_pick_neighbor(keep), locate=_session_location,
    )
    if batfish:
        return fault
    return dataclasses.replace(fault, observers=lambda _s, _p: _NOT_BATFISH)


BGP_FAULTS: tuple[FaultType, ...] = (
    _session_fault("bgp-remote-as", "A neighbor's remote-as is wrong; the OPEN is refused.",
                   _remote_as, _any,
                   extra=(Param("asn", ParamKind.INT, "the wrong AS (0 = the right one + 1)", 0),)),
    _session_fault("bgp-neighbor-typo", "A neighbor address has a typo; the session goes "
                   "nowhere and the real peer sees no session.", _typo, _is_ibgp),
    _session_fault("bgp-update-source", "update-source was removed from both ends of a "
                   "loopback iBGP session: each opens from its interface address, which the "
                   "other has no neighbor for.", _update_source,
                   _ibgp_loopback),
    FaultType(
        name="bgp-next-hop-self", category=Category.BGP, root_cause="bgp-next-hop-self",
        summary="next-hop-self is missing at an edge router: external next hops are not "
                "in IS-IS, so the routes are unusable elsewhere.",
        params=(Param("router", ParamKind.ROUTER, "the edge router"),),
        symptoms=frozenset({Symptom.BGP_ROUTES, Symptom.REACHABILITY}),
        apply_fn=_next_hop_self, pick=_pick_nhs_router, locate=_router_location,
    ),
    dataclasses.replace(_session_fault(
        "bgp-rr-client", "A route reflector lost the client configuration of one address "
        "family (Junos: 'cluster' deleted from the clients' group): it stops reflecting "
        "routes between its clients, which keep only what other reflectors send.",
        _rr_client, _rr, symptoms=_ROUTES), locate=_router_location),
    _session_fault("bgp-import-deny", "An import policy that denies everything was applied "
                   "to a session: it stays up but no routes are accepted.", _deny_all,
                   _has_import, symptoms=_ROUTES),
    _session_fault("bgp-leak", "A peer leaks a more-specific of another network's prefix "
                   "and our import filter toward it accepts anything.", _leak, _to_peer,
                   symptoms=_ROUTES),
    _session_fault("bgp-local-pref", "An import policy sets the wrong local-preference: "
                   "traffic prefers the wrong exit.", _local_pref, _has_import,
                   extra=(Param("local_pref", ParamKind.INT, "the wrong local-preference", 300),),
                   symptoms=_ROUTES),
    _session_fault("bgp-max-prefix", "A max-prefix limit below what the peer sends: the "
                   "session is torn down.", _max_prefix, _sends_several,
                   extra=(Param("limit", ParamKind.INT, "the too-low limit", 1),), batfish=False),
    _session_fault("bgp-shutdown", "A neighbor was left administratively shut.", _shutdown,
                   _any),
    _session_fault("bgp-password", "The TCP-MD5 password differs on one side.", _password,
                   _any, extra=(Param("password", ParamKind.STR, "the wrong password",
                                "netlabTypo1"),), batfish=False),
)
