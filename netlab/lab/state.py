"""The lab state file: everything a lab created, written down *before* it is created.

``<state dir>/<lab>.json`` (``/run/netlab`` unless ``NETLAB_STATE_DIR`` says
otherwise) records every namespace, veth pair and FRR daemon of a lab, the
link table (so ``lab fail link ID`` works from any later command), and the
faults in force (so ``lab restore`` can undo them). The lab writes an object
into this file before it creates it: if netlab is killed at any moment, every
object that may exist is named in the file and ``netlab lab down`` removes it.
Removing something that never came to exist is not an error.

Writes are atomic (temporary file + rename) and serialised by an advisory
lock, so two ``netlab lab`` commands on one lab cannot lose each other's
records.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netlab.errors import LabError
from netlab.lab.names import state_dir

__all__ = [
    "STATE_VERSION",
    "DaemonRecord",
    "FaultRecord",
    "LabState",
    "LinkRecord",
    "RouterRecord",
    "StateFile",
    "VethRecord",
    "list_state_files",
]

STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class VethRecord:
    """A veth pair: ``if_a`` in namespace ``ns_a`` wired to ``if_b`` in ``ns_b``."""

    ns_a: str
    if_a: str
    ns_b: str
    if_b: str


@dataclass(frozen=True, slots=True)
class DaemonRecord:
    """One FRR daemon; ``pid`` is None until it has written its pid file."""

    router: str
    daemon: str
    namespace: str
    pidfile: str
    pid: int | None = None


@dataclass(frozen=True, slots=True)
class RouterRecord:
    """A router of the lab: its namespace, run directory and interface MTUs."""

    name: str
    namespace: str
    run_dir: str
    interfaces: tuple[tuple[str, int], ...] = ()  # (name, IP MTU) of each physical port


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A layer-1 link of the lab as the CLI names it."""

    id: str
    a_router: str
    a_iface: str
    b_router: str
    b_iface: str
    srlgs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FaultRecord:
    """A fault in force, with exactly what must be undone to restore it.

    ``interfaces`` were set down, ``routers`` had their daemons killed,
    ``shaped`` interfaces carry a loss/delay discipline, ``pushed`` routers run
    a config other than the one the lab started with.
    """

    kind: str
    target: str
    interfaces: tuple[tuple[str, str], ...] = ()  # (router, interface)
    routers: tuple[str, ...] = ()
    shaped: tuple[tuple[str, str], ...] = ()
    pushed: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class LabState:
    """The whole state of one lab (see the module docstring)."""

    lab: str
    source: str = ""
    created: float = field(default_factory=time.time)
    owner_pid: int = field(default_factory=os.getpid)
    phase: str = "planned"
    namespaces: tuple[str, ...] = ()
    veths: tuple[VethRecord, ...] = ()
    daemons: tuple[DaemonRecord, ...] = ()
    routers: tuple[RouterRecord, ...] = ()
    links: tuple[LinkRecord, ...] = ()
    faults: tuple[FaultRecord, ...] = ()
    helpers: tuple[int, ...] = ()  # pids of helper processes (captures) in the lab

    def replace(self, **changes: Any) -> LabState:
        return dataclasses.replace(self, **changes)

    def router(self, name: str) -> RouterRecord:
        for r in self.routers:
            if r.name == name:
                return r
        known = ", ".join(r.name for r in self.routers[:8])
        raise LabError(f"lab {self.lab} has no router {name!r} (routers: {known}…)")

    def link(self, link_id: str) -> LinkRecord:
        for link in self.links:
            if link.id == link_id:
                return link
        raise LabError(f"lab {self.lab} has no link {link_id!r}")

    # -- JSON ---------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["version"] = STATE_VERSION
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabState:
        if data.get("version") != STATE_VERSION:
            raise LabError(f"lab state version {data.get('version')!r} is not "
                           f"{STATE_VERSION}; remove it with 'netlab lab down --all'")

        def tup(v: Any) -> tuple[Any, ...]:
            return tuple(tuple(x) if isinstance(x, list) else x for x in v)

        return cls(
            lab=data["lab"],
            source=data.get("source", ""),
            created=float(data.get("created", 0.0)),
            owner_pid=int(data.get("owner_pid", 0)),
            phase=data.get("phase", "planned"),
            namespaces=tuple(data.get("namespaces", ())),
            veths=tuple(VethRecord(**v) for v in data.get("veths", ())),
            daemons=tuple(DaemonRecord(**d) for d in data.get("daemons", ())),
            routers=tuple(RouterRecord(name=r["name"], namespace=r["namespace"],
                                       run_dir=r["run_dir"],
                                       interfaces=tup(r.get("interfaces", ())))
                          for r in data.get("routers", ())),
            links=tuple(LinkRecord(**{**lk, "srlgs": tuple(lk.get("srlgs", ()))})
                        for lk in data.get("links", ())),
            faults=tuple(FaultRecord(kind=f["kind"], target=f["target"],
                                     interfaces=tup(f.get("interfaces", ())),
                                     routers=tuple(f.get("routers", ())),
                                     shaped=tup(f.get("shaped", ())),
                                     pushed=tuple(f.get("pushed", ())),
                                     detail=f.get("detail", ""))
                         for f in data.get("faults", ())),
            helpers=tuple(data.get("helpers", ())),
        )


class StateFile:
    """The state file of one lab, read and written atomically under a lock."""

    def __init__(self, lab: str, directory: Path | None = None) -> None:
        self.lab = lab
        self.directory = directory if directory is not None else state_dir()
        self.path = self.directory / f"{lab}.json"
        self._lock_path = self.directory / f".{lab}.lock"

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> LabState:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LabError(f"no lab named {self.lab!r} is running "
                           f"(no state file {self.path})") from None
        except (OSError, ValueError) as exc:
            raise LabError(f"cannot read lab state {self.path}: {exc}") from None
        if not isinstance(data, dict):
            raise LabError(f"lab state {self.path} is not a JSON object")
        return LabState.from_json(data)

    def save(self, state: LabState) -> LabState:
        """Write ``state`` atomically and return it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(state.to_json(), fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        return state

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lab's advisory lock (serialises read-modify-write cycles)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def update(self, change: Callable[[LabState], LabState]) -> LabState:
        """Load, apply ``change``, save — under the lock. Returns the new state."""
        with self.locked():
            return self.save(change(self.load()))

    def remove(self) -> None:
        for p in (self.path, self._lock_path):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


def list_state_files(directory: Path | None = None) -> list[StateFile]:
    """Every lab state file in the state directory, by lab name."""
    d = directory if directory is not None else state_dir()
    if not d.is_dir():
        return []
    return [StateFile(p.stem, d) for p in sorted(d.glob("*.json")) if not p.name.startswith(".")]
