"""The symptom fingerprint of a network state: what differs from the baseline.

``netlab scenario check`` uses it to prove that a fault shows its declared
symptoms and that a drill's answer key is unambiguous (no other single fault
nearby leaves the same fingerprint); ``netlab scenario generate`` derives
checks from it. Every component is a frozenset of what changed against the
baseline (empty = unchanged), read from engine answers, never from fault
records:

=============  ==========================================================  ======================
component      what it holds                                               read from
=============  ==========================================================  ======================
layer1         physical edges missing from layer 1 (light lost)            the snapshot
adjacencies    (node, interface, state) of IS-IS adjacencies whose state   isisAdjacencies
               changed — the state only: the Reason column names the
               root cause and would make every fault trivially distinct
sessions       (node, remote IP, status) of BGP sessions whose             bgpSessionStatus
               established status changed (again without the reason)
routes         (node, prefix) whose main-RIB entry (protocol, next hops)   routes
               changed
bgp            (node, prefix) whose best BGP paths changed                 bgpRib
congestion     (link, node) directions at ≥ 95 % or dropping traffic in    linkUtilisation
               one state only
shifted        (link, node) directions whose load moved by ≥ 1 Gbps        linkUtilisation
reachability   (ingress, destination) flows whose disposition changed      differentialReachability
config         (router, edit path) where the running config differs from   the configs (what
               the intended one                                            diffing shows)
evidence       (alert kind, device) of the alerts only time-varying        netlab.evidence
               faults raise (flapping, errors, low light) by minute 15
=============  ==========================================================  ======================

Two explanations of an incident are indistinguishable when every component
is equal: a trainee looking at the same alerts, show output and configs could
not tell them apart.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netlab.engines.base import Engine, RoutingProtocol
from netlab.faults import NetworkState
from netlab.scenario.drill import state_snapshot
from netlab.scenario.edits import diff_configs
from netlab.snapshot import layer1_edges
from netlab.snapshot.layout import Snapshot

__all__ = [
    "CONGESTED_PCT",
    "EVIDENCE_MINUTE",
    "SHIFT_GBPS",
    "TIME_VARYING_ALERTS",
    "Answers",
    "Fingerprint",
    "Observer",
]

CONGESTED_PCT = 95.0
"""A link direction at or above this utilisation is congested (the critical alert level)."""
SHIFT_GBPS = 1.0
"""A load change this large counts as traffic having moved."""
EVIDENCE_MINUTE = 15.0
"""The evidence component reads the alerts fired by this minute of the drill clock
(slow monitoring such as 5-minute utilisation averages has fired by then)."""
TIME_VARYING_ALERTS = frozenset({"adjacency-flapping", "interface-errors", "optic-low-light"})
_ISIS = frozenset({RoutingProtocol.ISIS_L1.value, RoutingProtocol.ISIS_L2.value})

Key = tuple[str, ...]


@dataclass(frozen=True)
class Fingerprint:
    """What a network state changed against its baseline (see the module docstring)."""

    layer1: frozenset[Key] = frozenset()
    adjacencies: frozenset[Key] = frozenset()
    sessions: frozenset[Key] = frozenset()
    routes: frozenset[Key] = frozenset()
    isis_routes: frozenset[Key] = field(default=frozenset(), compare=False)
    bgp: frozenset[Key] = frozenset()
    congestion: frozenset[Key] = frozenset()
    shifted: frozenset[Key] = frozenset()
    reachability: frozenset[Key] = frozenset()
    config: frozenset[Key] = frozenset()
    evidence: frozenset[Key] = frozenset()

    def parts(self) -> dict[str, frozenset[Key]]:
        """Every compared component by name."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.compare}

    def differences(self, other: Fingerprint) -> list[str]:
        """Names of the components that differ."""
        mine, theirs = self.parts(), other.parts()
        return [k for k in mine if mine[k] != theirs[k]]

    @property
    def empty(self) -> bool:
        return not any(self.parts().values())

    def describe(self) -> str:
        """One line: the size of every non-empty component."""
        items = [f"{k} {len(v)}" for k, v in self.parts().items() if v]
        return ", ".join(items) or "no change"


class Answers:
    """One snapshot's answers, each asked for the first time it is needed."""

    def __init__(self, engine: Engine, snap: Snapshot) -> None:
        self._engine = engine
        self._snap = snap

    @functools.cached_property
    def adjacencies(self) -> dict[Key, str]:
        """(node, interface) → adjacency state."""
        return {(a.node, a.interface): a.state.value
                for a in self._engine.isis_adjacencies(self._snap).rows}

    @functools.cached_property
    def sessions(self) -> dict[Key, str]:
        """(node, remote IP) → established status."""
        return {(s.node, str(s.remote_ip)): s.established_status.value
                for s in self._engine.bgp_session_status(self._snap).rows}

    @functools.cached_property
    def routes(self) -> dict[Key, frozenset[Key]]:
        """(node, prefix) → {(protocol, next hop)}."""
        out: dict[Key, set[Key]] = {}
        for r in self._engine.routes(self._snap).rows:
            out.setdefault((r.node, str(r.network)), set()).add(
                (r.protocol.value, str(r.next_hop)))
        return {k: frozenset(v) for k, v in out.items()}

    @functools.cached_property
    def bgp(self) -> dict[Key, frozenset[Key]]:
        """(node, prefix) → best paths as (next hop, local-pref, AS path, received from)."""
        out: dict[Key, set[Key]] = {}
        for b in self._engine.bgp_rib(self._snap).rows:
            if b.status.value == "BEST":
                out.setdefault((b.node, str(b.network)), set()).add(
                    (str(b.next_hop_ip), str(b.local_pref), str(b.as_path),
                     str(b.received_from_ip)))
        return {k: frozenset(v) for k, v in out.items()}

    @functools.cached_property
    def loads(self) -> dict[Key, tuple[float, float, float]]:
        """(link, node) → (load Gbps, utilisation %, dropped Gbps)."""
        return {(u.link, u.node): (u.load_gbps, u.utilisation_pct, u.dropped_gbps)
                for u in self._engine.link_utilisation(self._snap).rows}


class Observer:
    """Asks one engine about states of one network and compares each with the baseline.

    Snapshots are built in memory and kept (the embedded engine caches its
    analysis per snapshot object), so asking twice about a state is free.
    """

    def __init__(self, engine: Engine, baseline: NetworkState, *,
                 evidence_minute: float = EVIDENCE_MINUTE) -> None:
        self.engine = engine
        self.base_state = baseline
        self.evidence_minute = evidence_minute
        self._snaps: dict[int, tuple[NetworkState, Snapshot]] = {}
        self._answers: dict[int, Answers] = {}
        self._changes: dict[tuple[int, tuple[str, ...]], Any] = {}
        shared = _shared_baseline(engine, baseline)
        if shared is None:
            self.baseline = self.snapshot(baseline)
            _BASELINES.setdefault((id(engine), baseline.network.name), []).append(
                (engine, baseline, self.baseline, self.answers(self.baseline)))
        else:
            self.baseline = shared[0]
            self._answers[id(shared[0])] = shared[1]
        self._base_layer1 = set(self.baseline.layer1)

    def _unchanged(self, state: NetworkState) -> bool:
        """Whether ``state`` shows the network exactly as the baseline does (only
        time-varying faults applied)."""
        base = self.base_state
        return (state.failures == base.failures and state.configs.keys() == base.configs.keys()
                and all(state.configs[h] is c or state.configs[h] == c
                        for h, c in base.configs.items()))

    def snapshot(self, state: NetworkState, starts: Sequence[float] = (),
                 path: Path | None = None) -> Snapshot:
        """The (cached) in-memory snapshot of ``state`` (the baseline's own when the
        state looks the same, so engines answer it from their cache). ``path`` names
        where the state was written, for readers of config text (syslog)."""
        if path is None and hasattr(self, "baseline") and self._unchanged(state):
            return self.baseline
        got = self._snaps.get(id(state))
        if got is None or got[0] is not state:
            snap = state_snapshot(
                state, path or Path(f"<{state.network.name}:{len(self._snaps)}>"), starts)
            got = (state, snap)
            self._snaps[id(state)] = got
        return got[1]

    def answers(self, snap: Snapshot) -> Answers:
        """The (cached, lazily asked) answers about ``snap``."""
        got = self._answers.get(id(snap))
        if got is None:
            got = self._answers[id(snap)] = Answers(self.engine, snap)
        return got

    # -- fingerprints --------------------------------------------------------------------------
    def cheap(self, state: NetworkState) -> Fingerprint:
        """The components that need no engine: layer 1 and the config diff."""
        edges = set(layer1_edges(state.network, state.configs, state.failures))
        lost = frozenset((e.node1, e.interface1, e.node2, e.interface2)
                         for e in self._base_layer1 - edges)
        config = frozenset((e.router, e.path) for e in
                           diff_configs(self.base_state.configs, state.configs,
                                                   verify=False))
        return Fingerprint(layer1=lost, config=config)

    def fingerprint(self, state: NetworkState, starts: Sequence[float] = ()) -> Fingerprint:
        """Every component of ``state``'s fingerprint against the baseline."""
        snap = self.snapshot(state, starts)
        b, f = self.answers(self.baseline), self.answers(snap)
        routes = _changed(b.routes, f.routes)
        isis = frozenset(k for k in routes
                         if any(p[0] in _ISIS for p in b.routes.get(k, frozenset())
                                | f.routes.get(k, frozenset())))
        reach = frozenset((str(r.flow.ingress_node), str(r.flow.dst_ip)) for r in
                          self.engine.differential_reachability(snap, self.baseline).rows)
        return dataclasses.replace(
            self.cheap(state),
            adjacencies=_states(b.adjacencies, f.adjacencies),
            sessions=_states(b.sessions, f.sessions),
            routes=routes, isis_routes=isis, bgp=_changed(b.bgp, f.bgp),
            congestion=_congested(b.loads) ^ _congested(f.loads),
            shifted=frozenset(k for k in b.loads.keys() | f.loads.keys()
                              if abs(b.loads.get(k, (0.0, 0, 0))[0]
                                     - f.loads.get(k, (0.0, 0, 0))[0]) >= SHIFT_GBPS),
            reachability=reach,
            evidence=self.evidence(state, snap, starts),
        )

    def evidence(self, state: NetworkState, snap: Snapshot, starts: Sequence[float]
                 ) -> frozenset[Key]:
        """Alerts only time-varying faults raise (empty without such faults)."""
        if not any(f.type in ("link-flap", "optic-degrade") for f in state.faults):
            return frozenset()
        return frozenset((a.kind.value, a.device) for a in self.alerts(state, snap, starts)
                         if a.kind.value in TIME_VARYING_ALERTS)

    def incident(self, state: NetworkState, snap: Snapshot, starts: Sequence[float],
                 minute: float | None = None) -> tuple[Any, Any]:
        """The evidence layer's Incident for ``state`` asked about at ``minute`` (default:
        :attr:`evidence_minute`), and its (cached) changes."""
        from netlab.evidence.changes import compute_changes
        from netlab.evidence.clock import DEFAULT_PAGE_MINUTE, SimClock
        from netlab.evidence.incident import Incident

        now = self.evidence_minute if minute is None else minute
        clock = SimClock(page_minute=DEFAULT_PAGE_MINUTE, now_minute=now,
                         fault_starts=tuple(starts))
        incident = Incident(self.baseline, snap, state, clock, self.engine)
        flapping = tuple(sorted({f.link for f in incident.flaps}))
        key = (id(snap), flapping)
        if key not in self._changes:
            self._changes[key] = compute_changes(self.engine, self.baseline, snap, flapping)
        return incident, self._changes[key]

    def alerts(self, state: NetworkState, snap: Snapshot, starts: Sequence[float],
               minute: float | None = None) -> tuple[Any, ...]:
        """The evidence layer's alerts for ``state`` fired by ``minute`` (default:
        :attr:`evidence_minute`)."""
        from netlab.evidence.alerts import alerts

        incident, changes = self.incident(state, snap, starts, minute)
        return alerts(incident, changes)


_BASELINES: dict[tuple[int, str], list[tuple[Engine, NetworkState, Snapshot, Answers]]] = {}
"""Baselines already asked about, per engine and network name: drills on the same
topology share one baseline's answers (``check --all`` asks about 26 drills on 3)."""
_MAX_SHARED = 8


def _shared_baseline(engine: Engine, baseline: NetworkState) -> tuple[Snapshot, Answers] | None:
    entries = _BASELINES.get((id(engine), baseline.network.name), [])
    for known_engine, state, snap, answers in entries:
        if known_engine is engine and (state is baseline or (
                state.failures == baseline.failures and state.network == baseline.network
                and state.configs == baseline.configs)):
            return snap, answers
    if len(entries) >= _MAX_SHARED:
        entries.pop(0)
    return None


def _states(before: dict[Key, str], after: dict[Key, str]) -> frozenset[Key]:
    return frozenset((*k, after.get(k, "ABSENT")) for k in before.keys() | after.keys()
                     if before.get(k) != after.get(k))


def _changed(before: dict[Key, frozenset[Key]], after: dict[Key, frozenset[Key]]
             ) -> frozenset[Key]:
    return frozenset(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _congested(loads: dict[Key, tuple[float, float, float]]) -> frozenset[Key]:
    return frozenset(k for k, (_, pct, dropped) in loads.items()
                     if pct >= CONGESTED_PCT or dropped > 0)
