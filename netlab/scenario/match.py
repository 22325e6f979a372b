"""Compare expected state to actual state as a *subset*, with a readable diff.

One matcher serves scenario checks, grading and tests. A pattern is plain
YAML-able data:

* a mapping matches a mapping that has at least those keys, each matching;
  the value ``"<absent>"`` requires the key to be missing or null;
* ``"<any>"`` matches any present value;
* an operator mapping compares: ``{gt: 90}``, ``{ge: ..}``, ``{lt: ..}``,
  ``{le: ..}``, ``{ne: ..}``, ``{in: [..]}``, ``{not_in: [..]}``,
  ``{contains: ..}``, ``{regex: ..}``;
* a list matches a list holding, for every pattern item, some matching item
  (order ignored); ``{ordered: [..]}`` also requires that order;
* scalars compare equal after normalising (enums by value, addresses as text).

:func:`match` returns ``None`` when the value matches, else the first
difference as ``path: expected …, got …``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from enum import Enum
from ipaddress import _BaseAddress, _BaseNetwork
from typing import Any

__all__ = ["ABSENT", "ANY", "OPERATORS", "match", "plain"]

ABSENT = "<absent>"
ANY = "<any>"
OPERATORS = frozenset({"gt", "ge", "lt", "le", "ne", "in", "not_in", "contains", "regex"})


def plain(value: Any) -> Any:
    """A dataclass row (or anything inside one) as JSON-like data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (_BaseAddress, _BaseNetwork)):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected if isinstance(expected, bool) else False
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(actual) == float(expected)
    return str(actual) == str(expected)


def _compare(op: str, actual: Any, arg: Any) -> bool:
    if op in ("gt", "ge", "lt", "le"):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return False
        value = float(actual)
        return bool({"gt": value > arg, "ge": value >= arg, "lt": value < arg,
                     "le": value <= arg}[op])
    if op == "ne":
        return not _same(actual, arg)
    if op == "in":
        return any(_same(actual, a) for a in arg)
    if op == "not_in":
        return not any(_same(actual, a) for a in arg)
    if op == "contains":
        if isinstance(actual, list):
            return any(match(a, arg) is None for a in actual)
        return str(arg) in str(actual)
    return re.search(str(arg), str(actual)) is not None


def _is_operator(pattern: Any) -> bool:
    return isinstance(pattern, Mapping) and bool(pattern) and set(pattern) <= OPERATORS


def match(actual: Any, expected: Any, path: str = "") -> str | None:
    """None when ``actual`` matches the pattern ``expected``, else the first difference."""
    here = path or "value"
    if expected == ANY:
        return None if actual is not None else f"{here}: expected a value, got nothing"
    if _is_operator(expected):
        for op, arg in expected.items():
            if not _compare(op, actual, arg):
                return f"{here}: expected {op} {arg!r}, got {actual!r}"
        return None
    if isinstance(expected, Mapping) and "ordered" in expected and len(expected) == 1:
        return _match_ordered(actual, expected["ordered"], here)
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"{here}: expected a mapping, got {actual!r}"
        for key, sub in expected.items():
            sub_path = f"{path}.{key}" if path else str(key)
            if sub == ABSENT:
                if actual.get(key) not in (None, [], ""):
                    return f"{sub_path}: expected absent, got {actual[key]!r}"
                continue
            if key not in actual:
                return f"{sub_path}: expected {sub!r}, key is missing"
            diff = match(actual[key], sub, sub_path)
            if diff is not None:
                return diff
        return None
    if isinstance(expected, Sequence) and not isinstance(expected, str):
        if not isinstance(actual, Sequence) or isinstance(actual, str):
            return f"{here}: expected a list, got {actual!r}"
        for i, sub in enumerate(expected):
            if not any(match(a, sub) is None for a in actual):
                return f"{here}[{i}]: no item matches {sub!r} (have {actual!r})"
        return None
    if not _same(actual, expected):
        return f"{here}: expected {expected!r}, got {actual!r}"
    return None


def _match_ordered(actual: Any, expected: Sequence[Any], here: str) -> str | None:
    if not isinstance(actual, Sequence) or isinstance(actual, str):
        return f"{here}: expected a list, got {actual!r}"
    pos = 0
    for i, sub in enumerate(expected):
        while pos < len(actual) and match(actual[pos], sub) is not None:
            pos += 1
        if pos == len(actual):
            return f"{here}[{i}]: no item matches {sub!r} in order"
        pos += 1
    return None
