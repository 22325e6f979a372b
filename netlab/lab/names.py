"""Names of what the live lab creates, chosen so netlab can always find them again.

Every network namespace is ``netlab-<lab>-<router>`` (:func:`ns_prefix` first,
so ``netlab lab down --all`` can sweep namespaces no state file records, and
never touches anyone else's). Names that would be too long are cut and end in
a short hash of the full name, so they stay unique and stable. Every FRR
daemon is started with ``-N <namespace>`` and a run directory under
``<state dir>/<lab>/``, so its command line names its lab too.

>>> namespace_name("classic-small", "bb1-ams")
'netlab-classic-small-bb1-ams'
>>> len(namespace_name("lab", "r" * 80)) <= MAX_NS_LEN
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from netlab.errors import LabError

__all__ = [
    "DEFAULT_STATE_DIR",
    "MAX_NS_LEN",
    "NS_PREFIX",
    "check_lab_name",
    "fit",
    "lab_name_for",
    "namespace_name",
    "ns_prefix",
    "private_space",
    "router_dir_name",
    "state_dir",
]

NS_PREFIX = "netlab-"
MAX_NS_LEN = 48
"""Namespaces are files under /run/netns; 48 keeps ``ip`` output and paths readable."""
DEFAULT_STATE_DIR = Path("/run/netlab")
_MAX_ROUTER_DIR = 24  # keeps <state>/<lab>/<router>/staticd.vty under the 108-byte socket limit
_LAB_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")
_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{0,14}-$")


def ns_prefix() -> str:
    """The prefix of every namespace netlab creates (``NETLAB_NS_PREFIX`` overrides).

    An override keeps a test run's labs, and its ``down --all`` sweep, apart
    from any other netlab on the machine.
    """
    env = os.environ.get("NETLAB_NS_PREFIX")
    if not env:
        return NS_PREFIX
    if not _PREFIX_RE.match(env):
        raise LabError(f"NETLAB_NS_PREFIX {env!r} must be 2-16 characters of a-z, 0-9 and "
                       "'-', ending with '-'")
    return env


def state_dir() -> Path:
    """Where lab state files and run directories live (``NETLAB_STATE_DIR`` overrides)."""
    env = os.environ.get("NETLAB_STATE_DIR")
    return Path(env) if env else DEFAULT_STATE_DIR


def fit(name: str, limit: int) -> str:
    """``name`` if it fits in ``limit`` characters, else its head plus an 8-hex hash."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}-{digest}"


def check_lab_name(name: str) -> str:
    """Return ``name`` if it is a valid lab name, else raise :class:`LabError`."""
    if not _LAB_RE.match(name):
        raise LabError(f"lab name {name!r} must be 1-24 characters of a-z, 0-9 and '-', "
                       "starting with a letter or digit")
    return name


def lab_name_for(source_name: str) -> str:
    """A valid default lab name derived from a topology or snapshot name."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", source_name.lower()).strip("-") or "lab"
    return fit(cleaned, 24).strip("-")


def namespace_name(lab: str, router: str) -> str:
    """The network namespace of ``router`` in ``lab``."""
    prefix = ns_prefix()
    return prefix + fit(f"{lab}-{router}", MAX_NS_LEN - len(prefix))


def router_dir_name(router: str) -> str:
    """The run-directory name of a router (short enough for unix socket paths)."""
    return fit(router, _MAX_ROUTER_DIR)


@contextlib.contextmanager
def private_space(tag: str) -> Iterator[Path]:
    """Run labs under their own namespace prefix and state directory.

    Inside, namespaces are ``nl<tag>-<lab>-<router>`` and state lives in
    ``/run/netlab-<tag>``, so these labs and a ``down --all`` among them never
    meet another netlab on the machine (two test runs at once, or a person's
    lab). The directory is removed on exit.
    """
    directory = Path("/run") / f"netlab-{tag}"
    keys = ("NETLAB_STATE_DIR", "NETLAB_NS_PREFIX")
    old = {k: os.environ.get(k) for k in keys}
    os.environ["NETLAB_STATE_DIR"] = str(directory)
    os.environ["NETLAB_NS_PREFIX"] = f"nl{tag}-"
    ns_prefix()  # validate the tag now
    try:
        yield directory
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(directory, ignore_errors=True)
