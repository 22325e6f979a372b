"""``netlab render`` and ``netlab config show|diff|parse`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_intent import CLASSIC_YAML

from netlab.cli import cli
from netlab.model.types import Vendor
from netlab.snapshot import CONFIGS_DIR, STATE_FILE, read_snapshot


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def one_line_error(result: Result, text: str) -> None:
    """Exit 2, a single ``netlab: error:`` line naming ``text``, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("netlab: error: ") and text in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.fixture
def topo(tmp_path: Path) -> Path:
    path = tmp_path / "tiny-classic.yaml"
    path.write_text(CLASSIC_YAML, encoding="utf-8")
    return path


@pytest.fixture
def snap(tmp_path: Path, topo: Path) -> Path:
    out = tmp_path / "snap"
    result = run("render", str(topo), "-o", str(out), "--vendor", "frr")
    assert result.exit_code == 0, result.output
    return out


def test_render_writes_a_snapshot_and_summarizes(snap: Path) -> None:
    assert sorted(p.stem for p in (snap / CONFIGS_DIR).glob("*.cfg"))[0] == "bb1-ams"
    assert json.loads((snap / STATE_FILE).read_text())["vendor_override"] == "frr"
    assert all(c.vendor is Vendor.FRR for c in read_snapshot(snap).configs.values())


def test_render_output_names_vendors_and_counts(topo: Path, tmp_path: Path) -> None:
    result = run("render", str(topo), "-o", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert "tiny-classic: 9 configs, 11 links" in result.output
    for vendor in ("junos", "iosxr", "eos"):
        assert vendor in result.output


def test_render_a_shipped_topology_by_name(tmp_path: Path) -> None:
    result = run("render", "classic-small", "-o", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert read_snapshot(tmp_path / "s").network.name == "classic-small"


def test_render_refuses_an_existing_snapshot_without_force(snap: Path, topo: Path) -> None:
    cfg = snap / CONFIGS_DIR / "bb1-ams.cfg"
    cfg.write_text(cfg.read_text() + "! my notes\n")
    one_line_error(run("render", str(topo), "-o", str(snap)), "already holds a snapshot")
    assert cfg.read_text().endswith("! my notes\n")
    assert run("render", str(topo), "-o", str(snap), "--force").exit_code == 0
    assert not cfg.read_text().endswith("! my notes\n")


def test_render_refuses_a_directory_a_person_owns(topo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "todo.txt").write_text("mine")
    one_line_error(run("render", str(topo), "-o", str(home), "--force"), "not a netlab snapshot")
    assert (home / "todo.txt").read_text() == "mine"


def test_rerender_a_snapshot_keeps_edits_and_failures(snap: Path, tmp_path: Path) -> None:
    state = json.loads((snap / STATE_FILE).read_text())
    state["failures"]["links_down"] = ["bb1-ams--bb1-fra"]
    (snap / STATE_FILE).write_text(json.dumps(state))
    cfg = snap / CONFIGS_DIR / "pr1-fra.cfg"
    cfg.write_text(cfg.read_text().replace("description to bb1-fra", "description TO bb1-fra"))
    out = tmp_path / "again"
    result = run("render", str(snap), "-o", str(out), "--vendor", "eos")
    assert result.exit_code == 0, result.output
    again = read_snapshot(out)
    assert again.failures.links_down == frozenset({"bb1-ams--bb1-fra"})
    assert all(c.vendor is Vendor.EOS for c in again.configs.values())
    assert any(i.description.startswith("TO bb1-fra") for i in again.configs["pr1-fra"].interfaces)
    assert json.loads((out / STATE_FILE).read_text())["vendor_override"] == "eos"


def test_config_show_prints_the_rendered_config(topo: Path) -> None:
    result = run("config", "show", "pr1-ams", "--topology", str(topo))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("!RANCID-CONTENT-TYPE: cisco-xr")
    assert "hostname pr1-ams" in result.output


def test_config_show_defaults_to_classic_small() -> None:
    from netlab.topology.files import load_network

    router = sorted(load_network("classic-small").routers)[0]
    result = run("config", "show", router, "--vendor", "frr")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("frr version")


def test_config_show_json_is_the_device_config(topo: Path) -> None:
    result = run("config", "show", "pr1-ams", "-t", str(topo), "--vendor", "eos", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["hostname"] == "pr1-ams" and data["vendor"] == "eos"
    assert data["bgp"]["asn"] == 65000
    assert any(n["import_policy"] == "IN-TRANSIT1" for n in data["bgp"]["neighbors"])


def test_config_parse_shows_model_and_every_warning(snap: Path) -> None:
    cfg = snap / CONFIGS_DIR / "bb1-ams.cfg"
    lines = cfg.read_text().splitlines()
    lines.insert(3, "frobnicate the widget")
    cfg.write_text("\n".join(lines) + "\n")
    result = run("config", "parse", str(cfg))
    assert result.exit_code == 0, result.output
    assert "bb1-ams (frr)" in result.output
    assert f"{cfg}:4:" in result.output and "frobnicate the widget" in result.output
    data = json.loads(run("config", "parse", str(cfg), "--json").output)
    assert data["config"]["hostname"] == "bb1-ams"
    assert [w["line"] for w in data["warnings"]] == [4]


def test_config_parse_syntax_error_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cfg"
    bad.write_text("this is not a router config\n")
    one_line_error(run("config", "parse", str(bad)), str(bad))


def test_config_parse_missing_file(tmp_path: Path) -> None:
    one_line_error(run("config", "parse", str(tmp_path / "nope.cfg")), "file not found")


def test_config_parse_unreadable_files_are_one_line(tmp_path: Path) -> None:
    # A directory is not "no such file"; bytes that are not UTF-8 name their line.
    one_line_error(run("config", "parse", str(tmp_path)),
                   f"{tmp_path}: is a directory, expected a file")
    latin1 = tmp_path / "latin1.cfg"
    latin1.write_bytes(b"!RANCID-CONTENT-TYPE: arista\nhostname r1\ndescription caf\xe9\n")
    one_line_error(run("config", "parse", str(latin1)),
                   f"{latin1}:3: not UTF-8 text: byte 0xe9 at column 16")


def test_config_diff_reports_text_and_model_changes(snap: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert run("render", str(snap), "-o", str(other)).exit_code == 0
    same = run("config", "diff", str(snap), str(other))
    assert same.exit_code == 0 and "no differences" in same.output
    cfg = other / CONFIGS_DIR / "pr1-ams.cfg"
    cfg.write_text(cfg.read_text().replace(" mtu 9000", " mtu 1500", 1)
                   if " mtu 9000" in cfg.read_text()
                   else cfg.read_text().replace("netlab-mtu 9000", "netlab-mtu 1500", 1))
    result = run("config", "diff", str(snap), str(other))
    assert result.exit_code == 0, result.output
    assert "pr1-ams" in result.output and "1 router(s) differ" in result.output
    assert "interfaces: changed" in result.output and "mtu 9000 -> 1500" in result.output
    data = json.loads(run("config", "diff", str(snap), str(other), "--json").output)
    assert list(data["routers"]) == ["pr1-ams"]
    changed = data["routers"]["pr1-ams"]["changes"]["interfaces"]["changed"]
    assert [v["mtu"] for v in changed.values()] == [[9000, 1500]]
    assert "-" in data["routers"]["pr1-ams"]["text"]


@pytest.mark.parametrize("args", [
    ("render", "no-such-topology", "-o", "x"),
    ("render", "classic-small", "-o", "x", "--vendor", "cisco"),
    ("config", "show", "no-such-router"),
    ("config", "show", "bb1", "--topology", "no-such-topology"),
    ("config", "diff", "nowhere-a", "nowhere-b"),
    ("config", "parse", "nowhere.cfg", "--vendor", "nokia"),
])
def test_bad_input_is_one_line_exit_2(args: tuple[str, ...], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    one_line_error(result, "")
    assert not (tmp_path / "x").exists()


def test_bad_snapshot_is_one_line(snap: Path, tmp_path: Path) -> None:
    (snap / STATE_FILE).write_text("{ nope")
    one_line_error(run("render", str(snap), "-o", str(tmp_path / "o")), f"{snap / STATE_FILE}:1:")
    one_line_error(run("config", "diff", str(snap), str(snap)), "invalid JSON")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--debug", "config", "parse", str(tmp_path / "x.cfg")])
    assert result.exit_code != 0 and result.exception is not None
