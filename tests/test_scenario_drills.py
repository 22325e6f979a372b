"""Every shipped drill: sound, and its scores make sense (through the API).

The reference fix with the answer key scores at least 95, doing nothing at
most 20, and the right fix with a wrong diagnosis lands strictly between.
"""

from __future__ import annotations

from collections import Counter

import pytest
from test_scenario_support import SHIPPED, result

from netlab.faults import CATALOGUE, Category
from netlab.scenario.drill import load_drill
from netlab.scenario.soundness import Level


def test_at_least_sixteen_drills_cover_both_backbones_and_every_category() -> None:
    assert len(SHIPPED) >= 16
    drills = [load_drill(s) for s in SHIPPED]
    assert {d.network.backbone.value for d in drills} == {"classic", "express"}
    categories = Counter(CATALOGUE[d.spec.answer.root_cause].category for d in drills)
    assert all(categories[c] >= 4 for c in Category)
    assert any(f.red_herring for d in drills for f in d.spec.faults)
    assert any("capacity" in d.spec.skills and d.spec.answer.root_cause == "srlg-cut"
               for d in drills)


def test_every_fault_type_but_node_down_has_a_drill() -> None:
    """node-down has no config mitigation the engine can prove (see docs/authoring.md)."""
    trained = {load_drill(s).spec.answer.root_cause for s in SHIPPED}
    assert set(CATALOGUE) - trained <= {"node-down"}


def test_no_drill_names_its_answer() -> None:
    """Ids and titles are what a trainee picks from: they name symptoms, never causes."""
    for scenario_id in SHIPPED:
        spec = load_drill(scenario_id).spec
        for f in spec.faults:
            for text in (spec.id, spec.title.lower()):
                assert f.type not in text and "herring" not in text, scenario_id


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_drill_is_sound(scenario_id: str) -> None:
    r = result(scenario_id)
    errors = [str(f) for f in r.findings if f.level is Level.ERROR]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_reference_fix_scores_at_least_95(scenario_id: str) -> None:
    g = result(scenario_id).reference
    assert g.score >= 95, [i.reason for i in g.items]
    assert all(c.passed for c in g.checks) and not g.collateral


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_doing_nothing_scores_at_most_20(scenario_id: str) -> None:
    g = result(scenario_id).nothing
    assert g.score <= 20, [i.reason for i in g.items]
    assert not all(c.passed for c in g.checks)


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_wrong_diagnosis_with_the_right_fix_is_partial_credit(scenario_id: str) -> None:
    r = result(scenario_id)
    for g in (r.wrong_cause, r.wrong_place):
        assert r.nothing.score < g.score < r.reference.score
        assert 20 < g.score < 95
    assert r.wrong_place.score < r.wrong_cause.score  # the right place is worth something


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_every_score_item_is_explained(scenario_id: str) -> None:
    for g in (result(scenario_id).reference, result(scenario_id).nothing):
        assert {i.part for i in g.items} >= {"diagnosis", "remediation", "efficiency"}
        assert all(i.reason for i in g.items)
        assert g.to_json()["score"] == g.score
