"""The question API: row columns are Batfish's, enums spell Batfish's values, answers render."""

from __future__ import annotations

import dataclasses
import json
from ipaddress import ip_address, ip_network

import pytest

from netlab.engines import base
from netlab.engines.base import (
    Answer,
    AsPath,
    BgpRibRow,
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    ConfiguredStatus,
    DifferentialReachabilityRow,
    EstablishedStatus,
    FileParseStatusRow,
    FlowDisposition,
    Interface,
    Layer3EdgeRow,
    NextHop,
    ParseWarningRow,
    Question,
    RouteRow,
    RoutingProtocol,
    SessionType,
    TracerouteRow,
)
from netlab.errors import EngineError

# Batfish's column names, in Batfish's order (pybatfish answers / Batfish answerers).
BATFISH_COLUMNS = {
    FileParseStatusRow: ["File_Name", "Status", "File_Format", "Nodes"],
    ParseWarningRow: ["Filename", "Line", "Text", "Parser_Context", "Comment"],
    Layer3EdgeRow: ["Interface", "IPs", "Remote_Interface", "Remote_IPs"],
    BgpSessionStatusRow: ["Node", "VRF", "Local_AS", "Local_Interface", "Local_IP", "Remote_AS",
                          "Remote_Node", "Remote_Interface", "Remote_IP", "Address_Families",
                          "Session_Type", "Established_Status"],
    BgpSessionCompatibilityRow: ["Node", "VRF", "Local_AS", "Local_Interface", "Local_IP",
                                 "Remote_AS", "Remote_Node", "Remote_Interface", "Remote_IP",
                                 "Address_Families", "Session_Type", "Configured_Status"],
    RouteRow: ["Node", "VRF", "Network", "Next_Hop", "Next_Hop_IP", "Next_Hop_Interface",
               "Protocol", "Metric", "Admin_Distance", "Tag"],
    BgpRibRow: ["Node", "VRF", "Network", "Status", "Next_Hop", "Next_Hop_IP", "Protocol",
                "AS_Path", "Metric", "Local_Pref", "Origin_Protocol", "Origin_Type",
                "Originator_Id", "Received_From_IP", "Cluster_List", "Tag"],
    TracerouteRow: ["Flow", "Traces", "TraceCount"],
    DifferentialReachabilityRow: ["Flow", "Snapshot_Traces", "Snapshot_TraceCount",
                                  "Reference_Traces", "Reference_TraceCount"],
}
NETLAB_ONLY = {BgpSessionStatusRow: ["Reason", "Detail"],
               BgpSessionCompatibilityRow: ["Reason", "Detail"]}


@pytest.mark.parametrize("row_type", list(BATFISH_COLUMNS))
def test_columns_are_batfish_names_in_batfish_order(row_type: type) -> None:
    cols = list(row_type.COLUMNS.values())
    assert cols == BATFISH_COLUMNS[row_type] + NETLAB_ONLY.get(row_type, [])
    fields = [f.name for f in dataclasses.fields(row_type)]
    assert list(row_type.COLUMNS) == fields


def test_every_row_is_frozen_with_slots_and_maps_every_field() -> None:
    rows = [getattr(base, n) for n in base.__all__ if n.endswith("Row")]
    assert len(rows) == 12  # reachability reuses TracerouteRow
    for r in rows:
        assert dataclasses.is_dataclass(r) and r.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert hasattr(r, "__slots__")
        assert list(r.COLUMNS) == [f.name for f in dataclasses.fields(r)]


def test_enum_values_are_batfish_spellings() -> None:
    assert [s.value for s in EstablishedStatus] == ["ESTABLISHED", "NOT_ESTABLISHED",
                                                    "NOT_COMPATIBLE"]
    assert {"UNIQUE_MATCH", "HALF_OPEN", "UNKNOWN_REMOTE", "LOCAL_IP_UNKNOWN_STATICALLY",
            "MULTIPLE_REMOTES", "INVALID_LOCAL_IP", "NO_LOCAL_IP", "DYNAMIC_MATCH",
            "NO_MATCH_FOUND"} <= {s.value for s in ConfiguredStatus}
    assert {"IBGP", "EBGP_SINGLEHOP", "EBGP_MULTIHOP"} <= {s.value for s in SessionType}
    assert {p.value for p in RoutingProtocol} == {"connected", "local", "static", "isisL1",
                                                  "isisL2", "bgp", "ibgp"}
    assert {"ACCEPTED", "NO_ROUTE", "NULL_ROUTED", "LOOP", "NEIGHBOR_UNREACHABLE",
            "EXITS_NETWORK", "DELIVERED_TO_SUBNET"} <= {d.value for d in FlowDisposition}
    assert FlowDisposition.EXITS_NETWORK.success and not FlowDisposition.NO_ROUTE.success


def test_frame_and_json_use_batfish_columns() -> None:
    row = RouteRow("r1", "default", ip_network("192.0.2.0/24"),
                   NextHop(ip=ip_address("198.18.64.1"), interface="eth0-0"),
                   ip_address("198.18.64.1"), "eth0-0", RoutingProtocol.ISIS_L2, 20, 115)
    ans = Answer(Question.ROUTES, RouteRow, (row,), "embedded")
    frame = ans.frame()
    assert list(frame.columns) == BATFISH_COLUMNS[RouteRow]
    assert frame.loc[0, "Network"] == "192.0.2.0/24"
    assert frame.loc[0, "Protocol"] == "isisL2"
    assert str(frame.loc[0, "Next_Hop"]) == "interface eth0-0 ip 198.18.64.1"
    data = ans.to_json()
    assert data["question"] == "routes" and data["columns"] == BATFISH_COLUMNS[RouteRow]
    assert data["rows"][0]["Next_Hop"] == {"ip": "198.18.64.1", "interface": "eth0-0",
                                           "discard": False}
    json.dumps(data)  # JSON-ready


def test_empty_answer_still_has_columns() -> None:
    ans = Answer(Question.LAYER3_EDGES, Layer3EdgeRow, ())
    assert list(ans.frame().columns) == BATFISH_COLUMNS[Layer3EdgeRow]
    assert len(ans) == 0 and list(ans) == []


def test_values_print_like_batfish() -> None:
    assert str(Interface("r1", "et-0/0/1")) == "r1[et-0/0/1]"
    assert str(AsPath((64500, 64501))) == "64500 64501"
    assert len(AsPath((1, 2, 3))) == 3
    assert str(NextHop(discard=True)) == "discard"


@pytest.mark.parametrize("name", ["bgpSessionStatus", "bgp_session_status", "BGPSESSIONSTATUS",
                                  "bgp-session-status"])
def test_question_names_parse(name: str) -> None:
    assert Question.parse(name) is Question.BGP_SESSION_STATUS


def test_unknown_question_lists_valid_names() -> None:
    with pytest.raises(EngineError, match="valid questions: fileParseStatus"):
        Question.parse("bgpSessions")


def test_every_question_maps_to_an_engine_method() -> None:
    from netlab.engines.embedded import EmbeddedEngine

    for q in Question:
        assert callable(getattr(EmbeddedEngine, q.method))
        assert hasattr(base.Engine, q.method)
