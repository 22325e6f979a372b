"""Oracle agreement: the embedded engine's answers equal real FRR's, fault by fault.

For each shipped small topology, with no fault and with each applicable fault
(link, node, linecard, SRLG, a config push), the lab is put in that state and a
snapshot of exactly that state (the lab's running configs + the failure
state) is analysed by the embedded engine. Compared:

* IS-IS routes: (node, prefix) → (set of next hops, metric), routes FRR
  selects;
* BGP sessions: (node, peer address) → established or not (the embedded
  engine's NOT_COMPATIBLE is a configuration verdict; FRR only says "not");
* BGP best paths: (node, prefix) → set of best next-hop addresses.

Any difference fails: a divergence is either fixed in the engine or, if it is
how FRR really behaves and the model deliberately does not, listed in
docs/engines.md under "Known divergences from FRR" and left out of these
tables. The live answers are polled until they equal the embedded ones (the
lab may still be settling); a timeout shows the remaining difference.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netlab.engines.live import LiveEngine
from netlab.errors import ConvergenceTimeout
from netlab.lab import faults
from netlab.lab.lab import Lab
from netlab.lab.names import private_space
from netlab.lab.plan import plan_source
from netlab.lab.poll import wait_until
from netlab.model.network import FailureState, Network
from netlab.model.types import Vendor
from netlab.snapshot import read_snapshot, write_snapshot
from netlab.snapshot.layout import Snapshot

pytestmark = pytest.mark.live
TAG = "o"

TIMEOUT = 90.0
Table = dict[tuple[str, str], Any]


@dataclass(frozen=True)
class Views:
    """The three compared tables of one engine."""

    isis: Table
    sessions: Table
    best: Table


def _views(engine: Any, snapshot: Snapshot) -> Views:
    isis: Table = {}
    for r in engine.isis_routes(snapshot):
        hops = frozenset((str(h.ip) if h.ip else None, h.interface) for h in r.next_hops)
        isis[(r.node, str(r.network))] = (hops, r.metric)
    # FRR says established or not; NOT_COMPATIBLE (a configuration verdict) is "not"
    sessions = {(s.node, str(s.remote_ip)): s.established_status.value == "ESTABLISHED"
                for s in engine.bgp_session_status(snapshot)}
    best: dict[tuple[str, str], set[str]] = {}
    for p in engine.bgp_rib(snapshot):
        if p.status.value == "BEST":
            best.setdefault((p.node, str(p.network)), set()).add(str(p.next_hop_ip))
    return Views(isis, sessions, {k: frozenset(v) for k, v in best.items()})


def _diff(name: str, live: Table, embedded: Table, limit: int = 6) -> list[str]:
    out = []
    for key in sorted(set(live) | set(embedded)):
        a, b = live.get(key, "absent"), embedded.get(key, "absent")
        if a != b:
            out.append(f"{name} {key}: FRR {a} vs embedded {b}")
    return out[:limit] + ([f"… {len(out) - limit} more"] if len(out) > limit else [])


def _snapshot(lab: Lab, network: Network, failures: FailureState, out: Path) -> Snapshot:
    """A snapshot of exactly the lab's state: its running configs and what is down."""
    write_snapshot(network, lab.configs(), out, failures=failures, vendor=Vendor.FRR,
                   overwrite=True)
    return read_snapshot(out)


def _agree(lab: Lab, snapshot: Snapshot, deadline: float = TIMEOUT) -> None:
    from netlab.engines.embedded import EmbeddedEngine

    expected = _views(EmbeddedEngine(), snapshot)
    live = LiveEngine(lab)

    def check() -> str | None:
        seen = _views(live, snapshot)
        problems = (_diff("isis", seen.isis, expected.isis)
                    + _diff("session", seen.sessions, expected.sessions)
                    + _diff("best", seen.best, expected.best))
        return "; ".join(problems) or None

    try:
        wait_until(check, deadline, interval=1.0, what="FRR to agree with the embedded engine")
    except ConvergenceTimeout as exc:
        pytest.fail(f"oracle disagreement: {exc.last_diff}")


@pytest.fixture(scope="module", autouse=True)
def private_lab_space() -> Iterator[None]:
    """This module's labs live apart from any other netlab on the machine."""
    with private_space(f"{TAG}{os.getpid()}"):
        yield


@pytest.fixture(scope="module", params=["classic-small", "express-small"])
def setup(request: pytest.FixtureRequest) -> Iterator[tuple[Lab, Network]]:
    from netlab.topology.files import load_network

    name = request.param
    lab = Lab.start(plan_source(name, f"o-{name.split('-')[0]}"), timeout=TIMEOUT)
    try:
        yield lab, load_network(name)
    finally:
        if lab.file.exists():
            lab.down()


def _with_fault(setup: tuple[Lab, Network], tmp_path: Path,
                inject: Callable[[Lab, Network], FailureState]) -> None:
    lab, network = setup
    before = lab.expectation()
    try:
        failures = inject(lab, network)
        lab.wait_converged(TIMEOUT, must_be_down=before)
        _agree(lab, _snapshot(lab, network, failures, tmp_path / "snap"))
    finally:
        faults.restore(lab)
        lab.wait_converged(TIMEOUT)


def _longhaul(network: Network) -> str:
    return sorted(lid for lid, lk in network.links.items() if lk.kind.value == "longhaul")[0]


def test_no_fault(setup: tuple[Lab, Network], tmp_path: Path) -> None:
    lab, network = setup
    _agree(lab, _snapshot(lab, network, FailureState(), tmp_path / "snap"))


def _classic_only(setup: tuple[Lab, Network]) -> None:
    """Faults whose express-small case adds nothing to classic-small's (time budget)."""
    if setup[1].name != "classic-small":
        pytest.skip("compared on classic-small; express-small checks node, SRLG and metric")


def test_link_down(setup: tuple[Lab, Network], tmp_path: Path) -> None:
    _classic_only(setup)

    def inject(lab: Lab, network: Network) -> FailureState:
        link = _longhaul(network)
        faults.fail_link(lab, link)
        return FailureState(links_down=frozenset({link}))

    _with_fault(setup, tmp_path, inject)


def test_node_down(setup: tuple[Lab, Network], tmp_path: Path) -> None:
    def inject(lab: Lab, network: Network) -> FailureState:
        victim = next(r.name for r in sorted(network.routers.values(), key=lambda r: r.name)
                      if r.role.value in ("bb", "ebb") and not r.route_reflector)
        faults.fail_node(lab, victim)
        return FailureState(nodes_down=frozenset({victim}))

    _with_fault(setup, tmp_path, inject)


def test_linecard_down(setup: tuple[Lab, Network], tmp_path: Path) -> None:
    _classic_only(setup)

    def inject(lab: Lab, network: Network) -> FailureState:
        slots: dict[tuple[str, int], list[str]] = {}
        for lid, lk in network.links.items():
            for end in (lk.a, lk.b):
                slots.setdefault((end.router, end.slot), []).append(lid)
        (router, slot), links = next(
            (k, v) for k, v in sorted(slots.items())
            if len(v) >= 2 and network.router(k[0]).role.value in ("bb", "ebb"))
        faults.fail_linecard(lab, router, slot)
        ports = frozenset((router, network.interface_of(network.link(lid), router))
                          for lid in links)
        return FailureState(links_down=frozenset(links), interfaces_down=ports)

    _with_fault(setup, tmp_path, inject)


def test_srlg_cut(setup: tuple[Lab, Network], tmp_path: Path) -> None:
    def inject(lab: Lab, network: Network) -> FailureState:
        srlg, links = next((s, ls) for s, ls in sorted(network.srlgs().items())
                           if len(ls) >= 2)
        faults.fail_srlg(lab, srlg)
        return FailureState(links_down=frozenset(links))

    _with_fault(setup, tmp_path, inject)


CONFIG_FAULTS = ("isis-overload", "isis-passive", "bgp-remote-as", "bgp-rr-client",
                 "bgp-local-pref", "bgp-max-prefix", "bgp-password")
"""Config faults of the catalogue checked on classic-small (one per kind of effect:
IS-IS topology, session down, reflection, best path, max-prefix, TCP-MD5). The
catalogue's IS-IS hello faults are in docs/engines.md's divergences instead."""


@pytest.mark.parametrize("fault", CONFIG_FAULTS)
def test_config_fault(setup: tuple[Lab, Network], tmp_path: Path, fault: str) -> None:
    from random import Random

    from netlab.faults.base import NetworkState
    from netlab.faults.catalogue import CATALOGUE, pick_params
    from netlab.lab.plan import lab_text
    from netlab.render.frr import render

    if setup[1].name != "classic-small":
        pytest.skip("config faults are compared on classic-small")

    def inject(lab: Lab, network: Network) -> FailureState:
        base = NetworkState(network, lab.configs())
        kind = CATALOGUE[fault]
        new = kind.apply(base, pick_params(kind, base, Random(3)))
        changed = sorted(r for r in new.configs if new.configs[r] != base.configs[r])
        assert changed
        for router in changed:
            path = tmp_path / f"{router}.conf"
            path.write_text(lab_text(render(new.configs[router])))
            faults.push_config(lab, router, path)
        return FailureState()

    _with_fault(setup, tmp_path, inject)


def test_isis_metric_push(setup: tuple[Lab, Network], tmp_path: Path) -> None:
    def inject(lab: Lab, network: Network) -> FailureState:
        link = network.link(_longhaul(network))
        router = link.a.router
        itf = f"eth{link.a.slot}-{link.a.port}"
        text = lab.run_of(router).config.read_text()
        new, n = re.subn(rf"(^interface {itf}\n(?: .*\n)*? isis metric )\d+", r"\g<1>9000",
                         text, flags=re.M)
        assert n == 1
        path = tmp_path / f"{router}.conf"
        path.write_text(new)
        faults.push_config(lab, router, path)
        return FailureState()

    _with_fault(setup, tmp_path, inject)
