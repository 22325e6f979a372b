"""Physical faults: fibre cuts, dead routers and linecards, conduit cuts, bad optics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from random import Random
from typing import Any

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
from netlab.model.network import FailureState
from netlab.model.types import LinkKind, Role

__all__ = ["PHYSICAL_FAULTS"]

_CORE_KINDS = (LinkKind.LONGHAUL, LinkKind.METRO)


def _core_links(state: NetworkState) -> list[str]:
    return sorted(lid for lid, link in state.network.links.items() if link.kind in _CORE_KINDS)


def _pick_link(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    links = [lid for lid in _core_links(state)
             if state.network.links[lid].kind is LinkKind.LONGHAUL] or _core_links(state)
    return {"link": rng.choice(links)} if links else None


def _link_location(state: NetworkState, p: Mapping[str, Any]) -> Location:
    link = state.network.link(p["link"])
    return Location(routers=(link.a.router, link.b.router), links=(link.id,))


def _link_down(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return state.with_failures(FailureState(links_down=frozenset({p["link"]})))


def _node_down(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    return state.with_failures(FailureState(nodes_down=frozenset({p["router"]})))


def _pick_transit_router(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    routers = sorted(r.name for r in state.network.routers.values()
                     if r.role in (Role.BB, Role.EBB) and not r.route_reflector)
    return {"router": rng.choice(routers)} if routers else None


def _router_location(_s: NetworkState, p: Mapping[str, Any]) -> Location:
    return Location(routers=(p["router"],))


def _slots(state: NetworkState, router: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for link in state.network.links_of(router):
        out[link.end(router).slot].append(link.id)
    return out


def _linecard(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    from netlab.errors import FaultError

    links = _slots(state, p["router"]).get(p["slot"])
    if not links:
        raise FaultError(f"fault linecard-failure: {p['router']} has no links on slot "
                         f"{p['slot']} (slots in use: "
                         f"{', '.join(map(str, sorted(_slots(state, p['router'])))) or 'none'})")
    itfs = frozenset((p["router"], state.link_interface(state.network.link(lid), p["router"]))
                     for lid in links)
    return state.with_failures(FailureState(links_down=frozenset(links), interfaces_down=itfs))


def _pick_linecard(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    options = []
    for r in state.network.routers.values():
        if r.role in (Role.BB, Role.EBB):
            for slot, links in _slots(state, r.name).items():
                if len(links) >= 2:
                    options.append((r.name, slot))
    if not options:
        return None
    router, slot = rng.choice(sorted(options))
    return {"router": router, "slot": slot}


def _linecard_location(state: NetworkState, p: Mapping[str, Any]) -> Location:
    return Location(routers=(p["router"],), links=tuple(sorted(
        _slots(state, p["router"]).get(p["slot"], ()))))


def _srlg_cut(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    links = frozenset(state.network.srlgs()[p["srlg"]])
    return state.with_failures(FailureState(links_down=links))


def _pick_srlg(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    """A conduit shared by several links, one that carries demand traffic if any does."""
    from netlab.faults.traffic import loaded_ends

    srlgs = {s: links for s, links in state.network.srlgs().items() if len(links) >= 2}
    used = {lid for _, lid in loaded_ends(state)}
    loaded = sorted(s for s, links in srlgs.items() if used & set(links))
    choices = loaded or sorted(srlgs)
    return {"srlg": rng.choice(choices)} if choices else None


def _srlg_location(state: NetworkState, p: Mapping[str, Any]) -> Location:
    links = sorted(state.network.srlgs()[p["srlg"]])
    return Location(links=tuple(links), srlg=p["srlg"])


def _unchanged(state: NetworkState, _p: Mapping[str, Any]) -> NetworkState:
    """Time-varying faults keep the link up in the snapshot; evidence replays them."""
    return state


def _admin_down(state: NetworkState, p: Mapping[str, Any]) -> NetworkState:
    link = state.network.link(p["link"])
    return state.replace_interface(p["router"], state.link_interface(link, p["router"]),
                                   enabled=False)


def _pick_link_end(state: NetworkState, rng: Random) -> dict[str, Any] | None:
    picked = _pick_link(state, rng)
    if picked is None:
        return None
    link = state.network.link(picked["link"])
    return {"router": rng.choice([link.a.router, link.b.router]), "link": link.id}


def _end_location(_s: NetworkState, p: Mapping[str, Any]) -> Location:
    return Location(routers=(p["router"],), links=(p["link"],))


_NOT_BATFISH = frozenset({Engine.EMBEDDED, Engine.LIVE})

PHYSICAL_FAULTS: tuple[FaultType, ...] = (
    FaultType(
        name="link-down", category=Category.PHYSICAL, root_cause="link-down",
        summary="A fibre cut takes one link down (both ends lose light).",
        params=(Param("link", ParamKind.LINK, "the link that is cut"),),
        symptoms=frozenset({Symptom.LAYER1, Symptom.ISIS_ADJACENCY, Symptom.ISIS_ROUTES}),
        apply_fn=_link_down, pick=_pick_link, locate=_link_location,
    ),
    FaultType(
        name="node-down", category=Category.PHYSICAL, root_cause="node-down",
        summary="A router fails in hardware: every link and session on it goes down.",
        params=(Param("router", ParamKind.ROUTER, "the router that fails"),),
        symptoms=frozenset({Symptom.LAYER1, Symptom.ISIS_ADJACENCY, Symptom.ISIS_ROUTES,
                            Symptom.BGP_SESSION, Symptom.BGP_ROUTES}),
        apply_fn=_node_down, pick=_pick_transit_router, locate=_router_location,
    ),
    FaultType(
        name="linecard-failure", category=Category.PHYSICAL, root_cause="linecard-failure",
        summary="One linecard (slot) of a router fails: all of its ports go down at once.",
        params=(Param("router", ParamKind.ROUTER, "the router"),
                Param("slot", ParamKind.SLOT, "the linecard slot number")),
        symptoms=frozenset({Symptom.LAYER1, Symptom.ISIS_ADJACENCY, Symptom.ISIS_ROUTES}),
        apply_fn=_linecard, pick=_pick_linecard, locate=_linecard_location,
    ),
    FaultType(
        name="srlg-cut", category=Category.PHYSICAL, root_cause="srlg-cut",
        summary="A conduit is cut: every link sharing the SRLG fails together "
                "(on the express backbone this spans planes).",
        params=(Param("srlg", ParamKind.SRLG, "the shared-risk link group (conduit)"),),
        symptoms=frozenset({Symptom.LAYER1, Symptom.ISIS_ADJACENCY, Symptom.ISIS_ROUTES,
                            Symptom.UTILISATION}),
        apply_fn=_srlg_cut, pick=_pick_srlg, locate=_srlg_location,
    ),
    FaultType(
        name="link-flap", category=Category.PHYSICAL, root_cause="link-flap",
        summary="A link goes down and up repeatedly; adjacencies flap and routes churn.",
        params=(Param("link", ParamKind.LINK, "the flapping link"),
                Param("period", ParamKind.FLOAT, "seconds between flaps", 90.0),
                Param("down", ParamKind.FLOAT, "seconds down per flap", 20.0)),
        symptoms=frozenset({Symptom.INTERFACE_ERRORS}),
        apply_fn=_unchanged, pick=_pick_link, locate=_link_location, time_varying=True,
        observers=lambda _s, _p: _NOT_BATFISH,
    ),
    FaultType(
        name="optic-degrade", category=Category.PHYSICAL, root_cause="optic-degrade",
        summary="An optic degrades: Rx power falls, CRC/FEC errors and loss rise over time.",
        params=(Param("link", ParamKind.LINK, "the link with the bad optic"),
                Param("router", ParamKind.ROUTER, "the router whose receive side degrades"),
                Param("loss", ParamKind.FLOAT, "packet loss % when paged", 2.0),
                Param("growth", ParamKind.FLOAT, "extra loss % per 10 minutes", 1.0)),
        symptoms=frozenset({Symptom.INTERFACE_ERRORS}),
        apply_fn=_unchanged, pick=_pick_link_end, locate=_end_location, time_varying=True,
        observers=lambda _s, _p: _NOT_BATFISH,
    ),
    FaultType(
        name="interface-admin-down", category=Category.PHYSICAL,
        root_cause="interface-admin-down",
        summary="An interface was shut by mistake (an operator's 'shutdown' on the wrong port).",
        params=(Param("router", ParamKind.ROUTER, "the router"),
                Param("link", ParamKind.LINK, "the link whose interface on that router is shut")),
        symptoms=frozenset({Symptom.ISIS_ADJACENCY, Symptom.ISIS_ROUTES}),
        apply_fn=_admin_down, pick=_pick_link_end, locate=_end_location,
    ),
)
