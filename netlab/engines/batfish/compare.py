"""Compare a Batfish answer with the embedded engine's, row for row, where they should agree.

:func:`disagreements` lists the rows one engine has and the other has not,
after removing what is known to differ:

* the differences the capability findings name (``Difference``: whole
  questions, fields, or IPv6 rows — :mod:`~netlab.engines.batfish.capability`,
  :mod:`~netlab.engines.batfish.caveats`);
* and what the engines report differently by design, whatever the network:

  - ``reason``/``detail`` (netlab-only; the Batfish engine copies them from
    the embedded engine anyway);
  - columns Batfish leaves empty for a session that is not matched or not
    established (``remote_node``, ``address_families``, ``local_ip``);
  - bgpRib: netlab's ``INACCESSIBLE`` paths, and ``originator_id`` (Batfish
    fills it on every path, netlab only on reflected ones);
  - flows: the source address of a reachability flow is Batfish's pick, and
    traces compare by disposition and router path (ECMP order and the
    per-hop detail are each engine's own);
  - differentialReachability: Batfish lists flows whose *success* differs,
    netlab also flows whose kind of failure changed;
  - fileParseStatus compares files and the nodes they define (each parser
    recognises different lines); parseWarning is not compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from ipaddress import ip_address, ip_network
from typing import Any

from netlab.engines.base import Answer, FlowDisposition, Question
from netlab.engines.batfish.capability import Difference

__all__ = ["comparable", "disagreements"]

_NEVER = frozenset({Question.PARSE_WARNING, Question.LINK_UTILISATION})
_SESSIONS = (Question.BGP_SESSION_STATUS, Question.BGP_SESSION_COMPATIBILITY)
_FLOWS = (Question.TRACEROUTE, Question.REACHABILITY)
_UNMATCHED_EMPTY = ("remote_node", "address_families", "local_ip")


def _is_v6(value: Any) -> bool:
    if not isinstance(value, str) or ":" not in value:
        return False
    try:
        return (ip_network(value, strict=False) if "/" in value else ip_address(value)).version == 6
    except ValueError:
        return False


def _row_v6(row: dict[str, Any]) -> bool:
    keys = ("remote_ip", "network", "dst_ip")
    flow = row.get("flow")
    return any(_is_v6(row.get(k)) for k in keys) or (
        isinstance(flow, dict) and _is_v6(flow.get("dst_ip")))


def _strip_v6(value: Any) -> Any:
    if isinstance(value, list):
        return [v for v in value if not _is_v6(v)]
    return value


def _traces(traces: list[dict[str, Any]]) -> list[Any]:
    return sorted({(t["disposition"], tuple(h["node"] for h in t["hops"])) for t in traces})


def _flow_row(row: dict[str, Any], keep_src: bool) -> dict[str, Any]:
    flow = dict(row["flow"])
    if not keep_src:
        flow.pop("src_ip", None)
    out: dict[str, Any] = {"flow": flow}
    for key in ("traces", "snapshot_traces", "reference_traces"):
        if key in row:
            out[key] = _traces(row[key])
    return out


def _success(traces: list[dict[str, Any]]) -> bool:
    return all(FlowDisposition(t["disposition"]).success for t in traces)


def comparable(question: Question, answer: Answer[Any], differences: Sequence[Difference]
               ) -> list[dict[str, Any]] | None:
    """``answer``'s rows with what is known to differ removed (None: not comparable at all)."""
    from netlab.scenario.match import plain

    mine = [d for d in differences if d.question is question]
    if question in _NEVER or any(not d.fields and not d.ipv6_only for d in mine):
        return None
    drop = {f for d in mine for f in d.fields} | {"reason", "detail"}
    v6 = any(d.ipv6_only for d in mine)
    rows = []
    for row in answer.rows:
        data: dict[str, Any] = plain(row)
        if v6 and _row_v6(data):
            continue
        if question is Question.BGP_RIB:
            if data["status"] == "INACCESSIBLE":
                continue
            data.pop("originator_id")
        if question in _SESSIONS and data.get("established_status", data.get(
                "configured_status")) not in ("ESTABLISHED", "UNIQUE_MATCH"):
            for key in _UNMATCHED_EMPTY:
                data.pop(key, None)
        if question is Question.FILE_PARSE_STATUS:
            data = {"file_name": data["file_name"], "nodes": data["nodes"]}
        if question in _FLOWS:
            data = _flow_row(data, keep_src=question is Question.TRACEROUTE)
        if question is Question.DIFFERENTIAL_REACHABILITY:
            if _success(data["snapshot_traces"]) == _success(data["reference_traces"]):
                continue
            data = _flow_row(data, keep_src=False)
        if v6:
            data = {k: _strip_v6(v) for k, v in data.items()}
        rows.append({k: v for k, v in data.items() if k not in drop})
    return rows


def _key(row: dict[str, Any]) -> str:
    import json

    return json.dumps(row, sort_keys=True, default=str)


def disagreements(question: Question, batfish: Answer[Any], embedded: Answer[Any],
                  differences: Iterable[Difference] = ()) -> list[str]:
    """Rows only one engine has (as ``only batfish: {...}`` / ``only embedded: {...}``)."""
    diffs = list(differences)
    a, b = comparable(question, batfish, diffs), comparable(question, embedded, diffs)
    if a is None or b is None:
        return []
    left, right = Counter(_key(r) for r in a), Counter(_key(r) for r in b)
    out = [f"only batfish: {k}" for k in sorted((left - right).elements())]
    out += [f"only embedded: {k}" for k in sorted((right - left).elements())]
    return out
