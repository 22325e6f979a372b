"""The live lab's pure parts: naming, state, polling, FRR JSON, expectation, CLI checks.

None of these need root or FRR; the live tier is in test_lab_live.py.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlab.errors import ConvergenceTimeout, LabError
from netlab.lab import names, show
from netlab.lab.expect import Observed, difference, expect
from netlab.lab.plan import LAB_LINES, lab_text, plan_from_configs
from netlab.lab.poll import Pacer, wait_until
from netlab.lab.state import (
    DaemonRecord,
    FaultRecord,
    LabState,
    LinkRecord,
    RouterRecord,
    StateFile,
    VethRecord,
    list_state_files,
)

# -- naming -----------------------------------------------------------------------------


def test_namespace_names_carry_the_prefix_lab_and_router() -> None:
    assert names.namespace_name("classic-small", "nyc1-bb1") == "netlab-classic-small-nyc1-bb1"


def test_long_namespace_names_are_cut_and_hashed_uniquely() -> None:
    a = names.namespace_name("lab", "r" * 80 + "a")
    b = names.namespace_name("lab", "r" * 80 + "b")
    assert len(a) <= names.MAX_NS_LEN and len(b) <= names.MAX_NS_LEN
    assert a != b and a.startswith(names.NS_PREFIX)
    assert a == names.namespace_name("lab", "r" * 80 + "a")  # stable


def test_router_dirs_keep_socket_paths_short() -> None:
    d = names.router_dir_name("x" * 100)
    assert len(d) <= 24
    path = Path("/run/netlab") / ("l" * 24) / d / "staticd.vty"
    assert len(str(path)) < 108


@pytest.mark.parametrize("bad", ["", "Upper", "-lead", "a" * 25, "has space", "a/b"])
def test_bad_lab_names_are_refused_in_one_line(bad: str) -> None:
    with pytest.raises(LabError, match="lab name"):
        names.check_lab_name(bad)


def test_default_lab_name_is_derived_from_the_topology() -> None:
    assert names.lab_name_for("Classic Small!") == "classic-small"
    assert names.check_lab_name(names.lab_name_for("x" * 60))


def test_state_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setenv("NETLAB_STATE_DIR", str(tmp_path))
    assert names.state_dir() == tmp_path
    monkeypatch.delenv("NETLAB_STATE_DIR")
    assert names.state_dir() == names.DEFAULT_STATE_DIR


# -- polling -------------------------------------------------------------------------------


def test_wait_until_returns_once_the_check_is_satisfied() -> None:
    calls: list[int] = []

    def check() -> str | None:
        calls.append(1)
        return None if len(calls) == 3 else f"only {len(calls)}"

    assert wait_until(check, deadline_s=5, interval=0.001) == 3


def test_wait_until_raises_convergence_timeout_with_the_last_diff() -> None:
    seen: list[str] = []
    counter = iter(range(1000))
    with pytest.raises(ConvergenceTimeout) as info:
        wait_until(lambda: f"bb1: adjacency {next(counter)} down", deadline_s=0.05,
                   interval=0.01, what="the test state", on_progress=seen.append)
    err = info.value
    assert isinstance(err, LabError)
    assert err.last_diff == seen[-1]
    assert "the test state was not reached within 0.05 s" in str(err)
    assert err.last_diff in str(err)


def test_wait_until_checks_once_even_with_no_time() -> None:
    with pytest.raises(ConvergenceTimeout, match="never"):
        wait_until(lambda: "never", deadline_s=0)
    assert wait_until(lambda: None, deadline_s=0) == 1


def test_wait_until_stops_early_on_request() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(ConvergenceTimeout):
        wait_until(lambda: "waiting", deadline_s=60, interval=10, stop=stop)


def test_wait_until_rejects_nonsense_arguments() -> None:
    with pytest.raises(ValueError):
        wait_until(lambda: None, deadline_s=-1)
    with pytest.raises(ValueError):
        wait_until(lambda: None, deadline_s=1, interval=0)


def test_pacer_keeps_to_its_schedule_and_can_be_stopped() -> None:
    pace = Pacer()
    assert pace.wait_for(0.0)
    pace.stop.set()
    assert not pace.wait_for(30.0)


# -- state file ----------------------------------------------------------------------------


def _state() -> LabState:
    return LabState(
        lab="t1", source="ring", phase="up", created=1.5, owner_pid=7,
        namespaces=("netlab-t1-a", "netlab-t1-b"),
        veths=(VethRecord("netlab-t1-a", "eth0-0", "netlab-t1-b", "eth0-0"),),
        daemons=(DaemonRecord("a", "zebra", "netlab-t1-a", "/run/x/zebra.pid", 42),),
        routers=(RouterRecord("a", "netlab-t1-a", "/run/x/a", (("eth0-0", 9000),)),
                 RouterRecord("b", "netlab-t1-b", "/run/x/b", (("eth0-0", 9000),))),
        links=(LinkRecord("a:b", "a", "eth0-0", "b", "eth0-0", ("c1",)),),
        faults=(FaultRecord("link", "a:b", interfaces=(("a", "eth0-0"), ("b", "eth0-0"))),),
        helpers=(77,),
    )


def test_state_round_trips_through_the_file(tmp_path: Path) -> None:
    sf = StateFile("t1", tmp_path)
    assert not sf.exists()
    state = _state()
    sf.save(state)
    assert sf.load() == state
    assert json.loads(sf.path.read_text())["version"] == 1


def test_state_updates_are_read_modify_write(tmp_path: Path) -> None:
    sf = StateFile("t1", tmp_path)
    sf.save(_state())
    new = sf.update(lambda s: s.replace(faults=()))
    assert new.faults == () and sf.load().faults == ()
    assert not list(tmp_path.glob(".*.tmp"))


def test_state_lookups_give_clear_errors() -> None:
    st = _state()
    assert st.router("a").namespace == "netlab-t1-a"
    assert st.link("a:b").srlgs == ("c1",)
    with pytest.raises(LabError, match="no router 'z'"):
        st.router("z")
    with pytest.raises(LabError, match="no link 'x'"):
        st.link("x")


def test_missing_or_foreign_state_is_a_lab_error(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="no lab named 'gone' is running"):
        StateFile("gone", tmp_path).load()
    (tmp_path / "old.json").write_text(json.dumps({"version": 0, "lab": "old"}))
    with pytest.raises(LabError, match="version"):
        StateFile("old", tmp_path).load()
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(LabError, match="not a JSON object"):
        StateFile("bad", tmp_path).load()


def test_state_files_are_listed_and_removed(tmp_path: Path) -> None:
    for lab in ("b", "a"):
        StateFile(lab, tmp_path).save(LabState(lab=lab))
    assert [sf.lab for sf in list_state_files(tmp_path)] == ["a", "b"]
    StateFile("a", tmp_path).remove()
    assert [sf.lab for sf in list_state_files(tmp_path)] == ["b"]
    assert list_state_files(tmp_path / "nowhere") == []


# -- FRR JSON (shapes captured from FRR 8.4.4) ------------------------------------------------

ISIS_NEIGHBORS = {"areas": [{"area": "core", "circuits": [
    {"circuit": 0, "adj": "r2", "interface": "eth0-0", "level": 2, "state": "Up",
     "expires-in": "2s", "snpa": "2020.2020.2020"},
    {"circuit": 0, "adj": "r3", "interface": "eth0-1", "level": 2, "state": "Initializing"},
    {"circuit": 0},
]}]}

ROUTES = {
    "198.18.0.2/32": [{"prefix": "198.18.0.2/32", "protocol": "isis", "selected": True,
                       "distance": 115, "metric": 20, "nexthops": [
                           {"ip": "198.19.0.1", "interfaceName": "eth0-0", "active": True},
                           {"ip": "198.19.0.3", "interfaceName": "eth0-1", "active": True}]}],
    "198.19.0.0/31": [
        {"protocol": "isis", "distance": 115, "metric": 20,
         "nexthops": [{"ip": "198.19.0.1", "interfaceName": "eth0-0"}]},
        {"protocol": "connected", "selected": True, "distance": 0, "metric": 0,
         "nexthops": [{"directlyConnected": True, "interfaceName": "eth0-0",
                       "active": True}]}],
    "203.0.113.16/28": [{"protocol": "static", "selected": True, "distance": 1, "metric": 0,
                         "nexthops": [{"blackhole": True, "unreachable": True,
                                       "active": True}]}],
    "203.0.113.32/28": [{"protocol": "bgp", "selected": True, "distance": 200, "metric": 0,
                         "nexthops": [
                             {"ip": "198.18.0.2", "active": True, "recursive": True},
                             {"ip": "198.19.0.1", "interfaceName": "eth0-0",
                              "active": True, "resolver": True}]}],
}


def test_isis_neighbors_skip_placeholder_circuits() -> None:
    rows = show.isis_neighbors("r1", ISIS_NEIGHBORS)
    assert rows == [show.IsisNeighborObs("r1", "eth0-0", "r2", 2, "Up"),
                    show.IsisNeighborObs("r1", "eth0-1", "r3", 2, "Initializing")]
    detail = {"areas": [{"circuits": [{"adj": "r2", "level": 2,
                                       "interface": {"name": "eth0-0", "state": "Up"}}]}]}
    assert show.isis_neighbors("r1", detail)[0].state == "Up"
    assert show.isis_neighbors("r1", {}) == []


def test_routes_keep_ecmp_blackholes_and_recursive_next_hops() -> None:
    rows = {(r.prefix, r.protocol): r for r in show.routes("r1", ROUTES)}
    isis = rows[("198.18.0.2/32", "isis")]
    assert [h.interface for h in isis.next_hops] == ["eth0-0", "eth0-1"]
    assert isis.selected and isis.metric == 20 and isis.distance == 115
    assert not rows[("198.19.0.0/31", "isis")].selected
    assert rows[("203.0.113.16/28", "static")].blackhole
    bgp = rows[("203.0.113.32/28", "bgp")]
    assert bgp.recursive == ("198.18.0.2",)
    assert bgp.next_hops == (show.NextHop("198.19.0.1", "eth0-0"),)


def test_bgp_peers_and_paths() -> None:
    peers = show.bgp_peers("r1", {
        "198.18.0.2": {"remoteAs": 65000, "localAs": 65000, "bgpState": "Established",
                       "hostname": "r2"},
        "2001:db8::2": {"remoteAs": 64500, "localAs": 65000, "bgpState": "Active"}})
    assert [(p.peer, p.state) for p in peers] == [("198.18.0.2", "Established"),
                                                  ("2001:db8::2", "Active")]
    paths = show.bgp_paths("r1", {"routes": {"203.0.113.32/28": [
        {"valid": True, "bestpath": True, "path": "64500 64501", "locPrf": 200, "metric": 5,
         "origin": "IGP", "peerId": "198.18.0.2",
         "nexthops": [{"ip": "198.18.0.2", "used": True}]},
        {"valid": True, "multipath": True, "path": "", "origin": "incomplete",
         "peerId": "(unspec)", "nexthops": [{"ip": "0.0.0.0", "used": True}]},
        {"valid": False, "path": ""}]}})
    assert len(paths) == 2
    best, local = paths
    assert best.as_path == (64500, 64501) and best.local_pref == 200 and best.med == 5
    assert best.best and best.next_hop == "198.18.0.2" and best.peer == "198.18.0.2"
    assert local.peer == "" and local.multipath and local.local_pref is None


def test_split_json_reads_documents_printed_back_to_back() -> None:
    assert show.split_json('{"a": 1}\n{\n"b": [2]\n}\n  ') == [{"a": 1}, {"b": [2]}]
    assert show.split_json("") == []
    with pytest.raises(LabError, match="not JSON"):
        show.split_json('{"a": 1} % Unknown command')


# -- plan and expectation (on a generated ring) ----------------------------------------------


@pytest.fixture(scope="module")
def ring_plan():  # type: ignore[no-untyped-def]
    from netlab.lab.sample import ring_topology
    from netlab.model.types import Vendor
    from netlab.render.intent import device_configs

    net = ring_topology(6)
    return plan_from_configs("t6", "ring", net, device_configs(net, vendor=Vendor.FRR))


def test_lab_text_adds_the_lab_lines_after_the_hostname() -> None:
    text = lab_text("frr version 8.4.4\nhostname r1\n!\nend")
    lines = text.splitlines()
    assert lines[2] == LAB_LINES[0] and text.endswith("\n")
    assert lab_text(text) == text


def test_plan_wires_every_link_with_frr_names_and_jumbo_mtu(ring_plan) -> None:  # type: ignore[no-untyped-def]
    assert len(ring_plan.routers) == 6 and len(ring_plan.links) == 9
    bb1 = ring_plan.router("bb1")
    assert bb1.namespace == "netlab-t6-bb1"
    assert all(name.startswith("eth") and mtu == 9000 for name, mtu in bb1.interfaces)
    assert "no zebra nexthop kernel enable" in bb1.text
    for link in ring_plan.links:
        assert (link.a_iface, 9000) in ring_plan.router(link.a_router).interfaces


def test_expectation_of_a_healthy_ring(ring_plan) -> None:  # type: ignore[no-untyped-def]
    exp = expect(ring_plan.configs, ring_plan.links)
    assert len(exp.adjacencies) == 2 * len(ring_plan.links)
    # two route reflectors: each peers with the 5 others (v4 + v6); clients with both RRs
    assert len([s for s in exp.sessions if s[0] == "bb1"]) == 10
    assert len([s for s in exp.sessions if s[0] == "bb3"]) == 4
    assert len(exp.isis_prefixes["bb1"]) == 10  # 5 other loopbacks, v4 and v6


def test_expectation_after_a_node_and_a_link_fail(ring_plan) -> None:  # type: ignore[no-untyped-def]
    healthy = expect(ring_plan.configs, ring_plan.links)
    link = ring_plan.links[0]
    cut = expect(ring_plan.configs, ring_plan.links,
                 down_ports=[(link.a_router, link.a_iface)])
    assert (link.a_router, link.a_iface, link.b_router) not in cut.adjacencies
    assert (link.b_router, link.b_iface, link.a_router) not in cut.adjacencies
    assert len(cut.adjacencies) == len(healthy.adjacencies) - 2
    dead = expect(ring_plan.configs, ring_plan.links, down_routers=["bb1"])
    assert not any("bb1" in (a[0], a[2]) for a in dead.adjacencies)
    assert not any(s[1] == "198.18.0.1" for s in dead.sessions)


def test_difference_names_what_is_missing_and_what_must_go(ring_plan) -> None:  # type: ignore[no-untyped-def]
    healthy = expect(ring_plan.configs, ring_plan.links)
    assert difference(healthy, Observed()) is not None
    adj = [show.IsisNeighborObs(r, i, n, 2, "Up") for r, i, n in healthy.adjacencies]
    sess = [show.BgpPeerObs(r, p, 65000, 65000, "Established") for r, p in healthy.sessions]
    rib = [show.RouteObs(r, p, "isis", True, 115, 10, ())
           for r, ps in healthy.isis_prefixes.items() for p in ps]
    assert difference(healthy, Observed(adj, sess, rib)) is None
    link = ring_plan.links[0]
    cut = expect(ring_plan.configs, ring_plan.links, down_ports=[(link.a_router, link.a_iface)])
    diff = difference(cut, Observed(adj, sess, rib), must_be_down=healthy)
    assert diff is not None and "still Up" in diff
    init = [a if a.router != "bb1" else show.IsisNeighborObs(a.router, a.interface,
                                                                 a.neighbor, 2, "Initializing")
            for a in adj]
    diff = difference(healthy, Observed(init, sess, rib, unreachable=["bb9"]))
    assert diff is not None and "bb9: vtysh does not answer" in diff
    assert "Initializing" in diff


def test_a_config_fault_changes_the_expectation(ring_plan) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    configs = dict(ring_plan.configs)
    bb3 = configs["bb3"]
    assert bb3.bgp is not None
    wrong = dataclasses.replace(bb3, bgp=dataclasses.replace(bb3.bgp, neighbors=tuple(
        dataclasses.replace(n, remote_as=65001) if str(n.address) == "198.18.0.1" else n
        for n in bb3.bgp.neighbors)))
    configs["bb3"] = wrong
    exp = expect(configs, ring_plan.links)
    assert ("bb3", "198.18.0.1") not in exp.sessions
    assert ("bb1", "198.18.0.3") not in exp.sessions
    assert ("bb3", "198.18.0.2") in exp.sessions


# -- CLI prerequisites -------------------------------------------------------------------------


def _invoke(args: list[str]):  # type: ignore[no-untyped-def]
    from netlab.cli.lab import lab

    return CliRunner().invoke(lab, args)


def test_cli_refuses_without_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from netlab.lab import system

    monkeypatch.setattr(system, "is_root", lambda: False)
    for args in (["status"], ["up", "classic-small"], ["down", "--all"],
                 ["fail", "link", "x"]):
        result = _invoke(args)
        assert result.exit_code == 2, args
        assert "the live lab needs root: run with sudo" in result.output


def test_cli_refuses_without_frr(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from netlab.lab import system

    monkeypatch.setattr(system, "is_root", lambda: True)
    monkeypatch.setattr(system, "FRR_DIR", tmp_path)
    result = _invoke(["status"])
    assert result.exit_code == 2
    assert "apt-get install frr" in result.output


def test_cli_names_the_lab_when_none_or_several_are_up(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    from netlab.lab import system

    monkeypatch.setattr(system, "is_root", lambda: True)
    monkeypatch.setattr(system, "require_frr", lambda: None)
    monkeypatch.setenv("NETLAB_STATE_DIR", str(tmp_path))
    result = _invoke(["status"])
    assert result.exit_code == 2 and "no lab is up" in result.output
    for lab in ("one", "two"):
        StateFile(lab, tmp_path).save(LabState(lab=lab))
    result = _invoke(["restore"])
    assert result.exit_code == 2 and "several labs are up (one, two)" in result.output


# -- live engine helpers -----------------------------------------------------------------------


def test_live_engine_prefix_filters_match_networks_and_longest_addresses() -> None:
    from ipaddress import ip_address, ip_network

    from netlab.engines.base import IsisRouteRow, RoutingProtocol
    from netlab.engines.live import _longest, _prefix_ok

    assert _prefix_ok("198.18.0.0/24", None)
    assert _prefix_ok("198.18.0.0/24", "198.18.0.0/24")
    assert not _prefix_ok("198.18.0.0/24", "198.18.0.0/25")
    assert _prefix_ok("198.18.0.0/24", "198.18.0.7")
    assert not _prefix_ok("2001:db8::/32", "198.18.0.7")
    assert _prefix_ok("2001:db8::/32", ip_address("2001:db8::1"))
    assert _prefix_ok("2001:db8::/32", ip_network("2001:db8::/32"))

    def row(node: str, net: str) -> IsisRouteRow:
        return IsisRouteRow(node, ip_network(net), RoutingProtocol.ISIS_L2, (), 10)

    rows = [row("a", "198.18.0.0/16"), row("a", "198.18.0.0/24"), row("b", "198.18.0.0/16")]
    assert _longest(rows, "198.18.0.1") == rows[1:]
    assert _longest(rows, "198.18.0.0/16") == rows


def test_live_engine_reports_ipv6_next_hops_by_the_neighbors_global_address() -> None:
    from ipaddress import ip_address

    from netlab.engines.base import NextHop
    from netlab.engines.live import _hops

    far = {("r1", "eth0-0"): ip_address("2001:db8:1::1")}
    names = {("r1", "eth0-0"): "et-0/0/0"}
    hops = _hops("r1", [show.NextHop("fe80::1", "eth0-0"), show.NextHop(None, "lo")],
                 names, far)
    assert hops == (NextHop(ip=ip_address("2001:db8:1::1"), interface="et-0/0/0"),
                    NextHop(ip=None, interface="lo"))


def test_live_engine_refuses_questions_frr_cannot_answer() -> None:
    from netlab.engines.live import LiveEngine
    from netlab.errors import EngineError

    engine = LiveEngine(None)  # type: ignore[arg-type]
    with pytest.raises(EngineError, match="cannot answer traceroute"):
        engine.traceroute(None, "a", "198.18.0.1")  # type: ignore[arg-type]
    with pytest.raises(EngineError, match="cannot answer linkUtilisation"):
        engine.link_utilisation(None)  # type: ignore[arg-type]


def test_public_api_of_the_lab_is_pinned() -> None:
    import netlab.engines.live
    import netlab.lab
    import netlab.lab.faults
    import netlab.lab.lab

    assert netlab.lab.__all__ == ["Lab", "RouterStatus", "wait_until"]
    assert netlab.lab.lab.__all__ == ["Lab", "RouterStatus"]
    assert netlab.engines.live.__all__ == ["LiveEngine"]
    assert set(netlab.lab.faults.__all__) == {
        "apply_failures", "degrade_link", "fail_linecard", "fail_link", "fail_node",
        "fail_srlg", "flap_link", "push_config", "restore"}


def _with_port(configs, router: str, port: str, **changes):  # type: ignore[no-untyped-def]
    import dataclasses

    cfg = configs[router]
    itfs = []
    for itf in cfg.interfaces:
        new = itf
        if itf.name == port:
            isis_changes = {k: v for k, v in changes.items() if k in ("hello_auth", "level")}
            itf_changes = {k: v for k, v in changes.items() if k == "mtu"}
            assert itf.isis is not None
            new = dataclasses.replace(itf, isis=dataclasses.replace(itf.isis, **isis_changes),
                                      **itf_changes)
        itfs.append(new)
    return {**configs, router: dataclasses.replace(cfg, interfaces=tuple(itfs))}


def test_one_sided_hello_problems_leave_the_hearing_side_unsure(ring_plan) -> None:  # type: ignore[no-untyped-def]
    from netlab.model.device import AuthType, HelloAuth

    link = ring_plan.links[0]
    a = (link.a_router, link.a_iface, link.b_router)
    b = (link.b_router, link.b_iface, link.a_router)
    auth = _with_port(ring_plan.configs, link.a_router, link.a_iface,
                      hello_auth=HelloAuth(AuthType.MD5, "k1"))
    exp = expect(auth, ring_plan.links)
    assert a not in exp.adjacencies and b not in exp.adjacencies
    assert exp.unsure == {b}  # b has no key and still accepts a's hellos
    small = _with_port(ring_plan.configs, link.a_router, link.a_iface, mtu=1500)
    exp = expect(small, ring_plan.links)
    assert exp.unsure == {b}  # a's 1500-byte hellos fit b's 9000 MTU, not the reverse
    healthy = expect(ring_plan.configs, ring_plan.links)
    up = [show.IsisNeighborObs(r, i, n, 2, "Up") for r, i, n in healthy.adjacencies]
    diff = difference(exp, Observed(up), must_be_down=healthy, limit=1000)
    assert diff is not None and f"{a[0]}: IS-IS adjacency on {a[1]}" in diff
    assert f"{b[0]}: IS-IS adjacency on {b[1]}" not in diff


def test_frr_ignores_circuit_type_on_a_single_level_router(ring_plan) -> None:  # type: ignore[no-untyped-def]
    from netlab.model.device import IsisLevel

    link = ring_plan.links[0]
    l1 = _with_port(ring_plan.configs, link.a_router, link.a_iface, level=IsisLevel.L1)
    exp = expect(l1, ring_plan.links)
    assert (link.a_router, link.a_iface, link.b_router) in exp.adjacencies


def test_a_session_torn_down_by_max_prefix_counts_as_settled(ring_plan) -> None:  # type: ignore[no-untyped-def]
    from netlab.lab.expect import Expectation

    exp = Expectation(frozenset(), frozenset({("bb1", "198.18.0.2")}))
    tripped = show.BgpPeerObs("bb1", "198.18.0.2", 65000, 65000, "Idle", "",
                              "Cease/Maximum Number of Prefixes Reached")
    assert difference(exp, Observed(sessions=[tripped])) is None
    idle = show.BgpPeerObs("bb1", "198.18.0.2", 65000, 65000, "Idle")
    assert difference(exp, Observed(sessions=[idle])) == "bb1: BGP session to 198.18.0.2 is Idle"


def test_a_private_space_renames_namespaces_and_moves_state(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETLAB_NS_PREFIX", raising=False)
    monkeypatch.delenv("NETLAB_STATE_DIR", raising=False)
    with names.private_space("u1") as directory:
        assert names.ns_prefix() == "nlu1-"
        assert names.namespace_name("lab", "r1") == "nlu1-lab-r1"
        assert names.state_dir() == directory == Path("/run/netlab-u1")
    assert names.ns_prefix() == names.NS_PREFIX
    assert names.state_dir() == names.DEFAULT_STATE_DIR
    monkeypatch.setenv("NETLAB_NS_PREFIX", "Bad Prefix")
    with pytest.raises(LabError, match="NETLAB_NS_PREFIX"):
        names.ns_prefix()
