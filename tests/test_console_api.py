"""The public API of the console, debrief and history modules, pinned."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "netlab.scenario.console": ["CommandError", "ConsoleAttempt", "Entry", "EventKind", "Reply",
                                "Session", "SessionStatus", "Source"],
    "netlab.scenario.console.session": ["PROMPT", "CommandError", "Reply", "Session",
                                        "SessionStatus"],
    "netlab.scenario.console.actions": ["run"],
    "netlab.scenario.console.commands": ["COMMANDS", "Arg", "Command", "Names", "complete",
                                         "help_text", "lookup"],
    "netlab.scenario.console.editing": ["ConfigTexts", "EditOutcome", "EditStatus", "Editor",
                                        "run_editor"],
    "netlab.scenario.console.network": ["HORIZON_MINUTES", "LiveNetwork", "commit_line",
                                        "page_minute", "severity_counts"],
    "netlab.scenario.console.record": ["ConsoleAttempt", "Entry", "EventKind", "Source"],
    "netlab.scenario.console.reply": ["CommandError", "Reply", "SessionStatus"],
    "netlab.scenario.console.views": ["alerts_view", "counters_view", "health_view",
                                      "optics_view", "table"],
    "netlab.scenario.console.ui": ["ConsoleCompleter", "run_console", "toolbar"],
    "netlab.scenario.report": ["Impact", "ReportFiles", "Section", "debrief", "measure_impact",
                               "print_summary", "report_folder", "to_html", "to_markdown",
                               "write_reports"],
    "netlab.scenario.history": ["DB_FILE", "SCHEMA_VERSION", "AttemptRecord", "AttemptStatus",
                                "DrillProgress", "Progress", "SkillProgress", "data_dir",
                                "default_trainee", "history_path", "load_attempts",
                                "progress", "record_attempt", "sparkline", "store_attempt"],
    "netlab.cli.scenario_run": ["run_cmd"],
    "netlab.cli.progress": ["COMMANDS", "progress_cmd"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_api_is_pinned(module: str) -> None:
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(PUBLIC[module])
    for name in mod.__all__:
        value = getattr(mod, name)
        code = isinstance(value, type) or callable(value)
        alias = name == "Editor"  # a Callable type alias, documented by the string after it
        assert value.__doc__ or not code or alias, f"{module}.{name} has no docstring"


def test_run_and_progress_are_registered() -> None:
    from netlab.cli import cli
    from netlab.cli.scenario import scenario

    assert "run" in scenario.commands and "progress" in cli.commands
