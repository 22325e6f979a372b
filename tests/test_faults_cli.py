"""``netlab fault list|show|inject|evidence`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netlab.cli import cli
from netlab.faults import CATALOGUE, Category
from netlab.snapshot import STATE_FILE, read_snapshot

LINK = "nyc1-bb1--lon1-bb1"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def one_line_error(result: Result, text: str) -> None:
    """Exit 2, a single ``netlab: error:`` line naming ``text``, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("netlab: error: ") and text in lines[0], lines[0]


def test_list_shows_every_type_with_its_signature() -> None:
    result = run("fault", "list")
    assert result.exit_code == 0, result.output
    for name in CATALOGUE:
        assert name in result.output
    rows = json.loads(run("fault", "list", "--json").output)
    assert [r["name"] for r in rows] == list(CATALOGUE)
    by_name = {r["name"]: r for r in rows}
    flap = by_name["link-flap"]
    assert flap["time_varying"] and flap["symptoms"] == ["interface_errors"]
    assert {p["name"]: p["default"] for p in flap["params"]} == {
        "link": None, "period": 90.0, "down": 20.0}
    assert flap["params"][0]["required"] and not flap["params"][1]["required"]
    level = by_name["isis-level-mismatch"]["observers"]
    assert level["junos"] == ["batfish", "embedded", "live"]
    assert level["iosxr"] == ["embedded", "live"]


def test_list_by_category() -> None:
    rows = json.loads(run("fault", "list", "--category", "bgp", "--json").output)
    assert rows and {r["category"] for r in rows} == {Category.BGP.value}
    assert len(rows) == sum(1 for f in CATALOGUE.values() if f.category is Category.BGP)


def test_show_one_type() -> None:
    result = run("fault", "show", "isis-level-mismatch")
    assert result.exit_code == 0, result.output
    assert "root cause: isis-level-mismatch" in result.output
    assert "batfish (junos only)" in result.output
    data = json.loads(run("fault", "show", "bgp-max-prefix", "--json").output)
    assert data["name"] == "bgp-max-prefix" and "bgp_session" in data["symptoms"]


def test_unknown_type_is_one_line_with_a_suggestion() -> None:
    one_line_error(run("fault", "show", "link-dwn"), "did you mean 'link-down'")


def test_inject_writes_a_faulted_snapshot_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "cut"
    result = run("fault", "inject", "classic-small", "link-down", "-p", f"link={LINK}",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "link-down" in result.output and LINK in result.output
    snap = read_snapshot(out)
    assert snap.failures.links_down == {LINK}
    assert [f["type"] for f in snap.faults] == ["link-down"]
    again = run("fault", "inject", "classic-small", "node-down", "-p", "router=nyc1-bb1",
                "-o", str(out))
    one_line_error(again, "--force")
    forced = run("fault", "inject", "classic-small", "node-down", "-p", "router=nyc1-bb1",
                 "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert read_snapshot(out).failures.nodes_down == {"nyc1-bb1"}


def test_several_faults_with_start_minutes_and_stacking(tmp_path: Path) -> None:
    first = tmp_path / "first"
    result = run("fault", "inject", "classic-small", "--fault", f"link-down link={LINK}",
                 "--fault", "bgp-shutdown router=nyc1-pr1 neighbor=198.18.64.27 @2.5",
                 "-o", str(first))
    assert result.exit_code == 0, result.output
    state = json.loads((first / STATE_FILE).read_text())
    assert [(f["type"], f["start_minute"]) for f in state["faults"]] == [
        ("link-down", 0.0), ("bgp-shutdown", 2.5)]
    stacked = tmp_path / "stacked"
    result = run("fault", "inject", str(first), "--fault",
                 "optic-degrade link=nyc1-bb2--lon1-bb2 router=lon1-bb2 @4", "-o", str(stacked))
    assert result.exit_code == 0, result.output
    state = json.loads((stacked / STATE_FILE).read_text())
    assert [(f["type"], f["start_minute"]) for f in state["faults"]] == [
        ("link-down", 0.0), ("bgp-shutdown", 2.5), ("optic-degrade", 4.0)]
    assert "optic-degrade" in result.output and "bgp-shutdown" not in result.output


def test_random_is_seeded(tmp_path: Path) -> None:
    picks = []
    for i in range(2):
        out = tmp_path / f"r{i}"
        result = run("fault", "inject", "classic-small", "--random", "--seed", "11", "-o",
                     str(out))
        assert result.exit_code == 0, result.output
        picks.append(json.loads((out / STATE_FILE).read_text())["faults"])
    assert picks[0] == picks[1] and picks[0][0]["type"] in CATALOGUE
    out = tmp_path / "typed"
    result = run("fault", "inject", "classic-small", "srlg-cut", "--random", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((out / STATE_FILE).read_text())["faults"][0]["type"] == "srlg-cut"


def test_vendor_override_and_baseline(tmp_path: Path) -> None:
    out, base = tmp_path / "eos", tmp_path / "base"
    result = run("fault", "inject", "classic-small", "link-down", "-p", f"link={LINK}",
                 "--vendor", "eos", "-o", str(out), "--baseline", str(base))
    assert result.exit_code == 0, result.output
    assert {c.vendor.value for c in read_snapshot(out).configs.values()} == {"eos"}
    assert not read_snapshot(base).failures.links_down
    one_line_error(run("fault", "inject", "classic-small", "link-down", "-p", f"link={LINK}",
                       "--vendor", "ios", "-o", str(tmp_path / "x")), "unknown vendor")


@pytest.mark.parametrize(("args", "text"), [
    (["link-down", "-p", "link=nyc1-bb1--lon1-bb9"], "did you mean 'nyc1-bb1--lon1-bb1'"),
    (["node-down", "-p", "router=nyc9-bb1"], "no router 'nyc9-bb1'"),
    (["srlg-cut", "-p", "srlg=cdt-nowhere"], "no SRLG 'cdt-nowhere'"),
    (["lnk-down"], "unknown fault type 'lnk-down'"),
    (["link-down"], "missing parameter 'link'"),
    (["link-down", "-p", "link"], "expected key=value"),
    (["link-down", "-p", f"link={LINK}", "-p", "speed=1"], "unknown parameter 'speed'"),
    (["bgp-shutdown", "-p", "router=nyc1-pr1", "-p", "neighbor=198.18.9.9"],
     "has no BGP neighbor 198.18.9.9"),
    (["linecard-failure", "-p", "router=nyc1-bb1", "-p", "slot=7"], "no links on slot 7"),
    ([], "no fault given"),
])
def test_bad_faults_are_one_line_errors(tmp_path: Path, args: list[str], text: str) -> None:
    out = tmp_path / "out"
    one_line_error(run("fault", "inject", "classic-small", *args, "-o", str(out)), text)
    assert not out.exists()


def test_evidence_prints_alerts_and_syslog(tmp_path: Path) -> None:
    out, base = tmp_path / "cut", tmp_path / "base"
    assert run("fault", "inject", "classic-small", "link-down", "-p", f"link={LINK}", "-o",
               str(out), "--baseline", str(base)).exit_code == 0
    result = run("fault", "evidence", str(out), "--baseline", str(base))
    assert result.exit_code == 0, result.output
    assert "classic-small at minute 5" in result.output
    assert "IS-IS L2 adjacency nyc1-bb1 et-0/0/0 -> lon1-bb1 down" in result.output
    assert "RPD_ISIS_ADJDOWN: IS-IS lost L2 adjacency to lon1-bb1" in result.output
    early = json.loads(run("fault", "evidence", str(out), "--baseline", str(base), "--at",
                           "0.1", "--json").output)
    assert early["now_minute"] == 0.1 and early["alerts"] == []
    assert {s["router"] for s in early["syslog"]} == {"nyc1-bb1", "lon1-bb1"}
    one = json.loads(run("fault", "evidence", str(out), "--baseline", str(base), "--router",
                         "lon1-bb1", "--json").output)
    assert {s["router"] for s in one["syslog"]} == {"lon1-bb1"}
    assert {a["device"] for a in one["alerts"]} == {"nyc1-bb1", "lon1-bb1"}
    one_line_error(run("fault", "evidence", str(out), "--baseline", str(base), "--router",
                       "lon1-bbx1"), "did you mean 'lon1-bb1'")
    one_line_error(run("fault", "evidence", str(tmp_path / "nope"), "--baseline", str(base)),
                   "not a directory")
