"""The live lab on classic-small: convergence, every physical fault, config faults, capture.

Needs root and FRR (``live`` marker). One lab serves the whole module; every
test restores what it broke, and the fixture removes the lab even when a
test fails. Waits use the lab's polling helper with deadlines.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlab.errors import LabError
from netlab.lab import faults
from netlab.lab.lab import Lab
from netlab.lab.names import private_space
from netlab.lab.plan import plan_source
from netlab.lab.poll import wait_until
from netlab.model.network import Network

pytestmark = pytest.mark.live
TAG = "l"

LAB = "t-classic"
TIMEOUT = 90.0


@pytest.fixture(scope="module", autouse=True)
def private_lab_space() -> Iterator[None]:
    """This module's labs live apart from any other netlab on the machine."""
    with private_space(f"{TAG}{os.getpid()}"):
        yield


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    the_lab = Lab.start(plan_source("classic-small", LAB), timeout=TIMEOUT)
    try:
        yield the_lab
    finally:
        if the_lab.file.exists():
            the_lab.down()


@pytest.fixture(scope="module")
def network() -> Network:
    from netlab.topology.files import load_network

    return load_network("classic-small")


@pytest.fixture
def restored(lab: Lab) -> Iterator[Lab]:
    """The lab, restored and reconverged after the test whatever happened."""
    try:
        yield lab
    finally:
        faults.restore(lab)
        lab.wait_converged(TIMEOUT)


def _adjacency(lab: Lab, router: str, interface: str) -> str | None:
    for a in lab.observe([router]).adjacencies:
        if a.interface == interface:
            return a.state
    return None


def _session(lab: Lab, router: str, peer: str) -> str | None:
    for s in lab.observe([router]).sessions:
        if s.peer == peer:
            return s.state
    return None


def _isis_interfaces(lab: Lab, router: str, prefix: str) -> set[str]:
    """The interfaces ``router`` reaches ``prefix`` through (IS-IS, ECMP)."""
    for r in lab.observe([router]).routes:
        if r.prefix == prefix and r.protocol == "isis" and r.selected:
            return {h.interface for h in r.next_hops if h.interface}
    return set()


def _loopback(network: Network, router: str) -> str:
    return str(network.router(router).loopback4.network)


# -- convergence --------------------------------------------------------------------------


def test_classic_small_converges_with_everything_expected_up(lab: Lab) -> None:
    assert lab.converged() is None
    rows = lab.status()
    assert len(rows) == 15
    for row in rows:
        assert row.daemons_alive == row.daemons == 4, row
        assert row.adjacencies_up == row.adjacencies_expected, row
        assert row.sessions_up == row.sessions_expected, row
    assert sum(r.adjacencies_expected for r in rows) == 2 * 22  # every link but the 3 peering links
    state = lab.state()
    assert state.phase == "up" and len(state.veths) == 25


def test_every_router_runs_its_own_hostname_and_lab_lines(lab: Lab) -> None:
    neighbors = {a.neighbor for a in lab.observe(["nyc1-bb1"]).adjacencies}
    assert neighbors == {"lon1-bb1", "prn1-bb1", "cln1-bb1", "nyc1-bb2", "nyc1-pr1"}
    running = lab.vtysh("nyc1-bb1", "show running-config")
    assert "no zebra nexthop kernel enable" in running


# -- physical faults ------------------------------------------------------------------------


def test_link_failure_takes_the_adjacency_down_and_moves_routes(
        restored: Lab, network: Network) -> None:
    lab = restored
    link = lab.state().link("nyc1-bb1--lon1-bb1")
    target = _loopback(network, "lon1-bb1")
    assert _isis_interfaces(lab, "nyc1-bb1", target) == {link.a_iface}
    before = lab.expectation()
    faults.fail_link(lab, link.id)
    lab.wait_converged(TIMEOUT, must_be_down=before)
    assert _adjacency(lab, "nyc1-bb1", link.a_iface) is None
    assert _adjacency(lab, "lon1-bb1", link.b_iface) is None
    # Adjacencies and sessions define convergence; SPF runs after its own delay, so the
    # route is polled for.
    wait_until(lambda: None if (moved := _isis_interfaces(lab, "nyc1-bb1", target))
               and link.a_iface not in moved else f"route via {moved}", deadline_s=30,
               what="the route to move off the failed link")
    faults.restore(lab)
    lab.wait_converged(TIMEOUT)
    assert _adjacency(lab, "nyc1-bb1", link.a_iface) == "Up"
    wait_until(lambda: None if _isis_interfaces(lab, "nyc1-bb1", target) == {link.a_iface}
               else "route not back", deadline_s=30, what="the route to come back")


def test_node_failure_drops_its_adjacencies_and_sessions(restored: Lab,
                                                         network: Network) -> None:
    lab = restored
    victim = "prn1-bb1"
    address = str(network.router(victim).loopback4.ip)
    assert _session(lab, "lon1-bb1", address) == "Established"
    before = lab.expectation()
    faults.fail_node(lab, victim)
    lab.wait_converged(TIMEOUT, must_be_down=before)
    assert _session(lab, "lon1-bb1", address) != "Established"
    assert all(a.neighbor != victim for a in lab.observe(["prn1-bb2"]).adjacencies
               if a.state == "Up")
    assert next(r for r in lab.status() if r.router == victim).failed
    faults.restore(lab)
    lab.wait_converged(TIMEOUT)
    assert _session(lab, "lon1-bb1", address) == "Established"


def test_linecard_failure_takes_every_port_of_the_slot_down(restored: Lab,
                                                            network: Network) -> None:
    lab = restored
    transit = str(network.links["nyc1-pr1--transit1-nyc1"].address4("transit1-nyc1").ip)
    peer = str(network.links["nyc1-pr1--peer1-nyc1"].address4("peer1-nyc1").ip)
    assert _session(lab, "nyc1-pr1", transit) == "Established"
    before = lab.expectation()
    faults.fail_linecard(lab, "nyc1-pr1", 1)
    lab.wait_converged(TIMEOUT, must_be_down=before)
    assert _session(lab, "nyc1-pr1", transit) != "Established"
    assert _session(lab, "nyc1-pr1", peer) != "Established"
    assert _session(lab, "lon1-pr1", str(network.links["lon1-pr1--transit1-lon1"]
                                         .address4("transit1-lon1").ip)) == "Established"
    with pytest.raises(Exception, match="no ports on slot 7"):
        faults.fail_linecard(lab, "nyc1-pr1", 7)


def test_srlg_cut_takes_every_link_of_the_conduit_down(restored: Lab) -> None:
    lab = restored
    links = [lk for lk in lab.state().links if "cdt-nyc1-lon1" in lk.srlgs]
    assert len(links) == 2
    before = lab.expectation()
    faults.fail_srlg(lab, "cdt-nyc1-lon1")
    lab.wait_converged(TIMEOUT, must_be_down=before)
    for lk in links:
        assert _adjacency(lab, lk.a_router, lk.a_iface) is None
    assert lab.converged() is None  # the rest of the backbone still converges


def test_flapping_a_link_is_seen_by_zebra_and_ends_up(restored: Lab) -> None:
    lab = restored
    link = lab.state().link("prn1-bb1--prn1-bb2")

    def flaps() -> int:
        data = lab.vtysh("prn1-bb1", f"show interface {link.a_iface} json", json=True)
        return int(data[link.a_iface]["linkDowns"])

    first = flaps()
    faults.flap_link(lab, link.id, times=2, period=3.0)
    lab.wait_converged(TIMEOUT)
    assert flaps() >= first + 2
    assert not lab.state().faults  # a finished flap leaves nothing to restore


def test_degrading_a_link_to_total_loss_drops_the_adjacency(restored: Lab) -> None:
    lab = restored
    link = lab.state().link("nyc1-bb1--nyc1-bb2")
    try:
        how = faults.degrade_link(lab, link.id, loss=100.0, delay_ms=0.0)
    except LabError as exc:
        if "apt-get install nftables" not in str(exc):
            raise
        pytest.skip(f"no way to drop packets here: {exc}")
    assert how in {"netem", "nftables"}
    wait_until(lambda: None if _adjacency(lab, "nyc1-bb1", link.a_iface) != "Up"
               else "adjacency still Up", deadline_s=20, what="hellos to be lost")
    faults.restore(lab)
    lab.wait_converged(TIMEOUT)
    assert _adjacency(lab, "nyc1-bb1", link.a_iface) == "Up"


# -- config faults ------------------------------------------------------------------------


def _edited(lab: Lab, router: str, tmp_path: Path, edit: re.Pattern[str], repl: str) -> Path:
    text = lab.run_of(router).config.read_text()
    new, count = edit.subn(repl, text)
    assert count == 1, f"edit matched {count} times"
    out = tmp_path / f"{router}.conf"
    out.write_text(new)
    return out


def test_push_wrong_remote_as_drops_the_session(restored: Lab, network: Network,
                                                tmp_path: Path) -> None:
    lab = restored
    rr = str(network.router("lon1-bb1").loopback4.ip)
    client = str(network.router("nyc1-bb1").loopback4.ip)
    path = _edited(lab, "nyc1-bb1", tmp_path,
                   re.compile(rf"^ neighbor {re.escape(rr)} remote-as 65000$", re.M),
                   f" neighbor {rr} remote-as 65001")
    before = lab.expectation()
    faults.push_config(lab, "nyc1-bb1", path)
    lab.wait_converged(TIMEOUT, must_be_down=before)
    assert _session(lab, "nyc1-bb1", rr) != "Established"
    assert _session(lab, "lon1-bb1", client) != "Established"
    assert _session(lab, "nyc1-bb1", str(network.router("cln1-bb1").loopback4.ip)) \
        == "Established"
    faults.restore(lab)
    lab.wait_converged(TIMEOUT)
    assert _session(lab, "nyc1-bb1", rr) == "Established"


def test_push_isis_metric_change_moves_the_route(restored: Lab, network: Network,
                                                 tmp_path: Path) -> None:
    lab = restored
    link = lab.state().link("nyc1-bb1--lon1-bb1")
    target = _loopback(network, "lon1-bb1")
    path = _edited(lab, "nyc1-bb1", tmp_path,
                   re.compile(rf"(^interface {link.a_iface}\n(?: .*\n)*? isis metric )\d+",
                              re.M), r"\g<1>5000")
    faults.push_config(lab, "nyc1-bb1", path)
    wait_until(lambda: None if link.a_iface not in _isis_interfaces(lab, "nyc1-bb1", target)
               else "route still on the expensive link", deadline_s=30,
               what="the route to move")
    assert _isis_interfaces(lab, "nyc1-bb1", target)
    faults.restore(lab)
    lab.wait_converged(TIMEOUT)
    wait_until(lambda: None if _isis_interfaces(lab, "nyc1-bb1", target) == {link.a_iface}
               else "route not back", deadline_s=30, what="the route to come back")


def test_push_refuses_a_config_frr_rejects(lab: Lab, tmp_path: Path) -> None:
    bad = tmp_path / "bad.conf"
    bad.write_text("hostname nyc1-bb1\nrouter isis core\n frobnicate the lsp\n")
    with pytest.raises(Exception, match="FRR rejects it"):
        faults.push_config(lab, "nyc1-bb1", bad)
    assert not lab.state().faults


# -- looking inside ---------------------------------------------------------------------------


def test_capture_writes_a_bounded_pcap(lab: Lab, tmp_path: Path) -> None:
    out = lab.capture("nyc1-bb1", "eth0-0", tmp_path / "hello.pcap", count=3, seconds=10)
    data = out.read_bytes()
    assert data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
    assert len(data) > 24 + 3 * 16
    assert not lab.state().helpers


def test_cli_status_exec_and_vtysh(lab: Lab) -> None:
    from netlab.cli.lab import lab as lab_cli

    runner = CliRunner()
    result = runner.invoke(lab_cli, ["status", "--name", LAB])
    assert result.exit_code == 0, result.output
    assert "nyc1-bb1" in result.output and "4/4" in result.output
    result = runner.invoke(lab_cli, ["exec", "nyc1-bb1", "--name", LAB, "--",
                                     "ip", "-br", "addr", "show", "dev", "lo"])
    assert result.exit_code == 0 and "198.18." in result.output
    result = runner.invoke(lab_cli, ["fail", "link", "no-such-link", "--name", LAB])
    assert result.exit_code == 2 and "no link 'no-such-link'" in result.output
