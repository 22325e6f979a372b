"""Benchmark: intent, render, snapshot write and parse of a ~1,000-router classic backbone.

Run ``python benchmarks/bench_render.py`` (``--no-record`` to only print). The
network comes from the classic generator (100 PoPs, 60 DCs, 8 external
networks: 999 routers in the modelled vendors). Each step is timed ``--repeat``
times and the best run is kept; the results table is printed and recorded in
``docs/performance.md`` between ``<!-- bench:render -->`` and
``<!-- /bench:render -->`` (the other sections of that file are left alone).
Target: rendering 1,000 routers in at most 2 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.table import Table

from netlab.model.device import DeviceConfig
from netlab.model.network import Network
from netlab.parse import parse_config
from netlab.render import render_config
from netlab.render.intent import device_configs
from netlab.snapshot import read_snapshot, write_snapshot
from netlab.topology.build import build_network
from netlab.topology.classic import ClassicParams, generate_classic

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:render -->", "<!-- /bench:render -->"
TARGET_RENDER_S = 2.0
T = TypeVar("T")


Row = tuple[str, float, float, str]  # step, wall seconds, CPU seconds, note


def best(repeat: int, fn: Callable[[], T]) -> tuple[float, float, T]:
    """The fastest wall and CPU time of ``repeat`` runs of ``fn``, and its result.

    CPU time (``process_time``) is reported beside wall time because a shared
    machine's other processes inflate wall time but not our CPU time.
    """
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    return min(walls), min(cpus), result


def measure(network: Network, repeat: int) -> tuple[list[Row], dict[str, str]]:
    """Timed rows and a few counts for the network."""
    rows: list[Row] = []
    n = len(network.routers)
    t, c, configs = best(repeat, lambda: device_configs(network))
    rows.append(("intent (device_configs)", t, c, f"{n} DeviceConfigs"))
    t, c, texts = best(repeat, lambda: {h: render_config(c) for h, c in configs.items()})
    size = sum(len(x) for x in texts.values())
    rows.append(("render (render_config)", t, c, f"{size / 1e6:.1f} MB of config text"))

    def parse_all() -> dict[str, DeviceConfig]:
        return {h: parse_config(x, f"{h}.cfg").config for h, x in texts.items()}

    t, c, parsed = best(repeat, parse_all)
    assert parsed == configs, "parse(render(intent)) differs from the intent"
    rows.append(("parse (parse_config)", t, c, "every config reads back equal"))
    with tempfile.TemporaryDirectory(prefix="netlab-bench-") as tmp:
        out = Path(tmp) / "snap"

        def write() -> Path:
            return write_snapshot(network, configs, out, texts=texts, overwrite=True)

        t, c, _ = best(repeat, write)
        rows.append(("write snapshot (files only)", t, c, "configs, layer 1, network, state"))
        t, c, _ = best(repeat, lambda: write_snapshot(network, configs, out, overwrite=True))
        rows.append(("render + write snapshot", t, c,
                     "write_snapshot as `netlab render` calls it"))
        t, c, snap = best(repeat, lambda: read_snapshot(out))
        rows.append(("read snapshot (parse all)", t, c, f"{len(snap.configs)} configs, "
                     f"{len(snap.layer1)} layer-1 edges"))
    vendors = Counter(c.vendor.value for c in configs.values())
    neighbors = sum(len(c.bgp.neighbors) for c in configs.values() if c.bgp)
    counts = {
        "routers": f"{n} ({', '.join(f'{v} {k}' for k, v in sorted(vendors.items()))})",
        "links": str(len(network.links)),
        "BGP neighbor statements": str(neighbors),
        "route reflectors": str(sum(r.route_reflector for r in network.routers.values())),
    }
    return rows, counts


def table(rows: list[Row], n: int) -> Table:
    t = Table(title=f"render and parse, {n} routers (best run)")
    t.add_column("step")
    t.add_column("wall s", justify="right")
    t.add_column("CPU s", justify="right")
    t.add_column("CPU ms/router", justify="right")
    t.add_column("note")
    for step, wall, cpu, note in rows:
        t.add_row(step, f"{wall:.2f}", f"{cpu:.2f}", f"{cpu / n * 1000:.2f}", note)
    return t


def markdown(rows: list[Row], counts: dict[str, str], params: ClassicParams,
             repeat: int) -> str:
    n = int(counts["routers"].split()[0])
    wall, cpu = next((w, c) for step, w, c, _ in rows if step.startswith("render ("))
    verdict = "meets" if min(wall, cpu) <= TARGET_RENDER_S else "misses"
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"
    lines = [
        START,
        "## Render and parse",
        "",
        f"`python benchmarks/bench_render.py` — `{params.command()}`, best of {repeat}, "
        f"Python {platform.python_version()} on {os.cpu_count()} CPU(s), one process, "
        f"load average {load} while it ran (wall time counts other processes' load, "
        "CPU time does not).",
        "",
        *(f"- {k}: {v}" for k, v in counts.items()),
        "",
        "| step | wall s | CPU s | CPU ms/router | note |",
        "|---|---:|---:|---:|---|",
        *(f"| {step} | {w:.2f} | {c:.2f} | {c / n * 1000:.2f} | {note} |"
          for step, w, c, note in rows),
        "",
        f"Rendering {n} routers took {cpu:.2f} s of CPU ({wall:.2f} s wall): it {verdict} "
        f"the {TARGET_RENDER_S:.0f} s target.",
        END,
    ]
    return "\n".join(lines)


def record(section: str, doc: Path = DOC) -> None:
    """Replace the render section of ``doc`` (or append it), keeping every other section."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pops", type=int, default=100)
    parser.add_argument("--dcs", type=int, default=60)
    parser.add_argument("--peers", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    params = ClassicParams(pops=args.pops, dcs=args.dcs, peers=args.peers, name="bench-classic")
    network = build_network(generate_classic(params))
    rows, counts = measure(network, args.repeat)
    console = Console()
    console.print(table(rows, len(network.routers)))
    for k, v in counts.items():
        console.print(f"{k}: {v}")
    if not args.no_record:
        record(markdown(rows, counts, params, args.repeat))
        console.print(f"recorded in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
