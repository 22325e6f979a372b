"""The question API every analysis engine answers: typed rows, Batfish's columns.

An engine (embedded, batfish, live) implements :class:`Engine`: one ordinary
method per question, taking a :class:`~netlab.snapshot.layout.Snapshot` and
optional filters and returning an :class:`Answer` of frozen rows. Inside
netlab rows are snake_case dataclasses; at the edge (``Answer.frame()``,
``Answer.to_json()``) every column carries **Batfish's name** (``Node``,
``Remote_Node``, ``Established_Status`` ...) so answers of the embedded and the
Batfish engine compare row for row. Each row type declares that mapping in
``COLUMNS`` (field → Batfish column), in Batfish's column order.

Enumerations spell their values exactly as Batfish does (``ESTABLISHED``,
``UNIQUE_MATCH``, ``EBGP_SINGLEHOP``, ``isisL2``, ``NULL_ROUTED`` ...).
Columns Batfish does not have (the ``Reason``/``Detail`` of a session or an
adjacency, the netlab-only questions) are marked netlab-only in docs/engines.md.

Examples
--------
>>> row = Layer3EdgeRow(Interface("a", "eth0-0"), (), Interface("b", "eth0-0"), ())
>>> Answer(Question.LAYER3_EDGES, Layer3EdgeRow, (row,)).columns()
['Interface', 'IPs', 'Remote_Interface', 'Remote_IPs']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import Enum, StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from netlab.errors import EngineError
from netlab.model.device import IsisLevel
from netlab.snapshot.layout import Snapshot

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AdjacencyReason",
    "AdjacencyState",
    "Answer",
    "AsPath",
    "BgpRibRow",
    "BgpRouteStatus",
    "BgpSessionCompatibilityRow",
    "BgpSessionStatusRow",
    "ConfiguredStatus",
    "DifferentialReachabilityRow",
    "Engine",
    "EstablishedStatus",
    "FileFormat",
    "FileParseStatusRow",
    "Flow",
    "FlowDisposition",
    "Hop",
    "IPAddress",
    "IPNetwork",
    "Interface",
    "IsisAdjacencyRow",
    "IsisRouteRow",
    "Layer3EdgeRow",
    "LinkUtilisationRow",
    "NextHop",
    "OriginType",
    "ParseStatus",
    "ParseWarningRow",
    "Question",
    "RouteRow",
    "RoutingProtocol",
    "SessionReason",
    "SessionType",
    "Trace",
    "TracerouteRow",
    "ask",
]

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
Nodes = Collection[str] | None


# -- questions -------------------------------------------------------------------------------
class Question(StrEnum):
    """Every question, by its Batfish-style name; :attr:`method` is the engine method."""

    FILE_PARSE_STATUS = "fileParseStatus"
    PARSE_WARNING = "parseWarning"
    LAYER3_EDGES = "layer3Edges"
    ISIS_ADJACENCIES = "isisAdjacencies"  # netlab-only
    ISIS_ROUTES = "isisRoutes"  # netlab-only (Batfish: routes(protocols="isis"))
    BGP_SESSION_STATUS = "bgpSessionStatus"
    BGP_SESSION_COMPATIBILITY = "bgpSessionCompatibility"
    BGP_RIB = "bgpRib"
    ROUTES = "routes"
    TRACEROUTE = "traceroute"
    REACHABILITY = "reachability"
    DIFFERENTIAL_REACHABILITY = "differentialReachability"
    LINK_UTILISATION = "linkUtilisation"  # netlab-only

    @property
    def method(self) -> str:
        """The snake_case engine method answering this question."""
        return _METHODS[self]

    @classmethod
    def parse(cls, name: str) -> Question:
        """A question from its camelCase or snake_case name (case-insensitive)."""
        key = name.replace("_", "").replace("-", "").lower()
        for q in cls:
            if key in (q.value.lower(), q.method.replace("_", "")):
                return q
        valid = ", ".join(q.value for q in cls)
        raise EngineError(f"unknown question {name!r}; valid questions: {valid}")


_METHODS = {
    Question.FILE_PARSE_STATUS: "file_parse_status",
    Question.PARSE_WARNING: "parse_warnings",
    Question.LAYER3_EDGES: "layer3_edges",
    Question.ISIS_ADJACENCIES: "isis_adjacencies",
    Question.ISIS_ROUTES: "isis_routes",
    Question.BGP_SESSION_STATUS: "bgp_session_status",
    Question.BGP_SESSION_COMPATIBILITY: "bgp_session_compatibility",
    Question.BGP_RIB: "bgp_rib",
    Question.ROUTES: "routes",
    Question.TRACEROUTE: "traceroute",
    Question.REACHABILITY: "reachability",
    Question.DIFFERENTIAL_REACHABILITY: "differential_reachability",
    Question.LINK_UTILISATION: "link_utilisation",
}


# -- enumerations (Batfish spellings) --------------------------------------------------------
class ParseStatus(StrEnum):
    """Batfish ``ParseStatus`` (the values netlab can produce)."""

    PASSED = "PASSED"
    PARTIALLY_UNRECOGNIZED = "PARTIALLY_UNRECOGNIZED"
    FAILED = "FAILED"
    EMPTY = "EMPTY"
    UNKNOWN = "UNKNOWN"


class FileFormat(StrEnum):
    """Batfish ``ConfigurationFormat`` names; ``FRR`` is netlab's (Batfish: UNKNOWN)."""

    JUNIPER = "JUNIPER"
    CISCO_IOS_XR = "CISCO_IOS_XR"
    ARISTA = "ARISTA"
    FRR = "FRR"
    UNKNOWN = "UNKNOWN"


class SessionType(StrEnum):
    """Batfish ``BgpSessionProperties.SessionType``."""

    IBGP = "IBGP"
    EBGP_SINGLEHOP = "EBGP_SINGLEHOP"
    EBGP_MULTIHOP = "EBGP_MULTIHOP"
    EBGP_UNNUMBERED = "EBGP_UNNUMBERED"
    IBGP_UNNUMBERED = "IBGP_UNNUMBERED"
    UNSET = "UNSET"


class EstablishedStatus(StrEnum):
    """Batfish ``BgpSessionStatus``."""

    ESTABLISHED = "ESTABLISHED"
    NOT_ESTABLISHED = "NOT_ESTABLISHED"
    NOT_COMPATIBLE = "NOT_COMPATIBLE"


class ConfiguredStatus(StrEnum):
    """Batfish ``ConfiguredSessionStatus``, in Batfish's order of evaluation."""

    LOCAL_IP_UNKNOWN_STATICALLY = "LOCAL_IP_UNKNOWN_STATICALLY"
    NO_LOCAL_IP = "NO_LOCAL_IP"
    NO_LOCAL_AS = "NO_LOCAL_AS"
    NO_REMOTE_IP = "NO_REMOTE_IP"
    NO_REMOTE_PREFIX = "NO_REMOTE_PREFIX"
    NO_REMOTE_AS = "NO_REMOTE_AS"
    INVALID_LOCAL_IP = "INVALID_LOCAL_IP"
    UNKNOWN_REMOTE = "UNKNOWN_REMOTE"
    HALF_OPEN = "HALF_OPEN"
    MULTIPLE_REMOTES = "MULTIPLE_REMOTES"
    UNIQUE_MATCH = "UNIQUE_MATCH"
    DYNAMIC_MATCH = "DYNAMIC_MATCH"
    NO_MATCH_FOUND = "NO_MATCH_FOUND"


class SessionReason(StrEnum):
    """netlab-only: why a configured BGP session is not established."""

    NODE_DOWN = "node-down"
    PEER_DOWN = "peer-down"
    NEIGHBOR_SHUTDOWN = "neighbor-shutdown"
    INVALID_LOCAL_IP = "invalid-local-ip"
    UNKNOWN_REMOTE = "no-router-owns-neighbor-address"
    NOT_CONFIGURED_ON_REMOTE = "not-configured-on-remote"
    REMOTE_AS_MISMATCH = "remote-as-mismatch"
    UPDATE_SOURCE_MISMATCH = "update-source-mismatch"
    EBGP_NOT_DIRECTLY_CONNECTED = "ebgp-peer-not-directly-connected"
    INTERFACE_DOWN = "interface-down"
    NO_LAYER1_PATH = "no-layer1-path"
    NO_IGP_ROUTE = "no-igp-route-to-peer"
    PASSWORD_MISMATCH = "password-mismatch"
    MAX_PREFIX_EXCEEDED = "max-prefix-exceeded"
    MULTIPLE_REMOTES = "multiple-remotes"


class AdjacencyState(StrEnum):
    """netlab-only: an IS-IS adjacency's three-way state as the local router sees it."""

    UP = "UP"
    INIT = "INIT"
    DOWN = "DOWN"


class AdjacencyReason(StrEnum):
    """netlab-only: why an IS-IS adjacency is not up (named like the fault root causes)."""

    NODE_DOWN = "node-down"
    NO_LAYER1_LINK = "no-layer1-link"
    INTERFACE_ADMIN_DOWN = "interface-admin-down"
    ISIS_NOT_ENABLED = "isis-not-enabled"
    PASSIVE = "isis-passive"
    SUBNET_MISMATCH = "subnet-mismatch"
    NETWORK_TYPE_MISMATCH = "isis-network-type-mismatch"
    LEVEL_MISMATCH = "isis-level-mismatch"
    AREA_MISMATCH = "isis-area-mismatch"
    MTU_MISMATCH = "isis-mtu-mismatch"
    AUTH_MISMATCH = "isis-auth-mismatch"
    DUPLICATE_SYSTEM_ID = "isis-duplicate-system-id"


class BgpRouteStatus(StrEnum):
    """Batfish ``BgpRouteStatus``; ``INACCESSIBLE`` is netlab's (next hop unresolvable)."""

    BEST = "BEST"
    BACKUP = "BACKUP"
    INACCESSIBLE = "INACCESSIBLE"


class OriginType(StrEnum):
    """Batfish ``OriginType`` (lower-case, as Batfish prints it)."""

    IGP = "igp"
    EGP = "egp"
    INCOMPLETE = "incomplete"


class RoutingProtocol(StrEnum):
    """Batfish ``RoutingProtocol`` names of the protocols netlab models."""

    CONNECTED = "connected"
    LOCAL = "local"
    STATIC = "static"
    ISIS_L1 = "isisL1"
    ISIS_L2 = "isisL2"
    BGP = "bgp"
    IBGP = "ibgp"


class FlowDisposition(StrEnum):
    """Batfish ``FlowDisposition``."""

    ACCEPTED = "ACCEPTED"
    DENIED_IN = "DENIED_IN"
    DENIED_OUT = "DENIED_OUT"
    LOOP = "LOOP"
    NEIGHBOR_UNREACHABLE = "NEIGHBOR_UNREACHABLE"
    DELIVERED_TO_SUBNET = "DELIVERED_TO_SUBNET"
    EXITS_NETWORK = "EXITS_NETWORK"
    INSUFFICIENT_INFO = "INSUFFICIENT_INFO"
    NO_ROUTE = "NO_ROUTE"
    NULL_ROUTED = "NULL_ROUTED"

    @property
    def success(self) -> bool:
        """Batfish's ``SUCCESS`` action: accepted, delivered or left the network."""
        return self in _SUCCESS


_SUCCESS = frozenset({FlowDisposition.ACCEPTED, FlowDisposition.DELIVERED_TO_SUBNET,
                      FlowDisposition.EXITS_NETWORK})


# -- values inside cells ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True, order=True)
class Interface:
    """An interface of a node; prints as Batfish does: ``node[interface]``."""

    hostname: str
    interface: str

    def __str__(self) -> str:
        return f"{self.hostname}[{self.interface}]"


@dataclass(frozen=True, slots=True)
class NextHop:
    """A route's next hop: an address, an interface (with the neighbor address), or discard."""

    ip: IPAddress | None = None
    interface: str | None = None
    discard: bool = False

    def __str__(self) -> str:
        if self.discard:
            return "discard"
        parts = []
        if self.interface is not None:
            parts.append(f"interface {self.interface}")
        if self.ip is not None:
            parts.append(f"ip {self.ip}")
        return " ".join(parts) or "none"


@dataclass(frozen=True, slots=True)
class AsPath:
    """A BGP AS path (sequence only); prints as Batfish's ``AS_Path`` string."""

    asns: tuple[int, ...] = ()

    def __str__(self) -> str:
        return " ".join(str(a) for a in self.asns)

    def __len__(self) -> int:
        return len(self.asns)


@dataclass(frozen=True, slots=True)
class Flow:
    """A flow as traceroute and reachability start it (Batfish ``Flow``, the fields netlab uses)."""

    ingress_node: str
    src_ip: IPAddress
    dst_ip: IPAddress
    ingress_vrf: str = "default"

    def __str__(self) -> str:
        return f"start={self.ingress_node} [{self.src_ip}->{self.dst_ip}]"


@dataclass(frozen=True, slots=True)
class Hop:
    """One router on a trace: how the flow entered, which route it matched, where it left."""

    node: str
    ingress_interface: str | None = None
    network: IPNetwork | None = None
    protocol: RoutingProtocol | None = None
    egress_interface: str | None = None
    next_hop_ip: IPAddress | None = None

    def __str__(self) -> str:
        text = self.node
        if self.ingress_interface:
            text = f"{text}[{self.ingress_interface}]"
        if self.network is not None:
            text += f" {self.protocol} {self.network}"
        if self.egress_interface:
            text += f" -> {self.egress_interface}"
        return text


@dataclass(frozen=True, slots=True)
class Trace:
    """One path of a flow through the network and how it ended."""

    disposition: FlowDisposition
    hops: tuple[Hop, ...]

    def __str__(self) -> str:
        return f"{self.disposition}: " + " | ".join(str(h) for h in self.hops)


# -- rows ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FileParseStatusRow:
    """fileParseStatus: one config file and how it parsed."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "file_name": "File_Name", "status": "Status", "file_format": "File_Format",
        "nodes": "Nodes"}
    file_name: str
    status: ParseStatus
    file_format: FileFormat
    nodes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParseWarningRow:
    """parseWarning: a config line the parser kept but did not understand."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "filename": "Filename", "line": "Line", "text": "Text",
        "parser_context": "Parser_Context", "comment": "Comment"}
    filename: str
    line: int
    text: str
    parser_context: str
    comment: str


@dataclass(frozen=True, slots=True)
class Layer3EdgeRow:
    """layer3Edges: one direction of a layer-3 adjacency (both ends up, one subnet)."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "interface": "Interface", "ips": "IPs", "remote_interface": "Remote_Interface",
        "remote_ips": "Remote_IPs"}
    interface: Interface
    ips: tuple[IPAddress, ...]
    remote_interface: Interface
    remote_ips: tuple[IPAddress, ...]


@dataclass(frozen=True, slots=True)
class IsisAdjacencyRow:
    """netlab-only isisAdjacencies: an IS-IS circuit's adjacency as one end sees it.

    ``remote_node``/``remote_interface`` are None when no link leads anywhere;
    ``level`` is the adjacency's level when UP; ``reason`` and ``detail`` say why not.
    """

    COLUMNS: ClassVar[dict[str, str]] = {
        "node": "Node", "interface": "Interface", "remote_node": "Remote_Node",
        "remote_interface": "Remote_Interface", "level": "Level", "state": "State",
        "reason": "Reason", "detail": "Detail"}
    node: str
    interface: str
    remote_node: str | None
    remote_interface: str | None
    level: IsisLevel | None
    state: AdjacencyState
    reason: AdjacencyReason | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class IsisRouteRow:
    """netlab-only isisRoutes: a node's IS-IS route to a prefix with its ECMP next hops."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "node": "Node", "network": "Network", "protocol": "Protocol",
        "next_hops": "Next_Hops", "metric": "Metric"}
    node: str
    network: IPNetwork
    protocol: RoutingProtocol
    next_hops: tuple[NextHop, ...]
    metric: int


@dataclass(frozen=True, slots=True)
class BgpSessionCompatibilityRow:
    """bgpSessionCompatibility: is one configured peering matched by its remote's config?"""

    COLUMNS: ClassVar[dict[str, str]] = {
        "node": "Node", "vrf": "VRF", "local_as": "Local_AS", "local_interface":
        "Local_Interface", "local_ip": "Local_IP", "remote_as": "Remote_AS",
        "remote_node": "Remote_Node", "remote_interface": "Remote_Interface",
        "remote_ip": "Remote_IP", "address_families": "Address_Families",
        "session_type": "Session_Type", "configured_status": "Configured_Status",
        "reason": "Reason", "detail": "Detail"}
    node: str
    vrf: str
    local_as: int
    local_interface: str | None
    local_ip: IPAddress | None
    remote_as: int
    remote_node: str | None
    remote_interface: str | None
    remote_ip: IPAddress
    address_families: tuple[str, ...]
    session_type: SessionType
    configured_status: ConfiguredStatus
    reason: SessionReason | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class BgpSessionStatusRow:
    """bgpSessionStatus: does one configured peering come up?"""

    COLUMNS: ClassVar[dict[str, str]] = {
        "node": "Node", "vrf": "VRF", "local_as": "Local_AS", "local_interface":
        "Local_Interface", "local_ip": "Local_IP", "remote_as": "Remote_AS",
        "remote_node": "Remote_Node", "remote_interface": "Remote_Interface",
        "remote_ip": "Remote_IP", "address_families": "Address_Families",
        "session_type": "Session_Type", "established_status": "Established_Status",
        "reason": "Reason", "detail": "Detail"}
    node: str
    vrf: str
    local_as: int
    local_interface: str | None
    local_ip: IPAddress | None
    remote_as: int
    remote_node: str | None
    remote_interface: str | None
    remote_ip: IPAddress
    address_families: tuple[str, ...]
    session_type: SessionType
    established_status: EstablishedStatus
    reason: SessionReason | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class BgpRibRow:
    """bgpRib: one path in a node's BGP RIB (best, ECMP-equal best, or backup)."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "node": "Node", "vrf": "VRF", "network": "Network", "status": "Status",
        "next_hop": "Next_Hop", "next_hop_ip": "Next_Hop_IP", "protocol": "Protocol",
        "as_path": "AS_Path", "metric": "Metric", "local_pref": "Local_Pref",
        "origin_protocol": "Origin_Protocol", "origin_type": "Origin_Type",
        "originator_id": "Originator_Id", "received_from_ip": "Received_From_IP",
        "cluster_list": "Cluster_List", "tag": "Tag"}
    node: str
    vrf: str
    network: IPNetwork
    status: BgpRouteStatus
    next_hop: NextHop
    next_hop_ip: IPAddress | None
    protocol: RoutingProtocol
    as_path: AsPath
    metric: int
    local_pref: int
    origin_protocol: RoutingProtocol | None
    origin_type: OriginType
    originator_id: IPv4Address | None
    received_from_ip: IPAddress | None
    cluster_list: tuple[IPv4Address, ...]
    tag: int | None = None


@dataclass(frozen=True, slots=True)
class RouteRow:
    """routes: one (route, next hop) of a node's main RIB, as Batfish lists ECMP routes."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "node": "Node", "vrf": "VRF", "network": "Network", "next_hop": "Next_Hop",
        "next_hop_ip": "Next_Hop_IP", "next_hop_interface": "Next_Hop_Interface",
        "protocol": "Protocol", "metric": "Metric", "admin_distance": "Admin_Distance",
        "tag": "Tag"}
    node: str
    vrf: str
    network: IPNetwork
    next_hop: NextHop
    next_hop_ip: IPAddress | None
    next_hop_interface: str | None
    protocol: RoutingProtocol
    metric: int
    admin_distance: int
    tag: int | None = None


@dataclass(frozen=True, slots=True)
class TracerouteRow:
    """traceroute / reachability: a flow, its traces (capped) and how many traces exist."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "flow": "Flow", "traces": "Traces", "trace_count": "TraceCount"}
    flow: Flow
    traces: tuple[Trace, ...]
    trace_count: int

    @property
    def dispositions(self) -> frozenset[FlowDisposition]:
        return frozenset(t.disposition for t in self.traces)


@dataclass(frozen=True, slots=True)
class DifferentialReachabilityRow:
    """differentialReachability: a flow whose dispositions differ between two snapshots."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "flow": "Flow", "snapshot_traces": "Snapshot_Traces",
        "snapshot_trace_count": "Snapshot_TraceCount", "reference_traces": "Reference_Traces",
        "reference_trace_count": "Reference_TraceCount"}
    flow: Flow
    snapshot_traces: tuple[Trace, ...]
    snapshot_trace_count: int
    reference_traces: tuple[Trace, ...]
    reference_trace_count: int


@dataclass(frozen=True, slots=True)
class LinkUtilisationRow:
    """netlab-only linkUtilisation: one direction of a link under the demand matrix."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "link": "Link", "node": "Node", "interface": "Interface", "remote_node":
        "Remote_Node", "remote_interface": "Remote_Interface", "capacity_gbps":
        "Capacity_Gbps", "load_gbps": "Load_Gbps", "utilisation_pct": "Utilisation_Pct",
        "dropped_gbps": "Dropped_Gbps"}
    link: str
    node: str
    interface: str
    remote_node: str
    remote_interface: str
    capacity_gbps: float
    load_gbps: float
    utilisation_pct: float
    dropped_gbps: float


# -- answers ---------------------------------------------------------------------------------
class Row(Protocol):
    COLUMNS: ClassVar[dict[str, str]]


RowT = TypeVar("RowT", bound=Row)


def _cell(value: Any) -> Any:
    """A value as a frame cell: text for addresses and enums, objects for structured values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (IPv4Address, IPv6Address, IPv4Network, IPv6Network, AsPath)):
        return str(value)
    if isinstance(value, tuple):
        return [_cell(v) for v in value]
    return value


def _json(value: Any) -> Any:
    """A value as JSON: structured values become objects with snake_case keys."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (IPv4Address, IPv6Address, IPv4Network, IPv6Network, AsPath)):
        return str(value)
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


@dataclass(frozen=True, slots=True)
class Answer(Generic[RowT]):
    """The rows answering one question, with Batfish's column names at the edge."""

    question: Question
    row_type: type[RowT]
    rows: tuple[RowT, ...]
    engine: str = ""

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[RowT]:
        return iter(self.rows)

    def columns(self) -> list[str]:
        """Batfish's column names, in order."""
        return list(self.row_type.COLUMNS.values())

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by Batfish column, cells as in :meth:`frame`."""
        cols = self.row_type.COLUMNS
        return [{col: _cell(getattr(r, f)) for f, col in cols.items()} for r in self.rows]

    def frame(self) -> pd.DataFrame:
        """A pandas DataFrame with Batfish's column names (like pybatfish's ``.frame()``)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records(), columns=self.columns())

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: question, engine, columns and rows keyed by Batfish column."""
        cols = self.row_type.COLUMNS
        return {
            "question": self.question.value,
            "engine": self.engine,
            "columns": self.columns(),
            "rows": [{col: _json(getattr(r, f)) for f, col in cols.items()} for r in self.rows],
        }


# -- the engine protocol ---------------------------------------------------------------------
class Engine(Protocol):
    """What every engine answers. Filters are optional; None means everything.

    ``nodes``/``remote_nodes`` filter on hostnames; ``prefix`` is an exact network
    (``"198.18.0.1/32"``) or an address (the longest match per node).
    """

    name: str

    def file_parse_status(self, snapshot: Snapshot) -> Answer[FileParseStatusRow]: ...

    def parse_warnings(self, snapshot: Snapshot) -> Answer[ParseWarningRow]: ...

    def layer3_edges(self, snapshot: Snapshot, *, nodes: Nodes = None,
                     remote_nodes: Nodes = None) -> Answer[Layer3EdgeRow]: ...

    def isis_adjacencies(self, snapshot: Snapshot, *, nodes: Nodes = None
                         ) -> Answer[IsisAdjacencyRow]: ...

    def isis_routes(self, snapshot: Snapshot, *, nodes: Nodes = None,
                    prefix: str | IPNetwork | IPAddress | None = None
                    ) -> Answer[IsisRouteRow]: ...

    def bgp_session_compatibility(self, snapshot: Snapshot, *, nodes: Nodes = None,
                                  remote_nodes: Nodes = None
                                  ) -> Answer[BgpSessionCompatibilityRow]: ...

    def bgp_session_status(self, snapshot: Snapshot, *, nodes: Nodes = None,
                           remote_nodes: Nodes = None) -> Answer[BgpSessionStatusRow]: ...

    def bgp_rib(self, snapshot: Snapshot, *, nodes: Nodes = None,
                prefix: str | IPNetwork | IPAddress | None = None) -> Answer[BgpRibRow]: ...

    def routes(self, snapshot: Snapshot, *, nodes: Nodes = None,
               prefix: str | IPNetwork | IPAddress | None = None,
               protocols: Collection[RoutingProtocol] | None = None) -> Answer[RouteRow]: ...

    def traceroute(self, snapshot: Snapshot, src: str, dst: str | IPAddress
                   ) -> Answer[TracerouteRow]: ...

    def reachability(self, snapshot: Snapshot, *, sources: Nodes = None,
                     destinations: Collection[str | IPAddress | IPNetwork] | None = None,
                     dispositions: Collection[FlowDisposition] | None = None
                     ) -> Answer[TracerouteRow]: ...

    def differential_reachability(
        self, snapshot: Snapshot, reference: Snapshot, *, sources: Nodes = None,
        destinations: Collection[str | IPAddress | IPNetwork] | None = None,
    ) -> Answer[DifferentialReachabilityRow]: ...

    def link_utilisation(self, snapshot: Snapshot, *, nodes: Nodes = None
                         ) -> Answer[LinkUtilisationRow]: ...


def ask(engine: Engine, question: Question | str, snapshot: Snapshot, **params: Any
        ) -> Answer[Any]:
    """Answer ``question`` (a :class:`Question` or its name) with ``engine``'s method."""
    q = question if isinstance(question, Question) else Question.parse(question)
    method = getattr(engine, q.method, None)
    if method is None:
        raise EngineError(f"engine {engine.name} cannot answer {q.value}")
    answer: Answer[Any] = method(snapshot, **params)
    return answer
