"""FRR per router: daemons in the router's namespace, booted the way FRR boots.

Each router has a run directory (``<state dir>/<lab>/<router>/``, owned by the
``frr`` user) holding the vty sockets, the zserv socket, pid files, logs and
its configs: ``startup.conf`` (what the lab started with) and ``running.conf``
(what it runs now, after a push). Daemons start with ``-N <namespace>`` (so
their command line names the lab), ``--vty_socket``, ``-z``, ``-i``, ``-P 0``
(no TCP vty) and a *minimal* ``-f`` file; the real config is then loaded with
``vtysh -f`` — DESIGN.md's trap: a daemon reading an integrated config with
``-f`` silently drops every line after a foreign ``exit``. Every config is
dry-run before use.
"""

from __future__ import annotations

import contextlib
import json
import pwd
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlab.errors import LabError
from netlab.lab.poll import wait_until
from netlab.lab.system import FRR_DIR, pid_alive, run

__all__ = [
    "DAEMONS",
    "RouterRun",
    "dry_run",
    "dry_run_many",
    "load_config",
    "read_pid",
    "start_daemon",
    "vtysh",
    "vtysh_json",
]

DAEMONS = ("zebra", "staticd", "isisd", "bgpd")
"""Started in this order; zebra first, the others once its zserv socket exists."""

_BOOT = ("! netlab: minimal boot file; the router's config is loaded with vtysh -f.\n"
         "! The hostname must be here: daemons do not take it from vtysh -f (isisd\n"
         "! would announce the host's name as its dynamic hostname).\n"
         "hostname {hostname}\n")
_ZEBRA_ARGS = ("-s", "90000000")  # netlink receive buffer, as Debian's daemons file sets


@dataclass(frozen=True, slots=True)
class RouterRun:
    """Where one router's FRR lives: its namespace and run directory."""

    name: str
    namespace: str
    run_dir: Path

    @property
    def zserv(self) -> Path:
        return self.run_dir / "zserv.api"

    @property
    def config(self) -> Path:
        """The config the lab started the router with."""
        return self.run_dir / "startup.conf"

    @property
    def running(self) -> Path:
        """The config the router runs now (``startup.conf`` or a pushed one)."""
        return self.run_dir / "running.conf"

    @property
    def reload_dir(self) -> Path:
        """frr-reload.py's --confdir: it may write an ``frr.conf`` there."""
        return self.run_dir / "reload"

    def pidfile(self, daemon: str) -> Path:
        return self.run_dir / f"{daemon}.pid"

    def prepare(self, config_text: str) -> None:
        """Create the run directory with the boot file and both configs."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.reload_dir.mkdir(exist_ok=True)
        (self.reload_dir / "vtysh.conf").write_text("", encoding="utf-8")  # frr-reload reads it
        (self.run_dir / "boot.conf").write_text(_BOOT.format(hostname=_hostname(config_text)),
                                               encoding="utf-8")
        self.config.write_text(config_text, encoding="utf-8")
        self.running.write_text(config_text, encoding="utf-8")
        _give_to_frr(self.run_dir)


def _hostname(config_text: str) -> str:
    for line in config_text.splitlines():
        if line.startswith("hostname "):
            return line.split()[1]
    raise LabError("the router's config has no hostname line")


def _give_to_frr(path: Path) -> None:
    """FRR daemons drop privileges to ``frr``: let that user write the run dir."""
    try:
        pwd.getpwnam("frr")
    except KeyError:
        return
    for p in (path, *path.rglob("*")):
        with contextlib.suppress(OSError):
            shutil.chown(p, "frr", "frr")


def dry_run(text: str) -> list[str]:
    """FRR's own complaints about ``text`` (empty when FRR accepts every line)."""
    from netlab.render.frr_check import dry_run as check

    return check(text)


_LINE = re.compile(r"^line (\d+):\s*(.*)$")


def dry_run_many(texts: Mapping[str, str]) -> dict[str, list[str]]:
    """Dry-run many configs in one vtysh run; complaints per name, lines renumbered.

    Each config ends with ``end`` (back to the top level), so checking them
    back to back is the same syntax check as one by one, at a fraction of
    the cost (vtysh's start-up dominates).
    """
    starts: list[tuple[int, str]] = []
    parts, at = [], 0
    for name, text in texts.items():
        body = text if text.endswith("\n") else text + "\n"
        starts.append((at, name))
        parts.append(body)
        at += body.count("\n")
    out: dict[str, list[str]] = {name: [] for name in texts}
    for complaint in dry_run("".join(parts)):
        m = _LINE.match(complaint)
        if m is None:
            for complaints in out.values():
                complaints.append(complaint)
            continue
        line = int(m.group(1))
        start, name = max(s for s in starts if s[0] < line)
        out[name].append(f"line {line - start}: {m.group(2)}")
    return out


def read_pid(pidfile: Path) -> int | None:
    """The pid in ``pidfile`` if the file exists and holds one."""
    try:
        text = pidfile.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def start_daemon(router: RouterRun, daemon: str) -> int:
    """Start ``daemon`` in the router's namespace and return its pid."""
    binary = FRR_DIR / daemon
    argv = [str(binary), "-d", "-N", router.namespace,
            "--vty_socket", str(router.run_dir),
            "-z", str(router.zserv),
            "-i", str(router.pidfile(daemon)),
            "-P", "0",
            "--log", f"file:{router.run_dir / (daemon + '.log')}",
            "-f", str(router.run_dir / "boot.conf")]
    if daemon == "zebra":
        argv += list(_ZEBRA_ARGS)
    run(argv, netns=router.namespace, timeout=30.0)
    pid = read_pid(router.pidfile(daemon))
    if pid is None or not pid_alive(pid):
        log = router.run_dir / f"{daemon}.log"
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        raise LabError(f"{router.name}: {daemon} did not stay up"
                       f"{': ' + tail[0] if tail else ''}")
    if daemon == "zebra":
        wait_until(lambda: None if router.zserv.exists() else f"no {router.zserv} yet",
                   deadline_s=10.0, interval=0.02, what=f"{router.name}: zebra's socket")
    return pid


def load_config(router: RouterRun, path: Path) -> None:
    """Send the whole config at ``path`` to the router's daemons (``vtysh -f``)."""
    out = run(["vtysh", "--vty_socket", str(router.run_dir), "-f", str(path)],
              timeout=60.0, check=False)
    errors = [ln for ln in out.splitlines() if ln.startswith(("%", "line "))]
    if errors:
        raise LabError(f"{router.name}: FRR rejected {path.name}: {errors[0]}")


def vtysh(router: RouterRun, command: str, *, timeout: float = 30.0) -> str:
    """Run one vtysh command on the router and return its text output."""
    return run(["vtysh", "--vty_socket", str(router.run_dir), "-c", command],
               timeout=timeout)


def vtysh_json(router: RouterRun, command: str, *, timeout: float = 30.0) -> Any:
    """Run a ``show … json`` command and return the decoded JSON."""
    cmd = command if command.rstrip().endswith(" json") else f"{command} json"
    text = vtysh(router, cmd, timeout=timeout)
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        raise LabError(f"{router.name}: '{cmd}' did not return JSON: "
                       f"{text.strip().splitlines()[0][:120]}") from None
