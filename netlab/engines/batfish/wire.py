"""Batfish's answer wire format: table answers and the JSON of their cells.

A table answer (what pybatfish wraps as ``TableAnswer``, a ``dict``) is::

    {"answerElements": [{
        "class": "org.batfish.datamodel.table.TableAnswerElement",
        "metadata": {"columnMetadata": [{"name": "Node", "schema": "Node", ...}, ...]},
        "rows": [{"Node": {"id": "node-bb1", "name": "bb1"}, ...}, ...]}], ...}

Cells are JSON by column schema (``org.batfish.datamodel.answers.Schema``):
``Node`` → ``{"id", "name"}``; ``Interface`` → ``{"hostname", "interface"}``;
``Ip``/``Prefix``/``String`` → text; ``Long``/``Integer`` → number;
``SelfDescribing`` → ``{"schema", "value"}``; ``NextHop`` → ``{"type": "ip" |
"interface" | "discard" | ..., ...}``; ``List<X>``/``Set<X>`` → JSON arrays.
A null cell may be JSON ``null`` or missing. :class:`Table` reads the rows by
column name and these helpers turn cells into netlab values, raising a
one-line :class:`~netlab.errors.EngineError` on anything malformed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import ip_address, ip_network
from typing import Any, TypeVar

from netlab.engines.base import IPAddress, IPNetwork
from netlab.errors import EngineError

__all__ = ["Table", "enum_cell", "int_cell", "ip_cell", "node_cell", "prefix_cell",
           "text_cell"]

TABLE_CLASS = "org.batfish.datamodel.table.TableAnswerElement"
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Table:
    """The columns (name → schema) and rows of one Batfish table answer."""

    question: str
    columns: Mapping[str, str]
    rows: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, answer: Mapping[str, Any], question: str) -> Table:
        """Read a table answer; EngineError when it is not one."""
        elements = answer.get("answerElements") if isinstance(answer, Mapping) else None
        if not isinstance(elements, list) or not elements or not isinstance(elements[0],
                                                                             Mapping):
            raise EngineError(f"batfish {question}: the answer has no answer elements")
        element = elements[0]
        meta = element.get("metadata")
        cols = meta.get("columnMetadata") if isinstance(meta, Mapping) else None
        if not isinstance(cols, list):
            raise EngineError(f"batfish {question}: the answer is not a table "
                              "(no metadata.columnMetadata)")
        columns: dict[str, str] = {}
        for col in cols:
            if not isinstance(col, Mapping) or "name" not in col or "schema" not in col:
                raise EngineError(f"batfish {question}: bad column metadata {col!r}")
            columns[str(col["name"])] = str(col["schema"])
        rows = element.get("rows", [])
        if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
            raise EngineError(f"batfish {question}: 'rows' must be a list of objects")
        return cls(question, columns, tuple(rows))

    def has(self, column: str) -> bool:
        return column in self.columns

    def require(self, *columns: str) -> None:
        """EngineError naming the first expected column the answer lacks."""
        for col in columns:
            if col not in self.columns:
                have = ", ".join(self.columns) or "none"
                raise EngineError(f"batfish {self.question}: the answer has no column "
                                  f"{col!r} (columns: {have}); is this Batfish release "
                                  "supported?")

    def bad(self, row: Mapping[str, Any], column: str, expected: str) -> EngineError:
        return EngineError(f"batfish {self.question}: column {column}: expected {expected}, "
                           f"got {row.get(column)!r}")


def text_cell(table: Table, row: Mapping[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    if not isinstance(value, str):
        raise table.bad(row, column, "text")
    return value


def node_cell(table: Table, row: Mapping[str, Any], column: str) -> str | None:
    """A ``Node`` cell's name (Batfish lower-cases it)."""
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        return str(value["name"])
    raise table.bad(row, column, "a node {'name': ...}")


def int_cell(table: Table, row: Mapping[str, Any], column: str) -> int | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise table.bad(row, column, "an integer")
    try:
        return int(value)
    except ValueError:
        raise table.bad(row, column, "an integer") from None


def parse_ip(text: Any) -> IPAddress | None:
    """An ``Ip`` value; None for null and Batfish's placeholders (``AUTO/NONE(-1l)``)."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(text)
    if text.startswith(("AUTO/NONE", "INVALID_IP")):
        return None
    return ip_address(text)


def ip_cell(table: Table, row: Mapping[str, Any], column: str) -> IPAddress | None:
    try:
        return parse_ip(row.get(column))
    except ValueError:
        raise table.bad(row, column, "an IP address") from None


def prefix_cell(table: Table, row: Mapping[str, Any], column: str) -> IPNetwork:
    value = row.get(column)
    try:
        return ip_network(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise table.bad(row, column, "a prefix") from None


def enum_cell(table: Table, row: Mapping[str, Any], column: str, kind: type[E]) -> E:
    value = row.get(column)
    try:
        return kind(str(value))
    except ValueError:
        valid = ", ".join(k.value for k in kind)
        raise table.bad(row, column, f"one of {valid}") from None
