"""Helpers shared by the CLI modules: state, output, errors."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console

from netlab.errors import NetlabError

__all__ = ["State", "check_output_parent", "console", "echo_json", "fail", "guarded"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class State:
    debug: bool = False


PIPE_WIDTH = 160
"""Width of tables written to a pipe or file: wide enough that rows do not wrap."""


def console() -> Console:
    """A rich console on stdout; plain when stdout is not a terminal.

    Rich falls back to 80 columns when it cannot see a terminal, which folds
    a links table into unreadable cells in a pipe or a file; there we use
    :data:`PIPE_WIDTH` unless ``COLUMNS`` says otherwise.
    """
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPE_WIDTH
    return Console(soft_wrap=False, highlight=False, width=width)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False, default=str))


def fail(message: str) -> NoReturn:
    """Print ``netlab: error: message`` on stderr and exit 2."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    click.echo(f"netlab: error: {first}", err=True)
    sys.exit(2)


def check_output_parent(path: str | Path) -> None:
    """Refuse an output whose directory does not exist.

    A mistyped ``-o /tmp/snpa/x`` must not quietly create ``/tmp/snpa``: the
    person is told, as ``cp`` or a compiler would.
    """
    parent = Path(path).absolute().parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise NetlabError(f"cannot write here: directory {parent} {what}", path=path)


def guarded(fn: F) -> F:
    """Turn a NetlabError raised by a command into ``netlab: error: ...`` and exit 2
    (re-raised with ``--debug``). The top-level group does the same for ``netlab …``;
    this covers a command group invoked on its own (tests, entry points)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NetlabError as exc:
            state = click.get_current_context().find_object(State)
            if state is not None and state.debug:
                raise
            fail(str(exc))

    return wrapper  # type: ignore[return-value]
