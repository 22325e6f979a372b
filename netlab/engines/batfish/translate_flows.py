"""Batfish flows and traces → netlab's traceroute, reachability and differential rows.

A ``Trace`` cell is ``{"disposition": "ACCEPTED", "hops": [{"node": {"name": ...},
"steps": [{"type": ..., "action": ..., "detail": {...}}, ...]}, ...]}`` (Batfish
``org.batfish.datamodel.flow``). netlab's :class:`~netlab.engines.base.Hop`
keeps what each hop's steps say about forwarding:

==========================  ==========================================================
step ``type``               read into the hop
==========================  ==========================================================
``EnterInputInterface``     ``ingress_interface`` ← ``detail.inputInterface.interface``
``Routing``                 ``network``/``protocol`` ← ``detail.routes[0]``; egress and
                            next hop ← ``detail.forwardingDetail`` (``ForwardedOutInterface``:
                            ``outputInterface``, ``resolvedNextHopIp``), or the legacy
                            ``outputInterface``/``arpIp`` of older releases
``ExitOutputInterface``     ``egress_interface`` ← ``detail.outputInterface.interface``
``Delivered``/``ArpError``  ``egress_interface``, ``next_hop_ip`` (``resolvedNexthopIp``)
others                      (filters, sessions, NAT: nothing netlab models)
==========================  ==========================================================

Interfaces are mapped to physical names (Junos units), hostnames to netlab's.
A next hop equal to the flow's destination is dropped (``next_hop_ip=None``
means "the destination itself", as in the embedded engine): Batfish reports
the destination as the resolved next hop of a delivered flow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from ipaddress import ip_address, ip_network
from typing import Any

from netlab.engines.base import (
    DifferentialReachabilityRow,
    Flow,
    FlowDisposition,
    Hop,
    IPAddress,
    IPNetwork,
    RoutingProtocol,
    Trace,
    TracerouteRow,
)
from netlab.engines.batfish.names import NameMap
from netlab.engines.batfish.wire import Table, int_cell, parse_ip
from netlab.errors import EngineError

__all__ = ["differential_rows", "flow", "trace", "traceroute_rows"]


def flow(value: Any, names: NameMap) -> Flow:
    """A ``Flow`` cell (``ingressNode``, ``ingressVrf``, ``srcIp``, ``dstIp``, ...)."""
    if not isinstance(value, Mapping):
        raise EngineError(f"batfish: expected a flow object, got {value!r}")
    try:
        src, dst = ip_address(value["srcIp"]), ip_address(value["dstIp"])
        node = str(value["ingressNode"])
    except (KeyError, TypeError, ValueError):
        raise EngineError(f"batfish: flow {value!r} lacks ingressNode, srcIp or dstIp"
                          ) from None
    return Flow(names.host(node), src, dst, str(value.get("ingressVrf") or "default"))


def _itf(detail: Mapping[str, Any], key: str) -> str | None:
    """``detail[key]`` as an interface: ``{"hostname", "interface"}`` or plain text."""
    value = detail.get(key)
    if isinstance(value, Mapping):
        name = value.get("interface")
        return name if isinstance(name, str) else None
    return value if isinstance(value, str) else None


def _ip(value: Any) -> IPAddress | None:
    try:
        return parse_ip(value)
    except ValueError:
        raise EngineError(f"batfish: bad IP address {value!r} in a trace") from None


def _route(routes: Any) -> tuple[IPNetwork | None, RoutingProtocol | None]:
    if not isinstance(routes, list) or not routes or not isinstance(routes[0], Mapping):
        return None, None
    first = routes[0]
    try:
        network = ip_network(first.get("network"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise EngineError(f"batfish: bad route {first!r} in a trace") from None
    try:
        protocol = RoutingProtocol(str(first.get("protocol")))
    except ValueError:
        raise EngineError(f"batfish: route protocol {first.get('protocol')!r} in a trace is "
                          "not one netlab models") from None
    return network, protocol


def _hop(value: Any, names: NameMap) -> Hop:
    if not isinstance(value, Mapping) or not isinstance(value.get("node"), Mapping):
        raise EngineError(f"batfish: expected a hop with a node, got {value!r}")
    node = names.host(str(value["node"].get("name")))
    fields: dict[str, Any] = {}
    for step in value.get("steps") or []:
        if not isinstance(step, Mapping):
            continue
        kind, detail = step.get("type"), step.get("detail") or {}
        if not isinstance(detail, Mapping):
            continue
        if kind == "EnterInputInterface":
            fields["ingress_interface"] = _itf(detail, "inputInterface")
        elif kind == "Routing":
            fields["network"], fields["protocol"] = _route(detail.get("routes"))
            fwd = detail.get("forwardingDetail")
            if isinstance(fwd, Mapping) and fwd.get("type") == "ForwardedOutInterface":
                fields["egress_interface"] = _itf(fwd, "outputInterface")
                fields["next_hop_ip"] = _ip(fwd.get("resolvedNextHopIp"))
            elif fwd is None:  # releases before forwardingDetail
                fields["egress_interface"] = _itf(detail, "outputInterface")
                fields["next_hop_ip"] = _ip(detail.get("arpIp"))
        elif kind == "ExitOutputInterface":
            fields["egress_interface"] = _itf(detail, "outputInterface")
        elif kind in ("Delivered", "ArpError"):
            fields["egress_interface"] = _itf(detail, "outputInterface")
            fields["next_hop_ip"] = _ip(detail.get("resolvedNexthopIp")) or fields.get(
                "next_hop_ip")
    for key in ("ingress_interface", "egress_interface"):
        if fields.get(key) is not None:
            fields[key] = names.interface(node, fields[key])
    return Hop(node, **fields)


def trace(value: Any, names: NameMap) -> Trace:
    """A ``Trace`` cell: its disposition and hops."""
    if not isinstance(value, Mapping):
        raise EngineError(f"batfish: expected a trace object, got {value!r}")
    try:
        disposition = FlowDisposition(str(value.get("disposition")))
    except ValueError:
        raise EngineError(f"batfish: unknown flow disposition {value.get('disposition')!r}"
                          ) from None
    hops = value.get("hops") or []
    if not isinstance(hops, list):
        raise EngineError(f"batfish: a trace's hops must be a list, got {hops!r}")
    return Trace(disposition, tuple(_hop(h, names) for h in hops))


def _traces(t: Table, row: Mapping[str, Any], column: str, names: NameMap
            ) -> tuple[Trace, ...]:
    value = row.get(column) or []
    if not isinstance(value, list):
        raise t.bad(row, column, "a list of traces")
    return tuple(trace(v, names) for v in value)


def _relative(traces: tuple[Trace, ...], f: Flow) -> tuple[Trace, ...]:
    """Traces with next hops equal to the flow's destination dropped (None = the destination)."""
    return tuple(Trace(t.disposition, tuple(
        dataclasses.replace(h, next_hop_ip=None) if h.next_hop_ip == f.dst_ip else h
        for h in t.hops)) for t in traces)


def _flow_key(f: Flow) -> tuple[Any, ...]:
    return (f.ingress_node, f.dst_ip.version, int(f.dst_ip), int(f.src_ip))


def traceroute_rows(answer: Mapping[str, Any], names: NameMap, question: str = "traceroute"
                    ) -> tuple[TracerouteRow, ...]:
    """traceroute / reachability: Flow, Traces, TraceCount."""
    t = Table.of(answer, question)
    t.require("Flow", "Traces", "TraceCount")
    rows = []
    for row in t.rows:
        f = flow(row.get("Flow"), names)
        traces = _relative(_traces(t, row, "Traces", names), f)
        count = int_cell(t, row, "TraceCount")
        rows.append(TracerouteRow(f, traces, count if count is not None else len(traces)))
    return tuple(sorted(rows, key=lambda r: _flow_key(r.flow)))


def differential_rows(answer: Mapping[str, Any], names: NameMap
                      ) -> tuple[DifferentialReachabilityRow, ...]:
    """differentialReachability: Flow, Snapshot_Traces/_TraceCount, Reference_Traces/_TraceCount
    (Batfish's ``TableDiff`` prefixes)."""
    t = Table.of(answer, "differentialReachability")
    t.require("Flow", "Snapshot_Traces", "Snapshot_TraceCount", "Reference_Traces",
              "Reference_TraceCount")
    rows = []
    for row in t.rows:
        f = flow(row.get("Flow"), names)
        snap = _relative(_traces(t, row, "Snapshot_Traces", names), f)
        ref = _relative(_traces(t, row, "Reference_Traces", names), f)
        snap_n = int_cell(t, row, "Snapshot_TraceCount")
        ref_n = int_cell(t, row, "Reference_TraceCount")
        rows.append(DifferentialReachabilityRow(
            f, snap, snap_n if snap_n is not None else len(snap),
            ref, ref_n if ref_n is not None else len(ref)))
    return tuple(sorted(rows, key=lambda r: _flow_key(r.flow)))
