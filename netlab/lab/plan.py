"""What a lab will build: every router as FRR, every link as a veth pair.

The live lab runs every router as FRR whatever its modelled vendor. A plan is
made from a topology (intent rendered for FRR) or from a snapshot (its
configs, in any vendor's syntax, re-expressed for FRR: interfaces renamed to
``eth<slot>-<port>`` / ``lo``). The plan also carries the snapshot's failure
state, which the lab applies as faults once the routers are up (so ``lab
restore`` brings the network back to intent).

Lines the lab adds to every rendered config (the lab's own platform choices,
DESIGN.md "Measured here"): ``no zebra nexthop kernel enable`` — kernel
nexthop groups lost an ECMP member after a link flap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netlab.errors import LabError
from netlab.lab.names import namespace_name
from netlab.lab.state import LinkRecord
from netlab.model.device import DeviceConfig
from netlab.model.naming import interface_name, slot_of
from netlab.model.network import FailureState, Network
from netlab.model.types import Vendor

__all__ = [
    "LAB_LINES",
    "LabPlan",
    "RouterPlan",
    "as_frr",
    "lab_text",
    "plan_from_configs",
    "plan_source",
]

LAB_LINES = ("no zebra nexthop kernel enable",)
_DEFAULT_MTU = 1500
_NO_FAILURES = FailureState()


@dataclass(frozen=True, slots=True)
class RouterPlan:
    """One router: its namespace, FRR config (model and text) and port MTUs."""

    name: str
    namespace: str
    config: DeviceConfig
    text: str
    interfaces: tuple[tuple[str, int], ...]  # (physical interface, IP MTU)


@dataclass(frozen=True)
class LabPlan:
    """Everything :class:`~netlab.lab.lab.Lab` builds, before it builds it."""

    lab: str
    source: str
    network: Network
    routers: tuple[RouterPlan, ...]
    links: tuple[LinkRecord, ...]
    failures: FailureState = _NO_FAILURES

    def router(self, name: str) -> RouterPlan:
        for r in self.routers:
            if r.name == name:
                return r
        raise LabError(f"lab {self.lab} has no router {name!r}")

    @property
    def configs(self) -> dict[str, DeviceConfig]:
        return {r.name: r.config for r in self.routers}


def lab_text(text: str) -> str:
    """``text`` with the lab's own platform lines added after ``hostname``."""
    lines = text.splitlines()
    missing = [ln for ln in LAB_LINES if ln not in (x.strip() for x in lines)]
    if not missing:
        return text if text.endswith("\n") else text + "\n"
    at = next((i + 1 for i, ln in enumerate(lines) if ln.startswith("hostname ")), 0)
    return "\n".join([*lines[:at], *missing, *lines[at:]]) + "\n"


def as_frr(cfg: DeviceConfig, network: Network) -> DeviceConfig:
    """``cfg`` re-expressed for FRR: same intent, Linux interface names (intent's rules)."""
    from netlab.render.intent import with_vendor

    return with_vendor(cfg, network, Vendor.FRR).normalized()


def _ports(cfg: DeviceConfig) -> tuple[tuple[str, int], ...]:
    return tuple((i.name, i.mtu or _DEFAULT_MTU) for i in cfg.interfaces
                 if not i.loopback and slot_of(Vendor.FRR, i.name) is not None)


def _render(cfg: DeviceConfig) -> str:
    from netlab.render.frr import render

    return lab_text(render(cfg))


def plan_from_configs(lab: str, source: str, network: Network,
                      configs: dict[str, DeviceConfig],
                      failures: FailureState = _NO_FAILURES) -> LabPlan:
    """A plan for ``network`` with ``configs`` (any vendor; rendered as FRR)."""
    routers = []
    for name in sorted(configs):
        cfg = as_frr(configs[name], network)
        routers.append(RouterPlan(name, namespace_name(lab, name), cfg, _render(cfg),
                                  _ports(cfg)))
    present = {r.name: r for r in routers}
    links = []
    for lid in sorted(network.links):
        link = network.links[lid]
        if link.a.router not in present or link.b.router not in present:
            continue
        a_if = interface_name(Vendor.FRR, link.a.slot, link.a.port)
        b_if = interface_name(Vendor.FRR, link.b.slot, link.b.port)
        links.append(LinkRecord(lid, link.a.router, a_if, link.b.router, b_if,
                                tuple(link.srlgs)))
    _check_ports(routers, links)
    return LabPlan(lab, source, network, tuple(routers), tuple(links), failures)


def _check_ports(routers: list[RouterPlan], links: list[LinkRecord]) -> None:
    ports = {(r.name, p) for r in routers for p, _ in r.interfaces}
    for link in links:
        for router, itf in ((link.a_router, link.a_iface), (link.b_router, link.b_iface)):
            if (router, itf) not in ports:
                raise LabError(f"link {link.id}: {router} has no interface {itf} in its "
                               "config")


def plan_source(source: str, lab: str | None = None) -> LabPlan:
    """A plan from a topology (shipped name or YAML file) or a snapshot directory."""
    from netlab.lab.names import check_lab_name, lab_name_for
    from netlab.snapshot import is_snapshot, read_snapshot

    path = Path(source)
    if path.is_dir() and is_snapshot(path):
        snap = read_snapshot(path)
        name = check_lab_name(lab or lab_name_for(snap.network.name))
        return plan_from_configs(name, str(path.resolve()), snap.network, dict(snap.configs),
                                 snap.failures)
    from netlab.render.intent import device_configs
    from netlab.topology.files import load_network

    network = load_network(source)
    name = check_lab_name(lab or lab_name_for(network.name))
    return plan_from_configs(name, str(path.resolve()) if path.exists() else source,
                             network, device_configs(network, vendor=Vendor.FRR))

