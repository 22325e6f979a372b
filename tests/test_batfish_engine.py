"""The Batfish engine without a service: fail-fast probe, no I/O before it, snapshot upload
inputs, failures as deactivations, the embedded fill-ins, and the engine's shape.

No Batfish service runs here, and none is faked: what needs one is in
tests/test_batfish_integration.py (marked ``batfish``).
"""

from __future__ import annotations

import http.server
import inspect
import socket
import threading
import time
from collections.abc import Iterator
from ipaddress import IPv4Address
from pathlib import Path

import pytest

from netlab.engines.base import (
    AdjacencyReason,
    AdjacencyState,
    BgpSessionStatusRow,
    Engine,
    EstablishedStatus,
    Interface,
    IsisAdjacencyRow,
    Question,
    SessionReason,
    SessionType,
)
from netlab.engines.batfish import BatfishEngine, BatfishSession, ServiceAddress, probe
from netlab.engines.batfish.deadline import run_bounded
from netlab.engines.batfish.engine import (
    default_destinations,
    default_sources,
    source_address,
)
from netlab.engines.batfish.hybrid import (
    EMBEDDED,
    HYBRID,
    circuit_level,
    merge_adjacencies,
    with_session_reasons,
)
from netlab.engines.batfish.session import deactivations, snapshot_files, snapshot_name
from netlab.errors import EngineError
from netlab.faults import NetworkState, fault_type
from netlab.model.device import IsisLevel
from netlab.render.intent import device_configs
from netlab.snapshot import read_snapshot
from netlab.snapshot.layout import Snapshot
from netlab.topology.files import load_network

GENEROUS = 15.0  # seconds; the probe itself gives up after ~2 s


@pytest.fixture(scope="module")
def base_state() -> NetworkState:
    network = load_network("classic-small")
    return NetworkState(network, device_configs(network))


def _write(state: NetworkState, path: Path) -> Snapshot:
    from netlab.snapshot import write_snapshot

    write_snapshot(state.network, state.configs, path, failures=state.failures,
                   faults=[f.to_json() for f in state.faults])
    return read_snapshot(path)


@pytest.fixture(scope="module")
def baseline(base_state: NetworkState, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return _write(base_state, tmp_path_factory.mktemp("bf") / "base")


@pytest.fixture(scope="module")
def failed(base_state: NetworkState, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    state = fault_type("link-down").apply(base_state, {"link": "nyc1-bb1--lon1-bb1"})
    state = fault_type("node-down").apply(state, {"router": "prn1-bb2"})
    state = fault_type("linecard-failure").apply(state, {"router": "cln1-bb1", "slot": 1})
    return _write(state, tmp_path_factory.mktemp("bf") / "failed")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# -- the probe -------------------------------------------------------------------------------
def test_probe_of_a_closed_port_fails_fast_with_the_way_out() -> None:
    address = ServiceAddress("127.0.0.1", closed_port())
    start = time.monotonic()
    with pytest.raises(EngineError) as err:
        probe(address)
    assert time.monotonic() - start < GENEROUS
    message = str(err.value)
    assert len(message.splitlines()) == 1
    assert f"no Batfish service at http://127.0.0.1:{address.port}" in message
    assert "docker run -p 9996:9996 batfish/batfish" in message
    assert "BATFISH_HOST" in message and "--engine embedded" in message


@pytest.fixture
def not_batfish() -> Iterator[int]:
    """A local HTTP server that is not Batfish: every path is 404."""
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_probe_names_a_server_that_is_not_batfish(not_batfish: int) -> None:
    with pytest.raises(EngineError, match="answered HTTP 501: not a Batfish v2 service"):
        probe(ServiceAddress("127.0.0.1", not_batfish))


@pytest.mark.parametrize(("text", "host", "port"), [
    ("bf.example.net", "bf.example.net", 9996),
    ("bf.example.net:19996", "bf.example.net", 19996),
    ("http://10.0.0.5", "10.0.0.5", 9996),
    ("  localhost:9996 ", "localhost", 9996),
])
def test_service_address_parses_batfish_host(text: str, host: str, port: int) -> None:
    assert ServiceAddress.parse(text) == ServiceAddress(host, port)
    assert ServiceAddress.from_env({"BATFISH_HOST": text}) == ServiceAddress(host, port)


def test_service_address_defaults_and_errors() -> None:
    assert ServiceAddress.from_env({}) == ServiceAddress("localhost", 9996)
    with pytest.raises(EngineError, match="bad port"):
        ServiceAddress.parse("host:notaport")
    with pytest.raises(EngineError, match="expected host or host:port"):
        ServiceAddress.parse("ftp://host")


def test_run_bounded_returns_raises_and_gives_up() -> None:
    assert run_bounded(lambda: 42, 1.0, "x") == 42
    empty: dict[str, int] = {}
    with pytest.raises(KeyError):
        run_bounded(lambda: empty["missing"], 1.0, "x")
    with pytest.raises(EngineError, match=r"slow thing did not finish within 0\.05 s"):
        run_bounded(lambda: time.sleep(1.0), 0.05, "slow thing")


# -- no I/O before the first question; fail fast on it ---------------------------------------
def test_constructors_do_no_network_io(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("network I/O in a constructor")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    session = BatfishSession(ServiceAddress("127.0.0.1", closed_port()))
    engine = BatfishEngine(session)
    assert session.info is None and engine.name == "batfish"


def test_first_question_without_a_service_fails_fast(baseline: Snapshot,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATFISH_HOST", f"127.0.0.1:{closed_port()}")
    engine = BatfishEngine()
    start = time.monotonic()
    with pytest.raises(EngineError, match=r"no Batfish service at http://127\.0\.0\.1"):
        engine.bgp_session_status(baseline)
    assert time.monotonic() - start < GENEROUS


def test_engine_answers_every_question_with_the_protocols_signature() -> None:
    for q in Question:
        mine = inspect.signature(getattr(BatfishEngine, q.method))
        spec = inspect.signature(getattr(Engine, q.method))
        assert list(mine.parameters) == list(spec.parameters), q
        assert [p.kind for p in mine.parameters.values()] == [
            p.kind for p in spec.parameters.values()], q


def test_link_utilisation_is_the_embedded_engines_and_says_so(baseline: Snapshot) -> None:
    from netlab.engines.embedded import EmbeddedEngine

    embedded = EmbeddedEngine()
    engine = BatfishEngine(BatfishSession(ServiceAddress("127.0.0.1", closed_port())),
                           fallback=embedded)
    answer = engine.link_utilisation(baseline)
    assert answer.engine == EMBEDDED
    assert answer.rows == embedded.link_utilisation(baseline).rows
    assert len(answer.rows) > 0


# -- what is uploaded ------------------------------------------------------------------------
def test_only_batfish_inputs_are_sent_and_names_are_content_addressed(
        baseline: Snapshot, failed: Snapshot) -> None:
    files = snapshot_files(baseline)
    assert set(files) == {f"configs/{h}.cfg" for h in baseline.configs} | {
        "batfish/layer1_topology.json"}
    assert files["configs/lon1-bb1.cfg"].startswith(b"!RANCID-CONTENT-TYPE: juniper")
    name = snapshot_name(files)
    assert name.startswith("netlab-") and name == snapshot_name(dict(files))
    assert snapshot_name(snapshot_files(failed)) != name  # layer 1 differs
    edited = dict(files)
    edited["configs/lon1-bb1.cfg"] += b"\n"
    assert snapshot_name(edited) != name


def test_in_memory_snapshots_are_rendered(baseline: Snapshot) -> None:
    from dataclasses import replace

    memory = replace(baseline, path=Path("<classic-small>"))
    files = snapshot_files(memory)
    assert set(files) == set(snapshot_files(baseline))
    assert files["configs/lon1-bb1.cfg"] == snapshot_files(baseline)["configs/lon1-bb1.cfg"]


def test_failures_become_node_and_port_deactivations(baseline: Snapshot,
                                                     failed: Snapshot) -> None:
    assert deactivations(baseline) == ((), ())
    nodes, ports = deactivations(failed)
    assert nodes == ("prn1-bb2",)
    # both ends of the cut fibre, and the failed linecard's ports, by vendor names;
    # nothing on the dead router (it is deactivated whole)
    assert ("nyc1-bb1", "et-0/0/0") in ports and ("lon1-bb1", "et-0/0/0") in ports
    assert ("cln1-bb1", "et-1/0/0") in ports
    assert all(host != "prn1-bb2" for host, _ in ports)
    assert ports == tuple(sorted(set(ports)))


# -- flows: the embedded engine's choices ----------------------------------------------------
def test_flow_sources_and_destinations_follow_the_embedded_engine(
        baseline: Snapshot, failed: Snapshot) -> None:
    assert source_address(baseline, "lon1-bb1") == IPv4Address("198.18.0.6")
    sources = default_sources(failed)
    assert "prn1-bb2" not in sources and "transit1-lon1" not in sources
    assert "lon1-bb1" in sources
    dests = default_destinations(baseline)
    assert "198.18.0.6" in dests and all(":" not in d for d in dests)
    assert "198.51.100.1" in dests or "203.0.113.1" in dests or "192.0.2.1" in dests


def test_ipv6_destinations_are_refused_with_the_alternative(baseline: Snapshot) -> None:
    engine = BatfishEngine(BatfishSession(ServiceAddress("127.0.0.1", closed_port())))
    pytest.importorskip("pybatfish")
    with pytest.raises(EngineError, match=r"IPv4 only.*--engine embedded"):
        engine.traceroute(baseline, "lon1-bb1", "2001:db8::1")


# -- the embedded engine's fill-ins ----------------------------------------------------------
def test_circuit_level(baseline: Snapshot) -> None:
    a, b = Interface("lon1-bb1", "et-0/0/0"), Interface("nyc1-bb1", "et-0/0/0")
    assert circuit_level(baseline.configs, a, b) is IsisLevel.L2
    assert circuit_level(baseline.configs, a, Interface("nyc1-bb1", "nope")) is None


def test_merge_adjacencies_state_from_batfish_reasons_from_embedded(baseline: Snapshot) -> None:
    bb, nyc = Interface("lon1-bb1", "et-0/0/0"), Interface("nyc1-bb1", "et-0/0/0")
    bb2, cln = Interface("lon1-bb1", "et-0/0/1"), Interface("cln1-bb1", "et-0/0/1")
    l2 = IsisLevel.L2
    embedded = [
        # both engines: up
        IsisAdjacencyRow("lon1-bb1", "et-0/0/0", "nyc1-bb1", "et-0/0/0", l2, AdjacencyState.UP),
        # MTU mismatch: Batfish does not check MTU, so it has the edge
        IsisAdjacencyRow("nyc1-bb1", "et-0/0/0", "lon1-bb1", "et-0/0/0", None,
                         AdjacencyState.INIT, AdjacencyReason.MTU_MISMATCH, "1500 < 9000"),
        # both down: the embedded reason stands
        IsisAdjacencyRow("lon1-bb1", "et-0/0/1", "cln1-bb1", "et-0/0/1", None,
                         AdjacencyState.DOWN, AdjacencyReason.PASSIVE, "passive"),
        # embedded up, Batfish without the edge
        IsisAdjacencyRow("cln1-bb1", "et-0/0/1", "lon1-bb1", "et-0/0/1", l2, AdjacencyState.UP),
    ]
    edges = {(bb, nyc), (nyc, bb), (Interface("lon1-bb1", "et-1/0/0"),
                                    Interface("lon1-pr1", "FourHundredGigE0/0/0/0"))}
    rows = merge_adjacencies(embedded, edges, baseline.configs)
    by = {(r.node, r.interface): r for r in rows}
    assert by[("lon1-bb1", "et-0/0/0")] == embedded[0]
    mtu = by[("nyc1-bb1", "et-0/0/0")]
    assert (mtu.state, mtu.level, mtu.reason) == (AdjacencyState.UP, l2, None)
    assert "embedded engine has it INIT (isis-mtu-mismatch)" in mtu.detail
    assert by[("lon1-bb1", "et-0/0/1")] == embedded[2]
    gone = by[("cln1-bb1", "et-0/0/1")]
    assert (gone.state, gone.level, gone.reason) == (AdjacencyState.DOWN, None, None)
    assert "Batfish forms no IS-IS adjacency" in gone.detail
    extra = by[("lon1-bb1", "et-1/0/0")]
    assert (extra.remote_node, extra.state) == ("lon1-pr1", AdjacencyState.UP)
    assert len(rows) == 5 and bb2 != cln


def test_session_reasons_come_from_the_embedded_engine_only_when_both_say_down() -> None:
    def row(rip: str, status: EstablishedStatus, reason: SessionReason | None = None,
            detail: str = "") -> BgpSessionStatusRow:
        return BgpSessionStatusRow("lon1-bb1", "default", 65000, None, IPv4Address("198.18.0.6"),
                                   65000, None, None, IPv4Address(rip), (), SessionType.IBGP,
                                   status, reason, detail)

    es, ne = EstablishedStatus.ESTABLISHED, EstablishedStatus.NOT_ESTABLISHED
    batfish = [row("198.18.0.1", es), row("198.18.0.2", ne), row("198.18.0.3", ne),
               row("198.18.0.4", ne)]
    embedded = [row("198.18.0.1", es),
                row("198.18.0.2", ne, SessionReason.NO_IGP_ROUTE, "no route to 198.18.0.2"),
                row("198.18.0.3", es)]
    out = with_session_reasons(batfish, embedded)
    assert out[0] == batfish[0]
    assert (out[1].reason, out[1].detail) == (SessionReason.NO_IGP_ROUTE,
                                              "no route to 198.18.0.2")
    assert (out[2].reason, out[2].detail) == (None,
                                              "the embedded engine establishes this session")
    assert out[3] == batfish[3]
    assert out[1].established_status is ne  # the state stays Batfish's
    assert HYBRID == "batfish+embedded"


def test_public_api_is_pinned() -> None:
    import importlib

    import netlab.engines.batfish as package

    assert package.__all__ == ["BatfishEngine", "BatfishSession", "ServiceAddress",
                               "ServiceInfo", "probe", "pybatfish_version"]
    for module in ("capability", "caveats", "compare", "deadline", "engine", "hybrid", "names",
                   "probe", "session", "translate", "translate_flows", "translate_routes",
                   "wire"):
        mod = importlib.import_module(f"netlab.engines.batfish.{module}")
        assert mod.__all__ and all(hasattr(mod, name) for name in mod.__all__), module


def test_protocol_filters_use_batfishs_specifier_names() -> None:
    from netlab.engines.base import RoutingProtocol as P
    from netlab.engines.batfish.engine import protocol_spec

    assert protocol_spec(None) is None
    assert protocol_spec([P.ISIS_L2, P.ISIS_L1]) == "isis-l1,isis-l2"
    # "bgp" in Batfish's specifier means eBGP and iBGP; netlab's BGP is eBGP
    assert protocol_spec({P.BGP, P.IBGP, P.CONNECTED}) == "connected,ebgp,ibgp"
    assert protocol_spec(list(P)) == "connected,ebgp,ibgp,isis-l1,isis-l2,local,static"
