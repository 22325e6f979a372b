"""Write a snapshot directory (layout in :mod:`netlab.snapshot.layout`).

``configs/<host>.cfg`` are rendered with :func:`netlab.render.render_config`
(or taken verbatim from ``texts``, e.g. a trainee's edited file).
``batfish/layer1_topology.json`` is Batfish's user-provided layer-1 file::

    {"edges": [{"node1": {"hostname": "bb1", "interfaceName": "et-0/0/1"},
                "node2": {"hostname": "bb2", "interfaceName": "et-0/0/2"}}, ...]}

Batfish reads the edges as a directed graph; since 2021 it adds the reverse
of every edge itself (``Layer1TopologiesFactory``), older releases and its
example snapshots list both directions. We write both directions, which every
release reads the same way. Only physical links that are up are listed: not
in ``links_down``, neither end router in ``nodes_down``, neither end
interface in ``interfaces_down``. Interface names follow each config's vendor.

``batfish/isp_config.json`` is not written: external peers are real routers
with their own configs in ``configs/``, so Batfish needs no ISP modelling.

A snapshot is only ever written into a new or empty directory, or over an
existing netlab snapshot when ``overwrite=True`` (then only the files netlab
writes are replaced; anything else in the directory is left alone). Every
config is rendered before the first file is written, so a render error
leaves nothing half-written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netlab import __version__
from netlab.errors import SnapshotError
from netlab.model.device import DeviceConfig
from netlab.model.naming import interface_name
from netlab.model.network import FailureState, Network
from netlab.model.types import Vendor
from netlab.render import render_config
from netlab.snapshot.layout import (
    CONFIGS_DIR,
    LAYER1_FILE,
    NETWORK_FILE,
    STATE_FILE,
    Layer1Edge,
)

__all__ = ["FORMAT_VERSION", "is_snapshot", "layer1_edges", "layer1_json", "write_snapshot"]

FORMAT_VERSION = 1
NOTHING_DOWN = FailureState()


def is_snapshot(path: Path) -> bool:
    """Whether ``path`` is a directory netlab wrote a snapshot into."""
    return (path / STATE_FILE).is_file() and (path / CONFIGS_DIR).is_dir()


def layer1_edges(network: Network, configs: Mapping[str, DeviceConfig],
                 failures: FailureState = NOTHING_DOWN) -> tuple[Layer1Edge, ...]:
    """The physical links that are up, named as in each router's config vendor."""
    out = []
    for lid in sorted(network.links):
        link = network.links[lid]
        if lid in failures.links_down:
            continue
        ends = []
        for end in (link.a, link.b):
            if end.router in failures.nodes_down:
                break
            cfg = configs.get(end.router)
            vendor = cfg.vendor if cfg is not None else network.routers[end.router].vendor
            name = interface_name(vendor, end.slot, end.port, link.capacity_gbps)
            if (end.router, name) in failures.interfaces_down:
                break
            ends.append((end.router, name))
        else:
            (n1, i1), (n2, i2) = sorted(ends)
            out.append(Layer1Edge(n1, i1, n2, i2))
    return tuple(sorted(out))


def layer1_json(edges: Sequence[Layer1Edge]) -> dict[str, Any]:
    """Batfish's layer1_topology.json content: every edge in both directions."""
    rows = []
    for e in edges:
        one = {"hostname": e.node1, "interfaceName": e.interface1}
        two = {"hostname": e.node2, "interfaceName": e.interface2}
        rows.append({"node1": one, "node2": two})
        rows.append({"node1": two, "node2": one})
    return {"edges": rows}


def _state(network: Network, failures: FailureState, faults: Sequence[Mapping[str, Any]],
           vendor: Vendor | None) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "netlab_version": __version__,
        "network": network.name,
        "vendor_override": vendor.value if vendor is not None else None,
        "failures": {
            "links_down": sorted(failures.links_down),
            "nodes_down": sorted(failures.nodes_down),
            "interfaces_down": [list(p) for p in sorted(failures.interfaces_down)],
        },
        "faults": [dict(f) for f in faults],
    }


def _check_target(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise SnapshotError("exists and is not a directory", path=out)
    if not out.exists() or not any(out.iterdir()):
        return
    if not is_snapshot(out):
        raise SnapshotError("directory is not empty and is not a netlab snapshot; "
                            "refusing to write into it", path=out)
    if not overwrite:
        raise SnapshotError("already holds a snapshot; pass overwrite (--force) to replace it",
                            path=out)


def write_snapshot(network: Network, configs: Mapping[str, DeviceConfig], out_dir: Path | str,
                   *, failures: FailureState = NOTHING_DOWN,
                   faults: Sequence[Mapping[str, Any]] = (),
                   texts: Mapping[str, str] | None = None, overwrite: bool = False,
                   vendor: Vendor | None = None) -> Path:
    """Write ``network`` with its ``configs`` as a snapshot in ``out_dir``; return the path.

    ``texts`` gives raw config text for some hosts (used verbatim instead of
    rendering); ``vendor`` records the vendor override the configs were made
    with. Raises :class:`SnapshotError` when the directory may not be written.
    """
    from netlab.topology.files import save_network

    out = Path(out_dir)
    _check_target(out, overwrite)
    texts = dict(texts or {})
    missing = sorted(set(network.routers) - set(configs) - set(texts))
    if missing:
        raise SnapshotError(f"no config for router(s) {', '.join(missing[:5])}", path=out)
    unknown = sorted((set(configs) | set(texts)) - set(network.routers))
    if unknown:
        raise SnapshotError(f"config(s) for unknown router(s) {', '.join(unknown[:5])} "
                            f"in {network.name}", path=out)
    rendered = {host: texts[host] if host in texts else render_config(configs[host])
                for host in sorted(network.routers)}
    edges = layer1_edges(network, configs, failures)

    cfg_dir = out / CONFIGS_DIR
    cfg_dir.mkdir(parents=True, exist_ok=True)
    for stale in cfg_dir.glob("*.cfg"):
        if stale.stem not in rendered:
            stale.unlink()
    for host, text in rendered.items():
        (cfg_dir / f"{host}.cfg").write_text(text, encoding="utf-8")
    _write_layer1(out / LAYER1_FILE, layer1_json(edges))
    (out / NETWORK_FILE).parent.mkdir(parents=True, exist_ok=True)
    save_network(network, out / NETWORK_FILE)
    _write_json(out / STATE_FILE, _state(network, failures, faults, vendor))
    return out


def _write_layer1(path: Path, data: dict[str, Any]) -> None:
    """One edge per line: readable, diffable, and fast (the C encoder, no indent)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = ",\n".join("  " + json.dumps(edge) for edge in data["edges"])
    path.write_text('{"edges": [\n' + rows + "\n]}\n", encoding="utf-8")


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
