"""``netlab scenario`` through click's runner: list, show, check, new, generate, start, grade."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_scenario_support import ENGINE, SHIPPED

from netlab.cli import cli
from netlab.scenario.drill import load_drill
from netlab.scenario.soundness import Level, check_drill

BAD = Path(__file__).parent / "data" / "bad" / "scenarios"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False,
                              env={"COLUMNS": "200"})


@pytest.fixture(autouse=True)
def _private_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETLAB_DATA_DIR", str(tmp_path / "data"))


def test_list_json() -> None:
    result = run("scenario", "list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == SHIPPED
    assert {"id", "title", "backbone", "difficulty", "skills"} <= set(rows[0])
    assert {r["backbone"] for r in rows} == {"classic", "express"}


def test_list_table() -> None:
    result = run("scenario", "list")
    assert result.exit_code == 0 and "prn1-nyc1-hot-nothing-down" in result.output


def test_show_never_shows_the_answer() -> None:
    result = run("scenario", "show", "prn1-nyc1-hot-nothing-down")
    assert result.exit_code == 0
    assert "Prineville -> New York at 99 %" in result.output
    assert "isis-overload" not in result.output and "nyc1-bb2" not in result.output
    data = json.loads(run("scenario", "show", "prn1-nyc1-hot-nothing-down", "--json").output)
    assert "answer" not in data and "fix" not in data and data["hints"] == 3


def test_show_an_unknown_drill_suggests() -> None:
    result = run("scenario", "show", "busy-nite")
    assert result.exit_code == 2 and "did you mean 'busy-night'" in result.output


def test_check_one_drill() -> None:
    result = run("scenario", "check", "busy-night")
    assert result.exit_code == 0
    assert re.search(r"^ok +busy-night", result.output, re.M)


def test_check_with_batfish_says_what_batfish_can_grade() -> None:
    result = run("scenario", "check", "nyc1-transit-session-down", "--engine", "batfish")
    assert result.exit_code == 0 and "note: batfish" in result.output


def test_check_needs_a_target() -> None:
    result = run("scenario", "check")
    assert result.exit_code == 2 and "--all" in result.output


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_bad_scenario_file_is_one_line_with_its_line(path: Path) -> None:
    line, text = re.fullmatch(r"# expect: (\d+): (.*)", path.read_text(
        encoding="utf-8").splitlines()[0]).groups()  # type: ignore[union-attr]
    result = run("scenario", "check", str(path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"netlab: error: {path}:{line}: "), lines[0]
    assert text in lines[0]


def test_check_several_reports_each(tmp_path: Path) -> None:
    result = run("scenario", "check", str(BAD / "unknown-key.yaml"), "nyc1-transit-session-down")
    assert result.exit_code == 2
    assert "unknown key 'timelimit'" in result.output
    assert re.search(r"^ok +nyc1-transit-session-down", result.output, re.M)
    assert "FAILED: 2 drills checked" in result.output


def test_new_scaffolds_a_sound_commented_drill(tmp_path: Path) -> None:
    out = tmp_path / "my-first-drill.yaml"
    result = run("scenario", "new", "my-first-drill", "--fault", "bgp-shutdown", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("\n# ") >= 10 and "docs/authoring.md" in text
    findings = check_drill(load_drill(out), ENGINE)
    assert not [f for f in findings if f.level is Level.ERROR]
    again = run("scenario", "new", "my-first-drill", "-o", str(out))
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
    assert out.read_text(encoding="utf-8") == text


def test_new_wants_the_id_as_file_name(tmp_path: Path) -> None:
    result = run("scenario", "new", "one-drill", "-o", str(tmp_path / "other-name.yaml"))
    assert result.exit_code == 2 and "one-drill.yaml" in result.output


@pytest.mark.parametrize("seed", [3, 11])
def test_generate_writes_a_drill_that_passes_check(seed: int, tmp_path: Path) -> None:
    out = tmp_path / f"gen-{seed}.yaml"
    result = run("scenario", "generate", "--seed", str(seed), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"netlab scenario generate --seed {seed}" in out.read_text(encoding="utf-8")
    check = run("scenario", "check", str(out))
    assert check.exit_code == 0, check.output


def test_generate_is_reproducible_and_filters(tmp_path: Path) -> None:
    a, b = tmp_path / "one" / "gen-bgp.yaml", tmp_path / "two" / "gen-bgp.yaml"
    for out in (a, b):
        result = run("scenario", "generate", "--seed", "5", "--skills", "bgp",
                     "--backbone", "classic", "-o", str(out))
        assert result.exit_code == 0, result.output
    def body(path: Path) -> list[str]:
        return [x for x in path.read_text(encoding="utf-8").splitlines()
                if not x.startswith("#")]

    assert body(a) == body(b)
    drill = load_drill(a)
    assert drill.spec.answer.root_cause.startswith("bgp-")
    assert drill.network.backbone.value == "classic"


def test_generate_rejects_unknown_skills(tmp_path: Path) -> None:
    result = run("scenario", "generate", "--seed", "1", "--skills", "dns",
                 "-o", str(tmp_path / "gen-x.yaml"))
    assert result.exit_code == 2 and "unknown skill 'dns'" in result.output


def test_start_and_grade(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = run("scenario", "start", "nyc1-transit-session-down", "--dir", str(ws))
    assert result.exit_code == 0 and "BRIEF.md" in result.output
    again = run("scenario", "start", "nyc1-transit-session-down", "--dir", str(ws))
    assert again.exit_code == 2 and "not empty" in again.output
    graded = run("scenario", "grade", str(ws))
    assert graded.exit_code == 0
    assert "diagnosis" in graded.output and "score" in graded.output
    data = json.loads(run("scenario", "grade", str(ws), "--json").output)
    assert data["score"] <= 20 and {i["part"] for i in data["items"]} >= {"diagnosis"}


def test_grade_reports_a_broken_config_in_one_line(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run("scenario", "start", "nyc1-transit-session-down", "--dir", str(ws))
    cfg = ws / "configs" / "nyc1-bb1.cfg"  # Junos: an unterminated string
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("description \"", "description \"\n",
                                                           1).replace("\";", ";", 1),
                   encoding="utf-8")
    result = run("scenario", "grade", str(ws))
    assert result.exit_code == 2
    assert result.output.startswith(f"netlab: error: {cfg}:")
    assert len(result.output.strip().splitlines()) == 1


def test_grade_reports_an_unknown_router_in_the_answer(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run("scenario", "start", "nyc1-transit-session-down", "--dir", str(ws))
    (ws / "answer.yaml").write_text("root_cause: bgp-shutdown\nlocation: {router: nyc2-pr1}\n",
                                    encoding="utf-8")
    result = run("scenario", "grade", str(ws))
    assert result.exit_code == 2
    assert "answer.yaml:2: location.router: no router 'nyc2-pr1'" in result.output


def test_extensions_attach_to_the_scenario_group(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The console's module adds 'run' the same way this one adds 'hello'."""
    from netlab.cli import scenario as scenario_cli

    (tmp_path / "netlab_test_ext.py").write_text(
        "from netlab.cli.scenario import scenario\n"
        "@scenario.command('hello')\n"
        "def hello() -> None:\n"
        "    print('hello from an extension')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(scenario_cli, "EXTENSIONS", ("netlab_test_ext", "netlab_absent_ext"))
    try:
        scenario_cli.load_extensions()
        assert "hello from an extension" in run("scenario", "hello").output
    finally:
        scenario_cli.scenario.commands.pop("hello", None)
        sys.modules.pop("netlab_test_ext", None)
