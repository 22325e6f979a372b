"""Batfish wire answers → netlab rows, on payloads in Batfish's own format (tests/data/batfish).

Each payload is a table answer as the service returns it (``answerElements[0]``
with ``metadata.columnMetadata`` and ``rows``), built from the column schemas
of Batfish's answerers; one test proves pybatfish itself parses every one.
"""

from __future__ import annotations

import json
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

import pytest

from netlab.engines.base import (
    AsPath,
    BgpRibRow,
    BgpRouteStatus,
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    ConfiguredStatus,
    DifferentialReachabilityRow,
    EstablishedStatus,
    FileFormat,
    FileParseStatusRow,
    Flow,
    FlowDisposition,
    Hop,
    Interface,
    IsisRouteRow,
    Layer3EdgeRow,
    NextHop,
    OriginType,
    ParseStatus,
    ParseWarningRow,
    RouteRow,
    RoutingProtocol,
    SessionType,
    Trace,
    TracerouteRow,
)
from netlab.engines.batfish import translate as tr
from netlab.engines.batfish.names import NameMap, node_spec
from netlab.engines.batfish.translate_flows import differential_rows, traceroute_rows
from netlab.engines.batfish.translate_routes import (
    bgp_rib_rows,
    isis_route_rows,
    next_hop,
    route_rows,
)
from netlab.errors import EngineError
from netlab.model.types import Vendor

DATA = Path(__file__).parent / "data" / "batfish"
IP = IPv4Address
NET = IPv4Network
NAMES = NameMap({
    "lon1-bb1": (Vendor.JUNOS, ("et-0/0/0", "et-0/0/1", "et-1/0/0", "lo0")),
    "nyc1-bb1": (Vendor.JUNOS, ("et-0/0/0", "lo0")),
    "lon1-pr1": (Vendor.IOSXR, ("Loopback0", "FourHundredGigE0/0/0/0",
                                "FourHundredGigE0/1/0/0")),
})


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text())
    return data


def test_every_payload_is_an_answer_pybatfish_parses() -> None:
    table = pytest.importorskip("pybatfish.datamodel.answer.table")
    for path in sorted(DATA.glob("*.json")):
        answer = table.TableAnswer(json.loads(path.read_text()))
        frame = answer.frame()
        assert len(frame) == len(answer.rows) > 0, path.name


# -- names -----------------------------------------------------------------------------------
def test_names_map_hosts_case_and_junos_units_back() -> None:
    names = NameMap({"Lon1-BB1": (Vendor.JUNOS, ("et-0/0/1", "lo0")),
                     "pr": (Vendor.IOSXR, ("Bundle-Ether1.100",))})
    assert names.host("lon1-bb1") == "Lon1-BB1"
    assert names.interface("lon1-bb1", "et-0/0/1.0") == "et-0/0/1"
    assert names.interface("lon1-bb1", "lo0.0") == "lo0"
    assert names.interface("lon1-bb1", "et-0/0/9.0") == "et-0/0/9.0"  # not configured
    assert names.interface("pr", "Bundle-Ether1.100") == "Bundle-Ether1.100"  # XR subinterface
    assert names.host("unknown") == "unknown"


def test_node_spec_quotes_every_name() -> None:
    assert node_spec(None) is None
    assert node_spec(["nyc1-pr1", "lon1-bb1"]) == '"lon1-bb1","nyc1-pr1"'


# -- initialisation --------------------------------------------------------------------------
def test_file_parse_status() -> None:
    rows = tr.file_parse_status_rows(load("fileParseStatus.json"), NAMES)
    assert rows == (
        FileParseStatusRow("configs/cln1-dr1.cfg", ParseStatus.PASSED, FileFormat.ARISTA,
                           ("cln1-dr1",)),
        FileParseStatusRow("configs/lab1-r1.cfg", ParseStatus.FAILED, FileFormat.UNKNOWN, ()),
        FileParseStatusRow("configs/lon1-bb1.cfg", ParseStatus.PASSED, FileFormat.JUNIPER,
                           ("lon1-bb1",)),
        FileParseStatusRow("configs/lon1-pr1.cfg", ParseStatus.PARTIALLY_UNRECOGNIZED,
                           FileFormat.CISCO_IOS_XR, ("lon1-pr1",)),
    )


def test_parse_warnings() -> None:
    assert tr.parse_warning_rows(load("parseWarning.json")) == (
        ParseWarningRow("configs/cln1-dr1.cfg", 3, "service routing protocols model multi-agent",
                        "[s_service stanza arista_configuration]", "(not provided)"),
        ParseWarningRow("configs/lon1-pr1.cfg", 131, "lsp-gen-interval maximum-wait 5000",
                        "[s_router_isis stanza cisco_xr_configuration]",
                        "This syntax is unrecognized"),
    )


def test_init_issues() -> None:
    issues = tr.init_issue_rows(load("initIssues.json"))
    assert issues == (
        tr.InitIssue(("lon1-pr1",), ("configs/lon1-pr1.cfg:131",), "Parse warning",
                     "This syntax is unrecognized", "lsp-gen-interval maximum-wait 5000",
                     "[s_router_isis stanza cisco_xr_configuration]"),
        tr.InitIssue(("lon1-bb1",), (), "Convert error (redflag)",
                     "Could not convert IS-IS export policy", "", ""),
    )
    assert [i.is_error for i in issues] == [False, True]


# -- edges -----------------------------------------------------------------------------------
def test_layer3_edges_map_junos_units_to_ports() -> None:
    bb, nyc, pr = (Interface("lon1-bb1", "et-0/0/0"), Interface("nyc1-bb1", "et-0/0/0"),
                   Interface("lon1-pr1", "FourHundredGigE0/0/0/0"))
    bb_pr = Interface("lon1-bb1", "et-1/0/0")
    assert tr.layer3_edge_rows(load("layer3Edges.json"), NAMES) == (
        Layer3EdgeRow(bb, (IP("198.18.64.1"),), nyc, (IP("198.18.64.0"),)),
        Layer3EdgeRow(bb_pr, (IP("198.18.64.32"),), pr, (IP("198.18.64.33"),)),
        Layer3EdgeRow(pr, (IP("198.18.64.33"),), bb_pr, (IP("198.18.64.32"),)),
        Layer3EdgeRow(nyc, (IP("198.18.64.0"),), bb, (IP("198.18.64.1"),)),
    )


def test_isis_edges() -> None:
    bb, nyc = Interface("lon1-bb1", "et-0/0/0"), Interface("nyc1-bb1", "et-0/0/0")
    bb_pr, pr = Interface("lon1-bb1", "et-1/0/0"), Interface("lon1-pr1", "FourHundredGigE0/0/0/0")
    assert tr.isis_edges(load("edges-isis.json"), NAMES) == frozenset(
        {(bb, nyc), (nyc, bb), (bb_pr, pr), (pr, bb_pr)})


# -- BGP sessions ----------------------------------------------------------------------------
def _status(node: str, local: str | None, remote_as: int, remote: str | None, rip: str,
            kind: SessionType, status: EstablishedStatus, fam: tuple[str, ...] = ("IPV4_UNICAST",)
            ) -> BgpSessionStatusRow:
    return BgpSessionStatusRow(node, "default", 65000, None, IP(local) if local else None,
                               remote_as, remote, None, IP(rip), fam, kind, status)


def test_bgp_session_status() -> None:
    ibgp, ebgp = SessionType.IBGP, SessionType.EBGP_SINGLEHOP
    assert tr.bgp_session_status_rows(load("bgpSessionStatus.json"), NAMES) == (
        _status("lon1-bb1", "198.18.0.6", 65000, "lon1-pr1", "198.18.0.8", ibgp,
                EstablishedStatus.ESTABLISHED),
        _status("lon1-pr1", "198.18.0.8", 65000, None, "198.18.0.7", ibgp,
                EstablishedStatus.NOT_COMPATIBLE, ()),
        _status("lon1-pr1", "198.18.64.36", 64496, "transit1-lon1", "198.18.64.37", ebgp,
                EstablishedStatus.ESTABLISHED),
        _status("nyc1-bb1", "198.18.0.1", 65000, "lon1-bb2", "198.18.0.7", ibgp,
                EstablishedStatus.NOT_ESTABLISHED, ()),
    )


def test_bgp_session_compatibility() -> None:
    def row(node: str, local: str | None, ras: int, remote: str | None, rip: str,
            kind: SessionType, status: ConfiguredStatus, fam: tuple[str, ...] = ()
            ) -> BgpSessionCompatibilityRow:
        return BgpSessionCompatibilityRow(node, "default", 65000, None,
                                          IP(local) if local else None, ras, remote, None,
                                          IP(rip), fam, kind, status)

    v4 = ("IPV4_UNICAST",)
    assert tr.bgp_session_compatibility_rows(load("bgpSessionCompatibility.json"), NAMES) == (
        row("lon1-bb1", "198.18.0.6", 65000, "lon1-pr1", "198.18.0.8", SessionType.IBGP,
            ConfiguredStatus.UNIQUE_MATCH, v4),
        row("lon1-bb2", None, 65000, None, "198.18.0.1", SessionType.IBGP,
            ConfiguredStatus.LOCAL_IP_UNKNOWN_STATICALLY),
        row("lon1-pr1", "198.18.0.8", 65000, None, "198.18.0.7", SessionType.IBGP,
            ConfiguredStatus.HALF_OPEN),
        row("lon1-pr1", "198.18.64.36", 64496, "transit1-lon1", "198.18.64.37",
            SessionType.EBGP_SINGLEHOP, ConfiguredStatus.UNIQUE_MATCH, v4),
    )


def test_session_rows_reject_what_netlab_never_configures() -> None:
    answer = load("bgpSessionStatus.json")
    row = answer["answerElements"][0]["rows"][0]
    row["Remote_AS"] = "65000-65010"
    with pytest.raises(EngineError, match="Remote_AS: expected one AS number"):
        tr.bgp_session_status_rows(answer, NAMES)
    row["Remote_AS"] = "65000"
    row["Remote_IP"] = {"schema": "Prefix", "value": "198.18.0.0/24"}
    with pytest.raises(EngineError, match="Remote_IP"):
        tr.bgp_session_status_rows(answer, NAMES)


# -- routes ----------------------------------------------------------------------------------
ISIS_HOP = NextHop(IP("198.18.64.0"), "et-0/0/0")
EXPECTED_ROUTES = (
    RouteRow("lon1-bb1", "default", NET("192.0.2.0/24"), NextHop(discard=True), None, None,
             RoutingProtocol.STATIC, 0, 5),
    RouteRow("lon1-bb1", "default", NET("198.18.0.1/32"), ISIS_HOP, IP("198.18.64.0"),
             "et-0/0/0", RoutingProtocol.ISIS_L2, 10, 18),
    RouteRow("lon1-bb1", "default", NET("198.18.0.3/32"), ISIS_HOP, IP("198.18.64.0"),
             "et-0/0/0", RoutingProtocol.ISIS_L2, 20, 18),
    RouteRow("lon1-bb1", "default", NET("198.18.0.3/32"), NextHop(IP("198.18.64.13"), "et-0/0/1"),
             IP("198.18.64.13"), "et-0/0/1", RoutingProtocol.ISIS_L2, 20, 18),
    RouteRow("lon1-bb1", "default", NET("198.18.64.0/31"), NextHop(interface="et-0/0/0"), None,
             "et-0/0/0", RoutingProtocol.CONNECTED, 0, 0),
    RouteRow("lon1-bb1", "default", NET("198.18.64.1/32"), NextHop(interface="et-0/0/0"), None,
             "et-0/0/0", RoutingProtocol.LOCAL, 0, 0),
    RouteRow("lon1-bb1", "default", NET("198.51.100.0/24"), NextHop(IP("198.18.0.8")),
             IP("198.18.0.8"), None, RoutingProtocol.IBGP, 0, 170),
)


@pytest.mark.parametrize("payload", ["routes-2026.json", "routes-2022.json", "routes-2021.json"])
def test_routes_every_next_hop_column_set(payload: str) -> None:
    """2026+: Next_Hop only; 2022-2026: Next_Hop and the legacy columns; before: legacy only."""
    assert route_rows(load(payload), NAMES) == EXPECTED_ROUTES


def test_routes_without_any_next_hop_column_is_an_error() -> None:
    answer = load("routes-2026.json")
    meta = answer["answerElements"][0]["metadata"]
    meta["columnMetadata"] = [c for c in meta["columnMetadata"] if c["name"] != "Next_Hop"]
    with pytest.raises(EngineError, match="neither a Next_Hop nor"):
        route_rows(answer, NAMES)


def test_routes_unknown_protocol_is_named() -> None:
    answer = load("routes-2026.json")
    answer["answerElements"][0]["rows"][0]["Protocol"] = "ospfE2"
    with pytest.raises(EngineError, match="'ospfE2' is not one netlab models"):
        route_rows(answer, NAMES)


def test_isis_routes_group_ecmp_next_hops() -> None:
    rows = isis_route_rows(route_rows(load("routes-2026.json"), NAMES))
    assert rows == (
        IsisRouteRow("lon1-bb1", NET("198.18.0.1/32"), RoutingProtocol.ISIS_L2, (ISIS_HOP,), 10),
        IsisRouteRow("lon1-bb1", NET("198.18.0.3/32"), RoutingProtocol.ISIS_L2,
                     (ISIS_HOP, NextHop(IP("198.18.64.13"), "et-0/0/1")), 20),
    )


def test_next_hop_kinds() -> None:
    assert next_hop({"type": "ip", "ip": "198.18.0.8"}, "x", NAMES) == NextHop(IP("198.18.0.8"))
    assert next_hop({"type": "discard"}, "x", NAMES) == NextHop(discard=True)
    with pytest.raises(EngineError, match="not one netlab models"):
        next_hop({"type": "vrf", "vrf": "mgmt"}, "x", NAMES)


def test_bgp_rib() -> None:
    v4 = IP
    assert bgp_rib_rows(load("bgpRib.json"), NAMES) == (
        BgpRibRow("lon1-bb1", "default", NET("198.51.100.0/24"), BgpRouteStatus.BEST,
                  NextHop(v4("198.18.0.8")), v4("198.18.0.8"), RoutingProtocol.IBGP,
                  AsPath((64496,)), 0, 100, None, OriginType.IGP, v4("198.18.0.8"),
                  v4("198.18.0.8"), ()),
        BgpRibRow("lon1-pr1", "default", NET("192.0.2.0/24"), BgpRouteStatus.BEST,
                  NextHop(discard=True), None, RoutingProtocol.BGP, AsPath(()), 0, 100,
                  RoutingProtocol.STATIC, OriginType.IGP, v4("198.18.0.8"), None, ()),
        BgpRibRow("lon1-pr1", "default", NET("198.51.100.0/24"), BgpRouteStatus.BEST,
                  NextHop(v4("198.18.64.37")), v4("198.18.64.37"), RoutingProtocol.BGP,
                  AsPath((64496,)), 0, 100, None, OriginType.IGP, v4("198.18.0.16"),
                  v4("198.18.64.37"), ()),
        # Cluster_List is Set<Long>: 3323068422 is 198.18.0.6
        BgpRibRow("nyc1-bb1", "default", NET("198.51.100.0/24"), BgpRouteStatus.BACKUP,
                  NextHop(v4("198.18.0.8")), v4("198.18.0.8"), RoutingProtocol.IBGP,
                  AsPath((64496,)), 0, 100, None, OriginType.IGP, v4("198.18.0.8"),
                  v4("198.18.0.6"), (v4("198.18.0.6"),)),
    )


def test_bgp_rib_as_set_is_rejected() -> None:
    answer = load("bgpRib.json")
    answer["answerElements"][0]["rows"][0]["AS_Path"] = "64496 {64500,64501}"
    with pytest.raises(EngineError, match="AS_Path"):
        bgp_rib_rows(answer, NAMES)


# -- flows -----------------------------------------------------------------------------------
FLOW = Flow("lon1-bb1", IP("198.18.0.6"), IP("198.18.0.1"))
TRACE = Trace(FlowDisposition.ACCEPTED, (
    Hop("lon1-bb1", None, NET("198.18.0.1/32"), RoutingProtocol.ISIS_L2, "et-0/0/0",
        IP("198.18.64.0")),
    Hop("nyc1-bb1", "et-0/0/0"),
))


@pytest.mark.parametrize("payload", ["traceroute.json", "traceroute-legacy.json"])
def test_traceroute(payload: str) -> None:
    """Routing steps with forwardingDetail, and the older outputInterface/arpIp ones."""
    assert traceroute_rows(load(payload), NAMES) == (TracerouteRow(FLOW, (TRACE,), 1),)


def test_reachability_delivered_next_hop_is_the_destination() -> None:
    rows = traceroute_rows(load("reachability.json"), NAMES, "reachability")
    flow = Flow("lon1-pr1", IP("198.18.0.8"), IP("198.18.64.38"))
    hop = Hop("lon1-pr1", None, NET("198.18.64.36/31"), RoutingProtocol.CONNECTED,
              "FourHundredGigE0/1/0/0", None)
    assert rows == (TracerouteRow(flow, (Trace(FlowDisposition.DELIVERED_TO_SUBNET, (hop,)),),
                                  1),)
    assert rows[0].dispositions == {FlowDisposition.DELIVERED_TO_SUBNET}


def test_differential_reachability() -> None:
    no_route = Trace(FlowDisposition.NO_ROUTE, (Hop("lon1-bb1"),))
    assert differential_rows(load("differentialReachability.json"), NAMES) == (
        DifferentialReachabilityRow(FLOW, (no_route,), 1, (TRACE,), 1),)


def test_malformed_answers_are_one_line_errors() -> None:
    with pytest.raises(EngineError, match="no answer elements"):
        tr.parse_warning_rows({"answerElements": []})
    with pytest.raises(EngineError, match="not a table"):
        tr.parse_warning_rows({"answerElements": [{"class": "x"}]})
    answer = load("traceroute.json")
    answer["answerElements"][0]["rows"][0]["Traces"][0]["disposition"] = "TELEPORTED"
    with pytest.raises(EngineError, match="unknown flow disposition 'TELEPORTED'"):
        traceroute_rows(answer, NAMES)
    answer = load("layer3Edges.json")
    del answer["answerElements"][0]["metadata"]["columnMetadata"][1]
    with pytest.raises(EngineError, match="no column 'IPs'"):
        tr.layer3_edge_rows(answer, NAMES)
