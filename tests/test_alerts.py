"""Alerts: derived from the engine's answers, on the right devices, at the right times."""

from __future__ import annotations

import pytest
from fault_helpers import FaultLab, lab

from netlab.engines.base import AdjacencyState
from netlab.evidence.alerts import Alert, AlertKind, Severity, alerts
from netlab.evidence.changes import changes_of
from netlab.evidence.incident import Incident
from netlab.faults import CATALOGUE, Symptom
from netlab.model.types import Role

__all__ = ["lab"]

LATE = 30.0  # minutes: every alert of a static fault has fired by then
# Symptoms a NOC pages on at the fault's own location.
LOCAL = {Symptom.LAYER1, Symptom.ISIS_ADJACENCY, Symptom.BGP_SESSION, Symptom.INTERFACE_ERRORS}
# Kinds whose device must be at the fault's location (or the far end of its links).
AT_LOCATION = {AlertKind.INTERFACE_DOWN, AlertKind.ISIS_ADJACENCY_DOWN,
               AlertKind.ADJACENCY_FLAPPING, AlertKind.INTERFACE_ERRORS,
               AlertKind.OPTIC_LOW_LIGHT}


def location_devices(incident: Incident) -> set[str]:
    """Routers of the faults' locations and the ends of their links."""
    out: set[str] = set()
    for f in incident.faults:
        out |= set(f.location.routers)
        for lid in f.location.links:
            link = incident.network.link(lid)
            out |= {link.a.router, link.b.router}
    return out


def neighbours(incident: Incident, routers: set[str]) -> set[str]:
    out = set(routers)
    for r in routers:
        out |= {link.other(r).router for link in incident.network.links_of(r)}
    return out


@pytest.mark.parametrize("fault", [f for f, t in CATALOGUE.items() if t.symptoms & LOCAL])
def test_alerts_name_the_devices_where_the_fault_is(lab: FaultLab, fault: str) -> None:
    params = lab.picked("classic-small", fault)
    assert params is not None
    incident = lab.incident("classic-small", [(fault, params)], now_minute=LATE)
    fired = alerts(incident)
    assert fired, f"{fault} raised no alert"
    where = location_devices(incident)
    assert where & {a.device for a in fired}, (
        f"{fault} at {where}: alerts on {sorted({a.device for a in fired})}")
    near = neighbours(incident, where)
    for a in fired:
        if a.kind in AT_LOCATION:
            assert a.device in near, f"{fault} at {where}: {a.summary}"


def test_adjacency_alerts_are_exactly_the_engines_lost_adjacencies(lab: FaultLab) -> None:
    incident = lab.incident("classic-small", [("srlg-cut", {"srlg": "cdt-nyc1-lon1"})],
                            now_minute=LATE)
    e = incident.engine
    before = {(r.node, r.interface) for r in e.isis_adjacencies(incident.baseline)
              if r.state is AdjacencyState.UP}
    after = {(r.node, r.interface) for r in e.isis_adjacencies(incident.faulted)
             if r.state is AdjacencyState.UP}
    fired = {(a.device, dict(a.details)["interface"]) for a in alerts(incident)
             if a.kind is AlertKind.ISIS_ADJACENCY_DOWN}
    assert fired == before - after
    assert len(fired) == 4


def test_order_is_by_time_then_severity_and_repeatable(lab: FaultLab) -> None:
    params = lab.picked("classic-small", "node-down")
    assert params is not None
    incident = lab.incident("classic-small", [("node-down", params)], now_minute=LATE)
    first, again = alerts(incident), alerts(incident, changes_of(incident))
    assert first == again
    keys = [(round(a.fired_minute, 6), a.severity.rank, a.device, a.id) for a in first]
    assert keys == sorted(keys)
    assert len({a.id for a in first}) == len(first)
    dead = params["router"]
    unreachable = [a for a in first if a.kind is AlertKind.DEVICE_UNREACHABLE]
    assert [(a.device, a.severity) for a in unreachable] == [(dead, Severity.CRITICAL)]
    assert all(a.device != dead for a in first if a.kind is not AlertKind.DEVICE_UNREACHABLE)


def test_alerts_fire_as_the_clock_moves(lab: FaultLab) -> None:
    params = lab.picked("classic-small", "node-down")
    assert params is not None
    base = lab.incident("classic-small", [("node-down", params)])
    assert alerts(base.at(0)) == ()
    seen: set[str] = set()
    for minute in (0.2, 0.6, 1.5, 3, 10, LATE):
        now = {a.id for a in alerts(base.at(minute))}
        assert seen <= now
        assert all(a.fired_minute <= minute for a in alerts(base.at(minute)))
        seen = now
    kinds = {a.kind for a in alerts(base.at(LATE))}
    assert {AlertKind.INTERFACE_DOWN, AlertKind.ISIS_ADJACENCY_DOWN,
            AlertKind.BGP_SESSION_DOWN, AlertKind.DEVICE_UNREACHABLE} <= kinds


def test_a_later_fault_alerts_later(lab: FaultLab) -> None:
    link = "nyc1-bb1--lon1-bb1"
    now = lab.incident("classic-small", [("link-down", {"link": link})], now_minute=LATE)
    late = lab.incident("classic-small", [("link-down", {"link": link}, 4.0)],
                        now_minute=LATE)
    shift = {a.id: a.fired_minute for a in alerts(late)}
    assert {a.id: a.fired_minute + 4.0 for a in alerts(now)} == pytest.approx(shift)


def test_congestion_is_a_utilisation_alert_with_engine_numbers(lab: FaultLab) -> None:
    params = lab.picked("classic-small", "isis-metric")
    assert params is not None
    incident = lab.incident("classic-small", [("isis-metric", params)], now_minute=LATE)
    util = {(r.node, r.interface): r for r in
            incident.engine.link_utilisation(incident.faulted)}
    fired = [a for a in alerts(incident) if a.kind is AlertKind.LINK_UTILISATION]
    assert fired
    for a in fired:
        row = util[(a.device, dict(a.details)["interface"])]
        assert float(dict(a.details)["after_pct"]) == pytest.approx(row.utilisation_pct,
                                                                   abs=0.05)
        critical = row.utilisation_pct >= 95 or row.dropped_gbps > 0
        assert a.severity is (Severity.CRITICAL if critical else Severity.WARNING)
        assert row.utilisation_pct >= 80


def test_a_degrading_optic_warns_then_alarms(lab: FaultLab) -> None:
    optic = {"link": "nyc1-bb1--nyc1-pr1", "router": "nyc1-pr1", "loss": 2.0, "growth": 2.0}
    incident = lab.incident("classic-small", [("optic-degrade", optic)])
    early = {(a.kind, a.severity) for a in alerts(incident.at(3))}
    late = {(a.kind, a.severity) for a in alerts(incident.at(60))}
    assert (AlertKind.INTERFACE_ERRORS, Severity.MINOR) in early
    assert (AlertKind.OPTIC_LOW_LIGHT, Severity.MAJOR) not in early
    assert {(AlertKind.INTERFACE_ERRORS, Severity.MAJOR),
            (AlertKind.OPTIC_LOW_LIGHT, Severity.WARNING),
            (AlertKind.OPTIC_LOW_LIGHT, Severity.MAJOR)} <= late
    assert {a.device for a in alerts(incident.at(60))} == {"nyc1-pr1"}


def test_flapping_pages_on_the_third_flap_not_on_every_down(lab: FaultLab) -> None:
    flap = {"link": "nyc1-bb1--lon1-bb1", "period": 120, "down": 30}
    incident = lab.incident("classic-small", [("link-flap", flap)])
    assert alerts(incident.at(3.9)) == ()
    fired = alerts(incident.at(4.6))
    assert {(a.kind, a.device) for a in fired} == {
        (AlertKind.ADJACENCY_FLAPPING, "nyc1-bb1"), (AlertKind.ADJACENCY_FLAPPING, "lon1-bb1")}
    assert all(a.fired_minute == pytest.approx(4.5) for a in fired)


def test_a_red_herring_adds_its_own_alerts_only(lab: FaultLab) -> None:
    cut = {"link": "nyc1-bb1--lon1-bb1"}
    herring = {"link": "lon1-bb1--lon1-pr1", "router": "lon1-pr1", "loss": 2.0,
               "growth": 1.0}
    alone = {a.id for a in alerts(lab.incident("classic-small", [("link-down", cut)],
                                               now_minute=LATE))}
    both = alerts(lab.incident("classic-small", [("link-down", cut), ("optic-degrade",
                                                                     herring)],
                               now_minute=LATE))
    extra = [a for a in both if a.id not in alone]
    assert alone <= {a.id for a in both}
    assert extra and {a.device for a in extra} == {"lon1-pr1"}


def test_external_peers_and_dead_routers_raise_nothing(lab: FaultLab) -> None:
    params = lab.picked("classic-small", "bgp-shutdown")
    assert params is not None
    incident = lab.incident("classic-small", [("bgp-shutdown", params),
                                              ("node-down", {"router": "lon1-bb2"})],
                            now_minute=LATE)
    peers = {r.name for r in incident.network.routers.values() if r.role is Role.PEER}
    for a in alerts(incident):
        assert a.device not in peers
        assert a.device != "lon1-bb2" or a.kind is AlertKind.DEVICE_UNREACHABLE


def test_alert_json_is_plain(lab: FaultLab) -> None:
    incident = lab.incident("classic-small", [("link-down", {"link": "nyc1-bb1--lon1-bb1"})],
                            now_minute=LATE)
    a: Alert = alerts(incident)[0]
    data = a.to_json()
    assert data["id"] == a.id and data["severity"] == a.severity.value
    assert data["fired_at"].startswith("2026-03-14T02:13")
    assert isinstance(data["details"], dict)


def test_lost_reachability_is_the_engines_differential_reachability(lab: FaultLab) -> None:
    incident = lab.incident("classic-small", [("bgp-next-hop-self", {"router": "nyc1-pr1"})],
                            now_minute=LATE)
    lost = {(row.flow.ingress_node, str(row.flow.dst_ip)) for row in
            incident.engine.differential_reachability(incident.faulted, incident.baseline)
            if any(t.disposition.success for t in row.reference_traces)
            and not all(t.disposition.success for t in row.snapshot_traces)}
    fired = [a for a in alerts(incident) if a.kind is AlertKind.REACHABILITY_LOSS]
    assert fired and all(a.severity is Severity.CRITICAL for a in fired)
    assert {(a.device, dict(a.details)["destination"]) for a in fired} <= lost
    assert all("peer1" in a.summary for a in fired)


def test_denied_routes_page_on_the_session_that_lost_them(lab: FaultLab) -> None:
    deny = {"router": "nyc1-pr1", "neighbor": "198.18.64.29"}
    incident = lab.incident("classic-small", [("bgp-import-deny", deny)], now_minute=LATE)
    fired = [a for a in alerts(incident) if a.kind is AlertKind.BGP_PREFIXES_DROPPED]
    assert [(a.device, a.severity, dict(a.details)["after"]) for a in fired] == [
        ("nyc1-pr1", Severity.MAJOR, "0")]
    assert not [a for a in alerts(incident) if a.kind is AlertKind.BGP_SESSION_DOWN]


def test_a_conduit_cut_on_express_pages_in_every_plane_it_crosses(lab: FaultLab) -> None:
    incident = lab.incident("express-small", [("srlg-cut", {"srlg": "cdt-prn1-frc1"})],
                            now_minute=LATE)
    down = {a.device for a in alerts(incident) if a.kind is AlertKind.ISIS_ADJACENCY_DOWN}
    planes = {incident.network.routers[d].plane for d in down}
    assert planes == {0, 1, 2, 3}
    assert down == {f"{site}-ebb{p}" for site in ("prn1", "frc1") for p in range(4)}


def test_changes_are_timed_by_the_fault_the_snapshot_shows(lab: FaultLab) -> None:
    params = lab.picked("classic-small", "isis-metric")
    herring = {"link": "lon1-bb1--lon1-pr1", "router": "lon1-pr1", "loss": 2.0, "growth": 1.0}
    assert params is not None
    incident = lab.incident("classic-small", [("optic-degrade", herring, 0.0),
                                              ("isis-metric", params, 3.0)], now_minute=LATE)
    util = [a for a in alerts(incident) if a.kind is AlertKind.LINK_UTILISATION]
    assert util and all(a.fired_minute == pytest.approx(3.0 + 6.0) for a in util)
