"""The Lab facade: one object per running lab, rebuilt from its state file.

Every ``netlab lab`` command is its own process, so a :class:`Lab` holds no
more than its name: what it needs it reads from the state file and the
routers' run directories. ``Lab.start`` builds a lab from a plan and waits for
convergence; the other methods observe and operate a lab that is up. Fault
injection lives in :mod:`netlab.lab.faults`.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlab.errors import LabError
from netlab.lab import frr
from netlab.lab.build import build, parallel, router_runs, teardown
from netlab.lab.expect import Expectation, Observed, difference, expect
from netlab.lab.frr import RouterRun
from netlab.lab.plan import LabPlan
from netlab.lab.poll import wait_until
from netlab.lab.show import bgp_peers, isis_neighbors, routes, split_json
from netlab.lab.state import LabState, StateFile
from netlab.lab.system import pid_alive, require_frr, require_root, run
from netlab.model.device import DeviceConfig

__all__ = ["Lab", "RouterStatus"]

_OBSERVE = ("show isis neighbor json", "show bgp neighbors json",
            "show ip route isis json", "show ipv6 route isis json")


@dataclass(frozen=True, slots=True)
class RouterStatus:
    """One row of ``netlab lab status``."""

    router: str
    namespace: str
    daemons_alive: int
    daemons: int
    adjacencies_up: int
    adjacencies_expected: int
    sessions_up: int
    sessions_expected: int
    failed: bool = False


class Lab:
    """A running lab, named ``name``, whose state lives in ``directory``."""

    def __init__(self, name: str, directory: Path | None = None) -> None:
        self.name = name
        self.file = StateFile(name, directory)
        self._configs: dict[str, tuple[float, DeviceConfig]] = {}

    # -- life cycle -----------------------------------------------------------
    @classmethod
    def start(cls, plan: LabPlan, *, timeout: float = 120.0, directory: Path | None = None,
              progress: Callable[[str, int, int], None] | None = None,
              on_diff: Callable[[str], None] | None = None,
              stop: threading.Event | None = None) -> Lab:
        """Build the lab of ``plan``, apply its failures, wait until it converges.

        Everything created is removed again if anything fails or is
        interrupted (Ctrl-C) before the lab is up.
        """
        require_root()
        require_frr()
        lab = cls(plan.lab, directory)
        state = build(plan, lab.file, progress)
        for r in plan.routers:  # the plan's configs are the running ones: no need to parse
            running = Path(state.router(r.name).run_dir) / "running.conf"
            lab._configs[r.name] = (running.stat().st_mtime, r.config)
        try:
            if not plan.failures.empty:
                from netlab.lab.faults import apply_failures

                apply_failures(lab, plan.failures)
            lab.file.update(lambda s: s.replace(phase="converging"))
            if progress is not None:
                progress("converging", 0, len(plan.routers))
            lab.wait_converged(timeout, on_diff=on_diff, stop=stop)
            lab.file.update(lambda s: s.replace(phase="up"))
        except BaseException:
            teardown(lab.file.load() if lab.file.exists() else state, lab.file)
            raise
        return lab

    def down(self) -> None:
        """Remove every namespace, veth, daemon and file of this lab."""
        require_root()
        teardown(self.state(), self.file)

    def state(self) -> LabState:
        return self.file.load()

    # -- routers ----------------------------------------------------------------
    def runs(self) -> dict[str, RouterRun]:
        return router_runs(self.state())

    def run_of(self, router: str) -> RouterRun:
        runs = self.runs()
        if router not in runs:
            raise LabError(f"lab {self.name} has no router {router!r} "
                           f"(routers: {', '.join(sorted(runs)[:8])}…)")
        return runs[router]

    def failed_routers(self, state: LabState | None = None) -> set[str]:
        st = state or self.state()
        return {r for f in st.faults for r in f.routers}

    def down_ports(self, state: LabState | None = None) -> set[tuple[str, str]]:
        st = state or self.state()
        return {p for f in st.faults for p in f.interfaces}

    def vtysh(self, router: str, command: str, *, json: bool = False) -> Any:
        """Run a vtysh command on ``router`` (decoded JSON when ``json``)."""
        run_ = self.run_of(router)
        return frr.vtysh_json(run_, command) if json else frr.vtysh(run_, command)

    def exec(self, router: str, argv: Sequence[str], *, timeout: float = 60.0
             ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` inside ``router``'s namespace (not checked; bounded)."""
        ns = self.run_of(router).namespace
        try:
            return subprocess.run(["ip", "netns", "exec", ns, *argv], capture_output=True,
                                  text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise LabError(f"{router}: {' '.join(argv)} ran longer than {timeout:g} s") from None

    def capture(self, router: str, interface: str, output: Path, *, count: int = 100,
                seconds: float = 10.0) -> Path:
        """Capture up to ``count`` packets for at most ``seconds`` on ``interface``."""
        ns = self.run_of(router).namespace
        ports = dict(self.state().router(router).interfaces)
        if interface not in ports and interface != "lo":
            raise LabError(f"{router} has no interface {interface} "
                           f"(ports: {', '.join(sorted(ports))})")
        output = output.resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen(["ip", "netns", "exec", ns, "tcpdump", "-U", "-n", "-Z", "root",
                                 "-i", interface, "-c", str(count), "-w", str(output)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.file.update(lambda s: s.replace(helpers=(*s.helpers, proc.pid)))
        try:
            try:
                _, err_text = proc.communicate(timeout=seconds)
            except subprocess.TimeoutExpired:
                proc.terminate()
                _, err_text = proc.communicate(timeout=10)
        finally:
            self.file.update(lambda s: s.replace(
                helpers=tuple(p for p in s.helpers if p != proc.pid)))
        if not output.exists():
            err = (err_text or "").strip().splitlines()
            raise LabError(f"{router}: tcpdump wrote no capture"
                           f"{': ' + err[-1] if err else ''}")
        return output

    # -- configs, expectation, observation ---------------------------------------
    def configs(self) -> dict[str, DeviceConfig]:
        """Every router's running config, parsed (cached while the file is unchanged)."""
        from netlab.model.types import Vendor
        from netlab.parse import parse_config

        out = {}
        for name, run_ in self.runs().items():
            mtime = run_.running.stat().st_mtime
            cached = self._configs.get(name)
            if cached is None or cached[0] != mtime:
                text = run_.running.read_text(encoding="utf-8")
                cached = (mtime, parse_config(text, str(run_.running), Vendor.FRR).config)
                self._configs[name] = cached
            out[name] = cached[1]
        return out

    def expectation(self, state: LabState | None = None) -> Expectation:
        st = state or self.state()
        return expect(self.configs(), st.links, self.down_ports(st), self.failed_routers(st))

    def collect(self, commands: Sequence[str], routers: Sequence[str] | None = None
                ) -> dict[str, list[Any] | None]:
        """Decoded JSON of each ``show … json`` command, per live router, in parallel.

        Routers failed by a node fault are left out; a router whose vtysh does
        not answer maps to None.
        """
        state = self.state()
        runs = router_runs(state)
        dead = self.failed_routers(state)
        names = [n for n in (routers or sorted(runs)) if n not in dead and n in runs]

        def one(name: str) -> tuple[str, list[Any] | None]:
            argv = ["vtysh", "--vty_socket", str(runs[name].run_dir)]
            for cmd in commands:
                argv += ["-c", cmd]
            try:
                docs = split_json(run(argv, timeout=60.0))
            except LabError:
                return name, None
            return name, docs if len(docs) == len(commands) else None

        return dict(parallel(one, names))

    def observe(self, routers: Sequence[str] | None = None) -> Observed:
        """Adjacencies, sessions and IS-IS routes of the routers that are alive."""
        adj, sess, rib, unreachable = [], [], [], []
        for name, docs in self.collect(_OBSERVE, routers).items():
            if docs is None:
                unreachable.append(name)
                continue
            adj += isis_neighbors(name, docs[0])
            sess += bgp_peers(name, docs[1])
            rib += routes(name, docs[2]) + routes(name, docs[3])
        return Observed(adj, sess, rib, unreachable)

    def converged(self, must_be_down: Expectation | None = None) -> str | None:
        """None when the lab is in its expected state, else what still differs."""
        state = self.state()
        return difference(self.expectation(state), self.observe(), must_be_down)

    def wait_converged(self, timeout: float, *, must_be_down: Expectation | None = None,
                       on_diff: Callable[[str], None] | None = None,
                       stop: threading.Event | None = None) -> None:
        """Poll until converged; raise ConvergenceTimeout with the last difference."""
        wait_until(lambda: self.converged(must_be_down), timeout, interval=0.5,
                   what=f"convergence of lab {self.name}", on_progress=on_diff, stop=stop)

    # -- status ---------------------------------------------------------------------
    def status(self) -> list[RouterStatus]:
        """One row per router: daemons alive, adjacencies and sessions up vs expected."""
        state = self.state()
        expected = self.expectation(state)
        observed = self.observe()
        dead = self.failed_routers(state)
        rows = []
        for r in state.routers:
            daemons = [d for d in state.daemons if d.router == r.name]
            alive = sum(1 for d in daemons
                        if (pid := frr.read_pid(Path(d.pidfile))) and pid_alive(pid))
            rows.append(RouterStatus(
                router=r.name, namespace=r.namespace, daemons_alive=alive,
                daemons=len(daemons),
                adjacencies_up=sum(1 for a in observed.adjacencies
                                   if a.router == r.name and a.state == "Up"),
                adjacencies_expected=sum(1 for a in expected.adjacencies if a[0] == r.name),
                sessions_up=sum(1 for s in observed.sessions
                                if s.router == r.name and s.state == "Established"),
                sessions_expected=sum(1 for s in expected.sessions if s[0] == r.name),
                failed=r.name in dead,
            ))
        return rows
