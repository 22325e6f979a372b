"""Benchmark topology generation: classic and express backbones from ~100 to ~5,000 routers.

For each size: generate the spec, build and check the Network, save it as a
topology file and load it back (the path every snapshot takes), then measure
peak Python memory of generate + build with tracemalloc in a separate run
(tracing slows the code it watches, so timings come from untraced runs).
Prints a rich table and records it in ``docs/performance.md`` between
``<!-- bench:topology -->`` and ``<!-- /bench:topology -->`` (the other
sections of that file are left alone).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netlab.topology.build import build_network
from netlab.topology.classic import ClassicParams, generate_classic
from netlab.topology.express import ExpressParams, generate_express
from netlab.topology.files import load_network, save_network
from netlab.topology.schema import TopologySpec

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:topology -->", "<!-- /bench:topology -->"

Params = ClassicParams | ExpressParams
SIZES: tuple[Params, ...] = (
    ClassicParams(name="bench-classic", pops=14, dcs=4),
    ClassicParams(name="bench-classic", pops=80, dcs=8),
    ClassicParams(name="bench-classic", pops=160, dcs=12),
    ClassicParams(name="bench-classic", pops=800, dcs=40),
    ExpressParams(name="bench-express", dcs=16),
    ExpressParams(name="bench-express", dcs=84),
    ExpressParams(name="bench-express", dcs=166),
    ExpressParams(name="bench-express", dcs=416, drs_per_dc=8),
)


@dataclass(frozen=True, slots=True)
class Row:
    """CPU seconds of each step (best run), wall seconds of all four, peak MiB."""

    params: Params
    routers: int
    links: int
    generate_s: float
    build_s: float
    save_s: float
    load_s: float
    wall_s: float
    peak_mib: float

    @property
    def backbone(self) -> str:
        return "classic" if isinstance(self.params, ClassicParams) else "express"


def _generate(params: Params) -> TopologySpec:
    if isinstance(params, ClassicParams):
        return generate_classic(params)
    return generate_express(params)


def measure(params: Params, repeat: int) -> Row:
    """Best-of-``repeat`` CPU time of each step, then peak memory of generate + build."""
    best = [float("inf")] * 4
    wall = float("inf")
    routers = links = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "network.yaml"
        for _ in range(repeat):
            marks = [(time.perf_counter(), time.process_time())]
            spec = _generate(params)
            marks.append((time.perf_counter(), time.process_time()))
            network = build_network(spec)
            marks.append((time.perf_counter(), time.process_time()))
            save_network(network, out)
            marks.append((time.perf_counter(), time.process_time()))
            loaded = load_network(out)
            marks.append((time.perf_counter(), time.process_time()))
            assert loaded == network, "load(save(n)) != n"
            for i in range(4):
                best[i] = min(best[i], marks[i + 1][1] - marks[i][1])
            wall = min(wall, marks[-1][0] - marks[0][0])
            routers, links = len(network.routers), len(network.links)
    tracemalloc.start()
    build_network(_generate(params))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    gen, build, save, load = best
    return Row(params, routers, links, gen, build, save, load, wall, peak / 2**20)


_COLUMNS = ("backbone", "routers", "links", "generate", "build+check", "save", "load",
            "wall, all four", "peak MiB")


def _cells(r: Row) -> list[str]:
    return [r.backbone, str(r.routers), str(r.links), f"{r.generate_s:.2f}", f"{r.build_s:.2f}",
            f"{r.save_s:.2f}", f"{r.load_s:.2f}", f"{r.wall_s:.2f}", f"{r.peak_mib:.0f}"]


def table(rows: list[Row]) -> Table:
    t = Table(title="topology generation: CPU seconds per step (best run)")
    for col in _COLUMNS:
        t.add_column(col, justify="left" if col == "backbone" else "right")
    for r in rows:
        t.add_row(*_cells(r))
    return t


def markdown(rows: list[Row], repeat: int) -> str:
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"
    return "\n".join([
        START,
        "## Topology generation",
        "",
        f"`python benchmarks/bench_topology.py` — best of {repeat} per size (one run at "
        f"~5,000 routers), Python {platform.python_version()} on {os.cpu_count()} CPU(s), "
        f"load average {load} while it ran. Step times are CPU seconds of this process "
        "(other processes' load inflates wall time, not CPU time). *generate* makes the "
        "spec (sites, fibre map, gravity demands, capacity planning); *build+check* "
        "derives addresses, ports, latencies and metrics and runs `Network.check()`; "
        "*save*/*load* write and read the topology file (`netlab/network.yaml` of a "
        "snapshot); *peak MiB* is tracemalloc's peak for generate + build.",
        "",
        "| " + " | ".join(_COLUMNS) + " |",
        "|---|" + "---:|" * (len(_COLUMNS) - 1),
        *("| " + " | ".join(_cells(r)) + " |" for r in rows),
        "",
        "Commands:",
        "",
        *(f"- {r.routers} routers: `{r.params.command()}`" for r in rows),
        "",
        "A sound file is read with libyaml; a file with a problem is read again node by "
        "node in Python to name the line, which is several times slower.",
        END,
    ])


def record(section: str, doc: Path = DOC) -> None:
    """Replace the topology section of ``doc`` (or append it), keeping every other section."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best is kept)")
    parser.add_argument("--max-routers", type=int, default=6000,
                        help="skip sizes above this many routers (approximate)")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    console = Console()
    rows = []
    for params in SIZES:
        rough = (params.pops * 6 + params.dcs * 4 if isinstance(params, ClassicParams)
                 else params.dcs * (params.planes + params.drs_per_dc))
        if rough > args.max_routers:
            continue
        rows.append(measure(params, args.repeat if rough < 2000 else 1))
        console.print(f"{rows[-1].backbone} {rows[-1].routers} routers: "
                      f"{rows[-1].generate_s + rows[-1].build_s:.2f} s")
    console.print(table(rows))
    if not args.no_record:
        record(markdown(rows, args.repeat))
        console.print(f"recorded in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
