"""Batfish answers → netlab rows: initialisation, edges and BGP sessions.

Each function takes one table answer in Batfish's wire format (see
:mod:`netlab.engines.batfish.wire`) and returns the row types of
:mod:`netlab.engines.base`, with netlab's hostnames and physical interface
names (:class:`~netlab.engines.batfish.names.NameMap`). Columns are read from
Batfish's answerers (``FileParseStatusAnswerer``, ``ParseWarningAnswerer``,
``InitIssuesAnswerer``, ``EdgesAnswerer``, ``BgpSessionStatusAnswerer``,
``BgpSessionCompatibilityAnswerer``); columns netlab has no field for
(``Session_VRF``) are ignored, netlab-only columns (``Reason``, ``Detail``)
are left empty for the engine to fill. Routes live in
:mod:`~netlab.engines.batfish.translate_routes`, flows and traces in
:mod:`~netlab.engines.batfish.translate_flows`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

from netlab.engines.base import (
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    ConfiguredStatus,
    EstablishedStatus,
    FileFormat,
    FileParseStatusRow,
    Interface,
    IPAddress,
    Layer3EdgeRow,
    ParseStatus,
    ParseWarningRow,
    SessionType,
)
from netlab.engines.batfish.names import NameMap
from netlab.engines.batfish.wire import (
    Table,
    enum_cell,
    int_cell,
    ip_cell,
    node_cell,
    text_cell,
)

__all__ = [
    "InitIssue",
    "bgp_session_compatibility_rows",
    "bgp_session_status_rows",
    "file_parse_status_rows",
    "init_issue_rows",
    "isis_edges",
    "layer3_edge_rows",
    "parse_warning_rows",
]

# Batfish ConfigurationFormat → netlab FileFormat. Batfish reads hierarchical Junos
# text as JUNIPER and set-style as FLAT_JUNIPER; stand-alone FRR is UNSUPPORTED.
_FORMATS = {"JUNIPER": FileFormat.JUNIPER, "FLAT_JUNIPER": FileFormat.JUNIPER,
            "CISCO_IOS_XR": FileFormat.CISCO_IOS_XR, "ARISTA": FileFormat.ARISTA}


@dataclass(frozen=True, slots=True)
class InitIssue:
    """Batfish-only initIssues: a parse or conversion problem Batfish reports."""

    nodes: tuple[str, ...]
    source_lines: tuple[str, ...]
    type: str
    details: str
    line_text: str
    parser_context: str

    @property
    def is_error(self) -> bool:
        """Conversion or parse *errors* (not warnings): Batfish's model lost something."""
        return "error" in self.type.lower()


# -- initialisation --------------------------------------------------------------------------
def file_parse_status_rows(answer: Mapping[str, Any], names: NameMap
                           ) -> tuple[FileParseStatusRow, ...]:
    """fileParseStatus: File_Name, Status, File_Format, Nodes."""
    t = Table.of(answer, "fileParseStatus")
    t.require("File_Name", "Status", "File_Format", "Nodes")
    out = []
    for row in t.rows:
        nodes = row.get("Nodes") or []
        if not isinstance(nodes, list):
            raise t.bad(row, "Nodes", "a list of nodes")
        hosts = []
        for node in nodes:
            name = node.get("name") if isinstance(node, Mapping) else node
            if not isinstance(name, str):
                raise t.bad(row, "Nodes", "a list of nodes")
            hosts.append(names.host(name))
        status = text_cell(t, row, "Status") or "UNKNOWN"
        try:
            parse_status = ParseStatus(status)
        except ValueError:
            parse_status = ParseStatus.UNKNOWN
        fmt = _FORMATS.get(text_cell(t, row, "File_Format") or "", FileFormat.UNKNOWN)
        out.append(FileParseStatusRow(text_cell(t, row, "File_Name") or "", parse_status, fmt,
                                      tuple(sorted(hosts))))
    return tuple(sorted(out, key=lambda r: r.file_name))


def parse_warning_rows(answer: Mapping[str, Any]) -> tuple[ParseWarningRow, ...]:
    """parseWarning (``aggregateDuplicates=False``): Filename, Line, Text, Parser_Context,
    Comment."""
    t = Table.of(answer, "parseWarning")
    t.require("Filename", "Line", "Text")
    out = [ParseWarningRow(text_cell(t, row, "Filename") or "", int_cell(t, row, "Line") or 0,
                           text_cell(t, row, "Text") or "",
                           text_cell(t, row, "Parser_Context") or "",
                           text_cell(t, row, "Comment") or "")
           for row in t.rows]
    return tuple(sorted(out, key=lambda r: (r.filename, r.line, r.text)))


def init_issue_rows(answer: Mapping[str, Any]) -> tuple[InitIssue, ...]:
    """initIssues: Nodes, Source_Lines, Type, Details, Line_Text, Parser_Context."""
    t = Table.of(answer, "initIssues")
    t.require("Type", "Details")
    out = []
    for row in t.rows:
        nodes = row.get("Nodes") or []
        lines = row.get("Source_Lines") or []
        if not isinstance(nodes, list) or not isinstance(lines, list):
            raise t.bad(row, "Nodes", "lists of nodes and source lines")
        files = tuple(f"{fl.get('filename')}:{','.join(map(str, fl.get('lines', [])))}"
                      for fl in lines if isinstance(fl, Mapping))
        out.append(InitIssue(tuple(str(n) for n in nodes), files,
                             text_cell(t, row, "Type") or "", text_cell(t, row, "Details") or "",
                             text_cell(t, row, "Line_Text") or "",
                             text_cell(t, row, "Parser_Context") or ""))
    return tuple(out)


# -- edges -----------------------------------------------------------------------------------
def _interface(t: Table, row: Mapping[str, Any], column: str, names: NameMap
               ) -> Interface | None:
    value = row.get(column)
    if value is None:
        return None
    if not (isinstance(value, Mapping) and isinstance(value.get("hostname"), str)
            and isinstance(value.get("interface"), str)):
        raise t.bad(row, column, "an interface {'hostname', 'interface'}")
    host = names.host(value["hostname"])
    return Interface(host, names.interface(host, value["interface"]))


def _ips(t: Table, row: Mapping[str, Any], column: str) -> tuple[IPAddress, ...]:
    value = row.get(column) or []
    try:
        addrs = {ip_address(v) for v in value}
    except (TypeError, ValueError):
        raise t.bad(row, column, "a list of IP addresses") from None
    return tuple(sorted(addrs, key=lambda a: (a.version, int(a))))


def layer3_edge_rows(answer: Mapping[str, Any], names: NameMap) -> tuple[Layer3EdgeRow, ...]:
    """layer3Edges: Interface, IPs, Remote_Interface, Remote_IPs (one row per direction)."""
    t = Table.of(answer, "layer3Edges")
    t.require("Interface", "IPs", "Remote_Interface", "Remote_IPs")
    out = []
    for row in t.rows:
        local = _interface(t, row, "Interface", names)
        remote = _interface(t, row, "Remote_Interface", names)
        if local is None or remote is None:
            raise t.bad(row, "Interface", "both ends of an edge")
        out.append(Layer3EdgeRow(local, _ips(t, row, "IPs"), remote,
                                 _ips(t, row, "Remote_IPs")))
    return tuple(sorted(set(out), key=lambda r: (r.interface, r.remote_interface)))


def isis_edges(answer: Mapping[str, Any], names: NameMap
               ) -> frozenset[tuple[Interface, Interface]]:
    """edges(edgeType="isis"): the (local, remote) interface pairs of IS-IS adjacencies."""
    t = Table.of(answer, "edges")
    t.require("Interface", "Remote_Interface")
    out = set()
    for row in t.rows:
        local = _interface(t, row, "Interface", names)
        remote = _interface(t, row, "Remote_Interface", names)
        if local is None or remote is None:
            raise t.bad(row, "Interface", "both ends of an edge")
        out.add((local, remote))
    return frozenset(out)


# -- BGP sessions ----------------------------------------------------------------------------
def _remote_as(t: Table, row: Mapping[str, Any]) -> int:
    """Remote_AS is text: one AS (``"65001"``) or a LongSpace (``"65001-65003,65010"``)."""
    value = row.get("Remote_AS")
    text = str(value) if isinstance(value, int | str) else ""
    if not text.isdigit():
        raise t.bad(row, "Remote_AS", "one AS number (netlab configures no AS ranges)")
    return int(text)


def _remote_ip(t: Table, row: Mapping[str, Any]) -> IPAddress:
    """Remote_IP is SelfDescribing: ``{"schema": "Ip", "value": "..."}`` (a Prefix for
    dynamic peers, null for unnumbered ones; netlab configures neither)."""
    value = row.get("Remote_IP")
    if isinstance(value, Mapping) and value.get("schema") == "Ip":
        try:
            return ip_address(value.get("value"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    raise t.bad(row, "Remote_IP", "{'schema': 'Ip', 'value': <address>}")


def _session_fields(t: Table, row: Mapping[str, Any], names: NameMap) -> dict[str, Any]:
    node = names.host(node_cell(t, row, "Node") or "")
    remote = node_cell(t, row, "Remote_Node")
    remote_host = names.host(remote) if remote is not None else None
    local_itf = _interface(t, row, "Local_Interface", names)
    remote_itf = _interface(t, row, "Remote_Interface", names)
    families = row.get("Address_Families") or []
    if not isinstance(families, list):
        raise t.bad(row, "Address_Families", "a list")
    return {
        "node": node, "vrf": text_cell(t, row, "VRF") or "default",
        # Local_AS is null only for NO_LOCAL_AS, which netlab never renders.
        "local_as": int_cell(t, row, "Local_AS") or 0,
        "local_interface": local_itf.interface if local_itf else None,
        "local_ip": ip_cell(t, row, "Local_IP"), "remote_as": _remote_as(t, row),
        "remote_node": remote_host,
        "remote_interface": remote_itf.interface if remote_itf else None,
        "remote_ip": _remote_ip(t, row),
        "address_families": tuple(sorted(str(f) for f in families)),
        "session_type": enum_cell(t, row, "Session_Type", SessionType),
    }


_SESSION_COLUMNS = ("Node", "VRF", "Local_AS", "Local_IP", "Remote_AS", "Remote_Node",
                    "Remote_IP", "Address_Families", "Session_Type")


def _session_key(r: BgpSessionStatusRow | BgpSessionCompatibilityRow) -> tuple[Any, ...]:
    return (r.node, r.vrf, r.remote_ip.version, int(r.remote_ip))


def bgp_session_status_rows(answer: Mapping[str, Any], names: NameMap
                            ) -> tuple[BgpSessionStatusRow, ...]:
    """bgpSessionStatus: one row per configured peering with its Established_Status."""
    t = Table.of(answer, "bgpSessionStatus")
    t.require(*_SESSION_COLUMNS, "Established_Status")
    rows = [BgpSessionStatusRow(**_session_fields(t, row, names), established_status=enum_cell(
        t, row, "Established_Status", EstablishedStatus)) for row in t.rows]
    return tuple(sorted(rows, key=_session_key))


def bgp_session_compatibility_rows(answer: Mapping[str, Any], names: NameMap
                                   ) -> tuple[BgpSessionCompatibilityRow, ...]:
    """bgpSessionCompatibility: one row per configured peering with its Configured_Status."""
    t = Table.of(answer, "bgpSessionCompatibility")
    t.require(*_SESSION_COLUMNS, "Configured_Status")
    rows = [BgpSessionCompatibilityRow(**_session_fields(t, row, names),
                                       configured_status=enum_cell(
                                           t, row, "Configured_Status", ConfiguredStatus))
            for row in t.rows]
    return tuple(sorted(rows, key=_session_key))

