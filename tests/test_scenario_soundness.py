"""What 'netlab scenario check' catches: each kind of unsound drill, one finding each."""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

import pytest
from test_scenario_support import ENGINE

from netlab.errors import FaultError
from netlab.faults import CATALOGUE, NetworkState, pick_params
from netlab.render.intent import device_configs
from netlab.scenario.derive import metric_search
from netlab.scenario.drill import load_drill
from netlab.scenario.edits import apply_edits, diff_configs
from netlab.scenario.fingerprint import Observer
from netlab.scenario.generate import dump_scenario
from netlab.scenario.soundness import Finding, Level, batfish_findings, check_drill
from netlab.topology.files import load_network

BASE: dict[str, Any] = {
    "title": "Prineville to New York running hot",
    "topology": "classic-small",
    "difficulty": 2,
    "skills": ["isis"],
    "brief": "A capacity alarm fired.\n",
    "faults": [{"type": "isis-overload", "params": {"router": "nyc1-bb2"}}],
    "answer": {"root_cause": "isis-overload", "location": {"router": "nyc1-bb2"}},
    "checks": [{"name": "no link runs at 95% or more", "question": "linkUtilisation",
                "expect": {"none": {"utilisation_pct": {"ge": 95}}}}],
    "fix": [{"router": "nyc1-bb2", "path": "isis.overload", "value": False}],
    "hints": [{"text": "Look at the IS-IS flags.", "cost": 5}],
}


def check(tmp_path: Path, name: str, **changes: Any) -> list[Finding]:
    data = {"id": name, **BASE, **changes}
    path = tmp_path / f"{name}.yaml"
    path.write_text(dump_scenario(data), encoding="utf-8")
    return check_drill(load_drill(path), ENGINE)


def errors(findings: list[Finding]) -> list[str]:
    return [str(f) for f in findings if f.level is Level.ERROR]


def test_a_sound_drill_has_no_error(tmp_path: Path) -> None:
    assert errors(check(tmp_path, "sound-one")) == []


def test_a_fix_that_does_not_fix(tmp_path: Path) -> None:
    found = errors(check(tmp_path, "no-real-fix", fix=[
        {"router": "nyc1-bb1", "path": "isis.overload", "value": False}]))
    lines = (tmp_path / "no-real-fix.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "- name: no link runs" in text)
    assert any(f":{line}: error: check 'no link runs at 95% or more' fails after the "
               "reference fix" in f for f in found), found


def test_a_fix_that_breaks_something(tmp_path: Path) -> None:
    found = errors(check(tmp_path, "fix-with-collateral", fix=[
        *BASE["fix"], {"router": "nyc1-pr1", "path": "bgp.neighbors[198.18.64.27].shutdown",
                       "value": True}]))
    assert any("breaks something: BGP session nyc1-pr1" in f for f in found), found


def test_checks_that_pass_on_the_faulted_network(tmp_path: Path) -> None:
    found = errors(check(tmp_path, "nothing-passes", checks=[
        {"name": "sessions are up", "question": "bgpSessionStatus",
         "where": {"node": "nyc1-pr1"}, "expect": {"all": {"established_status":
                                                            "ESTABLISHED"}}}]))
    assert any("doing nothing passes every check" in f for f in found)
    assert any("doing nothing scores" in f for f in found)


def test_an_answer_naming_the_red_herring(tmp_path: Path) -> None:
    faults = [*BASE["faults"], {"type": "link-down", "params": {
        "link": "lon1-bb1--lon1-bb2"}, "red_herring": True}]
    found = errors(check(tmp_path, "keyed-herring", faults=faults, answer={
        "root_cause": "link-down", "location": {"link": "lon1-bb1--lon1-bb2"}}))
    assert any("names no real fault" in f for f in found), found


def test_a_fault_that_changes_nothing(tmp_path: Path) -> None:
    """A "cost-out" to the metric the link already has."""
    found = errors(check(tmp_path, "no-symptom", faults=[
        {"type": "isis-metric", "params": {"router": "nyc1-bb1", "link": "nyc1-bb1--lon1-bb1",
                                           "metric": 334}}],
        answer={"root_cause": "isis-metric", "location": {"router": "nyc1-bb1"}},
        fix=[{"router": "nyc1-bb1", "path": "interfaces[et-0/0/0].isis.metric",
              "value": 334}]))
    assert any("changes nothing the engine can see" in f for f in found), found


def test_a_declared_symptom_that_does_not_appear(tmp_path: Path) -> None:
    """Costing out the London metro link moves routes but no traffic."""
    found = errors(check(tmp_path, "missing-symptom", faults=[
        {"type": "isis-metric", "params": {"router": "lon1-bb1",
                                           "link": "lon1-bb1--lon1-bb2"}}],
        answer={"root_cause": "isis-metric", "location": {"router": "lon1-bb1"}},
        fix=[{"router": "lon1-bb1", "path": "interfaces[et-0/0/2].isis.metric", "value": 1}]))
    assert any("declares symptom utilisation but it does not appear" in f
               for f in found), found


def test_an_ambiguous_answer_key(tmp_path: Path) -> None:
    """lon1-bb1--cln1-bb1 is alone in its conduit: its cut is indistinguishable from the
    conduit's."""
    found = errors(check(tmp_path, "ambiguous-cut", faults=[
        {"type": "link-down", "params": {"link": "lon1-bb1--cln1-bb1"}}],
        answer={"root_cause": "link-down", "location": {"link": "lon1-bb1--cln1-bb1"}},
        fix=[{"router": "prn1-bb1", "path": "interfaces[et-0/0/1].isis.metric", "value": 900},
             {"router": "prn1-bb2", "path": "interfaces[et-0/0/1].isis.metric",
              "value": 900}]))
    assert any("ambiguous: srlg-cut (srlg=cdt-lon1-cln1)" in f for f in found), found
    assert all("link-flap" not in f for f in found)


def test_batfish_note(tmp_path: Path) -> None:
    path = tmp_path / "batfish-note.yaml"
    path.write_text(dump_scenario({"id": "batfish-note", **BASE}), encoding="utf-8")
    notes = [str(f) for f in batfish_findings(load_drill(path))]
    assert len(notes) == 1 and "note: batfish cannot grade this drill" in notes[0]
    assert "isis-overload" in notes[0]


@pytest.mark.parametrize("topology", ["classic-small", "express-small"])
def test_config_diffs_are_the_inverse_of_every_fault(topology: str) -> None:
    network = load_network(topology)
    base = NetworkState(network, device_configs(network))
    for name, fault in CATALOGUE.items():
        try:
            state = fault.apply(base, pick_params(fault, base, Random(7)))
        except FaultError:  # a fault with nowhere to go on this network
            continue
        edits = diff_configs(state.configs, base.configs)
        restored = apply_edits(state.configs, edits)
        assert all(restored[h] == base.configs[h].normalized() for h in restored), name
        assert bool(edits) is (state.configs != base.configs), name


def test_metric_search_relieves_the_conduit_cut() -> None:
    drill = load_drill("nyc1-lon1-dropping-traffic")
    obs = Observer(ENGINE, drill.baseline)
    edits = metric_search(obs, drill.faulted)
    assert edits is not None and {e.router for e in edits} == {"lon1-bb1", "lon1-bb2"}
    fixed = obs.snapshot(drill.edited(edits))
    assert max(r.utilisation_pct for r in ENGINE.link_utilisation(fixed).rows) < 95


def test_fingerprints_compare_what_a_trainee_sees() -> None:
    network = load_network("classic-small")
    base = NetworkState(network, device_configs(network))
    obs = Observer(ENGINE, base)
    passive = CATALOGUE["isis-passive"].apply(base, {"router": "lon1-bb2",
                                                     "link": "lon1-bb2--cln1-bb2"})
    fp = obs.fingerprint(passive)
    assert fp.config == {("lon1-bb2", "interfaces[et-0/0/1].isis.passive")}
    assert {(n, s) for n, _, s in fp.adjacencies} == {("lon1-bb2", "DOWN"),
                                                      ("cln1-bb2", "DOWN")}
    assert not fp.layer1 and not fp.sessions and fp.routes
    assert obs.fingerprint(base).empty and "adjacencies 2" in fp.describe()


def test_a_drill_outside_scenarios_is_checked_by_path() -> None:
    sample = Path(__file__).parent / "data" / "scenarios" / "overload-sample.yaml"
    drill = load_drill(sample)
    assert drill.spec.id == "overload-sample" and drill.path == sample
    assert errors(check_drill(drill, ENGINE)) == []
