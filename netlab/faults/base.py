"""Fault types: functions on the network state, each with a declared signature.

A :class:`NetworkState` is what a snapshot is made from: the Network, every
router's :class:`DeviceConfig`, the physical :class:`FailureState`, and the
faults applied so far (their records go into the snapshot's ``state.json``).
A :class:`FaultType` changes a NetworkState: physical faults change the
FailureState (so ``layer1_topology.json`` loses links), config faults change
one router's DeviceConfig (so its rendered text changes in its vendor's syntax).
Time-varying faults (a flapping link, a degrading optic) leave the link up and
are read from their records by the evidence layer on a simulated clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from random import Random
from typing import Any

from netlab.errors import FaultError
from netlab.model.device import DeviceConfig, InterfaceConfig
from netlab.model.naming import interface_name
from netlab.model.network import FailureState, Network
from netlab.model.types import Link

__all__ = [
    "Category",
    "Engine",
    "FaultRecord",
    "FaultType",
    "Location",
    "NetworkState",
    "Param",
    "ParamKind",
    "Symptom",
]


class Category(StrEnum):
    PHYSICAL = "physical"
    ISIS = "isis"
    BGP = "bgp"


class Symptom(StrEnum):
    """Which engine answers a fault changes (its symptom signature)."""

    LAYER1 = "layer1"  # a physical link disappears from layer1_topology.json
    ISIS_ADJACENCY = "isis_adjacency"
    ISIS_ROUTES = "isis_routes"
    BGP_SESSION = "bgp_session"
    BGP_ROUTES = "bgp_routes"
    REACHABILITY = "reachability"
    UTILISATION = "utilisation"
    INTERFACE_ERRORS = "interface_errors"  # counters / optics (evidence only)


class Engine(StrEnum):
    EMBEDDED = "embedded"
    BATFISH = "batfish"
    LIVE = "live"


class ParamKind(StrEnum):
    LINK = "link"
    ROUTER = "router"
    SRLG = "srlg"
    SLOT = "slot"
    NEIGHBOR = "neighbor"  # a BGP neighbor address on the router
    INT = "int"
    FLOAT = "float"
    STR = "str"


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: ParamKind
    help: str
    default: Any = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True, slots=True)
class Location:
    """Where a fault is: what a trainee must name in a diagnosis."""

    routers: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    srlg: str | None = None

    def describe(self) -> str:
        parts = []
        if self.srlg:
            parts.append(f"SRLG {self.srlg}")
        if self.links:
            parts.append("link " + ", ".join(self.links))
        if self.routers:
            parts.append("router " + ", ".join(self.routers))
        return "; ".join(parts) or "nowhere"


@dataclass(frozen=True, slots=True)
class FaultRecord:
    """A fault as applied: its type, parameters and location (JSON-able)."""

    type: str
    params: Mapping[str, Any]
    root_cause: str
    location: Location

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "params": dict(self.params),
            "root_cause": self.root_cause,
            "location": {"routers": list(self.location.routers),
                         "links": list(self.location.links), "srlg": self.location.srlg},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultRecord:
        loc = data.get("location", {})
        return cls(
            type=str(data["type"]),
            params=dict(data.get("params", {})),
            root_cause=str(data.get("root_cause", "")),
            location=Location(tuple(loc.get("routers", ())), tuple(loc.get("links", ())),
                              loc.get("srlg")),
        )


@dataclass(frozen=True)
class NetworkState:
    """The network as a snapshot will show it: intent, physical state, faults applied."""

    network: Network
    configs: Mapping[str, DeviceConfig]
    failures: FailureState = field(default_factory=FailureState)
    faults: tuple[FaultRecord, ...] = ()

    def config(self, router: str) -> DeviceConfig:
        try:
            return self.configs[router]
        except KeyError:
            raise FaultError(f"no router named {router!r} in {self.network.name}") from None

    def with_config(self, cfg: DeviceConfig) -> NetworkState:
        configs = dict(self.configs)
        configs[cfg.hostname] = cfg.normalized()
        return dataclasses.replace(self, configs=configs)

    def with_failures(self, failures: FailureState) -> NetworkState:
        return dataclasses.replace(self, failures=self.failures.union(failures))

    def link_interface(self, link: Link, router: str) -> str:
        """The interface name of ``router``'s end of ``link`` in its config's vendor."""
        try:
            end = link.end(router)
        except KeyError:
            raise FaultError(f"router {router} is not an end of link {link.id} "
                             f"({link.a.router} -- {link.b.router})") from None
        vendor = self.config(router).vendor
        return interface_name(vendor, end.slot, end.port, link.capacity_gbps)

    def replace_interface(self, router: str, name: str, **changes: Any) -> NetworkState:
        cfg = self.config(router)
        itfs: list[InterfaceConfig] = []
        found = False
        for itf in cfg.interfaces:
            if itf.name == name:
                found = True
                itfs.append(dataclasses.replace(itf, **changes))
            else:
                itfs.append(itf)
        if not found:
            raise FaultError(f"{router} has no interface {name} in its config")
        return self.with_config(dataclasses.replace(cfg, interfaces=tuple(itfs)))


Apply = Callable[[NetworkState, Mapping[str, Any]], NetworkState]
Pick = Callable[[NetworkState, Random], dict[str, Any] | None]
Locate = Callable[[NetworkState, Mapping[str, Any]], Location]
Observers = Callable[[NetworkState, Mapping[str, Any]], frozenset[Engine]]


def _all_engines(_s: NetworkState, _p: Mapping[str, Any]) -> frozenset[Engine]:
    return frozenset(Engine)


@dataclass(frozen=True)
class FaultType:
    """One kind of failure, with everything a drill needs to know about it.

    ``pick`` returns valid random parameters for a network (None when the
    network has nowhere this fault can happen); ``observers`` says which
    engines can see the fault with these parameters (Batfish cannot see an MTU
    mismatch, for instance).
    """

    name: str
    category: Category
    summary: str
    root_cause: str
    params: tuple[Param, ...]
    symptoms: frozenset[Symptom]
    apply_fn: Apply
    pick: Pick
    locate: Locate
    observers: Observers = field(default=_all_engines)
    time_varying: bool = False

    def apply(self, state: NetworkState, params: Mapping[str, Any]) -> NetworkState:
        """Apply the fault after checking its parameters against the network."""
        full = self.check_params(state, params)
        new = self.apply_fn(state, full)
        record = FaultRecord(self.name, full, self.root_cause, self.locate(state, full))
        return dataclasses.replace(new, faults=(*new.faults, record))

    def check_params(self, state: NetworkState, params: Mapping[str, Any]) -> dict[str, Any]:
        from netlab.faults.params import check_params

        return check_params(self, state, params)
