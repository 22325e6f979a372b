"""Benchmark: the embedded engine's full analysis, questions and incremental what-if.

Run ``python benchmarks/bench_engine.py`` (``--no-record`` to only print,
``--quick`` for the ~1,000-router sizes only). Each network comes from the
classic or express generator and the real intent (``device_configs``); the
snapshot is built in memory (configs are not rendered and parsed — the render
benchmark covers that). For every size:

* **analysis**: adjacencies, SPF with ECMP (both levels), every BGP session,
  every BGP best path of every router (site, loopback-free external prefixes),
  the IGP and full FIB — stage by stage, best of ``--repeat`` runs taken in rounds
  over the ~1,000-router sizes (the ~5,000 size runs once);
* **what-if**: ``--failures`` random single core-link failures (and one router
  failure) through the incremental path (SPF delta, changed-pair counts,
  sessions), as the median and the maximum, next to a full re-analysis of the
  failed snapshot; listing every changed IS-IS route is timed separately;
* at the classic ~1,000 size also reachability (every internal source to every
  loopback, site and external prefix; only failing flows become rows, as
  ``netlab analyze ... reachability`` lists them), link utilisation and the
  BGP RIB of every router.

Times are CPU seconds of this process (``process_time``), which other
processes' load does not inflate, with wall seconds beside them. The result
table is printed and recorded in ``docs/performance.md`` between
``<!-- bench:engine -->`` and ``<!-- /bench:engine -->`` (other sections are
left alone). Targets: analysis ≤ 1 s at ~1,000 routers and ≤ 15 s at ~5,000;
one physical-failure what-if ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.table import Table

from netlab.engines.base import FlowDisposition
from netlab.engines.embedded import EmbeddedEngine, failed_snapshot
from netlab.engines.embedded.analysis import analyse
from netlab.engines.embedded.whatif import prepare, what_if
from netlab.model.network import FailureState, Network
from netlab.model.types import LinkKind
from netlab.render.intent import device_configs
from netlab.snapshot.layout import Snapshot
from netlab.snapshot.writer import layer1_edges
from netlab.topology.build import build_network
from netlab.topology.classic import ClassicParams, generate_classic
from netlab.topology.express import ExpressParams, generate_express

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:engine -->", "<!-- /bench:engine -->"
T = TypeVar("T")

SIZES: dict[str, ClassicParams | ExpressParams] = {
    "classic-1k": ClassicParams(name="bench-classic", pops=160, dcs=12),
    "express-1k": ExpressParams(name="bench-express", dcs=166),
    "classic-5k": ClassicParams(name="bench-classic", pops=800, dcs=40),
}


@dataclass
class Result:
    size: str
    command: str
    routers: int
    links: int
    sessions: int
    prefixes: int
    stages: dict[str, tuple[float, float]]  # stage → (CPU s, wall s), best run
    whatif_cpu: list[float]
    whatif_pairs: list[int]
    node_whatif_cpu: float
    routes_cpu: float
    routes_listed: int
    full_cpu: float
    first_cpu: float
    extra: dict[str, tuple[float, float, str]]  # question → (CPU s, wall s, note)


def timed(fn: Callable[[], T]) -> tuple[float, float, T]:
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, out


def snapshot_of(network: Network) -> Snapshot:
    """The snapshot ``netlab render`` would write, in memory (layer 1 included)."""
    configs = device_configs(network)
    return Snapshot(Path("/bench"), network, FailureState(), configs,
                    layer1_edges(network, configs))


def network_of(size: str) -> Network:
    params = SIZES[size]
    spec = (generate_classic(params) if isinstance(params, ClassicParams)
            else generate_express(params))
    return build_network(spec)


Best = dict[str, tuple[float, float]]  # stage → (CPU s, wall s) of the best run


def time_analyses(snaps: dict[str, Snapshot], repeat: int) -> dict[str, Best]:
    """Best of ``repeat`` full analyses per size, taken in rounds over the sizes: a slow
    spell of this shared machine then costs each size one run, not one size all its runs."""
    best: dict[str, Best] = {size: {} for size in snaps}
    for _ in range(repeat):
        for size, snap in snaps.items():
            gc.collect()  # one analysis alive at a time: the heap stays the size of one run
            cpu, wall, fresh = timed(functools.partial(analyse, snap, clock=time.process_time))
            for k, v in {**fresh.timings, "total": cpu}.items():
                if k not in best[size] or v < best[size][k][0]:
                    best[size][k] = (v, wall if k == "total" else 0.0)
            del fresh
    return best


def measure(size: str, network: Network, snap: Snapshot, best: Best, failures: int,
            extras: bool) -> Result:
    params = SIZES[size]
    gc.collect()
    analysis = analyse(snap)  # the one the what-ifs start from (timed above)
    rng = random.Random(1)
    core = sorted(lid for lid, lk in network.links.items()
                  if lk.kind in (LinkKind.LONGHAUL, LinkKind.METRO))
    # the first what-if on an analysis also builds its indexes (port → edges, router →
    # peerings, prefixes per router, padded adjacency): timed on its own
    gc.collect()  # start from a clean heap: earlier sizes' garbage is not this size's cost
    first_cpu, _, _ = timed(functools.partial(prepare, analysis))
    cpus: list[float] = []
    pairs: list[int] = []
    routes_cpu, listed, full_cpu = 0.0, 0, 0.0
    for trial in range(failures):
        f = FailureState(links_down=frozenset({rng.choice(core)}))
        cpu, _, w = timed(functools.partial(what_if, analysis, f))
        cpus.append(cpu)
        pairs.append(w.pairs_changed)
        if trial == 0:
            routes_cpu, _, got = timed(w.routes)
            listed = len(got)
            full_cpu, _, _ = timed(functools.partial(analyse, failed_snapshot(snap, f)))
    node = rng.choice(sorted(r.name for r in network.internal_routers()))
    node_cpu, _, _ = timed(functools.partial(what_if, analysis,
                                             FailureState(nodes_down=frozenset({node}))))
    extra: dict[str, tuple[float, float, str]] = {}
    if extras:
        eng = EmbeddedEngine()
        eng.analysis(snap)  # computed once, outside the timings below
        failing = [d for d in FlowDisposition if not d.success]
        cpu, wall, flows = timed(lambda: eng.reachability(snap, dispositions=failing))
        checked = len(eng.default_sources(eng.analysis(snap))) * len(
            eng.default_destinations(snap))
        extra["reachability (every pair, failing flows listed)"] = (
            cpu, wall, f"{checked} flows checked, {len(flows)} failing")
        cpu, wall, links = timed(lambda: eng.link_utilisation(snap))
        extra["linkUtilisation"] = (cpu, wall, f"{len(network.demands)} demands, "
                                    f"{len(links)} link directions")
        cpu, wall, rib = timed(lambda: eng.bgp_rib(snap))
        extra["bgpRib (every router)"] = (cpu, wall, f"{len(rib)} rows")
    return Result(size, params.command(), len(network.routers), len(network.links),
                  len(analysis.sessions.sessions), len(analysis.bgp.prefixes()), best, cpus,
                  pairs, node_cpu, routes_cpu, listed, full_cpu, first_cpu, extra)


def table(results: list[Result]) -> Table:
    t = Table(title="embedded engine")
    for col in ("size", "routers", "adjacencies", "spf", "sessions", "bgp", "total CPU s",
                "what-if ms (median / max)", "full re-analysis s"):
        t.add_column(col, justify="right")
    for r in results:
        s = r.stages
        t.add_row(r.size, str(r.routers), *(f"{s[k][0]:.2f}" for k in
                                           ("adjacencies", "spf", "sessions", "bgp", "total")),
                  f"{statistics.median(r.whatif_cpu) * 1000:.1f} / {max(r.whatif_cpu) * 1000:.1f}",
                  f"{r.full_cpu:.2f}")
    return t


def machine_speed() -> float:
    """CPU seconds of a fixed pure-Python loop (10 million additions): a yardstick for
    comparing runs, since this shared machine's speed drifts by half over an hour."""
    cpu = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    assert total > 0
    return time.process_time() - cpu


def markdown(results: list[Result], repeat: int, speed: tuple[float, float]) -> str:
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"
    lines = [
        START,
        "## Embedded engine",
        "",
        f"`python benchmarks/bench_engine.py` — analysis: best of {repeat} runs per "
        "~1,000-router size, taken in rounds over the sizes (one run at ~5,000), Python "
        f"{platform.python_version()} on {os.cpu_count()} CPU(s), load average {load} while it "
        "ran. Times are CPU seconds of the process (other processes' load inflates wall time, "
        "not CPU time); snapshots are built in memory from the generator and the intent. "
        f"Machine speed: a 10-million-iteration Python loop took {speed[0]:.2f} s before and "
        f"{speed[1]:.2f} s after the run. This machine is shared and its speed drifts by "
        "spells of seconds to minutes, more than the loop shows: the rounds make a slow "
        "spell cost each size one run rather than one size all of its runs; compare runs of "
        "one day, best of several.",
        "",
        "| size | routers | links | sessions | BGP prefixes | adjacencies | SPF + IS-IS + IGP "
        "FIB | sessions | BGP RIBs | **analysis** | wall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.stages
        lines.append(f"| {r.size} | {r.routers} | {r.links} | {r.sessions} | {r.prefixes} | "
                     f"{s['adjacencies'][0]:.2f} | {s['spf'][0]:.2f} | {s['sessions'][0]:.2f} | "
                     f"{s['bgp'][0]:.2f} | **{s['total'][0]:.2f}** | {s['total'][1]:.2f} |")
    lines += [
        "",
        "The analysis pauses Python's cyclic garbage collector (`netlab.gcpause`): with it "
        "running, full collections over the configs' objects roughly doubled the classic-1k "
        "figure; on resume the objects it keeps join the oldest generation instead of being "
        "scanned as young ones (80 ms at classic-1k). docs/engines.md (Speed) says what else "
        "keeps the Python parts cheap.",
        "",
        "What-if (one physical failure, incremental: SPF delta, changed-pair counts, sessions; "
        "BGP and utilisation are re-analysed when asked for). Random core-link failures, each "
        "timed once, after the what-if indexes of the analysis are built (timed apart):",
        "",
        "| size | link failures | median ms | max ms | index build ms | router failure ms | "
        "pairs changed (median) | listing every changed IS-IS route | full re-analysis s |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.size} | {len(r.whatif_cpu)} | {statistics.median(r.whatif_cpu) * 1000:.1f} | "
            f"{max(r.whatif_cpu) * 1000:.1f} | {r.first_cpu * 1000:.1f} | "
            f"{r.node_whatif_cpu * 1000:.1f} | "
            f"{int(statistics.median(r.whatif_pairs))} | {r.routes_listed} routes in "
            f"{r.routes_cpu:.2f} s | {r.full_cpu:.2f} |")
    extras = [(r, q, v) for r in results for q, v in r.extra.items()]
    if extras:
        lines += ["", "| size | question | CPU s | wall s | note |", "|---|---|---:|---:|---|"]
        lines += [f"| {r.size} | {q} | {c:.2f} | {w:.2f} | {note} |"
                  for r, q, (c, w, note) in extras]
    lines += ["", verdict(results)]
    lines += ["", "Networks:", ""]
    lines += [f"- {r.size} ({r.routers} routers): `{r.command}`" for r in results]
    lines.append(END)
    return "\n".join(lines)


TARGET_1K_S, TARGET_5K_S, TARGET_WHATIF_MS = 1.0, 15.0, 10.0


def verdict(results: list[Result]) -> str:
    """One sentence per target: met or missed, with the figure. The issue sets the analysis
    targets on a ~1,000-router classic backbone (≤ 1 s) and at ~5,000 routers (≤ 15 s), and
    ≤ 10 ms for one physical-failure what-if; express-1k is held to the 1k figures too."""
    parts = []
    for r in results:
        total = r.stages["total"][0]
        big = r.routers > 2500
        target = TARGET_5K_S if big else TARGET_1K_S
        word = "meets" if total <= target else "misses"
        median = statistics.median(r.whatif_cpu) * 1000
        if big:
            what = f"what-if median {median:.1f} ms (the 10 ms target is set at ~1,000 routers)."
        else:
            wword = "meets" if median <= TARGET_WHATIF_MS else "misses"
            what = (f"what-if median {median:.1f} ms {wword} the {TARGET_WHATIF_MS:.0f} ms "
                    "target.")
        parts.append(f"{r.size}: analysis {total:.2f} s {word} the {target:.0f} s target; "
                     + what)
    return "Targets — " + " ".join(parts)


def record(section: str, doc: Path = DOC) -> None:
    """Replace the engine section of ``doc`` (or append it), keeping every other section."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--failures", type=int, default=20, help="random link what-ifs")
    parser.add_argument("--quick", action="store_true", help="skip the ~5,000-router size")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    console = Console()
    before = machine_speed()
    sizes = [size for size in SIZES if not (args.quick and size.endswith("5k"))]
    results = []
    for group, repeat in (([s for s in sizes if not s.endswith("5k")], args.repeat),
                          ([s for s in sizes if s.endswith("5k")], 1)):
        networks = {size: network_of(size) for size in group}
        snaps = {size: snapshot_of(net) for size, net in networks.items()}
        best = time_analyses(snaps, repeat)
        for size in group:
            results.append(measure(size, networks[size], snaps[size], best[size],
                                   args.failures, extras=size == "classic-1k"))
            console.print(f"{size}: done")
        del networks, snaps
    console.print(table(results))
    section = markdown(results, args.repeat, (before, machine_speed()))
    console.print(section)
    if not args.no_record:
        record(section)
        console.print(f"recorded in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
