"""The public API of the scenario layer, pinned: a change here is a change for the
console, report and history modules built on it."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "netlab.scenario.soundness": ["Finding", "Level", "NETLAB_ONLY", "NOTHING_MAX",
                                  "REFERENCE_MIN", "SYMPTOM_PARTS", "batfish_findings",
                                  "candidates", "check_drill", "symptom_seen"],
    "netlab.scenario.fingerprint": ["Answers", "CONGESTED_PCT", "EVIDENCE_MINUTE",
                                    "Fingerprint", "Observer", "SHIFT_GBPS",
                                    "TIME_VARYING_ALERTS"],
    "netlab.scenario.derive": ["DRAIN_METRIC", "answer_location", "derive_checks",
                               "derive_fix", "describe_edits", "hints_for", "metric_search",
                               "page_text", "title_for"],
    "netlab.scenario.generate": ["BACKBONE_TOPOLOGIES", "Draft", "FAULT_DIFFICULTY",
                                 "FAULT_SKILLS", "draft_drill", "dump_scenario", "generate"],
    "netlab.scenario.scaffold": ["COMMENTS", "DEFAULT_FAULT", "scaffold", "scaffold_text"],
    "netlab.scenario.workspace": ["ANSWER_FILE", "Attempt", "BRIEF_FILE", "EVIDENCE_DIR",
                                  "META_DIR", "SHOW_COMMANDS", "Workspace", "grade_workspace",
                                  "start_workspace", "write_evidence"],
    "netlab.scenario.drill": ["Drill", "DrillSnapshots", "SCENARIO_DIRS", "build_drill",
                              "list_scenarios", "load_drill", "resolve_scenario",
                              "state_snapshot", "topology_path", "write_state"],
    "netlab.scenario.grading": ["COLLATERAL_COST", "Diagnosis", "Grade", "ScoreItem",
                                "collateral", "grade", "impact_rate", "load_answer",
                                "remediation_share", "score_diagnosis"],
    "netlab.scenario.edits": ["ConfigEdit", "apply_edit", "apply_edits", "diff_config",
                              "diff_configs"],
    "netlab.cli.scenario": ["COMMANDS", "EXTENSIONS", "load_extensions", "scenario"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_api_is_pinned(module: str) -> None:
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(PUBLIC[module])
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.{name} is in __all__ but missing"
        assert getattr(mod, name).__doc__ or not callable(getattr(mod, name)), name


def test_the_console_can_attach_run() -> None:
    from netlab.cli.scenario import EXTENSIONS, scenario

    assert "netlab.cli.scenario_run" in EXTENSIONS
    assert {"list", "show", "check", "new", "generate", "start", "grade"} <= set(
        scenario.commands)
