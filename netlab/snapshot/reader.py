"""Read a snapshot directory back into a :class:`~netlab.snapshot.layout.Snapshot`.

Every ``configs/*.cfg`` is parsed with :func:`netlab.parse.parse_file` (the
vendor is detected per file), so a trainee's edited configs are read exactly
like rendered ones; lines a parser does not understand come back as warnings
per host. A missing or malformed part raises :class:`SnapshotError` naming the
file (and the line, for JSON); a config syntax error raises the parser's
:class:`~netlab.errors.ParseError` with its file and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netlab.errors import SnapshotError
from netlab.model.device import DeviceConfig
from netlab.model.network import FailureState
from netlab.model.types import Vendor
from netlab.parse import parse_file
from netlab.parse.result import ParseWarning
from netlab.snapshot.layout import (
    CONFIGS_DIR,
    LAYER1_FILE,
    NETWORK_FILE,
    STATE_FILE,
    Layer1Edge,
    Snapshot,
)

__all__ = ["read_layer1", "read_snapshot", "read_state", "vendor_override"]


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError("missing (not a complete netlab snapshot)", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"cannot read: {exc}", path=path) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=path,
                            line=exc.lineno) from None


def _strings(value: Any, path: Path, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SnapshotError(f"{what} must be a list of strings", path=path)
    return list(value)


def read_state(path: Path) -> tuple[FailureState, tuple[dict[str, object], ...], dict[str, Any]]:
    """(failures, faults, the whole document) from a ``state.json``."""
    data = _load_json(path)
    if not isinstance(data, dict):
        raise SnapshotError("expected a JSON object", path=path)
    failures = data.get("failures", {})
    if not isinstance(failures, dict):
        raise SnapshotError("'failures' must be an object", path=path)
    pairs = failures.get("interfaces_down", [])
    if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
            for p in pairs):
        raise SnapshotError("failures.interfaces_down must be a list of [router, interface]",
                            path=path)
    state = FailureState(
        links_down=frozenset(_strings(failures.get("links_down", []), path,
                                      "failures.links_down")),
        nodes_down=frozenset(_strings(failures.get("nodes_down", []), path,
                                      "failures.nodes_down")),
        interfaces_down=frozenset((p[0], p[1]) for p in pairs),
    )
    faults = data.get("faults", [])
    if not isinstance(faults, list) or not all(isinstance(f, dict) for f in faults):
        raise SnapshotError("'faults' must be a list of objects", path=path)
    return state, tuple(faults), data


def vendor_override(state: dict[str, Any], path: Path) -> Vendor | None:
    """The vendor override recorded in a ``state.json`` document (None = modelled vendors)."""
    value = state.get("vendor_override")
    if value is None:
        return None
    try:
        return Vendor(value)
    except ValueError:
        raise SnapshotError(f"unknown vendor_override {value!r}", path=path) from None


def read_layer1(path: Path) -> tuple[Layer1Edge, ...]:
    """The direction-free edges of a Batfish ``layer1_topology.json``."""
    data = _load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("edges"), list):
        raise SnapshotError("expected an object with an 'edges' list", path=path)
    out: set[Layer1Edge] = set()
    for i, edge in enumerate(data["edges"]):
        ends = []
        for key in ("node1", "node2"):
            node = edge.get(key) if isinstance(edge, dict) else None
            if not (isinstance(node, dict) and isinstance(node.get("hostname"), str)
                    and isinstance(node.get("interfaceName"), str)):
                raise SnapshotError(f"edge {i}: {key} needs 'hostname' and 'interfaceName'",
                                    path=path)
            ends.append((node["hostname"], node["interfaceName"]))
        (n1, i1), (n2, i2) = sorted(ends)
        out.add(Layer1Edge(n1, i1, n2, i2))
    return tuple(sorted(out))


def read_snapshot(path: Path | str) -> Snapshot:
    """Read the snapshot at ``path``: network, failure state, parsed configs, layer 1."""
    from netlab.topology.files import load_network

    root = Path(path)
    if not root.is_dir():
        raise SnapshotError("not a directory (expected a snapshot)", path=root)
    net_file = root / NETWORK_FILE
    if not net_file.is_file():
        raise SnapshotError("missing (not a complete netlab snapshot)", path=net_file)
    network = load_network(net_file)
    failures, faults, _ = read_state(root / STATE_FILE)
    cfg_dir = root / CONFIGS_DIR
    if not cfg_dir.is_dir():
        raise SnapshotError("missing configs directory", path=cfg_dir)

    configs: dict[str, DeviceConfig] = {}
    warnings: dict[str, tuple[ParseWarning, ...]] = {}
    source: dict[str, Path] = {}
    for file in sorted(cfg_dir.glob("*.cfg")):
        result = parse_file(file)
        host = result.config.hostname
        if host not in network.routers:
            raise SnapshotError(f"hostname {host!r} is not a router of {network.name}",
                                path=file)
        if host in source:
            raise SnapshotError(f"hostname {host!r} is also configured in {source[host].name}",
                                path=file)
        source[host] = file
        configs[host] = result.config
        warnings[host] = result.warnings
    missing = sorted(set(network.routers) - set(configs))
    if missing:
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise SnapshotError(f"no config for router(s) {', '.join(missing[:5])}{more}",
                            path=cfg_dir)
    layer1 = read_layer1(root / LAYER1_FILE)
    return Snapshot(path=root, network=network, failures=failures, configs=configs,
                    layer1=layer1, warnings=warnings, faults=faults)
