"""Row-for-row comparison of Batfish and embedded answers, minus what is known to differ."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_address
from typing import Any

from netlab.engines.base import (
    Answer,
    AsPath,
    BgpRibRow,
    BgpRouteStatus,
    BgpSessionStatusRow,
    DifferentialReachabilityRow,
    EstablishedStatus,
    Flow,
    FlowDisposition,
    Hop,
    NextHop,
    OriginType,
    Question,
    RoutingProtocol,
    SessionReason,
    SessionType,
    Trace,
)
from netlab.engines.batfish.capability import Difference
from netlab.engines.batfish.compare import comparable, disagreements

Q = Question.BGP_SESSION_STATUS


def session(rip: str, status: EstablishedStatus, remote: str | None = "b",
            reason: SessionReason | None = None) -> BgpSessionStatusRow:
    return BgpSessionStatusRow("a", "default", 65000, None, IPv4Address("198.18.0.1"), 65000,
                               remote, None, ip_address(rip), ("IPV4_UNICAST",),
                               SessionType.IBGP, status, reason, "why" if reason else "")


def answer(question: Question, *rows: Any) -> Answer[Any]:
    row_type: Any = type(rows[0]) if rows else BgpSessionStatusRow
    return Answer(question, row_type, tuple(rows))


def test_equal_answers_agree_and_reasons_do_not_count() -> None:
    up = session("198.18.0.2", EstablishedStatus.ESTABLISHED)
    down = session("198.18.0.3", EstablishedStatus.NOT_ESTABLISHED, None)
    down_why = session("198.18.0.3", EstablishedStatus.NOT_ESTABLISHED, "c",
                       SessionReason.NO_IGP_ROUTE)
    assert disagreements(Q, answer(Q, up, down), answer(Q, down_why, up)) == []


def test_a_differing_status_is_reported_from_both_sides() -> None:
    bf = answer(Q, session("198.18.0.2", EstablishedStatus.NOT_COMPATIBLE, None))
    emb = answer(Q, session("198.18.0.2", EstablishedStatus.NOT_ESTABLISHED))
    out = disagreements(Q, bf, emb)
    assert len(out) == 2
    assert out[0].startswith("only batfish: ") and '"NOT_COMPATIBLE"' in out[0]
    assert out[1].startswith("only embedded: ") and '"NOT_ESTABLISHED"' in out[1]
    fields = [Difference(Q, frozenset({"established_status"}))]
    assert disagreements(Q, bf, emb, fields) == []
    assert disagreements(Q, bf, emb, [Difference(Q)]) == []  # not compared at all


def test_ipv6_rows_are_left_out_when_batfish_models_ipv4_only() -> None:
    v6 = session("2001:db8::2", EstablishedStatus.ESTABLISHED)
    v4 = session("198.18.0.2", EstablishedStatus.ESTABLISHED)
    only_v4 = [Difference(Q, ipv6_only=True)]
    assert disagreements(Q, answer(Q, v4), answer(Q, v4, v6), only_v4) == []
    assert disagreements(Q, answer(Q, v4), answer(Q, v4, v6)) != []
    rows = comparable(Q, answer(Q, v4, v6), only_v4)
    assert rows is not None and len(rows) == 1 and isinstance(v6.remote_ip, IPv6Address)


def test_bgp_rib_inaccessible_paths_and_originator_are_netlabs() -> None:
    def path(status: BgpRouteStatus, originator: str | None) -> BgpRibRow:
        return BgpRibRow("a", "default", IPv4Network("198.51.100.0/24"), status,
                         NextHop(IPv4Address("198.18.0.8")), IPv4Address("198.18.0.8"),
                         RoutingProtocol.IBGP, AsPath((64496,)), 0, 100, None, OriginType.IGP,
                         IPv4Address(originator) if originator else None,
                         IPv4Address("198.18.0.8"), ())

    q = Question.BGP_RIB
    bf = answer(q, path(BgpRouteStatus.BEST, "198.18.0.8"))
    emb = answer(q, path(BgpRouteStatus.BEST, None), path(BgpRouteStatus.INACCESSIBLE, None))
    assert disagreements(q, bf, emb) == []


def test_flows_compare_by_disposition_and_router_path() -> None:
    q = Question.DIFFERENTIAL_REACHABILITY
    dst = IPv4Address("198.18.0.1")
    ok = Trace(FlowDisposition.ACCEPTED, (Hop("a", None, None, None, "x"), Hop("b", "y")))
    ok_other_detail = Trace(FlowDisposition.ACCEPTED, (Hop("a"), Hop("b")))
    lost = Trace(FlowDisposition.NO_ROUTE, (Hop("a"),))
    null = Trace(FlowDisposition.NULL_ROUTED, (Hop("a"),))
    bf = answer(q, DifferentialReachabilityRow(Flow("a", IPv4Address("198.18.64.1"), dst),
                                               (lost,), 1, (ok,), 1))
    emb = answer(q,
                 DifferentialReachabilityRow(Flow("a", IPv4Address("198.18.0.6"), dst),
                                             (lost,), 1, (ok_other_detail,), 1),
                 # failure to failure: Batfish (actions=success) does not list it
                 DifferentialReachabilityRow(Flow("c", IPv4Address("198.18.0.9"), dst),
                                             (lost,), 1, (null,), 1))
    assert disagreements(q, bf, emb) == []


def test_parse_warnings_and_utilisation_are_not_compared() -> None:
    assert comparable(Question.PARSE_WARNING, answer(Question.PARSE_WARNING), []) is None
    assert comparable(Question.LINK_UTILISATION, answer(Question.LINK_UTILISATION), []) is None
