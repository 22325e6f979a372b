"""Benchmark: bring up live labs of ~20, ~50 and ~100 FRR routers; time and memory.

Run as root: ``python benchmarks/bench_lab.py`` (``--no-record`` to only
print, ``--sizes 20 50`` for a subset). Each network comes from the classic
generator (PoPs with bb and pr routers, DCs with bb and dr routers, external
peers), rendered for FRR as ``netlab lab up`` does. For each lab it records:

* ``build`` — namespaces, veths, daemons started and configs loaded;
* ``converge`` — from the last config loaded until every expected IS-IS
  adjacency is Up, every expected BGP session Established and every router
  has an IS-IS route to every loopback of its domain;
* ``up`` — the whole ``netlab lab up`` (dry-run included);
* ``RSS`` — the resident memory of all FRR daemons (zebra, staticd, isisd,
  bgpd), summed from /proc after convergence; ``per router`` divides it;
* ``down`` — removing the lab.

Results go to ``docs/performance.md`` between ``<!-- bench:lab -->`` and
``<!-- /bench:lab -->`` (the other sections of that file are left alone).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netlab.lab.lab import Lab
from netlab.lab.plan import plan_from_configs
from netlab.model.types import Vendor
from netlab.render.intent import device_configs
from netlab.topology.build import build_network
from netlab.topology.classic import ClassicParams, generate_classic

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:lab -->", "<!-- /bench:lab -->"
# size → classic generator parameters (pops, dcs, prs per pop, drs per dc, peers)
SIZES: dict[int, tuple[int, int, int, int, int]] = {
    20: (2, 3, 1, 1, 4),
    50: (8, 5, 1, 1, 3),
    100: (14, 10, 1, 1, 4),
}


@dataclass(frozen=True, slots=True)
class Result:
    """One lab's figures."""

    size: int
    routers: int
    links: int
    build_s: float
    converge_s: float
    up_s: float
    rss_mb: float
    down_s: float

    @property
    def per_router_mb(self) -> float:
        return self.rss_mb / self.routers


def _rss_mb(lab: Lab) -> float:
    total_kb = 0
    for d in lab.state().daemons:
        try:
            pid = int(Path(d.pidfile).read_text().strip())
            status = Path(f"/proc/{pid}/status").read_text()
        except (OSError, ValueError):
            continue
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if m:
            total_kb += int(m.group(1))
    return total_kb / 1024


def run_one(size: int, timeout: float) -> Result:
    pops, dcs, prs, drs, peers = SIZES[size]
    spec = generate_classic(ClassicParams(pops=pops, dcs=dcs, prs_per_pop=prs,
                                          drs_per_dc=drs, peers=peers, name=f"bench{size}"))
    network = build_network(spec)
    plan = plan_from_configs(f"bench{size}", f"classic generator {SIZES[size]}", network,
                             device_configs(network, vendor=Vendor.FRR))
    marks: dict[str, float] = {}
    start = time.perf_counter()

    def progress(phase: str, _done: int, _total: int) -> None:
        marks.setdefault(phase, time.perf_counter())

    lab = Lab.start(plan, timeout=timeout, progress=progress)
    up = time.perf_counter()
    try:
        rss = _rss_mb(lab)
    finally:
        t = time.perf_counter()
        lab.down()
        down = time.perf_counter() - t
    built = marks.get("converging", up)
    return Result(size, len(plan.routers), len(plan.links),
                  built - marks.get("creating namespaces", start), up - built, up - start,
                  rss, down)


def table(results: list[Result]) -> Table:
    t = Table(title="live lab: generated classic backbones as FRR in namespaces")
    for col in ("routers", "links", "build s", "converge s", "up s", "FRR RSS MB",
                "MB / router", "down s"):
        t.add_column(col, justify="right")
    for r in results:
        t.add_row(str(r.routers), str(r.links), f"{r.build_s:.1f}", f"{r.converge_s:.1f}",
                  f"{r.up_s:.1f}", f"{r.rss_mb:.0f}", f"{r.per_router_mb:.1f}",
                  f"{r.down_s:.1f}")
    return t


def markdown(results: list[Result]) -> str:
    lines = [
        START,
        "### Live lab (`benchmarks/bench_lab.py`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Linux {platform.release()}, FRR 8.4 (tuned timers). "
        "`build` = namespaces, veths, daemons and config load; `converge` = from the "
        "last config loaded until every expected adjacency is Up, every expected BGP "
        "session Established and every IS-IS route to a loopback present; `RSS` = "
        "zebra + staticd + isisd + bgpd summed over all routers.",
        "",
        "| routers | links | build s | converge s | up s (total) | FRR RSS MB | "
        "MB / router | down s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.routers} | {r.links} | {r.build_s:.1f} | {r.converge_s:.1f} | "
                     f"{r.up_s:.1f} | {r.rss_mb:.0f} | {r.per_router_mb:.1f} | "
                     f"{r.down_s:.1f} |")
    lines.append(END)
    return "\n".join(lines)


def record(results: list[Result]) -> None:
    section = markdown(results)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(SIZES),
                        choices=sorted(SIZES))
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench_lab needs root (network namespaces): run with sudo", file=sys.stderr)
        return 2
    out = Console()
    results = []
    for size in args.sizes:
        out.print(f"bringing up ~{size} routers …")
        results.append(run_one(size, args.timeout))
        out.print(table(results))
    if not args.no_record:
        record(results)
        out.print(f"recorded in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
