"""The Batfish capability matrix and ``batfish_can_grade`` on drills and fault lists."""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

import pytest

from netlab.engines.base import Question
from netlab.engines.batfish.capability import (
    MATRIX,
    UNASSESSED,
    Difference,
    Verdict,
    assess_fault,
    batfish_can_grade,
    capability,
    check_differences,
)
from netlab.engines.batfish.caveats import network_findings, release_year
from netlab.errors import EngineError
from netlab.faults import CATALOGUE, NetworkState, fault_type, pick_params
from netlab.faults.base import Engine
from netlab.model.types import Vendor
from netlab.render.intent import device_configs
from netlab.scenario.drill import build_drill
from netlab.scenario.schema import CheckSpec, ScenarioFile
from netlab.topology.files import load_network


@pytest.fixture(scope="module")
def state() -> NetworkState:
    network = load_network("classic-small")
    return NetworkState(network, device_configs(network))


@pytest.fixture(scope="module")
def frr_state() -> NetworkState:
    network = load_network("classic-small")
    return NetworkState(network, device_configs(network, Vendor.FRR))


def test_every_fault_type_is_placed_in_the_matrix_for_every_vendor() -> None:
    assert set(MATRIX) == set(CATALOGUE)
    for fault, row in MATRIX.items():
        assert set(row) == set(Vendor), fault
        assert UNASSESSED not in row.values(), f"{fault} is not assessed for Batfish"
        assert row[Vendor.FRR].verdict is Verdict.NOT_MODELLED, fault
        for cap in row.values():
            assert cap.verdict is Verdict.FAITHFUL or cap.reason, fault
            assert bool(cap.differences) == (cap.verdict is Verdict.DIFFERS), fault


def test_matrix_rows_from_batfishs_source() -> None:
    assert capability("isis-metric", Vendor.JUNOS).verdict is Verdict.FAITHFUL
    assert capability("isis-metric", Vendor.IOSXR).verdict is Verdict.NOT_MODELLED
    assert "every cost is 10" in capability("isis-metric", Vendor.IOSXR).reason
    for fault in ("isis-mtu-mismatch", "isis-auth-mismatch", "isis-overload",
                  "bgp-password", "bgp-max-prefix"):
        assert {c.verdict for c in MATRIX[fault].values()} == {Verdict.NOT_MODELLED}, fault
    for fault in ("isis-level-mismatch", "isis-area-mismatch", "isis-not-enabled"):
        assert MATRIX[fault][Vendor.JUNOS].verdict is Verdict.FAITHFUL
        assert MATRIX[fault][Vendor.EOS].verdict is Verdict.NOT_MODELLED
    shut = capability("bgp-shutdown", Vendor.EOS)
    assert shut.verdict is Verdict.DIFFERS
    assert Difference(Question.BGP_SESSION_STATUS) in shut.differences


@pytest.mark.parametrize("fault", sorted(CATALOGUE))
def test_matrix_agrees_with_the_fault_types_observers(fault: str, state: NetworkState) -> None:
    """Where a fault type says Batfish cannot observe it, the matrix says NOT_MODELLED."""
    ft = fault_type(fault)
    for seed in range(6):
        params = pick_params(ft, state, Random(seed))
        record = ft.apply(state, params).faults[-1]
        finding = assess_fault(record, state)
        if Engine.BATFISH not in ft.observers(state, params):
            assert finding.verdict is Verdict.NOT_MODELLED, (fault, params)
            assert finding.blocking


def test_faults_on_frr_routers_are_not_modelled(frr_state: NetworkState) -> None:
    record = fault_type("link-down").apply(frr_state, {"link": "nyc1-bb1--lon1-bb1"}).faults[-1]
    finding = assess_fault(record, frr_state)
    assert finding.verdict is Verdict.NOT_MODELLED and "FRR" in finding.reason
    ok, reasons = batfish_can_grade([record], frr_state)
    assert not ok
    assert any("network: not-modelled" in r and "FRR" in r for r in reasons)


def test_the_worst_vendor_of_the_routers_involved_decides(state: NetworkState) -> None:
    """isis-metric on a Junos end is faithful; on the IOS-XR end of an access link it is not."""
    junos = fault_type("isis-metric").apply(
        state, {"router": "lon1-bb1", "link": "nyc1-bb1--lon1-bb1"}).faults[-1]
    assert assess_fault(junos, state).verdict is Verdict.FAITHFUL
    level = fault_type("isis-level-mismatch").apply(
        state, {"router": "lon1-bb1", "link": "lon1-bb1--lon1-pr1"}).faults[-1]
    finding = assess_fault(level, state)
    assert finding.verdict is Verdict.NOT_MODELLED  # the far end is IOS-XR
    assert "lon1-pr1 is iosxr" in finding.reason


def test_faults_without_checks_report_differences_but_do_not_block(state: NetworkState) -> None:
    rec = fault_type("bgp-shutdown").apply(
        state, {"router": "lon1-pr1", "neighbor": "198.18.64.37"}).faults[-1]
    verdict = batfish_can_grade([rec.to_json()], state)
    assert verdict.ok
    assert any(r.startswith("fault bgp-shutdown") and "differs" in r for r in verdict.reasons)
    with pytest.raises(EngineError, match="need the network state"):
        batfish_can_grade([rec])


def test_network_findings_of_the_shipped_classic_topology(state: NetworkState) -> None:
    findings = network_findings(state.configs)
    text = " | ".join(str(f) for f in findings)
    assert "IOS-XR IS-IS interface 10" in text  # the PRs' access metrics
    assert "passive IS-IS interfaces" in text and "IPv4 only" in text
    assert "2026 releases on" in text  # EOS IS-IS, release unknown: a note
    assert not any(f.verdict is Verdict.NOT_MODELLED for f in findings)
    old = network_findings(state.configs, "2025.1.1.1000")
    assert any(f.verdict is Verdict.NOT_MODELLED and "EOS interface IS-IS" in f.reason
               for f in old)
    assert not any("EOS" in str(f) for f in network_findings(state.configs, "2026.9.17"))


def test_release_year() -> None:
    assert release_year("2026.9.17.3748") == 2026
    assert release_year("0.36.0") == 0
    assert release_year(None) is None and release_year("dev") is None


def _check(question: str, where: dict[str, Any] | None = None, **expect: Any) -> CheckSpec:
    return CheckSpec.model_validate({"name": "c", "question": question, "where": where or {},
                                     "expect": expect})


def test_which_checks_a_difference_can_change() -> None:
    metric = Difference(Question.ISIS_ROUTES, frozenset({"metric"}))
    rows_v6 = Difference(Question.BGP_SESSION_STATUS, ipv6_only=True)
    rows = Difference(Question.BGP_SESSION_STATUS)
    assert check_differences(_check("isisRoutes", all={"metric": {"lt": 100}}), [metric])
    assert not check_differences(_check("isisRoutes", {"node": "a"}, count=3), [metric])
    assert not check_differences(_check("routes", all={"metric": 1}), [metric])
    status = _check("bgpSessionStatus", {"remote_ip": "198.18.0.1"},
                    all={"established_status": "ESTABLISHED"})
    assert not check_differences(status, [rows_v6])
    assert check_differences(status, [rows]) == (rows,)
    assert check_differences(_check("bgpSessionStatus", count=0), [rows_v6]) == (rows_v6,)


def _drill(tmp_path: Path, faults: list[dict[str, Any]], checks: list[dict[str, Any]]) -> Any:
    spec = ScenarioFile.model_validate({
        "id": "bf-sample", "title": "t", "topology": "classic-small", "difficulty": 1,
        "skills": ["bgp"], "brief": "b", "faults": faults,
        "answer": {"root_cause": faults[0]["type"], "location": {"router": "lon1-pr1"}},
        "checks": checks,
        "fix": [{"router": "lon1-pr1", "path": "bgp.asn", "value": 65000}]})
    return build_drill(spec, tmp_path / "bf-sample.yaml")


def test_a_drill_whose_check_reads_rows_batfish_answers_differently(tmp_path: Path) -> None:
    shut = {"type": "bgp-shutdown", "params": {"router": "lon1-pr1",
                                                "neighbor": "198.18.64.37"}}
    reach = {"name": "transit learnt", "question": "bgpRib",
             "where": {"network": "198.51.100.0/24"}, "expect": {"count": {"ge": 1}}}
    routes = {"name": "transit routed", "question": "routes",
              "where": {"network": "198.51.100.0/24"}, "expect": {"count": {"ge": 1}}}
    sessions = {"name": "sessions up", "question": "bgpSessionStatus",
                "where": {"node": "lon1-pr1"}, "expect": {"all": {
                    "established_status": "ESTABLISHED"}}}
    ok, reasons = batfish_can_grade(_drill(tmp_path, [shut], [reach]))
    assert ok, reasons
    ok, reasons = batfish_can_grade(_drill(tmp_path, [shut], [reach, sessions]))
    assert not ok
    assert reasons[0].startswith("check 'sessions up': differs")
    # IOS-XR PRs configure IS-IS metrics Batfish ignores: their routes may differ
    ok, reasons = batfish_can_grade(_drill(tmp_path, [shut], [routes]))
    assert not ok and reasons[0].startswith("check 'transit routed': differs")


def test_red_herrings_batfish_cannot_see_are_differences_not_blockers(tmp_path: Path) -> None:
    shut = {"type": "bgp-remote-as", "params": {"router": "lon1-pr1",
                                                 "neighbor": "198.18.64.37"}}
    noise = {"type": "isis-mtu-mismatch", "red_herring": True,
             "params": {"router": "lon1-bb1", "link": "nyc1-bb1--lon1-bb1"}}
    check = {"name": "sessions", "question": "bgpSessionStatus",
             "where": {"node": "lon1-pr1", "remote_ip": "198.18.64.37"},
             "expect": {"count": 1}}
    drill = _drill(tmp_path, [shut, noise], [check])
    verdict = batfish_can_grade(drill)
    assert verdict.ok, verdict.reasons
    unpinned = {**check, "where": {"node": "lon1-pr1"}}  # would count IPv6 sessions too
    assert not batfish_can_grade(_drill(tmp_path, [shut, noise], [unpinned])).ok
    herring = [f for f in verdict.findings if f.subject.startswith("red herring")]
    assert herring[0].verdict is Verdict.DIFFERS and not herring[0].blocking
    adjacency = {"name": "adjacencies", "question": "isisAdjacencies",
                 "where": {"node": "lon1-bb1"}, "expect": {"none": {"state": "DOWN"}}}
    assert not batfish_can_grade(_drill(tmp_path, [shut, noise], [adjacency])).ok
    real = {**noise, "red_herring": False}
    blocked = batfish_can_grade(_drill(tmp_path, [shut, real], [check]))
    assert not blocked.ok and "does not check MTU" in blocked.reasons[0]
