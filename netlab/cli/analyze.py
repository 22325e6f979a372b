"""``netlab analyze``: ask the embedded engine a Batfish-style question about a snapshot.

``netlab analyze SNAPSHOT QUESTION`` answers one question (``bgpSessionStatus``,
``routes``, ``traceroute``, ``reachability``, ``differentialReachability``,
``isisAdjacencies``, ``linkUtilisation``, ``layer3Edges``, ``fileParseStatus``,
``parseWarning`` ...; snake_case works too) as a table with Batfish's column
names, or as JSON with ``--json``. ``netlab analyze SNAPSHOT --what-if
link:ID|node:NAME|srlg:NAME`` lists what that failure changes: IS-IS routes,
BGP sessions, BGP next hops and links pushed over capacity. An unknown
question, node or failure is one line on stderr with exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from netlab.cli.common import console, echo_json, guarded
from netlab.engines.base import Answer, FlowDisposition, Question, Trace, ask
from netlab.engines.embedded import EmbeddedEngine, WhatIf, parse_failure
from netlab.errors import EngineError

__all__ = ["COMMANDS", "analyze"]

DEFAULT_LIMIT = 200




def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], Trace):
            return "\n".join(str(t) for t in value)
        return ", ".join(_text(v) for v in value)
    return str(value)


def _table(answer: Answer[Any], limit: int) -> None:
    out = console()
    records = answer.records()
    shown = records if limit <= 0 else records[:limit]
    table = Table(title=f"{answer.question.value} ({len(records)} rows)")
    for col in answer.columns():
        table.add_column(col, overflow="fold")
    for rec in shown:
        table.add_row(*(Text(_text(rec[c])) for c in answer.columns()))
    out.print(table)
    if len(shown) < len(records):
        out.print(f"... {len(records) - len(shown)} more rows (--limit 0 shows all, "
                  "--json prints everything)")


def _params(q: Question, nodes: Sequence[str], remote: Sequence[str], prefix: str | None,
            src: str | None, dsts: Sequence[str], dispositions: Sequence[str]) -> dict[str, Any]:
    """The engine-method keyword arguments a question takes from the options."""
    p: dict[str, Any] = {}
    node_qs = {Question.LAYER3_EDGES, Question.ISIS_ADJACENCIES, Question.ISIS_ROUTES,
               Question.BGP_SESSION_STATUS, Question.BGP_SESSION_COMPATIBILITY,
               Question.BGP_RIB, Question.ROUTES, Question.LINK_UTILISATION}
    if nodes and q in node_qs:
        p["nodes"] = list(nodes)
    if remote and q in {Question.LAYER3_EDGES, Question.BGP_SESSION_STATUS,
                        Question.BGP_SESSION_COMPATIBILITY}:
        p["remote_nodes"] = list(remote)
    if prefix and q in {Question.ISIS_ROUTES, Question.BGP_RIB, Question.ROUTES}:
        p["prefix"] = prefix
    if q is Question.TRACEROUTE:
        if not src or len(dsts) != 1:
            raise EngineError("traceroute needs --src NODE and one --dst ADDRESS")
        p["src"], p["dst"] = src, dsts[0]
    if q in {Question.REACHABILITY, Question.DIFFERENTIAL_REACHABILITY}:
        if src or nodes:
            p["sources"] = [src] if src else list(nodes)
        if dsts:
            p["destinations"] = list(dsts)
    if q is Question.REACHABILITY:
        if not dispositions:  # by default, what fails: all pairs would be millions of rows
            p["dispositions"] = [d for d in FlowDisposition if not d.success]
        elif [d.upper() for d in dispositions] != ["ANY"]:
            try:
                p["dispositions"] = [FlowDisposition(d.upper()) for d in dispositions]
            except ValueError:
                valid = ", ".join(d.value for d in FlowDisposition)
                raise EngineError(f"unknown disposition; valid: {valid}, ANY") from None
    return p


def _what_if_json(w: WhatIf, limit: int) -> dict[str, Any]:
    routes = w.routes(limit if limit > 0 else None)
    return {
        "failures": {"links_down": sorted(w.failures.links_down),
                     "nodes_down": sorted(w.failures.nodes_down)},
        "pairs_changed": w.pairs_changed, "distances_changed": w.distances_changed,
        "unreachable": w.unreachable, "withdrawn": [str(p) for p in w.withdrawn],
        "sessions": [{"node": s.node, "remote_node": s.remote_node, "remote_ip": s.remote_ip,
                      "reason": s.reason.value, "detail": s.detail} for s in w.sessions],
        "routes": [{"node": c.node, "network": str(c.network),
                    "before": None if c.before is None else {
                        "metric": c.before.metric, "next_hops": [str(h) for h in
                                                                 c.before.next_hops]},
                    "after": None if c.after is None else {
                        "metric": c.after.metric, "next_hops": [str(h) for h in
                                                                c.after.next_hops]}}
                   for c in routes],
        "bgp": [{"node": c.node, "network": str(c.network), "before": list(c.before),
                 "after": list(c.after)} for c in (w.bgp or ())],
        "overloaded": [{"link": r.link, "node": r.node, "interface": r.interface,
                        "load_gbps": r.load_gbps, "utilisation_pct": r.utilisation_pct,
                        "dropped_gbps": r.dropped_gbps} for r in (w.overloaded or ())],
        "timings_ms": {k: round(v * 1000, 2) for k, v in w.timings.items()},
    }


def _what_if_tables(w: WhatIf, limit: int) -> None:
    out = console()
    failed = ", ".join([*sorted(w.failures.links_down), *sorted(w.failures.nodes_down)])
    out.print(Text(f"what-if {failed}: {w.pairs_changed} router→router paths change "
                   f"({w.distances_changed} with a new distance, {w.unreachable} cut off); "
                   f"{len(w.withdrawn)} prefixes withdrawn", style="bold"))
    t = Table(title=f"BGP sessions that go down ({len(w.sessions)})")
    for col in ("Node", "Remote_Node", "Remote_IP", "Reason", "Detail"):
        t.add_column(col, overflow="fold")
    for s in w.sessions:
        t.add_row(s.node, s.remote_node or "", s.remote_ip, s.reason.value, escape(s.detail))
    out.print(t)
    routes = w.routes(limit if limit > 0 else None)
    t = Table(title=f"IS-IS routes that change (first {len(routes)})")
    for col in ("Node", "Network", "Before", "After"):
        t.add_column(col, overflow="fold")
    for c in routes:
        t.add_row(c.node, str(c.network),
                  "" if c.before is None else escape(f"{c.before.metric} via " + ", ".join(
                      str(h) for h in c.before.next_hops)),
                  "" if c.after is None else escape(f"{c.after.metric} via " + ", ".join(
                      str(h) for h in c.after.next_hops)))
    out.print(t)
    bgp = list(w.bgp or ())
    t = Table(title=f"BGP next hops that change ({len(bgp)})")
    for col in ("Node", "Network", "Before", "After"):
        t.add_column(col, overflow="fold")
    for b in bgp[:limit] if limit > 0 else bgp:
        t.add_row(b.node, str(b.network), ", ".join(b.before), ", ".join(b.after))
    out.print(t)
    over = list(w.overloaded or ())
    t = Table(title=f"Links over capacity after the failure ({len(over)})")
    for col in ("Link", "Node", "Interface", "Load_Gbps", "Utilisation_Pct", "Dropped_Gbps"):
        t.add_column(col)
    for r in over:
        t.add_row(r.link, r.node, r.interface, f"{r.load_gbps:.1f}", f"{r.utilisation_pct:.1f}",
                  f"{r.dropped_gbps:.1f}")
    out.print(t)


@click.command("analyze")
@click.argument("snapshot", type=click.Path(file_okay=False, path_type=Path))
@click.argument("question", required=False)
@click.option("--node", "nodes", multiple=True, help="Only these nodes (repeatable).")
@click.option("--remote-node", "remote", multiple=True, help="Only sessions/edges to these.")
@click.option("--prefix", help="An exact prefix (a.b.c.d/n) or an address (longest match).")
@click.option("--src", help="traceroute: the starting node; reachability: one source.")
@click.option("--dst", "dsts", multiple=True, help="Destination address or prefix (repeatable).")
@click.option("--disposition", "dispositions", multiple=True,
              help="reachability: only flows ending so (e.g. NO_ROUTE; repeatable; ANY for "
                   "every flow). Default: the failing ones.")
@click.option("--reference", type=click.Path(file_okay=False, path_type=Path),
              help="differentialReachability: the snapshot to compare against.")
@click.option("--what-if", "what_if", help="link:ID, node:NAME or srlg:NAME.")
@click.option("--limit", type=int, default=DEFAULT_LIMIT, show_default=True,
              help="Rows to print in tables (0 = all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--engine", "engine_name", type=click.Choice(["embedded", "batfish"]),
              default="embedded", show_default=True,
              help="Who answers: in-process, or a Batfish service at BATFISH_HOST.")
@guarded
def analyze(snapshot: Path, question: str | None, nodes: tuple[str, ...],
            remote: tuple[str, ...], prefix: str | None, src: str | None,
            dsts: tuple[str, ...], dispositions: tuple[str, ...], reference: Path | None,
            what_if: str | None, limit: int, as_json: bool, engine_name: str) -> None:
    """Answer QUESTION about SNAPSHOT with the embedded engine or --engine batfish (or
    --what-if a failure, embedded only)."""
    from netlab.cli.engine import make_engine
    from netlab.snapshot import read_snapshot

    if what_if is not None and engine_name != "embedded":
        raise EngineError("--what-if is answered by the embedded engine only")

    if question is None and what_if is None:
        valid = ", ".join(q.value for q in Question)
        raise EngineError(f"name a question or --what-if; questions: {valid}")
    q = Question.parse(question) if question is not None else None
    snap = read_snapshot(snapshot)
    engine = EmbeddedEngine()
    if what_if is not None:
        w = engine.what_if(snap, parse_failure(snap, what_if), bgp=True, utilisation=True)
        if as_json:
            echo_json(_what_if_json(w, limit))
        else:
            _what_if_tables(w, limit)
        if q is None:
            return
    assert q is not None
    params = _params(q, nodes, remote, prefix, src, dsts, dispositions)
    answering = make_engine(engine_name)
    if q is Question.DIFFERENTIAL_REACHABILITY:
        if reference is None:
            raise EngineError("differentialReachability needs --reference SNAPSHOT")
        answer = answering.differential_reachability(snap, read_snapshot(reference), **params)
    else:
        answer = ask(answering, q, snap, **params)
    if as_json:
        echo_json(answer.to_json())
    else:
        _table(answer, limit)


COMMANDS = [analyze]
