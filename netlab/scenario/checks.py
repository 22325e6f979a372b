"""Remediation checks: engine questions whose rows must match a pattern.

A check asks one question of a snapshot, selects rows with ``where`` (a
subset pattern, see :mod:`netlab.scenario.match`) and expects a row count,
or that all / any / none of the selected rows match a pattern. ``all`` over no
rows fails: a check that selects nothing proves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netlab.engines.base import Engine, Question, ask
from netlab.errors import NetlabError, ScenarioError
from netlab.scenario.match import match, plain
from netlab.scenario.schema import CheckSpec
from netlab.snapshot.layout import Snapshot

__all__ = ["CheckResult", "run_check", "run_checks"]

_NODE_FILTERED = frozenset({
    Question.ISIS_ADJACENCIES, Question.ISIS_ROUTES,
    Question.BGP_SESSION_COMPATIBILITY, Question.BGP_SESSION_STATUS, Question.BGP_RIB,
    Question.ROUTES, Question.LINK_UTILISATION})
"""Questions whose ``nodes`` filter keeps exactly the rows whose ``node`` is listed."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    passed: bool
    detail: str
    selected: int


def _label(row: dict[str, Any]) -> str:
    for keys in (("node", "remote_node"), ("node", "network"), ("link", "node"), ("flow",),
                 ("node", "interface")):
        if all(k in row for k in keys):
            return " ".join(str(row[k]) for k in keys)
    return ", ".join(f"{k}={v}" for k, v in list(row.items())[:3])


def run_check(engine: Engine, check: CheckSpec, snapshot: Snapshot, reference: Snapshot
              ) -> CheckResult:
    """Evaluate one check on ``snapshot`` (``reference`` for differential questions)."""
    question = Question.parse(check.question)
    params: dict[str, Any] = dict(check.params)
    if question is Question.DIFFERENTIAL_REACHABILITY:
        params["reference"] = reference
    node = check.where.get("node")
    if isinstance(node, str) and "nodes" not in params and question in _NODE_FILTERED:
        params["nodes"] = [node]  # the same rows, without asking about every router
    try:
        answer = ask(engine, question, snapshot, **params)
    except TypeError as exc:
        raise ScenarioError(f"check {check.name!r}: bad params for {question.value}: {exc}"
                            ) from None
    rows = [plain(r) for r in answer.rows]
    selected = [r for r in rows if match(r, check.where) is None]
    n = len(selected)
    exp = check.expect
    if exp.count is not None:
        pattern = exp.count
        diff = match(n, pattern)
        if diff is None:
            return CheckResult(check.name, True, f"{n} rows", n)
        offenders = "; ".join(_label(r) for r in selected[:3])
        return CheckResult(check.name, False, f"expected count {pattern}, got {n}"
                           + (f" (e.g. {offenders})" if offenders else ""), n)
    if exp.all is not None:
        if not selected:
            return CheckResult(check.name, False, "no rows selected", 0)
        bad = [(r, match(r, exp.all)) for r in selected]
        failing = [(r, d) for r, d in bad if d is not None]
        if not failing:
            return CheckResult(check.name, True, f"all {n} rows match", n)
        r, d = failing[0]
        return CheckResult(check.name, False,
                           f"{len(failing)} of {n} rows differ, e.g. {_label(r)}: {d}", n)
    if exp.any is not None:
        ok = any(match(r, exp.any) is None for r in selected)
        return CheckResult(check.name, ok, f"{'a' if ok else 'no'} matching row among {n}", n)
    assert exp.none is not None
    hits = [r for r in selected if match(r, exp.none) is None]
    if not hits:
        return CheckResult(check.name, True, f"none of {n} rows match", n)
    return CheckResult(check.name, False,
                       f"{len(hits)} of {n} rows match, e.g. {_label(hits[0])}", n)


def run_checks(engine: Engine, checks: Sequence[CheckSpec], snapshot: Snapshot,
               reference: Snapshot) -> list[CheckResult]:
    out = []
    for check in checks:
        try:
            out.append(run_check(engine, check, snapshot, reference))
        except NetlabError as exc:
            out.append(CheckResult(check.name, False, f"could not evaluate: {exc}", 0))
    return out
