"""IS-IS configuration faults: what an operator's change leaves behind on one router."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
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
from netlab.faults.traffic import demand_loads, interface_cost
from netlab.model.device import AuthType, HelloAuth, IsisInterface, IsisLevel
from netlab.model.types import Link, LinkKind, Role, Vendor

__all__ = ["ISIS_FAULTS"]


def _isis_end(state: NetworkState, p: Mapping[str, Any]) -> tuple[str, IsisInterface]:
    link = state.network.link(p["link"])
    name = state.link_interface(link, p["router"])
    cfg = state.config(p["router"])
    try:
        itf = cfg.interface(name)
    except KeyError:
        raise FaultError(f"{p['router']} has no interface {name} in its config") from None
    if itf.isis is None:
        raise FaultError(f"fault on {p['router']} {name}: IS-IS is not enabled there")
    return name, itf.isis


def _set_isis(state: NetworkState, p: Mapping[str, Any], **changes: Any) -> NetworkState:
    name, isis = _isis_end(state, p)
    return state.replace_interface(p["router"], name, isis=dataclasses.replace(isis, **changes))


def _pick_isis_end(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    links = sorted(lid for lid, link in state.network.links.items()
                   if link.kind in (LinkKind.LONGHAUL, LinkKind.METRO))
    if not links:
        return None
    link = state.network.link(rng.choice(links))
    return {"router": rng.choice([link.a.router, link.b.router]), "link": link.id}


def _end_location(_s: NetworkState, p: Mapping[str, Any]) -> Location:
    return Location(routers=(p["router"],), links=(p["link"],))


def _router_location(_s: NetworkState, p: Mapping[str, Any]) -> Location:
    return Location(routers=(p["router"],))


def _pick_transit(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    routers = sorted(r.name for r in state.network.routers.values()
                     if r.role in (Role.BB, Role.EBB) and not r.route_reflector)
    return {"router": rng.choice(routers)} if routers else None


def _metric(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return _set_isis(state, p, metric=p["metric"])


def _pick_metric(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    """An IS-IS end that carries demand traffic which the raised metric moves elsewhere."""
    metric = 16_000_000
    base = interface_cost(state)
    loads = demand_loads(state)
    candidates = sorted((r, lid) for r, lid in loads
                        if state.network.links[lid].kind in (LinkKind.LONGHAUL, LinkKind.METRO))
    rng.shuffle(candidates)
    for router, lid in candidates:

        def raised(r: str, lk: Link, _r: str = router, _l: str = lid) -> int:
            return metric if (r, lk.id) == (_r, _l) else base(r, lk)

        if demand_loads(state, cost=raised) != loads:
            return {"router": router, "link": lid, "metric": metric}
    picked = _pick_isis_end(state, rng)
    return None if picked is None else {**picked, "metric": metric}


def _pick_overload(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    """A backbone router whose overload bit moves demand traffic elsewhere.

    Routers that are not route reflectors come first; a reflector is overloaded
    only where no other router would move traffic.
    """
    loads = demand_loads(state)
    backbone = [r for r in state.network.routers.values() if r.role in (Role.BB, Role.EBB)]
    if not backbone:
        return None
    for group in (sorted(r.name for r in backbone if not r.route_reflector),
                  sorted(r.name for r in backbone if r.route_reflector)):
        rng.shuffle(group)
        for name in group:
            if demand_loads(state, no_transit=[name]) != loads:
                return {"router": name}
    return _pick_transit(state, rng)


def _overload(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    cfg = state.config(p["router"])
    if cfg.isis is None:
        raise FaultError(f"fault isis-overload: {p['router']} does not run IS-IS")
    return state.with_config(dataclasses.replace(
        cfg, isis=dataclasses.replace(cfg.isis, overload=True)))


def _level(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return _set_isis(state, p, level=IsisLevel.L1)


def _area(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    """A level-1 template from another area pasted onto a router: NET area and is-type."""
    cfg = state.config(p["router"])
    if cfg.isis is None:
        raise FaultError(f"fault isis-area-mismatch: {p['router']} does not run IS-IS")
    parts = cfg.isis.net.split(".")
    net = ".".join([parts[0], f"{int(p['area']):04d}", *parts[2:]])
    isis = dataclasses.replace(cfg.isis, net=net, level=IsisLevel.L1)
    itfs = tuple(dataclasses.replace(i, isis=dataclasses.replace(i.isis, level=IsisLevel.L1))
                 if i.isis is not None else i for i in cfg.interfaces)
    return state.with_config(dataclasses.replace(cfg, isis=isis, interfaces=itfs))


def _not_enabled(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    name, _ = _isis_end(state, p)
    return state.replace_interface(p["router"], name, isis=None)


def _passive(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return _set_isis(state, p, passive=True)


def _mtu(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    name, _ = _isis_end(state, p)
    return state.replace_interface(p["router"], name, mtu=p["mtu"])


def _auth(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return _set_isis(state, p, hello_auth=HelloAuth(AuthType.MD5, p["key"]))


_NOT_BATFISH = frozenset({Engine.EMBEDDED, Engine.LIVE})


def _junos_only(state: NetworkState, p: Mapping[str, Any]) -> frozenset[Engine]:
    """Batfish models IS-IS faithfully only on Junos (DESIGN.md)."""
    vendor = state.config(p["router"]).vendor
    return frozenset(Engine) if vendor is Vendor.JUNOS else _NOT_BATFISH


def _not_xr(state: NetworkState, p: Mapping[str, Any]) -> frozenset[Engine]:
    """Batfish ignores IOS-XR IS-IS metrics (every cost is 10) and has no FRR IS-IS."""
    vendor = state.config(p["router"]).vendor
    return _NOT_BATFISH if vendor in (Vendor.IOSXR, Vendor.FRR) else frozenset(Engine)


_ADJ = frozenset({Symptom.ISIS_ADJACENCY, Symptom.ISIS_ROUTES})
_END = (Param("router", ParamKind.ROUTER, "the router whose config is wrong"),
        Param("link", ParamKind.LINK, "the link whose interface on that router is wrong"))

ISIS_FAULTS: tuple[FaultType, ...] = (
    FaultType(
        name="isis-metric", category=Category.ISIS, root_cause="isis-metric",
        summary="A cost-out left behind: one interface's IS-IS metric is raised, "
                "traffic moves away and may congest another path.",
        params=(*_END, Param("metric", ParamKind.INT, "the metric left configured", 16_000_000)),
        symptoms=frozenset({Symptom.ISIS_ROUTES, Symptom.UTILISATION}),
        apply_fn=_metric, pick=_pick_metric, locate=_end_location, observers=_not_xr,
    ),
    FaultType(
        name="isis-overload", category=Category.ISIS, root_cause="isis-overload",
        summary="The overload bit was left set after maintenance: no transit through the router.",
        params=(Param("router", ParamKind.ROUTER, "the router left in overload"),),
        symptoms=frozenset({Symptom.ISIS_ROUTES}),
        apply_fn=_overload, pick=_pick_overload, locate=_router_location,
        observers=lambda _s, _p: _NOT_BATFISH,
    ),
    FaultType(
        name="isis-level-mismatch", category=Category.ISIS, root_cause="isis-level-mismatch",
        summary="One end of a link is a level-1 circuit while the backbone is level-2.",
        params=_END, symptoms=_ADJ, apply_fn=_level, pick=_pick_isis_end,
        locate=_end_location, observers=_junos_only,
    ),
    FaultType(
        name="isis-area-mismatch", category=Category.ISIS, root_cause="isis-area-mismatch",
        summary="A level-1 template from another area was pasted: the router's NET area "
                "and is-type changed, so it forms no adjacency with the level-2 backbone.",
        params=(Param("router", ParamKind.ROUTER, "the router with the wrong NET"),
                Param("area", ParamKind.INT, "the wrong area number", 99)),
        symptoms=_ADJ | {Symptom.BGP_SESSION, Symptom.BGP_ROUTES}, apply_fn=_area,
        pick=_pick_transit, locate=_router_location,
        observers=_junos_only,
    ),
    FaultType(
        name="isis-not-enabled", category=Category.ISIS, root_cause="isis-not-enabled",
        summary="IS-IS is missing from one interface (left out of a config change).",
        params=_END, symptoms=_ADJ, apply_fn=_not_enabled, pick=_pick_isis_end,
        locate=_end_location, observers=_junos_only,
    ),
    FaultType(
        name="isis-passive", category=Category.ISIS, root_cause="isis-passive",
        summary="A core interface was made passive: its prefix is advertised but no "
                "adjacency forms.",
        params=_END, symptoms=_ADJ, apply_fn=_passive, pick=_pick_isis_end,
        locate=_end_location, observers=_junos_only,
    ),
    FaultType(
        name="isis-mtu-mismatch", category=Category.ISIS, root_cause="isis-mtu-mismatch",
        summary="One end's MTU was lowered: padded IS-IS hellos no longer fit, the "
                "adjacency does not come up.",
        params=(*_END, Param("mtu", ParamKind.INT, "the wrong IP MTU", 1500)),
        symptoms=_ADJ, apply_fn=_mtu, pick=_pick_isis_end, locate=_end_location,
        observers=lambda _s, _p: _NOT_BATFISH,
    ),
    FaultType(
        name="isis-auth-mismatch", category=Category.ISIS, root_cause="isis-auth-mismatch",
        summary="A hello-authentication key was set on one end only (or with a typo).",
        params=(*_END, Param("key", ParamKind.STR, "the wrong key", "netlabWrongKey1")),
        symptoms=_ADJ, apply_fn=_auth, pick=_pick_isis_end, locate=_end_location,
        observers=lambda _s, _p: _NOT_BATFISH,
    ),
)
