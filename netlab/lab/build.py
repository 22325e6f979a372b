"""Bringing a lab up and tearing it down — including after netlab itself was killed.

:func:`build` turns a :class:`~netlab.lab.plan.LabPlan` into namespaces,
veths and running FRR daemons, recording each kind of object in the state
file *before* creating it. Any exception (Ctrl-C included) tears down what was
recorded so far. :func:`teardown` removes one lab from its state file;
:func:`sweep` also finds what no state file records — namespaces named with
:func:`~netlab.lab.names.ns_prefix`, FRR daemons started with such a ``-N``,
processes living inside such namespaces — and removes those too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from netlab.errors import LabError
from netlab.lab import frr, netns
from netlab.lab.frr import DAEMONS, RouterRun
from netlab.lab.names import ns_prefix, router_dir_name, state_dir
from netlab.lab.plan import LabPlan
from netlab.lab.poll import wait_until
from netlab.lab.state import (
    DaemonRecord,
    LabState,
    RouterRecord,
    StateFile,
    VethRecord,
    list_state_files,
)
from netlab.lab.system import FRR_DIR, kill_pid, pid_alive, processes

__all__ = ["SweepReport", "build", "parallel", "router_runs", "sweep", "teardown"]

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[str, int, int], None]  # (phase, done, total)


def parallel(fn: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[fn(x) for x in items]`` on a thread pool (subprocess-bound work)."""
    if not items:
        return []
    n = workers or min(16, 4 * (os.cpu_count() or 1), len(items))
    pool = ThreadPoolExecutor(max_workers=n)
    try:
        return list(pool.map(fn, items))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C: start nothing more
        raise
    finally:
        pool.shutdown(wait=True)


def router_runs(state: LabState) -> dict[str, RouterRun]:
    """The run location of every router of a lab, by router name."""
    return {r.name: RouterRun(r.name, r.namespace, Path(r.run_dir)) for r in state.routers}


def build(plan: LabPlan, state_file: StateFile, progress: Progress | None = None) -> LabState:
    """Create the lab of ``plan``; on any failure remove everything it created."""
    if state_file.exists():
        raise LabError(f"a lab named {plan.lab} is already up: 'netlab lab down --name "
                       f"{plan.lab}' first")
    note = progress or (lambda _p, _d, _t: None)
    note("checking configs", 0, len(plan.routers))
    problems = frr.dry_run_many({r.name: r.text for r in plan.routers})
    for name, errors in sorted(problems.items()):
        if errors:
            raise LabError(f"{name}: FRR rejects its config: {errors[0]}")
    base = state_file.directory / plan.lab
    routers = tuple(RouterRecord(r.name, r.namespace, str(base / router_dir_name(r.name)),
                                 r.interfaces) for r in plan.routers)
    state = state_file.save(LabState(lab=plan.lab, source=plan.source, phase="building",
                                     namespaces=tuple(r.namespace for r in plan.routers),
                                     routers=routers, links=plan.links))
    try:
        return _create(plan, state, state_file, note)
    except BaseException:
        with contextlib.suppress(Exception):
            teardown(state_file.load() if state_file.exists() else state, state_file)
        raise


def _create(plan: LabPlan, state: LabState, sf: StateFile, note: Progress) -> LabState:
    total = len(plan.routers)
    note("creating namespaces", 0, total)
    netns.add_namespaces(state.namespaces)
    ns_of = {r.name: r.namespace for r in plan.routers}
    veths = tuple(VethRecord(ns_of[lk.a_router], lk.a_iface, ns_of[lk.b_router], lk.b_iface)
                  for lk in plan.links)
    state = sf.save(state.replace(veths=veths))
    note("wiring links", 0, len(veths))
    mtus = {(r.namespace, name): mtu for r in plan.routers for name, mtu in r.interfaces}
    netns.add_veths(veths, mtus)
    parallel(lambda r: netns.set_mtu_and_up(r.namespace, r.interfaces), plan.routers)
    runs = router_runs(state)
    daemons = tuple(DaemonRecord(r.name, d, r.namespace, str(runs[r.name].pidfile(d)))
                    for r in plan.routers for d in DAEMONS)
    state = sf.save(state.replace(phase="starting", daemons=daemons))
    for r in plan.routers:
        runs[r.name].prepare(r.text)
    pids: dict[tuple[str, str], int] = {}
    for i, group in enumerate((("zebra",), DAEMONS[1:])):
        jobs = [(r.name, d) for r in plan.routers for d in group]
        note("starting FRR" if i == 0 else "starting routing daemons", 0, len(jobs))
        started = parallel(lambda job: frr.start_daemon(runs[job[0]], job[1]), jobs)
        pids.update(zip(jobs, started, strict=True))
    state = sf.save(state.replace(daemons=tuple(
        DaemonRecord(d.router, d.daemon, d.namespace, d.pidfile, pids.get((d.router, d.daemon)))
        for d in daemons)))
    note("loading configs", 0, total)
    parallel(lambda r: frr.load_config(runs[r.name], runs[r.name].running), plan.routers)
    return sf.save(state.replace(phase="loaded"))


def _frr_pids_of(namespaces: set[str], include_prefix: bool) -> set[int]:
    """FRR daemons started with ``-N`` one of ``namespaces`` (or any netlab name)."""
    out: set[int] = set()
    inodes = {i for i in (netns.namespace_inode(n) for n in namespaces) if i is not None}
    for p in processes():
        if p.pid == os.getpid():
            continue
        label = next((p.argv[i + 1] for i, a in enumerate(p.argv[:-1]) if a == "-N"), None)
        is_frr = p.argv[0].startswith(str(FRR_DIR))
        if is_frr and label is not None and (
                label in namespaces or (include_prefix and label.startswith(ns_prefix()))):
            out.add(p.pid)
        elif p.netns_inode is not None and p.netns_inode in inodes:
            out.add(p.pid)  # anything else living in our namespaces (captures, shells)
    return out


def _kill_all(pids: Iterable[int], what: str) -> None:
    targets = {p for p in pids if p > 1}
    for pid in targets:
        kill_pid(pid)
    wait_until(lambda: (None if not (left := [p for p in targets if pid_alive(p)])
                        else f"{len(left)} process(es) still alive, e.g. {left[0]}"),
               deadline_s=15.0, interval=0.05, what=f"{what}: processes to exit")


def teardown(state: LabState, state_file: StateFile) -> None:
    """Remove every object ``state`` records (absent ones are skipped), then the state."""
    namespaces = set(state.namespaces) | {d.namespace for d in state.daemons}
    recorded = {d.pid for d in state.daemons if d.pid is not None}
    from_files = {frr.read_pid(Path(d.pidfile)) for d in state.daemons}
    found = _frr_pids_of(namespaces, include_prefix=False)
    # a recorded pid is only trusted if it still is one of this lab's processes
    trusted = {p for p in (recorded | {p for p in from_files if p}) if p in found}
    helpers = {p for p in state.helpers if p in found}
    _kill_all(found | trusted | helpers, f"lab {state.lab}")
    netns.delete_namespaces(sorted(namespaces))
    run_base = state_file.directory / state.lab
    shutil.rmtree(run_base, ignore_errors=True)
    state_file.remove()


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What :func:`sweep` removed."""

    labs: tuple[str, ...]
    stray_namespaces: tuple[str, ...]
    stray_processes: int


def sweep(directory: Path | None = None) -> SweepReport:
    """Tear down every lab with a state file, then every unrecorded netlab object."""
    labs = []
    for sf in list_state_files(directory):
        try:
            state = sf.load()
        except LabError:
            state = LabState(lab=sf.lab)
        teardown(state, sf)
        labs.append(sf.lab)
    stray_ns = netns.list_namespaces(ns_prefix())
    stray_pids = _frr_pids_of(set(stray_ns), include_prefix=True)
    _kill_all(stray_pids, "stray netlab objects")
    netns.delete_namespaces(stray_ns)
    base = directory if directory is not None else state_dir()
    if base.is_dir():
        for child in base.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
    return SweepReport(tuple(labs), tuple(stray_ns), len(stray_pids))
