"""A pybatfish session behind the probe: connect late, bound every call, upload snapshots once.

:class:`BatfishSession` does no I/O until :meth:`~BatfishSession.connect`
(called by the first question): it probes the service
(:func:`~netlab.engines.batfish.probe.probe`), imports pybatfish, builds its
``Session`` (which loads the question templates from the service) and selects
the network. Every pybatfish call runs under
:func:`~netlab.engines.batfish.deadline.run_bounded` (``NETLAB_BATFISH_TIMEOUT``
seconds, default 300): pybatfish itself retries an absent service for minutes
and polls a work item with no overall limit.

**Snapshots** are uploaded content-addressed: the name is a hash of every file
sent, so asking again about the same snapshot reuses the parsed copy the
service already holds. Only ``configs/`` and ``batfish/`` are sent (netlab's
own metadata is not Batfish input). External peers are real routers with
configs of their own, so no ``isp_config.json`` is needed.

**Physical failures** are expressed twice. ``layer1_topology.json`` omits
every link that is down; that alone is not enough, because Batfish's
``HybridL3Adjacencies`` only trusts layer 1 for a node with at least one
layer-1 edge: a router whose every link is down (a dead router, or a peer on
its one cut link) would be wired up again by subnet. So a snapshot with
failures is also forked (``fork_snapshot``) with the dead routers in
``deactivate_nodes`` and both ends of every down link and every down port in
``deactivate_interfaces`` (physical names; Batfish's interface dependencies
take Junos units down with their port) — which is what a real router does
when light is lost: the port goes down and its connected routes go with it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from netlab.engines.batfish.deadline import run_bounded
from netlab.engines.batfish.probe import (
    PROBE_TIMEOUT,
    ServiceAddress,
    ServiceInfo,
    probe,
)
from netlab.errors import EngineError
from netlab.model.naming import interface_name
from netlab.snapshot.layout import CONFIGS_DIR, LAYER1_FILE, Snapshot

__all__ = ["DEFAULT_NETWORK", "TIMEOUT_ENV", "BatfishSession", "deactivations", "snapshot_files",
           "snapshot_name"]

T = TypeVar("T")
TIMEOUT_ENV = "NETLAB_BATFISH_TIMEOUT"
DEFAULT_TIMEOUT = 300.0
REQUEST_TIMEOUT = 60.0
DEFAULT_NETWORK = "netlab"
_BATFISH_FILES = (LAYER1_FILE, "batfish/isp_config.json")


def _timeout_from_env() -> float:
    value = os.environ.get(TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise EngineError(f"{TIMEOUT_ENV}={value!r}: expected a number of seconds") from None
    if seconds <= 0:
        raise EngineError(f"{TIMEOUT_ENV}={value!r}: must be positive")
    return seconds


def snapshot_files(snapshot: Snapshot) -> dict[str, bytes]:
    """The Batfish input of a snapshot: relative path → content.

    A snapshot on disk sends its ``configs/*.cfg`` as they are (a trainee's
    edits included) and its ``batfish/`` files; an in-memory one (no
    ``configs/`` directory at its path) is rendered: each config in its
    vendor's syntax and the live layer-1 edges.
    """
    root = snapshot.path
    if (root / CONFIGS_DIR).is_dir():
        files = {f"{CONFIGS_DIR}/{p.name}": p.read_bytes()
                 for p in sorted((root / CONFIGS_DIR).glob("*.cfg"))}
        for rel in _BATFISH_FILES:
            if (root / rel).is_file():
                files[rel] = (root / rel).read_bytes()
        return files
    from netlab.render import render_config
    from netlab.snapshot.writer import layer1_json

    files = {f"{CONFIGS_DIR}/{host}.cfg": render_config(cfg).encode()
             for host, cfg in sorted(snapshot.configs.items())}
    files[LAYER1_FILE] = json.dumps(layer1_json(snapshot.layer1), indent=1).encode()
    return files


def snapshot_name(files: dict[str, bytes]) -> str:
    """The content-addressed Batfish name of a snapshot's files (``netlab-<hash>``)."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return f"netlab-{h.hexdigest()[:20]}"


def deactivations(snapshot: Snapshot) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(routers to deactivate, (router, interface) ports to deactivate) for its failures.

    Ports: both ends of every down link and every down port, in each config's
    vendor naming, except on routers that are deactivated whole.
    """
    failures = snapshot.failures
    nodes = tuple(sorted(failures.nodes_down))
    ports = set(failures.interfaces_down)
    for lid in failures.links_down:
        link = snapshot.network.links.get(lid)
        if link is None:
            continue
        for end in (link.a, link.b):
            cfg = snapshot.configs.get(end.router)
            vendor = cfg.vendor if cfg is not None else snapshot.network.routers[
                end.router].vendor
            ports.add((end.router, interface_name(vendor, end.slot, end.port,
                                                  link.capacity_gbps)))
    return nodes, tuple(sorted(p for p in ports if p[0] not in failures.nodes_down))


class BatfishSession:
    """pybatfish, connected on first use; every call bounded; snapshots uploaded once."""

    def __init__(self, address: ServiceAddress | None = None, *,
                 network: str = DEFAULT_NETWORK, timeout: float | None = None,
                 probe_timeout: float = PROBE_TIMEOUT) -> None:
        self.address = address
        self.network = network
        self._timeout = timeout
        self.probe_timeout = probe_timeout
        self.info: ServiceInfo | None = None
        self._bf: Any = None
        self._known: set[str] = set()
        self._broken: str | None = None

    @property
    def timeout(self) -> float:
        return self._timeout if self._timeout is not None else _timeout_from_env()

    # -- connecting --------------------------------------------------------------------------
    def connect(self) -> ServiceInfo:
        """Probe the service, then build pybatfish's Session (idempotent)."""
        if self._broken is not None:
            raise EngineError(self._broken)
        if self.info is not None:
            return self.info
        address = self.address if self.address is not None else ServiceAddress.from_env()
        info = probe(address, timeout=self.probe_timeout)
        try:
            from pybatfish.client.session import Session
        except ImportError:
            raise EngineError("the batfish engine needs pybatfish: pip install "
                              "'netlab-backbone[batfish]' (or use --engine embedded)") from None

        def build() -> Any:
            accepted = inspect.signature(Session).parameters
            kwargs: dict[str, Any] = {"host": address.host, "ssl": False}
            # pybatfish 2024 names the v2 port ``port_v2``; later releases ``port``.
            kwargs["port" if "port" in accepted else "port_v2"] = address.port
            if "timeout" in accepted:
                kwargs["timeout"] = REQUEST_TIMEOUT
            bf = Session(**kwargs)
            bf.set_network(self.network)
            return bf

        self._bf = self._call(build, f"connecting to {address.url}")
        self.info = info
        return info

    def _call(self, fn: Callable[[], T], what: str) -> T:
        """Run one pybatfish call under the deadline; its errors become one-line EngineErrors."""
        try:
            return run_bounded(fn, self.timeout, what)
        except EngineError as exc:
            if "did not finish" in exc.message:
                # The abandoned call may still be running: do not reuse this session.
                self._broken = exc.message
            raise
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EngineError(f"batfish: {what} failed: {first[:300]}") from None

    @property
    def bf(self) -> Any:
        if self._bf is None:
            self.connect()
        return self._bf

    # -- snapshots ---------------------------------------------------------------------------
    def _exists(self, name: str) -> bool:
        if name in self._known:
            return True
        names = self._call(lambda: list(self.bf.list_snapshots()), "listing snapshots")
        self._known.update(str(n) for n in names)
        return name in self._known

    def upload(self, snapshot: Snapshot) -> str:
        """The Batfish name of ``snapshot``, uploading (and forking for failures) if needed."""
        files = snapshot_files(snapshot)
        if not any(k.startswith(f"{CONFIGS_DIR}/") for k in files):
            raise EngineError("snapshot has no configs to send to Batfish", path=snapshot.path)
        base = snapshot_name(files)
        if not self._exists(base):
            with tempfile.TemporaryDirectory(prefix="netlab-bf-") as tmp:
                archive = Path(tmp) / f"{base}.zip"
                with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
                    for rel, data in sorted(files.items()):
                        zf.writestr(f"{base}/{rel}", data)
                self._call(lambda: self.bf.init_snapshot(str(archive), name=base,
                                                         overwrite=True),
                           f"loading snapshot {snapshot.path}")
            self._known.add(base)
        nodes, ports = deactivations(snapshot)
        if not nodes and not ports:
            return base
        key = repr((nodes, ports)).encode()
        fork = f"{base}-down-{hashlib.sha256(key).hexdigest()[:10]}"
        if not self._exists(fork):
            from pybatfish.datamodel.primitives import Interface

            # Batfish keys nodes by lower-cased hostname (Node, NodeInterfacePair).
            self._call(lambda: self.bf.fork_snapshot(
                base, name=fork, overwrite=True,
                deactivate_nodes=[n.lower() for n in nodes] or None,
                deactivate_interfaces=[Interface(h.lower(), i) for h, i in ports] or None),
                f"deactivating failed routers and ports of {snapshot.path}")
            self._known.add(fork)
        return fork

    # -- questions ---------------------------------------------------------------------------
    def ask(self, question: str, *, snapshot: str, reference: str | None = None,
            **params: Any) -> dict[str, Any]:
        """The raw answer (wire JSON) of ``bf.q.<question>(**params)`` on ``snapshot``."""
        params = {k: v for k, v in params.items() if v is not None}

        def run() -> dict[str, Any]:
            factory = getattr(self.bf.q, question, None)
            if factory is None:
                raise EngineError(f"this Batfish service has no question {question!r}")
            answer = factory(**params).answer(snapshot=snapshot, reference_snapshot=reference)
            return dict(answer)

        return self._call(run, f"question {question}")
