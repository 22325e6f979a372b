"""``netlab topology list|show|generate|draw`` through click's runner and the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netlab.cli import cli
from netlab.topology.files import load_network

DATA = Path(__file__).parent / "data"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(*args: str) -> Result:
    # A fixed, wide console: rich folds table cells to the width it sees.
    return CliRunner().invoke(cli, list(args), catch_exceptions=False,
                              env={"COLUMNS": "200"})


def one_line_error(result: Result, text: str) -> None:
    """Exit 2, a single ``netlab: error:`` line naming ``text``, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("netlab: error: ") and text in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_list() -> None:
    result = run("topology", "list")
    assert result.exit_code == 0, result.output
    for name in ("classic-small", "express-small", "classic-medium", "express-medium"):
        assert name in result.output
    rows = json.loads(run("topology", "list", "--json").output)
    assert {r["name"]: r["routers"] for r in rows}["classic-small"] == 15


def test_show_tables() -> None:
    result = run("topology", "show", "classic-small")
    assert result.exit_code == 0, result.output
    for text in ("Sites", "Routers", "Links", "External networks", "Demand totals",
                 "nyc1-bb1", "198.18.0.1/32", "cdt-nyc1-lon1", "et-0/0/0", "transit1"):
        assert text in result.output, text


def test_show_json_spells_out_derived_values() -> None:
    data = json.loads(run("topology", "show", "express-small", "--json").output)
    assert data["backbone"] == "express" and data["planes"] == 4
    assert data["totals"]["routers"] == 24 == len(data["routers"])
    link = data["links"][0]
    assert link["kind"] == "longhaul" and link["srlgs"][0].startswith("cdt-")
    assert link["a_interface"].startswith("et-") and link["ipv4"].endswith("/31")
    assert {r["plane"] for r in data["routers"] if r["role"] == "ebb"} == {0, 1, 2, 3}
    assert data["demand_totals"][0]["out_gbps"] > 0


def test_show_bad_file_is_one_line_with_file_and_line() -> None:
    bad = DATA / "bad" / "topology" / "unknown-router-in-link.yaml"
    one_line_error(run("topology", "show", str(bad)), f"{bad}:35: link ends at unknown router")
    one_line_error(run("topology", "show", "classic-smal"), "did you mean 'classic-small'")


def test_generate_writes_a_loadable_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "lab.yaml"
    result = run("topology", "generate", "classic", "--pops", "3", "--dcs", "1",
                 "--peers", "2", "--seed", "9", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    network = load_network(out)
    assert network.name == "lab" and len(network.sites) == 4
    assert "--seed 9" in network.description and f"-o {out}" in network.description
    before = out.read_text(encoding="utf-8")
    again = run("topology", "generate", "express", "--dcs", "3", "-o", str(out))
    one_line_error(again, "refusing to overwrite it (use --force)")
    assert out.read_text(encoding="utf-8") == before
    forced = run("topology", "generate", "express", "--dcs", "3", "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert load_network(out).backbone.value == "express"


@pytest.mark.parametrize(("args", "text"), [
    (["classic", "--planes", "2"], "--planes does not apply to a classic backbone"),
    (["express", "--pops", "2"], "--pops does not apply to a express backbone"),
    (["classic", "--pops", "0"], "--pops must be at least 1"),
    (["express", "--dcs", "2"], "--dcs must be at least 3"),
    (["classic", "--name", "Not A Name"], "network name 'Not A Name'"),
])
def test_generate_rejects_bad_options(tmp_path: Path, args: list[str], text: str) -> None:
    out = tmp_path / "x.yaml"
    one_line_error(run("topology", "generate", *args, "-o", str(out)), text)
    assert not out.exists()


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_draw(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"map{suffix}"
    result = run("topology", "draw", "express-small", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if suffix == ".png":
        assert data.startswith(PNG_MAGIC) and len(data) > 20_000
    else:
        assert b"<svg" in data[:1000] and b"plane 3" in data
    one_line_error(run("topology", "draw", "express-small", "-o", str(out)),
                   "refusing to overwrite")
    assert run("topology", "draw", "classic-small", "-o", str(out), "--force").exit_code == 0


def test_draw_rejects_unknown_format(tmp_path: Path) -> None:
    one_line_error(run("topology", "draw", "classic-small", "-o", str(tmp_path / "m.gif")),
                   "use a .png, .svg or .pdf file")


def test_entry_point_errors_exit_2_without_traceback() -> None:
    bad = DATA / "bad" / "topology" / "duplicate-key.yaml"
    proc = subprocess.run(
        [sys.executable, "-c", "from netlab.cli import main; main()", "topology", "show",
         str(bad)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"netlab: error: {bad}:15: duplicate key 'lat'"
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.slow
def test_draw_large_network_as_a_site_level_map(tmp_path: Path) -> None:
    from netlab.topology.draw import DETAIL_LIMIT

    topo = tmp_path / "big.yaml"
    assert run("topology", "generate", "classic", "--pops", "80", "--dcs", "8",
               "-o", str(topo)).exit_code == 0
    assert len(load_network(topo).routers) > DETAIL_LIMIT
    out = tmp_path / "big.svg"
    result = run("topology", "draw", str(topo), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert b"site-level view" in out.read_bytes()


@pytest.mark.parametrize(("args", "text"), [
    (["topology", "generate", "classic", "--pops", "abc", "-o", "x.yaml"],
     "Invalid value for '--pops': 'abc' is not a valid integer"),
    (["topology", "generate", "classic"], "Missing option '-o' / '--output'"),
    (["topology", "nosuch"], "No such command 'nosuch'"),
    (["--bogus"], "No such option '--bogus'"),
])
def test_usage_errors_are_one_line(tmp_path: Path, args: list[str], text: str) -> None:
    # Click's own usage block (Usage:, Try ..., blank, Error:) is four lines.
    one_line_error(run(*args), text)


def test_unwritable_output_is_one_line_naming_the_file(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from netlab.topology import draw

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "m.png"))

    monkeypatch.setattr(draw, "draw_network", refuse)
    one_line_error(run("topology", "draw", "classic-small", "-o", str(tmp_path / "m.png")),
                   f"{tmp_path / 'm.png'}: permission denied")
    with pytest.raises(PermissionError):
        CliRunner().invoke(cli, ["--debug", "topology", "draw", "classic-small", "-o",
                                 str(tmp_path / "m.png")], catch_exceptions=False)


def test_entry_point_usage_error_is_one_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from netlab.cli import main; main()", "topology", "show"],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("netlab: error: Missing argument 'NAME|PATH' "
                                   "(see 'netlab topology show --help')")


@pytest.mark.parametrize(("args", "name"), [
    (["topology", "generate", "classic", "-o"], "out.yaml"),
    (["topology", "draw", "classic-small", "-o"], "out.png"),
    (["render", "classic-small", "-o"], "snap"),
])
def test_output_in_a_missing_directory_is_refused(tmp_path: Path, args: list[str],
                                                  name: str) -> None:
    # A mistyped directory must not be created silently.
    out = tmp_path / "typo" / name
    one_line_error(run(*args, str(out)), f"directory {tmp_path / 'typo'} does not exist")
    assert not (tmp_path / "typo").exists()


def test_save_failure_names_the_file_not_its_temporary(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def read_only(*_args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system", str(tmp_path / ".x.yaml.abc123"))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    out = tmp_path / "x.yaml"
    one_line_error(run("topology", "generate", "classic", "-o", str(out)),
                   f"{out}: cannot write: Read-only file system")
