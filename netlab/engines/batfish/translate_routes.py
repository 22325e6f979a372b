"""Batfish ``routes`` and ``bgpRib`` answers → netlab's route rows.

Batfish's ``RoutesAnswerer`` has changed its next-hop columns twice, and the
translation detects which set an answer carries by the columns present:

=============  =====================================================================
releases       next-hop columns
=============  =====================================================================
before 2022    ``Next_Hop_IP`` (Ip) and ``Next_Hop_Interface`` (String, ``dynamic``
               when unset; ``null_interface`` for a discard route)
2022 to 2026   the structured ``Next_Hop`` (``NextHop``) *and* the two legacy columns
2026 on        ``Next_Hop`` only (#9944 dropped the legacy columns)
=============  =====================================================================

netlab's :class:`~netlab.engines.base.RouteRow` keeps all three fields: when
the legacy columns are present they are used as Batfish filled them; when not,
they are derived from ``Next_Hop`` exactly as Batfish used to
(``LegacyNextHops``): the next hop's IP, and its interface.

IS-IS routes (netlab's ``isisRoutes``) are Batfish's ``routes`` rows of
protocols ``isisL1``/``isisL2``, grouped per (node, network) with their ECMP
next hops.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from ipaddress import IPv4Address
from typing import Any

from netlab.engines.base import (
    AsPath,
    BgpRibRow,
    BgpRouteStatus,
    IPAddress,
    IPNetwork,
    IsisRouteRow,
    NextHop,
    OriginType,
    RouteRow,
    RoutingProtocol,
)
from netlab.engines.batfish.names import NameMap
from netlab.engines.batfish.wire import (
    Table,
    int_cell,
    ip_cell,
    node_cell,
    parse_ip,
    prefix_cell,
    text_cell,
)
from netlab.errors import EngineError

__all__ = ["bgp_rib_rows", "isis_route_rows", "next_hop", "route_rows"]

UNSET_INTERFACE = "dynamic"  # Batfish Route.UNSET_NEXT_HOP_INTERFACE
NULL_INTERFACE = "null_interface"  # Batfish Interface.NULL_INTERFACE_NAME (discard)
_ISIS = (RoutingProtocol.ISIS_L1, RoutingProtocol.ISIS_L2)


def next_hop(value: Any, host: str, names: NameMap) -> NextHop:
    """A ``NextHop`` cell: ``{"type": "ip", "ip"}``, ``{"type": "interface", "interface",
    "ip"?}`` or ``{"type": "discard"}`` (``vrf``/``vtep`` next hops are not netlab's)."""
    if not isinstance(value, Mapping):
        raise EngineError(f"batfish: expected a next hop object, got {value!r}")
    kind = value.get("type")
    try:
        ip = parse_ip(value.get("ip"))
    except ValueError:
        raise EngineError(f"batfish: bad next-hop IP in {value!r}") from None
    if kind == "discard":
        return NextHop(discard=True)
    if kind == "ip" and ip is not None:
        return NextHop(ip=ip)
    if kind == "interface" and isinstance(value.get("interface"), str):
        return NextHop(ip=ip, interface=names.interface(host, value["interface"]))
    raise EngineError(f"batfish: next hop {value!r} is not one netlab models "
                      "(ip, interface or discard)")


def _protocol(t: Table, row: Mapping[str, Any], column: str) -> RoutingProtocol:
    value = row.get(column)
    try:
        return RoutingProtocol(str(value))
    except ValueError:
        raise EngineError(f"batfish {t.question}: route protocol {value!r} is not one netlab "
                          f"models ({', '.join(p.value for p in RoutingProtocol)})") from None


def _next_hops(t: Table, row: Mapping[str, Any], host: str, names: NameMap
               ) -> tuple[NextHop, IPAddress | None, str | None]:
    """(next hop, next-hop IP, next-hop interface) from whichever column set is present."""
    structured = (next_hop(row.get("Next_Hop"), host, names)
                  if t.columns.get("Next_Hop") == "NextHop" else None)
    legacy = t.has("Next_Hop_IP") or t.has("Next_Hop_Interface")
    if structured is None and not legacy:
        raise EngineError(f"batfish {t.question}: the answer has neither a Next_Hop nor "
                          f"Next_Hop_IP/Next_Hop_Interface columns (columns: "
                          f"{', '.join(t.columns)})")
    if not legacy:
        assert structured is not None
        return structured, structured.ip, structured.interface
    ip = ip_cell(t, row, "Next_Hop_IP") if t.has("Next_Hop_IP") else None
    itf_text = text_cell(t, row, "Next_Hop_Interface") if t.has("Next_Hop_Interface") else None
    itf = (names.interface(host, itf_text)
           if itf_text not in (None, UNSET_INTERFACE, NULL_INTERFACE) else None)
    if structured is None:
        structured = NextHop(discard=True) if itf_text == NULL_INTERFACE else NextHop(ip, itf)
    return structured, ip, itf


def _hop_key(h: NextHop) -> tuple[int, int, str]:
    return (int(h.ip) if h.ip is not None else -1, int(h.discard), h.interface or "")


def route_rows(answer: Mapping[str, Any], names: NameMap) -> tuple[RouteRow, ...]:
    """routes (main RIB): one row per (route, next hop), as Batfish lists ECMP routes."""
    t = Table.of(answer, "routes")
    t.require("Node", "VRF", "Network", "Protocol", "Metric", "Admin_Distance")
    out = []
    for row in t.rows:
        host = names.host(node_cell(t, row, "Node") or "")
        hop, ip, itf = _next_hops(t, row, host, names)
        out.append(RouteRow(host, text_cell(t, row, "VRF") or "default",
                            prefix_cell(t, row, "Network"), hop, ip, itf,
                            _protocol(t, row, "Protocol"), int_cell(t, row, "Metric") or 0,
                            int_cell(t, row, "Admin_Distance") or 0,
                            int_cell(t, row, "Tag")))
    return tuple(sorted(out, key=lambda r: (r.node, r.vrf, r.network.version, r.network,
                                            _hop_key(r.next_hop))))


def isis_route_rows(routes: tuple[RouteRow, ...]) -> tuple[IsisRouteRow, ...]:
    """The IS-IS routes among ``routes``, one row per (node, network) with its ECMP hops."""
    groups: dict[tuple[str, IPNetwork, RoutingProtocol], list[RouteRow]] = defaultdict(list)
    for r in routes:
        if r.protocol in _ISIS:
            groups[(r.node, r.network, r.protocol)].append(r)
    out = [IsisRouteRow(node, net, proto, tuple(sorted({r.next_hop for r in rows},
                                                       key=_hop_key)), rows[0].metric)
           for (node, net, proto), rows in groups.items()]
    return tuple(sorted(out, key=lambda r: (r.node, r.network.version, r.network)))


def _as_path(t: Table, row: Mapping[str, Any]) -> AsPath:
    """AS_Path text: ASNs separated by spaces; an AS set (``{1,2}``) is not netlab's."""
    text = text_cell(t, row, "AS_Path") or ""
    parts = text.split()
    if not all(p.isdigit() for p in parts):
        raise t.bad(row, "AS_Path", "a sequence of AS numbers (netlab has no AS sets)")
    return AsPath(tuple(int(p) for p in parts))


def _status(t: Table, row: Mapping[str, Any]) -> BgpRouteStatus:
    value = row.get("Status")
    statuses = value if isinstance(value, list) else [value]
    for s in statuses:
        if s in (BgpRouteStatus.BEST.value, BgpRouteStatus.BACKUP.value):
            return BgpRouteStatus(s)
    raise t.bad(row, "Status", "[BEST] or [BACKUP]")


def _origin_protocol(row: Mapping[str, Any]) -> RoutingProtocol | None:
    """Origin_Protocol: the protocol a locally originated route came from (free text)."""
    value = row.get("Origin_Protocol")
    try:
        return RoutingProtocol(value) if value is not None else None
    except ValueError:
        return None


def _cluster_list(t: Table, row: Mapping[str, Any]) -> tuple[IPv4Address, ...]:
    """Cluster_List is Set<Long> (cluster ids as 32-bit numbers) or null."""
    value = row.get("Cluster_List") or []
    try:
        return tuple(IPv4Address(int(v)) for v in value)
    except (TypeError, ValueError):
        raise t.bad(row, "Cluster_List", "a list of 32-bit cluster ids") from None


def bgp_rib_rows(answer: Mapping[str, Any], names: NameMap) -> tuple[BgpRibRow, ...]:
    """bgpRib: one row per path (best, ECMP-best or backup)."""
    t = Table.of(answer, "bgpRib")
    t.require("Node", "VRF", "Network", "Status", "Protocol", "AS_Path", "Metric",
              "Local_Pref", "Origin_Type")
    out = []
    for row in t.rows:
        host = names.host(node_cell(t, row, "Node") or "")
        hop, ip, _ = _next_hops(t, row, host, names)
        origin = (text_cell(t, row, "Origin_Type") or "").lower()
        try:
            origin_type = OriginType(origin)
        except ValueError:
            raise t.bad(row, "Origin_Type", "igp, egp or incomplete") from None
        originator = ip_cell(t, row, "Originator_Id")
        out.append(BgpRibRow(
            node=host, vrf=text_cell(t, row, "VRF") or "default",
            network=prefix_cell(t, row, "Network"), status=_status(t, row), next_hop=hop,
            next_hop_ip=ip, protocol=_protocol(t, row, "Protocol"), as_path=_as_path(t, row),
            metric=int_cell(t, row, "Metric") or 0, local_pref=int_cell(t, row, "Local_Pref") or 0,
            origin_protocol=_origin_protocol(row), origin_type=origin_type,
            originator_id=originator if isinstance(originator, IPv4Address) else None,
            received_from_ip=ip_cell(t, row, "Received_From_IP"),
            cluster_list=_cluster_list(t, row), tag=int_cell(t, row, "Tag")))
    return tuple(sorted(out, key=lambda r: (r.node, r.vrf, r.network.version, r.network,
                                            r.status != BgpRouteStatus.BEST,
                                            _hop_key(r.next_hop))))
