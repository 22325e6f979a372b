"""Where Batfish has no column, the embedded engine fills in — and the answer says so.

Batfish says *whether* an IS-IS adjacency forms (``edges(edgeType="isis")``)
and whether a BGP session is established, but never *why not*: the
netlab-only ``Reason``/``Detail`` columns, the down rows of
``isisAdjacencies`` and ``linkUtilisation`` come from the embedded engine. The
state is always Batfish's; an answer that used the embedded engine carries
``engine="batfish+embedded"`` (or ``"embedded"`` when wholly delegated).

Merging IS-IS adjacencies (the embedded rows list every circuit, up or down):

* Batfish has the edge → ``UP`` with Batfish's remote; the level is the
  embedded row's when it is up too, else the circuit level both ends share
  (process ∩ interface level). If the embedded engine disagrees, ``detail``
  says so.
* Batfish has no edge → the embedded row as it is when it is down too (its
  reason stands); when the embedded engine has it up, ``DOWN`` with no reason
  and a ``detail`` saying Batfish forms no adjacency.
* A Batfish edge on a circuit the embedded engine does not list → ``UP``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping

from netlab.engines.base import (
    AdjacencyState,
    BgpSessionCompatibilityRow,
    BgpSessionStatusRow,
    ConfiguredStatus,
    EstablishedStatus,
    Interface,
    IsisAdjacencyRow,
)
from netlab.model.device import DeviceConfig, IsisLevel

__all__ = ["EMBEDDED", "HYBRID", "circuit_level", "merge_adjacencies",
           "with_compatibility_reasons", "with_session_reasons"]

EMBEDDED = "embedded"
HYBRID = "batfish+embedded"

_LEVELS = {IsisLevel.L1: {1}, IsisLevel.L2: {2}, IsisLevel.L1L2: {1, 2}}


def circuit_level(configs: Mapping[str, DeviceConfig], a: Interface, b: Interface
                  ) -> IsisLevel | None:
    """The IS-IS level both ends of a circuit run (process ∩ interface, both ends)."""
    shared = {1, 2}
    for end in (a, b):
        cfg = configs.get(end.hostname)
        if cfg is None or cfg.isis is None:
            return None
        itf = next((i for i in cfg.interfaces if i.name == end.interface), None)
        if itf is None or itf.isis is None:
            return None
        shared &= _LEVELS[cfg.isis.level] & _LEVELS[itf.isis.level]
    for level, numbers in _LEVELS.items():
        if numbers == shared:
            return level
    return None


def merge_adjacencies(embedded: Iterable[IsisAdjacencyRow],
                      edges: Collection[tuple[Interface, Interface]],
                      configs: Mapping[str, DeviceConfig],
                      nodes: Collection[str] | None = None) -> tuple[IsisAdjacencyRow, ...]:
    """IS-IS adjacency rows whose state is Batfish's (``edges``) and reasons embedded's."""
    up = {(a.hostname, a.interface): b for a, b in edges
          if nodes is None or a.hostname in nodes}
    out: list[IsisAdjacencyRow] = []
    seen: set[tuple[str, str]] = set()
    for row in embedded:
        key = (row.node, row.interface)
        seen.add(key)
        remote = up.get(key)
        if remote is not None:
            level = (row.level if row.state is AdjacencyState.UP and row.level is not None
                     else circuit_level(configs, Interface(*key), remote))
            detail = "" if row.state is AdjacencyState.UP else (
                f"Batfish forms this adjacency; the embedded engine has it "
                f"{row.state.value}" + (f" ({row.reason.value})" if row.reason else ""))
            out.append(IsisAdjacencyRow(row.node, row.interface, remote.hostname,
                                        remote.interface, level, AdjacencyState.UP, None,
                                        detail))
        elif row.state is AdjacencyState.UP:
            out.append(dataclasses.replace(
                row, level=None, state=AdjacencyState.DOWN, reason=None,
                detail="Batfish forms no IS-IS adjacency here (the embedded engine does)"))
        else:
            out.append(row)
    for (node, itf), remote in sorted(up.items()):
        if (node, itf) not in seen:
            out.append(IsisAdjacencyRow(node, itf, remote.hostname, remote.interface,
                                        circuit_level(configs, Interface(node, itf), remote),
                                        AdjacencyState.UP))
    return tuple(sorted(out, key=lambda r: (r.node, r.interface)))


def _by_session(rows: Iterable[BgpSessionStatusRow | BgpSessionCompatibilityRow]
                ) -> dict[tuple[str, str, str], BgpSessionStatusRow | BgpSessionCompatibilityRow]:
    return {(r.node, r.vrf, str(r.remote_ip)): r for r in rows}


def with_session_reasons(rows: Iterable[BgpSessionStatusRow],
                         embedded: Iterable[BgpSessionStatusRow]
                         ) -> tuple[BgpSessionStatusRow, ...]:
    """Batfish's session rows, with the embedded engine's reason where both say it is down."""
    ref = _by_session(embedded)
    out = []
    for row in rows:
        other = ref.get((row.node, row.vrf, str(row.remote_ip)))
        if row.established_status is EstablishedStatus.ESTABLISHED or other is None:
            out.append(row)
        elif getattr(other, "established_status", None) is EstablishedStatus.ESTABLISHED:
            out.append(dataclasses.replace(
                row, detail="the embedded engine establishes this session"))
        else:
            out.append(dataclasses.replace(row, reason=other.reason, detail=other.detail))
    return tuple(out)


def with_compatibility_reasons(rows: Iterable[BgpSessionCompatibilityRow],
                               embedded: Iterable[BgpSessionCompatibilityRow]
                               ) -> tuple[BgpSessionCompatibilityRow, ...]:
    """Batfish's compatibility rows, with the embedded engine's reason for unmatched ones."""
    ref = _by_session(embedded)
    ok = (ConfiguredStatus.UNIQUE_MATCH, ConfiguredStatus.DYNAMIC_MATCH)
    out = []
    for row in rows:
        other = ref.get((row.node, row.vrf, str(row.remote_ip)))
        if row.configured_status in ok or other is None or other.reason is None:
            out.append(row)
        else:
            out.append(dataclasses.replace(row, reason=other.reason, detail=other.detail))
    return tuple(out)
