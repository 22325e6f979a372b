"""The live lab cleans up after Ctrl-C and after netlab itself is killed (kill -9).

Each test starts ``netlab lab up`` as a subprocess, interrupts or kills it
while routers are starting, and checks that no namespace, veth, FRR process
or state file of netlab is left. ``netlab lab down --all`` sweeps every
namespace with netlab's prefix, so the module runs in a private prefix and
state directory (:func:`~netlab.lab.names.private_space`): it never touches
another netlab on the machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from netlab.lab.names import ns_prefix, private_space, state_dir
from netlab.lab.netns import list_namespaces
from netlab.lab.poll import wait_until
from netlab.lab.state import StateFile, list_state_files
from netlab.lab.system import FRR_DIR, processes

pytestmark = pytest.mark.live
TAG = "c"

LAB = "t-crash"
CLI = [sys.executable, "-c", "from netlab.cli import main; main()"]


def _netlab_daemons() -> list[int]:
    return [p.pid for p in processes()
            if p.argv[0].startswith(str(FRR_DIR)) and any(a.startswith(ns_prefix())
                                                         for a in p.argv)]


def _host_links() -> set[str]:
    return set(os.listdir("/sys/class/net"))


@pytest.fixture(scope="module", autouse=True)
def private_lab_space() -> Iterator[None]:
    """This module's labs live apart from any other netlab on the machine."""
    with private_space(f"{TAG}{os.getpid()}"):
        yield


@pytest.fixture
def quiet_machine() -> Iterator[set[str]]:
    """An empty private lab space; always sweep what this test leaves."""
    assert not list_state_files() and not list_namespaces()
    links = _host_links()
    try:
        yield links
    finally:
        subprocess.run([*CLI, "lab", "down", "--all"], capture_output=True, timeout=120,
                       check=False)


def _start_and_wait_for_daemons() -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([*CLI, "lab", "up", "classic-small", "--name", LAB],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run_dir = state_dir() / LAB

    def started() -> str | None:
        if proc.poll() is not None:
            return f"netlab lab up exited early with {proc.returncode}"
        pids = list(run_dir.glob("*/zebra.pid"))
        return None if len(pids) >= 3 else f"{len(pids)} zebra(s) started"

    try:
        wait_until(started, deadline_s=120, interval=0.05, what="routers to start")
    except BaseException:
        proc.kill()
        proc.wait(timeout=30)
        raise
    assert proc.poll() is None, "the lab came up before it could be interrupted"
    return proc


def _assert_nothing_left(host_links: set[str]) -> None:
    assert list_namespaces() == []
    assert _netlab_daemons() == []
    assert not StateFile(LAB).exists()
    assert not (state_dir() / LAB).exists()
    assert _host_links() == host_links  # no veth ever appeared in the host namespace


def test_ctrl_c_during_up_removes_everything(quiet_machine: set[str]) -> None:
    proc = _start_and_wait_for_daemons()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=120) == 130
    _assert_nothing_left(quiet_machine)


def test_kill_9_during_up_then_down_all_removes_everything(quiet_machine: set[str]) -> None:
    proc = _start_and_wait_for_daemons()
    proc.kill()
    proc.wait(timeout=30)
    assert StateFile(LAB).exists()
    assert list_namespaces() and _netlab_daemons()  # the crash left the lab behind
    result = subprocess.run([*CLI, "lab", "down", "--all"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert f"({LAB})" in result.stdout
    _assert_nothing_left(quiet_machine)


def test_down_all_sweeps_what_no_state_file_records(quiet_machine: set[str]) -> None:
    proc = _start_and_wait_for_daemons()
    proc.kill()
    proc.wait(timeout=30)
    StateFile(LAB).remove()  # as if the state file were lost too
    left = list_namespaces()
    assert left
    result = subprocess.run([*CLI, "lab", "down", "--all"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert f"{len(left)} stray namespace(s)" in result.stdout
    _assert_nothing_left(quiet_machine)


def test_the_state_file_is_written_before_anything_exists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build() records the namespaces before it creates them; an interrupt cleans up."""
    from netlab.lab import netns
    from netlab.lab.lab import Lab
    from netlab.lab.plan import plan_source

    plan = plan_source("classic-small", "t-order")
    seen: list[tuple[str, ...]] = []

    def interrupted(names: object) -> None:
        seen.append(StateFile("t-order", tmp_path).load().namespaces)
        raise KeyboardInterrupt  # stop right there, as Ctrl-C would

    monkeypatch.setattr(netns, "add_namespaces", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Lab.start(plan, directory=tmp_path)
    assert seen and len(seen[0]) == 15
    assert not StateFile("t-order", tmp_path).exists()
