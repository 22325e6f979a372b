"""Check a fault's parameters against the network it is applied to.

Parameters arrive as strings from the command line or as YAML values from a
scenario file; each is converted and checked here, and a bad one becomes a
one-line :class:`FaultError` naming what exists instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any

from netlab.errors import FaultError
from netlab.topology.checks import suggest

if TYPE_CHECKING:
    from netlab.faults.base import FaultType, NetworkState, Param

__all__ = ["check_params"]


def _check_one(fault: FaultType, p: Param, value: Any, state: NetworkState,
               given: Mapping[str, Any]) -> Any:
    from netlab.faults.base import ParamKind

    net = state.network
    where = f"fault {fault.name}: parameter {p.name}"
    if p.kind is ParamKind.LINK:
        if str(value) not in net.links:
            raise FaultError(f"{where}: no link {value!r} in {net.name}"
                             f"{suggest(str(value), net.links)}")
        return str(value)
    if p.kind is ParamKind.ROUTER:
        if str(value) not in net.routers:
            raise FaultError(f"{where}: no router {value!r} in {net.name}"
                             f"{suggest(str(value), net.routers)}")
        return str(value)
    if p.kind is ParamKind.SRLG:
        srlgs = net.srlgs()
        if str(value) not in srlgs:
            raise FaultError(f"{where}: no SRLG {value!r} in {net.name}"
                             f"{suggest(str(value), srlgs)}")
        return str(value)
    if p.kind is ParamKind.NEIGHBOR:
        try:
            addr = ip_address(str(value))
        except ValueError:
            raise FaultError(f"{where}: {value!r} is not an IP address") from None
        router = given.get("router")
        if router is not None:
            bgp = state.config(str(router)).bgp
            known = {str(n.address) for n in bgp.neighbors} if bgp else set()
            if str(addr) not in known:
                raise FaultError(f"{where}: {router} has no BGP neighbor {addr}"
                                 f"{suggest(str(addr), known)}")
        return str(addr)
    if p.kind in (ParamKind.INT, ParamKind.SLOT):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise FaultError(f"{where}: expected a whole number, got {value!r}") from None
    if p.kind is ParamKind.FLOAT:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise FaultError(f"{where}: expected a number, got {value!r}") from None
    return str(value)


def check_params(fault: FaultType, state: NetworkState, params: Mapping[str, Any]
                 ) -> dict[str, Any]:
    """Converted, checked parameters with defaults filled in."""
    names = {p.name for p in fault.params}
    for key in params:
        if key not in names:
            raise FaultError(f"fault {fault.name}: unknown parameter {key!r} "
                             f"(takes {', '.join(sorted(names)) or 'none'})")
    out: dict[str, Any] = {}
    # Routers first: neighbor checks need the router.
    ordered = sorted(fault.params, key=lambda p: p.kind != "router")
    for p in ordered:
        if p.name in params:
            out[p.name] = _check_one(fault, p, params[p.name], state, {**params, **out})
        elif p.required:
            raise FaultError(f"fault {fault.name}: missing parameter {p.name!r} ({p.help})")
        else:
            out[p.name] = p.default
    return {p.name: out[p.name] for p in fault.params}
