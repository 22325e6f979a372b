"""``netlab analyze`` through click's runner, on a snapshot written to disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from data.engine.nets import rr_net

from netlab.cli import cli
from netlab.model.network import FailureState
from netlab.render.intent import device_configs
from netlab.snapshot import write_snapshot


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["analyze", *args], env={"COLUMNS": "250"})


def one_line_error(result: Result, text: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("netlab: error: "), result.output
    assert text in lines[0]


@pytest.fixture(scope="module")
def snaps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("analyze")
    net = rr_net().network()
    cfgs = device_configs(net)
    good = write_snapshot(net, cfgs, base / "good")
    cut = write_snapshot(net, cfgs, base / "cut",
                         failures=FailureState(links_down=frozenset({"rr1-dr1"})))
    return good, cut


def test_table_with_batfish_columns(snaps: tuple[Path, Path]) -> None:
    r = run(str(snaps[0]), "bgpSessionStatus", "--node", "bb3")
    assert r.exit_code == 0, r.output
    assert "Established_Status" in r.output and "bgpSessionStatus (4 rows)" in r.output
    assert r.output.count("ESTABLISHED") == 4


def test_snake_case_question_and_json(snaps: tuple[Path, Path]) -> None:
    r = run(str(snaps[0]), "isis_adjacencies", "--node", "rr1", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["question"] == "isisAdjacencies" and data["engine"] == "embedded"
    assert data["columns"][:3] == ["Node", "Interface", "Remote_Node"]
    assert {row["State"] for row in data["rows"]} == {"UP"}


def test_routes_with_prefix(snaps: tuple[Path, Path]) -> None:
    r = run(str(snaps[0]), "routes", "--node", "bb3", "--prefix", "203.0.113.9", "--json")
    rows = json.loads(r.output)["rows"]
    assert [(x["Network"], x["Protocol"]) for x in rows] == [("203.0.113.0/28", "ibgp")]


def test_traceroute_keeps_interface_brackets(snaps: tuple[Path, Path]) -> None:
    r = run(str(snaps[0]), "traceroute", "--src", "bb3", "--dst", "203.0.113.1")
    assert r.exit_code == 0, r.output
    assert "EXITS_NETWORK" in r.output and "pr1[" in r.output


def test_reachability_filter_and_differential(snaps: tuple[Path, Path]) -> None:
    good, cut = snaps
    r = run(str(cut), "reachability", "--disposition", "NO_ROUTE", "--json")
    flows = [row["Flow"] for row in json.loads(r.output)["rows"]]
    assert flows and all(f["dst_ip"] in {"198.18.0.5", "2001:db8::5", "198.19.0.1",
                                         "2001:db8:2::1"} or f["ingress_node"] == "dr1"
                         for f in flows)
    r = run(str(cut), "differentialReachability", "--reference", str(good), "--json")
    data = json.loads(r.output)
    assert data["rows"] and "Reference_Traces" in data["columns"]


def test_what_if(snaps: tuple[Path, Path]) -> None:
    r = run(str(snaps[0]), "--what-if", "link:rr1-dr1")
    assert r.exit_code == 0, r.output
    assert "BGP sessions that go down (8)" in r.output
    assert "no-igp-route-to-peer" in r.output
    r = run(str(snaps[0]), "--what-if", "node:p1", "--json")
    data = json.loads(r.output)
    assert {s["reason"] for s in data["sessions"]} == {"peer-down", "node-down"}
    assert data["failures"]["nodes_down"] == ["p1"]


def test_link_utilisation_and_file_status(snaps: tuple[Path, Path]) -> None:
    r = run(str(snaps[0]), "linkUtilisation", "--json")
    assert json.loads(r.output)["columns"][-1] == "Dropped_Gbps"
    r = run(str(snaps[0]), "fileParseStatus", "--json")
    assert {row["Status"] for row in json.loads(r.output)["rows"]} == {"PASSED"}


@pytest.mark.parametrize(("args", "text"), [
    (["bgpSessions"], "unknown question 'bgpSessions'; valid questions: fileParseStatus"),
    (["routes", "--node", "nosuch"], "unknown node 'nosuch'; valid: bb3"),
    (["--what-if", "link:nosuch"], "unknown link 'nosuch'"),
    (["--what-if", "cable:x"], "what-if must be link:ID, node:NAME or srlg:NAME"),
    (["traceroute", "--src", "bb3"], "traceroute needs --src NODE and one --dst"),
    (["differentialReachability"], "needs --reference"),
    ([], "name a question or --what-if"),
    (["reachability", "--disposition", "LOST"], "unknown disposition"),
])
def test_bad_input_is_one_line_exit_2(snaps: tuple[Path, Path], args: list[str],
                                      text: str) -> None:
    one_line_error(run(str(snaps[0]), *args), text)


def test_not_a_snapshot(tmp_path: Path) -> None:
    r = run(str(tmp_path), "routes")
    assert r.exit_code == 2 and r.output.startswith("netlab: error: ")


def test_engine_option(snaps: tuple[Path, Path]) -> None:
    r = run(str(snaps[0]), "routes", "--engine", "nosuch")
    assert r.exit_code == 2 and "Invalid value for '--engine'" in r.output
    one_line_error(run(str(snaps[0]), "--what-if", "node:p1", "--engine", "batfish"),
                   "--what-if is answered by the embedded engine only")
    r = run(str(snaps[0]), "layer3Edges", "--engine", "embedded", "--json")
    assert json.loads(r.output)["engine"] == "embedded"


def test_reachability_lists_failures_by_default(snaps: tuple[Path, Path]) -> None:
    good = snaps[0]
    assert json.loads(run(str(good), "reachability", "--json").output)["rows"] == []
    rows = json.loads(run(str(good), "reachability", "--disposition", "ANY", "--json",
                          "--src", "bb3").output)["rows"]
    assert rows and {r["Flow"]["ingress_node"] for r in rows} == {"bb3"}
