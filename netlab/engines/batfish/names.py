"""Names between netlab and Batfish: hostnames, interface units, specifiers.

Batfish lower-cases every hostname (``Node`` and ``NodeInterfacePair`` both
call ``toLowerCase``), and reports Junos layer-3 interfaces by their logical
unit: ``et-0/0/1.0``, ``lo0.0``. netlab's rows carry the hostname as the
config spells it and the *physical* interface name, so answers are mapped back
through a :class:`NameMap` built from the snapshot's configs.

Examples
--------
>>> from netlab.model.types import Vendor
>>> names = NameMap({"Lon1-BB1": (Vendor.JUNOS, ("et-0/0/1", "lo0"))})
>>> names.host("lon1-bb1"), names.interface("lon1-bb1", "et-0/0/1.0")
('Lon1-BB1', 'et-0/0/1')
>>> node_spec(["lon1-bb1", "nyc1-pr1"])
'"lon1-bb1","nyc1-pr1"'
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from netlab.model.types import Vendor
from netlab.snapshot.layout import Snapshot

__all__ = ["NameMap", "node_spec"]

_UNIT = re.compile(r"^(?P<base>.+)\.(?P<unit>\d+)$")


@dataclass(frozen=True)
class NameMap:
    """Hostnames and physical interface names of one snapshot, by Batfish's spelling."""

    interfaces: Mapping[str, tuple[Vendor, tuple[str, ...]]]
    _hosts: dict[str, str] = field(init=False, repr=False, compare=False)
    _known: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hosts", {h.lower(): h for h in self.interfaces})
        object.__setattr__(self, "_known", {h: frozenset(i) for h, (_, i)
                                            in self.interfaces.items()})

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> NameMap:
        return cls({host: (cfg.vendor, tuple(i.name for i in cfg.interfaces))
                    for host, cfg in snapshot.configs.items()})

    def host(self, name: str) -> str:
        """netlab's hostname for Batfish's (lower-cased) one; unknown names pass through."""
        return self._hosts.get(name.lower(), name)

    def vendor(self, host: str) -> Vendor | None:
        entry = self.interfaces.get(self.host(host))
        return entry[0] if entry is not None else None

    def interface(self, host: str, name: str) -> str:
        """The physical interface netlab names for Batfish's ``name`` on ``host``.

        A Junos unit (``et-0/0/1.0``) maps to its physical interface when the
        config has it; any other name is returned unchanged.
        """
        real = self.host(host)
        known = self._known.get(real, frozenset())
        if name in known:
            return name
        m = _UNIT.match(name)
        if m is not None and m.group("base") in known and self.vendor(real) is Vendor.JUNOS:
            return m.group("base")
        return name


def node_spec(nodes: Collection[str] | None) -> str | None:
    """A Batfish node specifier naming exactly ``nodes`` (None means every node).

    Names are double-quoted (the specifier grammar's ``QUOTED_NAME``) so hyphens
    and slashes never read as operators.
    """
    if nodes is None:
        return None
    return ",".join('"' + n.replace('"', '\\"') + '"' for n in sorted(nodes))
