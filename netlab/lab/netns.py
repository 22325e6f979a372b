"""Network namespaces and veth pairs: the lab's layer 1.

Each router is a network namespace; each physical link is a veth pair created
directly inside the two namespaces with the interface names of the all-FRR
rendering (``eth<slot>-<port>``), so nothing ever appears in the host's own
namespace. Commands are sent to ``ip`` in batches (``ip -batch``), which keeps
a 100-router lab's layer 1 to a second or two.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from netlab.errors import LabError
from netlab.lab.names import ns_prefix
from netlab.lab.state import VethRecord
from netlab.lab.system import run

__all__ = [
    "NETNS_DIR",
    "SYSCTLS",
    "add_namespaces",
    "add_veths",
    "delete_namespaces",
    "interface_state",
    "list_namespaces",
    "namespace_inode",
    "set_links",
    "set_mtu_and_up",
]

NETNS_DIR = Path("/run/netns")
_MAX_IFNAME = 15


def _batch(lines: Sequence[str], *, netns: str | None = None, force: bool = False,
           timeout: float = 60.0) -> None:
    if not lines:
        return
    argv = ["ip"]
    if netns:
        argv += ["-n", netns]
    if force:
        argv.append("-force")
    run([*argv, "-batch", "-"], input_text="\n".join(lines) + "\n", timeout=timeout,
        check=not force)


def list_namespaces(prefix: str | None = None) -> list[str]:
    """Names of the network namespaces starting with ``prefix`` (netlab's by default)."""
    prefix = prefix if prefix is not None else ns_prefix()
    if not NETNS_DIR.is_dir():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(prefix))


def namespace_inode(name: str) -> int | None:
    """The inode that identifies namespace ``name`` (as /proc/<pid>/ns/net shows it)."""
    try:
        return os.stat(NETNS_DIR / name).st_ino
    except OSError:
        return None


def add_namespaces(names: Iterable[str]) -> None:
    """Create the namespaces (an existing one is an error: it belongs to someone)."""
    wanted = list(names)
    clash = [n for n in wanted if (NETNS_DIR / n).exists()]
    if clash:
        raise LabError(f"network namespace {clash[0]} already exists: another lab of "
                       "this name is running (netlab lab down --name …, or --all)")
    _batch([f"netns add {n}" for n in wanted])


def add_veths(veths: Iterable[VethRecord], mtus: dict[tuple[str, str], int]) -> None:
    """Create each veth pair directly inside its two namespaces, with its MTU set.

    ``mtus`` maps (namespace, interface) to the *IP* MTU, which on Linux is
    the interface MTU.
    """
    lines = []
    for v in veths:
        for name in (v.if_a, v.if_b):
            if len(name) > _MAX_IFNAME:
                raise LabError(f"interface name {name!r} is longer than {_MAX_IFNAME} "
                               "characters")
        mtu_a = mtus.get((v.ns_a, v.if_a), 1500)
        mtu_b = mtus.get((v.ns_b, v.if_b), 1500)
        lines.append(f"link add {v.if_a} netns {v.ns_a} mtu {mtu_a} type veth "
                     f"peer name {v.if_b} netns {v.ns_b} mtu {mtu_b}")
    _batch(lines, timeout=120.0)


SYSCTLS = (
    # Linux flushes an interface's IPv6 addresses when it goes admin down and
    # zebra does not put them back: a failed-then-restored link would lose IPv6.
    "net.ipv6.conf.all.keep_addr_on_down=1",
    "net.ipv6.conf.default.keep_addr_on_down=1",
)


def set_mtu_and_up(netns: str, interfaces: Iterable[tuple[str, int]]) -> None:
    """Set the lab's sysctls, then bring ``lo`` and each (interface, MTU) up."""
    run(["sysctl", "-q", "-w", *SYSCTLS], netns=netns)
    lines = ["link set lo up"]
    lines += [f"link set dev {name} mtu {mtu} up" for name, mtu in interfaces]
    _batch(lines, netns=netns)


def set_links(items: Iterable[tuple[str, str]], up: bool) -> None:
    """Set each (namespace, interface) administratively up or down.

    Namespaces that no longer exist (a failed router whose namespace is gone)
    are skipped.
    """
    by_ns: dict[str, list[str]] = {}
    for ns, name in items:
        by_ns.setdefault(ns, []).append(name)
    state = "up" if up else "down"
    for ns, names in by_ns.items():
        if (NETNS_DIR / ns).exists():
            _batch([f"link set dev {n} {state}" for n in names], netns=ns)


def interface_state(netns: str, name: str) -> str:
    """``UP``, ``DOWN`` or ``LOWERLAYERDOWN`` as ``ip -br link`` reports it."""
    out = run(["ip", "-n", netns, "-br", "link", "show", "dev", name], timeout=10.0)
    fields = out.split()
    if len(fields) < 2:
        raise LabError(f"cannot read the state of {name} in {netns}")
    return fields[1]


def delete_namespaces(names: Iterable[str]) -> None:
    """Delete the namespaces (and with them their veths); absent ones are fine."""
    present = [n for n in names if (NETNS_DIR / n).exists()]
    _batch([f"netns del {n}" for n in present], force=True, timeout=120.0)
    left = [n for n in present if (NETNS_DIR / n).exists()]
    if left:
        raise LabError(f"could not delete network namespace {left[0]}"
                       f"{f' and {len(left) - 1} more' if len(left) > 1 else ''}")
