"""``netlab engine status|capabilities`` through click's runner (no Batfish service here)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netlab.cli import cli
from netlab.cli.engine import make_engine
from netlab.errors import EngineError

SCENARIO = """\
id: bf-cli
title: A transit session shut by mistake
topology: classic-small
difficulty: 1
skills: [bgp]
brief: Transit routes vanished in London.
faults:
  - type: bgp-shutdown
    params: {router: lon1-pr1, neighbor: 198.18.64.37}
answer:
  root_cause: bgp-shutdown
  location: {router: lon1-pr1}
checks:
  - name: transit session up
    question: bgpSessionStatus
    where: {node: lon1-pr1, remote_ip: 198.18.64.37}
    expect: {all: {established_status: ESTABLISHED}}
fix:
  - {router: lon1-pr1, path: "bgp.neighbors[198.18.64.37].shutdown", value: false}
"""


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def no_service() -> dict[str, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return {"BATFISH_HOST": f"127.0.0.1:{port}", "COLUMNS": "200"}


def test_status_says_why_batfish_is_unavailable(no_service: dict[str, str]) -> None:
    result = run("engine", "status", env=no_service)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "embedded" in out and "always available" in out
    assert "FAIL service" in out and "no Batfish service at http://127.0.0.1" in out
    assert "docker run -p 9996:9996 batfish/batfish" in out
    assert "live" in out and "FRR daemons" in out


def test_status_json(no_service: dict[str, str]) -> None:
    result = run("engine", "status", "--json", env=no_service)
    assert result.exit_code == 0, result.output
    data = {e["engine"]: e for e in json.loads(result.output)}
    assert data["embedded"]["available"] is True
    batfish = data["batfish"]
    assert batfish["available"] is False
    checks = {c["check"]: c for c in batfish["checks"]}
    assert checks["service"]["ok"] is False
    assert checks["BATFISH_HOST"]["detail"].startswith(no_service["BATFISH_HOST"])
    assert {c["check"] for c in data["live"]["checks"]} == {"root", "FRR daemons", "vtysh",
                                                           "iproute2"}


def test_status_names_a_bad_batfish_host() -> None:
    result = run("engine", "status", "--json", env={"BATFISH_HOST": "host:port"})
    checks = {c["check"]: c for c in json.loads(result.output)[1]["checks"]}
    assert checks["BATFISH_HOST"]["ok"] is False
    assert "bad port" in checks["BATFISH_HOST"]["detail"]


def test_capabilities_prints_the_matrix() -> None:
    result = run("engine", "capabilities", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines()
             if line.count("│") == 6}
    assert "not-modelled" in lines["isis-overload"]
    assert lines["isis-metric"].split("│")[2:4] == [" faithful     ", " not-modelled "]
    assert "differs" in lines["bgp-shutdown"]


def test_capabilities_of_a_topology_with_an_old_batfish() -> None:
    result = run("engine", "capabilities", "--topology", "classic-small",
                 "--batfish-version", "2025.1.1", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "topology classic-small: Batfish cannot grade it" in result.output
    assert "does not read EOS interface IS-IS" in result.output


def test_capabilities_of_a_drill(tmp_path: Path) -> None:
    path = tmp_path / "bf-cli.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    result = run("engine", "capabilities", "--scenario", str(path), "--json")
    assert result.exit_code == 0, result.output
    drill = json.loads(result.output)["scenarios"][0]
    assert drill["gradable"] is False
    assert drill["reasons"][0].startswith("check 'transit session up': differs")
    text = run("engine", "capabilities", "--scenario", str(path), env={"COLUMNS": "200"})
    assert f"scenario {path}: Batfish cannot grade it" in text.output


def test_capabilities_of_a_broken_scenario_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bf-cli.yaml"
    path.write_text(SCENARIO.replace("lon1-pr1, neighbor", "nope, neighbor"), encoding="utf-8")
    result = run("engine", "capabilities", "--scenario", str(path))
    assert result.exit_code == 2
    assert result.output.startswith("netlab: error: ") and len(result.output.splitlines()) == 1


def test_make_engine() -> None:
    assert make_engine("embedded").name == "embedded"
    assert make_engine("batfish").name == "batfish"
    with pytest.raises(EngineError, match="running lab"):
        make_engine("live")
    with pytest.raises(EngineError, match="unknown engine 'x'"):
        make_engine("x")


def test_analyze_with_the_batfish_engine_fails_fast_without_a_service(
        tmp_path: Path, no_service: dict[str, str]) -> None:
    snap = tmp_path / "snap"
    assert run("render", "classic-small", "-o", str(snap)).exit_code == 0
    result = run("analyze", str(snap), "bgpSessionStatus", "--engine", "batfish",
                 env=no_service)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        line for line in result.output.strip().splitlines() if "no Batfish service" in line]
    embedded = run("analyze", str(snap), "bgpSessionStatus", "--json", "--node", "lon1-pr1")
    assert json.loads(embedded.output)["engine"] == "embedded"
    what_if = run("analyze", str(snap), "--what-if", "node:lon1-bb1", "--engine", "batfish")
    assert what_if.exit_code == 2 and "embedded engine only" in what_if.output


def test_capabilities_rejects_a_version_that_is_not_a_release() -> None:
    # 'garbage' used to be accepted and ignored: the EOS IS-IS release check never ran.
    r = CliRunner().invoke(cli, ["engine", "capabilities", "--batfish-version", "garbage"])
    assert r.exit_code == 2 and r.output.startswith("netlab: error: Invalid value for "
                                                    "'--batfish-version'"), r.output
    assert len(r.output.strip().splitlines()) == 1
