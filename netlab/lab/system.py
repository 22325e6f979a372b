"""The host side of the live lab: running commands, checking prerequisites, finding processes.

Every external command goes through :func:`run`, which is bounded by a
timeout and turns a failure into a :class:`~netlab.errors.LabError` naming the
command and its first line of error output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from netlab.errors import LabError

__all__ = [
    "FRR_DIR",
    "ProcessInfo",
    "is_root",
    "kill_pid",
    "pid_alive",
    "processes",
    "require_frr",
    "require_root",
    "run",
]

FRR_DIR = Path("/usr/lib/frr")


def is_root() -> bool:
    """True when running as root (the live lab creates namespaces)."""
    return os.geteuid() == 0


def require_root() -> None:
    if not is_root():
        raise LabError("the live lab needs root: run with sudo")


def require_frr() -> None:
    """Raise a one-line LabError when FRR or iproute2 is missing."""
    for daemon in ("zebra", "isisd", "bgpd", "staticd"):
        if not (FRR_DIR / daemon).exists():
            raise LabError(f"FRR is not installed ({FRR_DIR / daemon} missing): "
                           "apt-get install frr")
    if shutil.which("vtysh") is None:
        raise LabError("FRR's vtysh is not installed: apt-get install frr")
    if shutil.which("ip") is None:
        raise LabError("iproute2 is not installed: apt-get install iproute2")


def run(argv: Sequence[str], *, timeout: float = 30.0, check: bool = True,
        input_text: str | None = None, netns: str | None = None) -> str:
    """Run ``argv`` (inside ``netns`` when given) and return its stdout.

    Raises :class:`LabError` when it exits non-zero (if ``check``) or runs
    longer than ``timeout`` seconds.
    """
    full = ["ip", "netns", "exec", netns, *argv] if netns else list(argv)
    try:
        proc = subprocess.run(full, input=input_text, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise LabError(f"{' '.join(full)} did not finish within {timeout:g} s") from None
    except FileNotFoundError:
        raise LabError(f"{full[0]} is not installed") from None
    if check and proc.returncode != 0:
        err = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        first = err[0] if err else f"exit code {proc.returncode}"
        raise LabError(f"{' '.join(full[:8])}{' …' if len(full) > 8 else ''} failed: {first}")
    return proc.stdout


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """A process seen in /proc: pid, command line and network namespace inode."""

    pid: int
    argv: tuple[str, ...]
    netns_inode: int | None


def processes() -> list[ProcessInfo]:
    """Every process visible in /proc (those that vanish while reading are skipped)."""
    out: list[ProcessInfo] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if not raw:
            continue
        inode: int | None
        try:
            inode = os.stat(entry / "ns" / "net").st_ino
        except OSError:
            inode = None
        argv = tuple(a.decode(errors="replace") for a in raw.rstrip(b"\0").split(b"\0"))
        out.append(ProcessInfo(int(entry.name), argv, inode))
    return out


def pid_alive(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def kill_pid(pid: int, sig: int = signal.SIGKILL) -> bool:
    """Send ``sig`` to ``pid``; True if it was delivered."""
    if pid <= 1:
        return False
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return False
    except PermissionError as exc:
        raise LabError(f"cannot signal process {pid}: {exc}") from None
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
    return True
